import { decodeTime, ulid } from 'ulid';
import { Entry } from '../src/entries/entry.js';
import { EntryQuery, EntryRepository, RetentionPolicy } from '../src/storage/entry-repository.js';

/** What a spec hands the contract: a fresh, empty repository and how to dispose of it. */
export interface ContractSubject {
  repo: EntryRepository;
  cleanup(): Promise<void>;
}

/** Builds an empty repository with the given retention; every call must be isolated from the others. */
export type MakeRepository = (retention: RetentionPolicy) => Promise<ContractSubject>;

const ROOMY: RetentionPolicy = { maxAgeMs: 60 * 60_000, maxEntriesPerType: 100_000 };
const MINUTE = 60_000;

/**
 * Ids with strictly increasing time parts (one ms apart), ending `endAgoMs` before now, so their
 * order is known whatever the random parts are.
 */
function idsAt(count: number, endAgoMs = 0): string[] {
  const start = Date.now() - endAgoMs - count;
  return Array.from({ length: count }, (_, i) => ulid(start + i));
}

function entry(id: string, fields: Partial<Entry> = {}): Entry {
  return {
    id,
    type: 'request',
    batchId: null,
    occurredAt: new Date(decodeTime(id)).toISOString(),
    durationMs: 1.5,
    familyHash: null,
    tags: {},
    content: { message: `entry ${id}` },
    ...fields,
  };
}

/** Follows `next` to the end, failing on a repeated id or a cursor that does not move. */
async function collect(repo: EntryRepository, query: EntryQuery): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let before: string | undefined = query.before;
  for (let pages = 1; pages <= 500; pages++) {
    const page = await repo.list({ ...query, before });
    ids.push(...page.data.map((e) => e.id));
    if (page.next === null) {
      expect(new Set(ids).size).toBe(ids.length);
      return { ids, pages };
    }
    expect(page.next).not.toBe(before);
    before = page.next;
  }
  throw new Error('paging did not terminate');
}

const newestFirst = (entries: Entry[]): string[] => entries.map((e) => e.id).sort().reverse();

/**
 * The storage contract: every EntryRepository implementation must pass it unchanged.
 * `make` is called per test (and twice where isolation between instances is checked).
 */
export function entryRepositoryContract(name: string, make: MakeRepository): void {
  describe(`EntryRepository contract: ${name}`, () => {
    const subjects: ContractSubject[] = [];
    const open = async (retention: RetentionPolicy = ROOMY): Promise<EntryRepository> => {
      const subject = await make(retention);
      subjects.push(subject);
      return subject.repo;
    };
    afterEach(async () => {
      await Promise.all(subjects.splice(0).map((s) => s.cleanup()));
    });

    describe('save and find', () => {
      it('round-trips an entry exactly and returns copies', async () => {
        const repo = await open();
        const [id] = idsAt(1);
        const saved = entry(id, {
          type: 'exception',
          batchId: 'b-1',
          familyHash: 'fam-1',
          durationMs: null,
          tags: { user: '42', 'odd key:=': 'odd:value=' },
          content: { class: 'Error', nested: { list: [1, 'two', null], ok: true }, text: 'ünïcødé "quoted"' },
        });
        await repo.save([saved]);
        const found = await repo.find(id);
        expect(found).toEqual(saved);
        found!.content.class = 'mutated';
        expect((await repo.find(id))!.content.class).toBe('Error');
      });

      it('returns null for an unknown id and accepts an empty save', async () => {
        const repo = await open();
        await repo.save([]);
        expect(await repo.find(ulid())).toBeNull();
        expect(await repo.find('not-a-ulid')).toBeNull();
        expect(await repo.list({ limit: 10 })).toEqual({ data: [], next: null });
      });

      it('is ready once constructed/connected', async () => {
        const repo = await open();
        expect(repo.isReady()).toBe(true);
      });
    });

    describe('saving again', () => {
      it('stores an entry saved twice (a retried flush) once', async () => {
        const repo = await open();
        const entries = idsAt(6).map((id) => entry(id, { tags: { env: 'prod' }, batchId: 'b' }));
        await repo.save(entries);
        await repo.save(entries.slice(2, 4));
        expect((await collect(repo, { limit: 4 })).ids).toEqual(newestFirst(entries));
        expect((await collect(repo, { limit: 4, tag: { key: 'env', value: 'prod' } })).ids).toEqual(newestFirst(entries));
        expect((await repo.batch('b')).map((e) => e.id)).toEqual(entries.map((e) => e.id));
        expect(await repo.count('request')).toBe(6);
      });
    });

    describe('list paging', () => {
      it('pages newest-first with `before` across many pages, without gaps or duplicates', async () => {
        const repo = await open();
        const entries = idsAt(250).map((id, i) => entry(id, { type: i % 2 ? 'request' : 'log' }));
        await repo.save(entries.slice(0, 100));
        await repo.save(entries.slice(100));
        const { ids, pages } = await collect(repo, { limit: 30 });
        expect(ids).toEqual(newestFirst(entries));
        expect(pages).toBe(9);
      });

      it('returns full pages and next=null exactly on the last page', async () => {
        const repo = await open();
        const entries = idsAt(90).map((id) => entry(id));
        await repo.save(entries);
        const expected = newestFirst(entries);
        const first = await repo.list({ limit: 30 });
        expect(first.data.map((e) => e.id)).toEqual(expected.slice(0, 30));
        expect(first.next).toBe(expected[29]);
        const second = await repo.list({ limit: 30, before: first.next! });
        expect(second.data.map((e) => e.id)).toEqual(expected.slice(30, 60));
        const third = await repo.list({ limit: 30, before: second.next! });
        expect(third.data.map((e) => e.id)).toEqual(expected.slice(60));
        expect(third.next).toBeNull();
      });

      it('treats `before` as strictly older, even for an id that is not stored', async () => {
        const repo = await open();
        const entries = idsAt(10).map((id) => entry(id));
        await repo.save(entries);
        const expected = newestFirst(entries);
        const page = await repo.list({ limit: 3, before: expected[4] });
        expect(page.data.map((e) => e.id)).toEqual(expected.slice(5, 8));
        const future = await repo.list({ limit: 100, before: ulid(Date.now() + MINUTE) });
        expect(future.data).toHaveLength(10);
      });

      it('orders by id even when saves arrive out of order', async () => {
        const repo = await open();
        const entries = idsAt(40).map((id) => entry(id));
        await repo.save(entries.slice(20));
        await repo.save(entries.slice(0, 20).reverse());
        expect((await collect(repo, { limit: 7 })).ids).toEqual(newestFirst(entries));
      });

      it('caps limit at 1000', async () => {
        const repo = await open();
        const entries = idsAt(1100).map((id) => entry(id));
        await repo.save(entries);
        const expected = newestFirst(entries);
        const page = await repo.list({ limit: 5000 });
        expect(page.data).toHaveLength(1000);
        expect(page.next).toBe(expected[999]);
        const rest = await repo.list({ limit: 5000, before: page.next! });
        expect(rest.data.map((e) => e.id)).toEqual(expected.slice(1000));
        expect(rest.next).toBeNull();
      });
    });

    describe('filters', () => {
      /** 300 entries over 3 types, 2 tag values, 4 families, 30 batches. */
      const corpus = (): Entry[] =>
        idsAt(300).map((id, i) =>
          entry(id, {
            type: ['request', 'log', 'exception'][i % 3],
            tags: { env: i % 2 ? 'prod' : 'dev', ...(i % 5 === 0 ? { user: 'alice' } : {}) },
            familyHash: i % 4 === 0 ? null : `fam-${i % 4}`,
            batchId: `batch-${Math.floor(i / 10)}`,
            content: { message: i % 7 === 0 ? `Payment FAILED for order ${i}` : `ok ${i}` },
          }),
        );

      const cases: Array<[string, EntryQuery, (e: Entry) => boolean]> = [
        ['type', { limit: 17, type: 'log' }, (e) => e.type === 'log'],
        ['tag', { limit: 17, tag: { key: 'env', value: 'prod' } }, (e) => e.tags.env === 'prod'],
        ['family', { limit: 17, family: 'fam-2' }, (e) => e.familyHash === 'fam-2'],
        ['batch', { limit: 4, batch: 'batch-7' }, (e) => e.batchId === 'batch-7'],
        ['q (case-insensitive)', { limit: 5, q: 'payment failed' }, (e) => String(e.content.message).includes('FAILED')],
        [
          'type + tag',
          { limit: 9, type: 'exception', tag: { key: 'user', value: 'alice' } },
          (e) => e.type === 'exception' && e.tags.user === 'alice',
        ],
        [
          'batch + type',
          { limit: 2, batch: 'batch-3', type: 'request' },
          (e) => e.batchId === 'batch-3' && e.type === 'request',
        ],
        [
          'family + tag + q',
          { limit: 3, family: 'fam-1', tag: { key: 'env', value: 'prod' }, q: 'FAILED' },
          (e) => e.familyHash === 'fam-1' && e.tags.env === 'prod' && String(e.content.message).includes('FAILED'),
        ],
        ['type + q matching nothing', { limit: 5, type: 'log', q: 'no such text' }, () => false],
        ['unknown type', { limit: 5, type: 'nope' }, () => false],
      ];

      it.each(cases)('filters by %s, newest first, across pages', async (_label, query, predicate) => {
        const repo = await open();
        const entries = corpus();
        await repo.save(entries);
        const expected = newestFirst(entries.filter(predicate));
        expect((await collect(repo, query)).ids).toEqual(expected);
      });

      it('does not confuse tag keys and values that contain separators', async () => {
        const repo = await open();
        const [a, b] = idsAt(2);
        await repo.save([entry(a, { tags: { 'a:b': 'c' } }), entry(b, { tags: { a: 'b:c' } })]);
        expect((await repo.list({ limit: 10, tag: { key: 'a:b', value: 'c' } })).data.map((e) => e.id)).toEqual([a]);
        expect((await repo.list({ limit: 10, tag: { key: 'a', value: 'b:c' } })).data.map((e) => e.id)).toEqual([b]);
        expect((await repo.list({ limit: 10, tag: { key: 'a', value: 'b' } })).data).toEqual([]);
      });

      it('finds q matches beyond the first scan chunk', async () => {
        const repo = await open();
        const entries = idsAt(450).map((id, i) => entry(id, { content: { message: i < 3 ? 'the Needle' : 'hay' } }));
        await repo.save(entries);
        const page = await repo.list({ limit: 10, q: 'needle' });
        expect(page.data.map((e) => e.id)).toEqual(newestFirst(entries.slice(0, 3)));
        expect(page.next).toBeNull();
      });

      it('bounds a q scan at 5000 entries and returns a cursor to continue from', async () => {
        const repo = await open();
        const entries = idsAt(5200).map((id, i) => entry(id, { content: { message: i === 0 ? 'needle' : 'hay' } }));
        await repo.save(entries);
        const expected = newestFirst(entries);
        const first = await repo.list({ limit: 10, q: 'needle' });
        expect(first.data).toEqual([]);
        expect(first.next).toBe(expected[4999]);
        const second = await repo.list({ limit: 10, q: 'needle', before: first.next! });
        expect(second.data.map((e) => e.id)).toEqual([entries[0].id]);
        expect(second.next).toBeNull();
      });

      it('returns the last examined id when a filtered page fills before the index ends', async () => {
        const repo = await open();
        const entries = idsAt(50).map((id) => entry(id, { content: { message: 'match' } }));
        await repo.save(entries);
        const page = await repo.list({ limit: 10, q: 'MATCH' });
        expect(page.data).toHaveLength(10);
        expect(page.next).toBe(newestFirst(entries)[9]);
      });
    });

    describe('batch()', () => {
      it('returns every entry of a batch oldest first, and nothing for an unknown batch', async () => {
        const repo = await open();
        const entries = idsAt(12).map((id, i) => entry(id, { batchId: i % 3 === 0 ? 'b-x' : 'b-y', type: i % 2 ? 'log' : 'request' }));
        await repo.save(entries.slice(6));
        await repo.save(entries.slice(0, 6));
        const batch = await repo.batch('b-x');
        expect(batch.map((e) => e.id)).toEqual(entries.filter((e) => e.batchId === 'b-x').map((e) => e.id));
        expect(batch[0]).toEqual(entries[0]);
        expect(await repo.batch('unknown')).toEqual([]);
      });

      it('is bounded to the 1000 oldest entries', async () => {
        const repo = await open();
        const entries = idsAt(1005).map((id) => entry(id, { batchId: 'big' }));
        await repo.save(entries);
        const batch = await repo.batch('big');
        expect(batch.map((e) => e.id)).toEqual(entries.slice(0, 1000).map((e) => e.id));
      });
    });

    describe('families', () => {
      const exception = (id: string, familyHash: string, message: string, type = 'exception'): Entry =>
        entry(id, {
          type,
          familyHash,
          content: { class: 'TypeError', message, location: 'src/app.ts:12', status: 500, handled: false, stack: ['a', 'b'] },
        });

      it('maintains count, firstSeen, lastSeen and the newest summary across saves', async () => {
        const repo = await open();
        const ids = idsAt(6);
        await repo.save([exception(ids[0], 'f1', 'first'), exception(ids[1], 'f1', 'second')]);
        await repo.save([exception(ids[2], 'f2', 'other')]);
        await repo.save([exception(ids[3], 'f1', 'third')]);
        const family = await repo.family('exception', 'f1');
        expect(family).toEqual({
          type: 'exception',
          familyHash: 'f1',
          count: 3,
          firstSeen: new Date(decodeTime(ids[0])).toISOString(),
          lastSeen: new Date(decodeTime(ids[3])).toISOString(),
          lastEntryId: ids[3],
          summary: { class: 'TypeError', message: 'third', location: 'src/app.ts:12', status: '500', handled: 'false' },
        });
        expect((await repo.family('exception', 'f2'))!.count).toBe(1);
        expect(await repo.family('exception', 'nope')).toBeNull();
        expect(await repo.family('query', 'f1')).toBeNull();
      });

      it('keeps the newest summary and the oldest firstSeen when saves arrive out of order', async () => {
        const repo = await open();
        const ids = idsAt(3);
        await repo.save([exception(ids[1], 'f1', 'middle')]);
        await repo.save([exception(ids[2], 'f1', 'newest')]);
        await repo.save([exception(ids[0], 'f1', 'oldest')]);
        const family = (await repo.family('exception', 'f1'))!;
        expect(family.count).toBe(3);
        expect(family.firstSeen).toBe(new Date(decodeTime(ids[0])).toISOString());
        expect(family.lastEntryId).toBe(ids[2]);
        expect(family.lastSeen).toBe(new Date(decodeTime(ids[2])).toISOString());
        expect(family.summary.message).toBe('newest');
      });

      it('lists families of a type most recently seen first, with paging', async () => {
        const repo = await open();
        const ids = idsAt(8);
        await repo.save([exception(ids[0], 'a', 'm'), exception(ids[1], 'b', 'm'), exception(ids[2], 'c', 'm')]);
        await repo.save([exception(ids[3], 'd', 'm'), exception(ids[4], 'e', 'm')]);
        await repo.save([exception(ids[5], 'b', 'm')]); // b becomes the most recent
        await repo.save([exception(ids[6], 'z', 'm', 'query')]); // another type
        const seen: string[] = [];
        let before: string | undefined;
        for (let i = 0; i < 10; i++) {
          const page = await repo.families({ type: 'exception', limit: 2, before });
          seen.push(...page.data.map((f) => f.familyHash));
          if (!page.next) break;
          expect(page.data).toHaveLength(2);
          before = page.next;
        }
        expect(seen).toEqual(['b', 'e', 'd', 'c', 'a']);
        const all = await repo.families({ type: 'exception', limit: 50 });
        expect(all.next).toBeNull();
        expect(all.data.find((f) => f.familyHash === 'b')!.count).toBe(2);
        expect((await repo.families({ type: 'query', limit: 5 })).data.map((f) => f.familyHash)).toEqual(['z']);
        expect(await repo.families({ type: 'unknown', limit: 5 })).toEqual({ data: [], next: null });
      });

      it('caps the families page at 1000', async () => {
        const repo = await open();
        await repo.save(idsAt(1001).map((id, i) => exception(id, `h${i}`, 'm')));
        const page = await repo.families({ type: 'exception', limit: 5000 });
        expect(page.data).toHaveLength(1000);
        expect(page.data[0].familyHash).toBe('h1000');
        const rest = await repo.families({ type: 'exception', limit: 5000, before: page.next! });
        expect(rest.data.map((f) => f.familyHash)).toEqual(['h0']);
        expect(rest.next).toBeNull();
      });
    });

    describe('count()', () => {
      it('counts the entries of each type', async () => {
        const repo = await open();
        const entries = idsAt(30).map((id, i) => entry(id, { type: i < 20 ? 'request' : 'log' }));
        await repo.save(entries.slice(0, 25));
        await repo.save(entries.slice(25));
        expect(await repo.count('request')).toBe(20);
        expect(await repo.count('log')).toBe(10);
        expect(await repo.count('nope')).toBe(0);
      });
    });

    describe('retention', () => {
      it('keeps only the newest maxEntriesPerType entries per type after prune(), everywhere', async () => {
        const repo = await open({ maxAgeMs: 60 * MINUTE, maxEntriesPerType: 10 });
        const requests = idsAt(25).map((id, i) =>
          entry(id, { tags: { env: 'prod' }, batchId: 'b1', familyHash: 'f', content: { message: `r${i}` } }),
        );
        const logs = idsAt(3).map((id) => entry(id, { type: 'log', tags: { env: 'prod' } }));
        for (let i = 0; i < 25; i += 5) await repo.save(requests.slice(i, i + 5));
        await repo.save(logs);
        await repo.prune();
        const kept = requests.slice(15);
        expect(await repo.count('request')).toBe(10);
        expect(await repo.count('log')).toBe(3);
        expect((await collect(repo, { limit: 4, type: 'request' })).ids).toEqual(newestFirst(kept));
        expect((await collect(repo, { limit: 4, tag: { key: 'env', value: 'prod' } })).ids).toEqual(newestFirst([...kept, ...logs]));
        expect((await collect(repo, { limit: 4, family: 'f' })).ids).toEqual(newestFirst(kept));
        expect((await collect(repo, { limit: 4 })).ids).toEqual(newestFirst([...kept, ...logs]));
        expect((await repo.batch('b1')).map((e) => e.id)).toEqual(kept.map((e) => e.id));
        expect(await repo.find(requests[0].id)).toBeNull();
        expect(await repo.find(requests[14].id)).toBeNull();
        expect(await repo.find(requests[15].id)).toEqual(requests[15]);
        // The aggregate keeps counting what was seen, even once entries are evicted.
        expect((await repo.family('request', 'f'))!.count).toBe(25);
      });

      it('evicts by id order, even when an old entry arrives late', async () => {
        const repo = await open({ maxAgeMs: 60 * MINUTE, maxEntriesPerType: 5 });
        const entries = idsAt(15).map((id) => entry(id));
        await repo.save(entries.slice(5, 10));
        await repo.save(entries.slice(10));
        await repo.save([entries[0]]);
        await repo.prune();
        expect((await repo.list({ limit: 100 })).data.map((e) => e.id)).toEqual(newestFirst(entries.slice(10)));
        expect(await repo.count('request')).toBe(5);
      });

      it('drops entries and families older than maxAgeMs after prune()', async () => {
        const repo = await open({ maxAgeMs: MINUTE, maxEntriesPerType: 1000 });
        const old = idsAt(5, 10 * MINUTE).map((id) =>
          entry(id, { tags: { env: 'prod' }, batchId: 'b1', familyHash: 'old-family' }),
        );
        const fresh = idsAt(5).map((id) => entry(id, { tags: { env: 'prod' }, batchId: 'b1', familyHash: 'new-family' }));
        await repo.save(old);
        await repo.save(fresh);
        await repo.prune();
        expect(await repo.count('request')).toBe(5);
        expect((await collect(repo, { limit: 2 })).ids).toEqual(newestFirst(fresh));
        expect((await collect(repo, { limit: 2, tag: { key: 'env', value: 'prod' } })).ids).toEqual(newestFirst(fresh));
        expect((await collect(repo, { limit: 2, q: 'entry' })).ids).toEqual(newestFirst(fresh));
        expect((await repo.batch('b1')).map((e) => e.id)).toEqual(fresh.map((e) => e.id));
        expect(await repo.find(old[4].id)).toBeNull();
        expect(await repo.family('request', 'old-family')).toBeNull();
        const families = await repo.families({ type: 'request', limit: 10 });
        expect(families.data.map((f) => f.familyHash)).toEqual(['new-family']);
      });

      it('never returns entries older than maxAgeMs, even before prune()', async () => {
        const repo = await open({ maxAgeMs: MINUTE, maxEntriesPerType: 1000 });
        const old = idsAt(3, 10 * MINUTE).map((id) => entry(id, { batchId: 'b' }));
        await repo.save(old);
        expect(await repo.find(old[0].id)).toBeNull();
        expect((await repo.list({ limit: 10 })).data).toEqual([]);
        expect(await repo.batch('b')).toEqual([]);
      });

      it('keeps at most maxEntriesPerType families per type, dropping the least recently seen', async () => {
        const repo = await open({ maxAgeMs: 60 * MINUTE, maxEntriesPerType: 3 });
        const ids = idsAt(5);
        for (let i = 0; i < 5; i++) await repo.save([entry(ids[i], { type: 'exception', familyHash: `f${i}` })]);
        await repo.prune();
        const page = await repo.families({ type: 'exception', limit: 10 });
        expect(page.data.map((f) => f.familyHash)).toEqual(['f4', 'f3', 'f2']);
        expect(await repo.family('exception', 'f0')).toBeNull();
      });
    });

    describe('clear()', () => {
      it('removes everything it stored and leaves other repositories alone', async () => {
        const repo = await open();
        const other = await open();
        const entries = idsAt(20).map((id, i) =>
          entry(id, { tags: { env: 'prod' }, batchId: 'b1', familyHash: 'f', type: i % 2 ? 'log' : 'request' }),
        );
        await repo.save(entries);
        await other.save(entries.slice(0, 5));
        await repo.clear();
        expect(await repo.list({ limit: 100 })).toEqual({ data: [], next: null });
        expect((await repo.list({ limit: 100, tag: { key: 'env', value: 'prod' } })).data).toEqual([]);
        expect(await repo.count('request')).toBe(0);
        expect(await repo.find(entries[0].id)).toBeNull();
        expect(await repo.batch('b1')).toEqual([]);
        expect(await repo.family('request', 'f')).toBeNull();
        expect((await repo.families({ type: 'request', limit: 10 })).data).toEqual([]);
        // The other instance/prefix is untouched.
        expect((await other.list({ limit: 100 })).data.map((e) => e.id)).toEqual(newestFirst(entries.slice(0, 5)));
        expect((await other.family('request', 'f'))!.count).toBe(3);
        // And the cleared repository keeps working.
        await repo.save([entries[19]]);
        expect((await repo.list({ limit: 10 })).data).toEqual([entries[19]]);
        expect((await repo.family('log', 'f'))!.count).toBe(1);
      });
    });
  });
}
