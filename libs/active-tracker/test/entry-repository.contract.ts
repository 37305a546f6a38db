import { decodeTime, ulid } from 'ulid';
import { Entry } from '../src/entries/entry.js';
import { EntryQuery, EntryRepository, RetentionPolicy } from '../src/storage/entry-repository.js';
import { CounterIncrement } from '../src/storage/counters.js';
import { prepareEntry } from '../src/storage/prepared-entry.js';

/** What a spec hands the contract: a fresh, empty repository and how to dispose of it. */
export interface ContractSubject {
  repo: EntryRepository;
  /**
   * Another handle on the same store (a second app instance sharing one Redis; the same object in
   * memory), for idempotence and write notifications across instances.
   */
  twin(): Promise<EntryRepository>;
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
    version: 1,
    ...fields,
  };
}

/** Saves plain entries through the prepared-entry path (what the recorder hands a store). */
function put(repo: EntryRepository, entries: Entry[], extra: { counters?: CounterIncrement[]; weight?: number; latestOnly?: boolean } = {}): Promise<void> {
  return repo.save(entries.map((e) => prepareEntry(e, extra)));
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

/** Retries `check` every 20 ms for up to 3 s. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met within 3 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const newestFirst = (entries: Entry[]): string[] =>
  entries
    .map((e) => e.id)
    .sort()
    .reverse();

/**
 * The storage contract: every EntryRepository implementation must pass it unchanged.
 * `make` is called per test (and twice where isolation between instances is checked).
 */
export function entryRepositoryContract(name: string, make: MakeRepository): void {
  describe(`EntryRepository contract: ${name}`, () => {
    const subjects: ContractSubject[] = [];
    const twins = new Map<EntryRepository, ContractSubject>();
    const open = async (retention: RetentionPolicy = ROOMY): Promise<EntryRepository> => {
      const subject = await make(retention);
      subjects.push(subject);
      twins.set(subject.repo, subject);
      return subject.repo;
    };
    const twinOf = (repo: EntryRepository): Promise<EntryRepository> => twins.get(repo)!.twin();
    afterEach(async () => {
      twins.clear();
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
        await put(repo, [saved]);
        const found = await repo.find(id);
        expect(found).toEqual(saved);
        found!.content.class = 'mutated';
        expect((await repo.find(id))!.content.class).toBe('Error');
      });

      it('returns null for an unknown id and accepts an empty save', async () => {
        const repo = await open();
        await put(repo, []);
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
        await put(repo, entries);
        await put(repo, entries.slice(2, 4));
        expect((await collect(repo, { limit: 4 })).ids).toEqual(newestFirst(entries));
        expect((await collect(repo, { limit: 4, tags: [{ key: 'env', value: 'prod' }] })).ids).toEqual(newestFirst(entries));
        expect((await repo.batch('b')).map((e) => e.id)).toEqual(entries.map((e) => e.id));
        expect(await repo.count('request')).toBe(6);
      });
    });

    describe('list paging', () => {
      it('pages newest-first with `before` across many pages, without gaps or duplicates', async () => {
        const repo = await open();
        const entries = idsAt(250).map((id, i) => entry(id, { type: i % 2 ? 'request' : 'log' }));
        await put(repo, entries.slice(0, 100));
        await put(repo, entries.slice(100));
        const { ids, pages } = await collect(repo, { limit: 30 });
        expect(ids).toEqual(newestFirst(entries));
        expect(pages).toBe(9);
      });

      it('returns full pages and next=null exactly on the last page', async () => {
        const repo = await open();
        const entries = idsAt(90).map((id) => entry(id));
        await put(repo, entries);
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
        await put(repo, entries);
        const expected = newestFirst(entries);
        const page = await repo.list({ limit: 3, before: expected[4] });
        expect(page.data.map((e) => e.id)).toEqual(expected.slice(5, 8));
        const future = await repo.list({ limit: 100, before: ulid(Date.now() + MINUTE) });
        expect(future.data).toHaveLength(10);
      });

      it('orders by id even when saves arrive out of order', async () => {
        const repo = await open();
        const entries = idsAt(40).map((id) => entry(id));
        await put(repo, entries.slice(20));
        await put(repo, entries.slice(0, 20).reverse());
        expect((await collect(repo, { limit: 7 })).ids).toEqual(newestFirst(entries));
      });

      it('caps limit at 1000', async () => {
        const repo = await open();
        const entries = idsAt(1100).map((id) => entry(id));
        await put(repo, entries);
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
        ['tag', { limit: 17, tags: [{ key: 'env', value: 'prod' }] }, (e) => e.tags.env === 'prod'],
        ['family', { limit: 17, family: 'fam-2' }, (e) => e.familyHash === 'fam-2'],
        ['batch', { limit: 4, batch: 'batch-7' }, (e) => e.batchId === 'batch-7'],
        ['q (case-insensitive)', { limit: 5, q: 'payment failed' }, (e) => String(e.content.message).includes('FAILED')],
        ['type + tag', { limit: 9, type: 'exception', tags: [{ key: 'user', value: 'alice' }] }, (e) => e.type === 'exception' && e.tags.user === 'alice'],
        ['batch + type', { limit: 2, batch: 'batch-3', type: 'request' }, (e) => e.batchId === 'batch-3' && e.type === 'request'],
        [
          'family + tag + q',
          { limit: 3, family: 'fam-1', tags: [{ key: 'env', value: 'prod' }], q: 'FAILED' },
          (e) => e.familyHash === 'fam-1' && e.tags.env === 'prod' && String(e.content.message).includes('FAILED'),
        ],
        ['type + q matching nothing', { limit: 5, type: 'log', q: 'no such text' }, () => false],
        ['unknown type', { limit: 5, type: 'nope' }, () => false],
      ];

      it.each(cases)('filters by %s, newest first, across pages', async (_label, query, predicate) => {
        const repo = await open();
        const entries = corpus();
        await put(repo, entries);
        const expected = newestFirst(entries.filter(predicate));
        expect((await collect(repo, query)).ids).toEqual(expected);
      });

      it('does not confuse tag keys and values that contain separators', async () => {
        const repo = await open();
        const [a, b] = idsAt(2);
        await put(repo, [entry(a, { tags: { 'a:b': 'c' } }), entry(b, { tags: { a: 'b:c' } })]);
        expect((await repo.list({ limit: 10, tags: [{ key: 'a:b', value: 'c' }] })).data.map((e) => e.id)).toEqual([a]);
        expect((await repo.list({ limit: 10, tags: [{ key: 'a', value: 'b:c' }] })).data.map((e) => e.id)).toEqual([b]);
        expect((await repo.list({ limit: 10, tags: [{ key: 'a', value: 'b' }] })).data).toEqual([]);
      });

      it('finds q matches beyond the first scan chunk', async () => {
        const repo = await open();
        const entries = idsAt(450).map((id, i) => entry(id, { content: { message: i < 3 ? 'the Needle' : 'hay' } }));
        await put(repo, entries);
        const page = await repo.list({ limit: 10, q: 'needle' });
        expect(page.data.map((e) => e.id)).toEqual(newestFirst(entries.slice(0, 3)));
        expect(page.next).toBeNull();
      });

      it('bounds a q scan at 5000 entries and returns a cursor to continue from', async () => {
        const repo = await open();
        const entries = idsAt(5200).map((id, i) => entry(id, { content: { message: i === 0 ? 'needle' : 'hay' } }));
        await put(repo, entries);
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
        await put(repo, entries);
        const page = await repo.list({ limit: 10, q: 'MATCH' });
        expect(page.data).toHaveLength(10);
        expect(page.next).toBe(newestFirst(entries)[9]);
      });
    });

    describe('batch()', () => {
      it('returns every entry of a batch oldest first, and nothing for an unknown batch', async () => {
        const repo = await open();
        const entries = idsAt(12).map((id, i) => entry(id, { batchId: i % 3 === 0 ? 'b-x' : 'b-y', type: i % 2 ? 'log' : 'request' }));
        await put(repo, entries.slice(6));
        await put(repo, entries.slice(0, 6));
        const batch = await repo.batch('b-x');
        expect(batch.map((e) => e.id)).toEqual(entries.filter((e) => e.batchId === 'b-x').map((e) => e.id));
        expect(batch[0]).toEqual(entries[0]);
        expect(await repo.batch('unknown')).toEqual([]);
      });

      it('is bounded to the 1000 oldest entries', async () => {
        const repo = await open();
        const entries = idsAt(1005).map((id) => entry(id, { batchId: 'big' }));
        await put(repo, entries);
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
        await put(repo, [exception(ids[0], 'f1', 'first'), exception(ids[1], 'f1', 'second')]);
        await put(repo, [exception(ids[2], 'f2', 'other')]);
        await put(repo, [exception(ids[3], 'f1', 'third')]);
        const family = await repo.family('exception', 'f1');
        expect(family).toEqual({
          type: 'exception',
          familyHash: 'f1',
          count: 3,
          firstSeen: new Date(decodeTime(ids[0])).toISOString(),
          lastSeen: new Date(decodeTime(ids[3])).toISOString(),
          lastEntryId: ids[3],
          summary: { class: 'TypeError', message: 'third', location: 'src/app.ts:12', status: '500', handled: 'false' },
          totalDurationMs: 4.5,
          maxDurationMs: 1.5,
          avgDurationMs: 1.5,
          p50: expect.closeTo(1.5, 1),
          p95: expect.closeTo(1.5, 1),
          p99: expect.closeTo(1.5, 1),
          approximate: false,
        });
        expect((await repo.family('exception', 'f2'))!.count).toBe(1);
        expect(await repo.family('exception', 'nope')).toBeNull();
        expect(await repo.family('query', 'f1')).toBeNull();
      });

      it('keeps the newest summary and the oldest firstSeen when saves arrive out of order', async () => {
        const repo = await open();
        const ids = idsAt(3);
        await put(repo, [exception(ids[1], 'f1', 'middle')]);
        await put(repo, [exception(ids[2], 'f1', 'newest')]);
        await put(repo, [exception(ids[0], 'f1', 'oldest')]);
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
        await put(repo, [exception(ids[0], 'a', 'm'), exception(ids[1], 'b', 'm'), exception(ids[2], 'c', 'm')]);
        await put(repo, [exception(ids[3], 'd', 'm'), exception(ids[4], 'e', 'm')]);
        await put(repo, [exception(ids[5], 'b', 'm')]); // b becomes the most recent
        await put(repo, [exception(ids[6], 'z', 'm', 'query')]); // another type
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
        await put(
          repo,
          idsAt(1001).map((id, i) => exception(id, `h${i}`, 'm')),
        );
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
        await put(repo, entries.slice(0, 25));
        await put(repo, entries.slice(25));
        expect(await repo.count('request')).toBe(20);
        expect(await repo.count('log')).toBe(10);
        expect(await repo.count('nope')).toBe(0);
      });
    });

    describe('retention', () => {
      it('keeps only the newest maxEntriesPerType entries per type after prune(), everywhere', async () => {
        const repo = await open({ maxAgeMs: 60 * MINUTE, maxEntriesPerType: 10 });
        const requests = idsAt(25).map((id, i) => entry(id, { tags: { env: 'prod' }, batchId: 'b1', familyHash: 'f', content: { message: `r${i}` } }));
        const logs = idsAt(3).map((id) => entry(id, { type: 'log', tags: { env: 'prod' } }));
        for (let i = 0; i < 25; i += 5) await put(repo, requests.slice(i, i + 5));
        await put(repo, logs);
        await repo.prune();
        const kept = requests.slice(15);
        expect(await repo.count('request')).toBe(10);
        expect(await repo.count('log')).toBe(3);
        expect((await collect(repo, { limit: 4, type: 'request' })).ids).toEqual(newestFirst(kept));
        expect((await collect(repo, { limit: 4, tags: [{ key: 'env', value: 'prod' }] })).ids).toEqual(newestFirst([...kept, ...logs]));
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
        await put(repo, entries.slice(5, 10));
        await put(repo, entries.slice(10));
        await put(repo, [entries[0]]);
        await repo.prune();
        expect((await repo.list({ limit: 100 })).data.map((e) => e.id)).toEqual(newestFirst(entries.slice(10)));
        expect(await repo.count('request')).toBe(5);
      });

      it('drops entries and families older than maxAgeMs after prune()', async () => {
        const repo = await open({ maxAgeMs: MINUTE, maxEntriesPerType: 1000 });
        const old = idsAt(5, 10 * MINUTE).map((id) => entry(id, { tags: { env: 'prod' }, batchId: 'b1', familyHash: 'old-family' }));
        const fresh = idsAt(5).map((id) => entry(id, { tags: { env: 'prod' }, batchId: 'b1', familyHash: 'new-family' }));
        await put(repo, old);
        await put(repo, fresh);
        await repo.prune();
        expect(await repo.count('request')).toBe(5);
        expect((await collect(repo, { limit: 2 })).ids).toEqual(newestFirst(fresh));
        expect((await collect(repo, { limit: 2, tags: [{ key: 'env', value: 'prod' }] })).ids).toEqual(newestFirst(fresh));
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
        await put(repo, old);
        expect(await repo.find(old[0].id)).toBeNull();
        expect((await repo.list({ limit: 10 })).data).toEqual([]);
        expect(await repo.batch('b')).toEqual([]);
      });

      it('keeps at most maxEntriesPerType families per type, dropping the least recently seen', async () => {
        const repo = await open({ maxAgeMs: 60 * MINUTE, maxEntriesPerType: 3 });
        const ids = idsAt(5);
        for (let i = 0; i < 5; i++) await put(repo, [entry(ids[i], { type: 'exception', familyHash: `f${i}` })]);
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
        const entries = idsAt(20).map((id, i) => entry(id, { tags: { env: 'prod' }, batchId: 'b1', familyHash: 'f', type: i % 2 ? 'log' : 'request' }));
        await put(repo, entries);
        await put(other, entries.slice(0, 5));
        await repo.clear();
        expect(await repo.list({ limit: 100 })).toEqual({ data: [], next: null });
        expect((await repo.list({ limit: 100, tags: [{ key: 'env', value: 'prod' }] })).data).toEqual([]);
        expect(await repo.count('request')).toBe(0);
        expect(await repo.find(entries[0].id)).toBeNull();
        expect(await repo.batch('b1')).toEqual([]);
        expect(await repo.family('request', 'f')).toBeNull();
        expect((await repo.families({ type: 'request', limit: 10 })).data).toEqual([]);
        // The other instance/prefix is untouched.
        expect((await other.list({ limit: 100 })).data.map((e) => e.id)).toEqual(newestFirst(entries.slice(0, 5)));
        expect((await other.family('request', 'f'))!.count).toBe(3);
        // And the cleared repository keeps working.
        await put(repo, [entries[19]]);
        expect((await repo.list({ limit: 10 })).data).toEqual([entries[19]]);
        expect((await repo.family('log', 'f'))!.count).toBe(1);
      });
    });

    describe('clearType()', () => {
      it("deletes one type's entries, audit trails, families and named counters; other types, counters and instances keep theirs", async () => {
        const repo = await open();
        const twin = await twinOf(repo);
        const other = await open();
        const ids = idsAt(30);
        const typeOf = (i: number) => (i % 3 === 0 ? 'request' : 'llm');
        const entries = ids.map((id, i) => entry(id, { type: typeOf(i), tags: { env: 'prod' }, batchId: 'b1', familyHash: 'f' }));
        const llmEntries = entries.filter((e) => e.type === 'llm');
        const kept = entries.filter((e) => e.type === 'request');
        await put(repo, llmEntries, {
          counters: [
            { name: 'llm.calls', key: 'openai', value: 1 },
            { name: 'llm.other', key: 'x', value: 1 },
          ],
        });
        await put(repo, kept, { counters: [{ name: 'requests', key: '2xx', value: 1 }] });
        await put(other, llmEntries.slice(0, 3), { counters: [{ name: 'llm.calls', key: 'openai', value: 1 }] });
        await repo.update(llmEntries[0].id, { tags: { review: 'approved' } }, { expectedVersion: 1, actor: 'ada', comment: null });
        expect(await repo.audit(llmEntries[0].id)).toHaveLength(1);

        expect(await repo.clearType('llm', ['llm.calls'])).toBe(llmEntries.length);

        const now = Date.now();
        const counter = async (r: EntryRepository, name: string) => (await r.counters({ name, granularity: 'day', from: now, to: now })).buckets[0].values;
        for (const r of [repo, twin]) {
          expect(await r.list({ type: 'llm', limit: 100 })).toEqual({ data: [], next: null });
          expect(await r.count('llm')).toBe(0);
          expect(await r.find(llmEntries[0].id)).toBeNull();
          expect(await r.audit(llmEntries[0].id)).toEqual([]);
          expect((await r.list({ limit: 100, tags: [{ key: 'review', value: 'approved' }] })).data).toEqual([]);
          // Shared indexes (tags, families, batches) lose the type's ids and keep the others'.
          expect((await r.list({ limit: 100, tags: [{ key: 'env', value: 'prod' }] })).data.map((e) => e.id)).toEqual(newestFirst(kept));
          expect((await r.list({ limit: 100, family: 'f' })).data.map((e) => e.id)).toEqual(newestFirst(kept));
          expect((await r.batch('b1')).map((e) => e.id)).toEqual(kept.map((e) => e.id));
          expect(await r.family('llm', 'f')).toBeNull();
          expect((await r.families({ type: 'llm', limit: 10 })).data).toEqual([]);
          expect((await r.family('request', 'f'))!.count).toBe(kept.length);
          expect(await r.count('request')).toBe(kept.length);
          expect(await counter(r, 'llm.calls')).toEqual({});
          expect(await counter(r, 'llm.other')).toEqual({ x: llmEntries.length });
          expect(await counter(r, 'requests')).toEqual({ '2xx': kept.length });
        }
        // Another prefix is untouched.
        expect(await other.count('llm')).toBe(3);
        expect(await counter(other, 'llm.calls')).toEqual({ openai: 3 });
        // Clearing again finds nothing; the type keeps working.
        expect(await repo.clearType('llm', ['llm.calls'])).toBe(0);
        await put(repo, [llmEntries[0]], { counters: [{ name: 'llm.calls', key: 'openai', value: 1 }] });
        expect((await repo.list({ type: 'llm', limit: 10 })).data).toEqual([llmEntries[0]]);
        expect((await repo.family('llm', 'f'))!.count).toBe(1);
        expect(await counter(repo, 'llm.calls')).toEqual({ openai: 1 });
      });
    });

    describe('idempotence (v2)', () => {
      const timed = (id: string, familyHash: string, durationMs: number): Entry =>
        entry(id, { type: 'query', familyHash, durationMs, content: { sql: 'select 1' } });
      const requests: CounterIncrement[] = [{ name: 'requests', key: '2xx', value: 1 }];

      it('counts families and counters once when the same entries are saved again (a retried flush)', async () => {
        const repo = await open();
        const entries = idsAt(4).map((id) => timed(id, 'q1', 10));
        await put(repo, entries, { counters: requests });
        await put(repo, entries, { counters: requests });
        await put(repo, [...entries.slice(1, 3), timed(ulid(), 'q1', 30)], { counters: requests });
        const family = (await repo.family('query', 'q1'))!;
        expect(family.count).toBe(5);
        expect(family.totalDurationMs).toBe(70);
        expect(family.maxDurationMs).toBe(30);
        const now = Date.now();
        const series = await repo.counters({ name: 'requests', granularity: 'day', from: now - 86_400_000, to: now });
        expect(series.buckets.reduce((sum, b) => sum + (b.values['2xx'] ?? 0), 0)).toBe(5);
        expect(await repo.count('query')).toBe(5);
      });

      it('counts once when two instances sharing the store save the same entries concurrently', async () => {
        const repo = await open();
        const twin = await twinOf(repo);
        const entries = idsAt(20).map((id) => timed(id, 'q2', 2));
        await Promise.all([put(repo, entries, { counters: requests }), put(twin, entries, { counters: requests })]);
        expect((await repo.family('query', 'q2'))!.count).toBe(20);
        expect((await twin.family('query', 'q2'))!.count).toBe(20);
        const now = Date.now();
        const series = await repo.counters({ name: 'requests', granularity: 'hour', from: now - 7_200_000, to: now });
        expect(series.buckets.reduce((sum, b) => sum + (b.values['2xx'] ?? 0), 0)).toBe(20);
      });
    });

    describe('family statistics (v2)', () => {
      const query = (id: string, familyHash: string, durationMs: number | null): Entry =>
        entry(id, { type: 'query', familyHash, durationMs, content: { sql: `select ${familyHash}` } });

      it('keeps count, total, max, avg and percentiles within 2%', async () => {
        const repo = await open();
        // 1..100 ms: p50 ≈ 50, p95 ≈ 95, p99 ≈ 99.
        const entries = idsAt(100).map((id, i) => query(id, 'h', i + 1));
        await put(repo, entries.slice(0, 37));
        await put(repo, entries.slice(37));
        const family = (await repo.family('query', 'h'))!;
        expect(family.count).toBe(100);
        expect(family.totalDurationMs).toBe(5050);
        expect(family.maxDurationMs).toBe(100);
        expect(family.avgDurationMs).toBe(50.5);
        expect(Math.abs(family.p50! - 50) / 50).toBeLessThanOrEqual(0.03);
        expect(Math.abs(family.p95! - 95) / 95).toBeLessThanOrEqual(0.03);
        expect(Math.abs(family.p99! - 99) / 99).toBeLessThanOrEqual(0.03);
        expect(family.approximate).toBe(false);
        expect(family.summary.sql).toBe('select h');
      });

      it('has null duration statistics for a family without durations', async () => {
        const repo = await open();
        await put(
          repo,
          idsAt(3).map((id) => query(id, 'untimed', null)),
        );
        const family = (await repo.family('query', 'untimed'))!;
        expect(family).toMatchObject({ count: 3, totalDurationMs: 0, maxDurationMs: null, avgDurationMs: null, p50: null, p95: null, p99: null });
      });

      it('weights sampled entries and says the figures are approximate', async () => {
        const repo = await open();
        await put(
          repo,
          idsAt(3).map((id) => query(id, 'sampled', 4)),
          { weight: 10 },
        );
        const family = (await repo.family('query', 'sampled'))!;
        expect(family.count).toBe(30);
        expect(family.totalDurationMs).toBe(120);
        expect(family.avgDurationMs).toBe(4);
        expect(family.approximate).toBe(true);
      });

      const orderCases: Array<[string, (f: { count: number; total: number; avg: number; max: number; p95: number }) => number]> = [
        ['count', (f) => f.count],
        ['total', (f) => f.total],
        ['avg', (f) => f.avg],
        ['max', (f) => f.max],
        ['p95', (f) => f.p95],
      ];

      it.each(orderCases)('orders families by %s (descending) and pages with a cursor, ties included', async (orderBy, metric) => {
        const repo = await open();
        // 12 families with distinct shapes, and two pairs of exact ties.
        const shapes = [[1], [5, 5], [100], [2, 2, 2, 2], [50, 1], [7, 7, 7], [300], [1, 1, 1, 1, 1, 1], [20, 40], [100], [5, 5], [0.5, 0.5, 0.5]];
        const ids = idsAt(shapes.flat().length);
        let n = 0;
        const entries = shapes.flatMap((durations, f) => durations.map((ms) => query(ids[n++], `f${String(f).padStart(2, '0')}`, ms)));
        await put(repo, entries);
        const all = (await repo.families({ type: 'query', limit: 100 })).data;
        const expected = all
          .map((f) => ({
            hash: f.familyHash,
            score: metric({ count: f.count, total: f.totalDurationMs, avg: f.avgDurationMs!, max: f.maxDurationMs!, p95: f.p95! }),
          }))
          .sort((a, b) => b.score - a.score || (a.hash < b.hash ? 1 : -1))
          .map((f) => f.hash);
        const seen: string[] = [];
        let before: string | undefined;
        for (let i = 0; i < 20; i++) {
          const page = await repo.families({ type: 'query', limit: 5, orderBy: orderBy as any, before });
          seen.push(...page.data.map((f) => f.familyHash));
          if (!page.next) break;
          before = page.next;
        }
        expect(seen).toEqual(expected);
      });
    });

    describe('counters (v2)', () => {
      const MIN = 60_000;
      it('sums increments per bucket, granularity and key, with empty buckets in between', async () => {
        const repo = await open();
        const base = Math.floor(Date.now() / (60 * MIN)) * 60 * MIN - 60 * MIN; // start of the previous hour
        const at = (offsetMin: number) => ulid(base + offsetMin * MIN + 1000);
        await put(repo, [entry(at(0)), entry(at(0)), entry(at(2))], { counters: [{ name: 'requests', key: '2xx', value: 1 }] });
        await put(repo, [entry(at(2))], {
          counters: [
            { name: 'requests', key: '5xx', value: 1 },
            { name: 'cost', key: 'openai|gpt', value: 0.25 },
          ],
        });
        const minutes = await repo.counters({ name: 'requests', granularity: 'minute', from: base, to: base + 3 * MIN });
        expect(minutes.buckets.map((b) => b.at)).toEqual([0, 1, 2, 3].map((m) => new Date(base + m * MIN).toISOString()));
        expect(minutes.buckets.map((b) => b.values)).toEqual([{ '2xx': 2 }, {}, { '2xx': 1, '5xx': 1 }, {}]);
        expect(minutes.approximate).toBe(false);
        const hour = await repo.counters({ name: 'requests', granularity: 'hour', from: base, to: base });
        expect(hour.buckets).toEqual([{ at: new Date(base).toISOString(), values: { '2xx': 3, '5xx': 1 } }]);
        const cost = await repo.counters({ name: 'cost', granularity: 'day', from: base, to: base });
        expect(cost.buckets[0].values['openai|gpt']).toBeCloseTo(0.25, 10);
        expect((await repo.counters({ name: 'nothing', granularity: 'day', from: base, to: base })).buckets).toEqual([
          { at: new Date(Math.floor(base / 86_400_000) * 86_400_000).toISOString(), values: {} },
        ]);
      });

      it('weights sampled entries and flags the series as approximate', async () => {
        const repo = await open();
        await put(repo, [entry(ulid())], { counters: [{ name: 'requests', key: '2xx', value: 1 }], weight: 4 });
        const now = Date.now();
        const series = await repo.counters({ name: 'requests', granularity: 'minute', from: now, to: now });
        expect(series.buckets[0].values['2xx']).toBe(4);
        expect(series.approximate).toBe(true);
      });
    });

    describe('update and audit (v2)', () => {
      it('applies a patch at the expected version, moves tag indexes and keeps an audit trail', async () => {
        const repo = await open();
        const [id, other] = idsAt(2);
        await put(repo, [
          entry(id, { type: 'llm', tags: { review: 'pending', model: 'gpt' }, content: { prompt: 'hi', review: null } }),
          entry(other, { type: 'llm', tags: { review: 'pending' } }),
        ]);
        const updated = await repo.update(
          id,
          { content: { review: { state: 'approved' } }, tags: { review: 'approved', model: null } },
          { expectedVersion: 1, actor: 'alice', comment: 'looks good' },
        );
        expect(updated.version).toBe(2);
        expect(updated.tags).toEqual({ review: 'approved' });
        expect(updated.content).toEqual({ prompt: 'hi', review: { state: 'approved' } });
        expect(await repo.find(id)).toEqual(updated);
        const byTag = async (key: string, value: string) => (await repo.list({ limit: 10, tags: [{ key, value }] })).data.map((e) => e.id);
        expect(await byTag('review', 'approved')).toEqual([id]);
        expect(await byTag('review', 'pending')).toEqual([other]);
        expect(await byTag('model', 'gpt')).toEqual([]);
        const trail = await repo.audit(id);
        expect(trail).toEqual([
          {
            entryId: id,
            version: 2,
            at: expect.any(String),
            actor: 'alice',
            comment: 'looks good',
            from: { content: { review: null }, tags: { review: 'pending', model: 'gpt' } },
            to: { content: { review: { state: 'approved' } }, tags: { review: 'approved', model: null } },
          },
        ]);
        expect(Date.parse(trail[0].at)).toBeGreaterThan(Date.now() - 60_000);
        expect(await repo.audit(other)).toEqual([]);
      });

      it('rejects a stale version (optimistic concurrency) and an unknown id, changing nothing', async () => {
        const repo = await open();
        const [id] = idsAt(1);
        await put(repo, [entry(id, { type: 'llm', tags: { review: 'pending' } })]);
        await repo.update(id, { tags: { review: 'flagged' } }, { expectedVersion: 1, actor: 'bob' });
        await expect(repo.update(id, { tags: { review: 'approved' } }, { expectedVersion: 1, actor: 'carol' })).rejects.toMatchObject({
          name: 'VersionConflictError',
          expectedVersion: 1,
          actualVersion: 2,
        });
        await expect(repo.update(ulid(), { tags: { review: 'x' } }, { expectedVersion: 1 })).rejects.toMatchObject({ name: 'EntryNotFoundError' });
        expect((await repo.find(id))!.tags.review).toBe('flagged');
        expect((await repo.audit(id)).map((a) => a.actor)).toEqual(['bob']);
      });

      it('lets exactly one of two concurrent updates of the same version win', async () => {
        const repo = await open();
        const twin = await twinOf(repo);
        const [id] = idsAt(1);
        await put(repo, [entry(id, { type: 'llm' })]);
        const results = await Promise.allSettled([
          repo.update(id, { tags: { review: 'approved' } }, { expectedVersion: 1, actor: 'a' }),
          twin.update(id, { tags: { review: 'rejected' } }, { expectedVersion: 1, actor: 'b' }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
        expect(await repo.audit(id)).toHaveLength(1);
        expect((await repo.find(id))!.version).toBe(2);
      });

      it('audits every record of a bulk update', async () => {
        const repo = await open();
        const ids = idsAt(5);
        await put(
          repo,
          ids.map((id) => entry(id, { type: 'llm', tags: { review: 'pending' } })),
        );
        await Promise.all(ids.map((id) => repo.update(id, { tags: { review: 'approved' } }, { expectedVersion: 1, actor: 'bulk', comment: 'batch approve' })));
        for (const id of ids) expect((await repo.audit(id)).map((a) => [a.version, a.actor, a.comment])).toEqual([[2, 'bulk', 'batch approve']]);
        expect((await repo.list({ limit: 10, tags: [{ key: 'review', value: 'approved' }] })).data).toHaveLength(5);
      });
    });

    describe('streaming reads (v2)', () => {
      it('pages oldest-first with `after`, and hands back a cursor even on the newest page', async () => {
        const repo = await open();
        const entries = idsAt(25).map((id, i) => entry(id, { type: i % 2 ? 'log' : 'request' }));
        await put(repo, entries);
        const oldestFirst = entries.map((e) => e.id).sort();
        const first = await repo.list({ limit: 10, after: oldestFirst[4] });
        expect(first.data.map((e) => e.id)).toEqual(oldestFirst.slice(5, 15));
        expect(first.next).toBe(oldestFirst[14]);
        const rest = await repo.list({ limit: 100, after: first.next! });
        expect(rest.data.map((e) => e.id)).toEqual(oldestFirst.slice(15));
        expect(rest.next).toBe(oldestFirst[24]);
        const empty = await repo.list({ limit: 10, after: rest.next! });
        expect(empty).toEqual({ data: [], next: oldestFirst[24] });
        // New entries arrive: the same cursor now finds them.
        const later = entry(ulid(), { type: 'log' });
        await put(repo, [later]);
        expect((await repo.list({ limit: 10, after: rest.next! })).data.map((e) => e.id)).toEqual([later.id]);
        const logs = await repo.list({ limit: 100, type: 'log', after: oldestFirst[0] });
        expect(logs.data.map((e) => e.id)).toEqual([
          ...entries
            .filter((e) => e.type === 'log')
            .map((e) => e.id)
            .sort(),
          later.id,
        ]);
      });

      it('iterates every matching entry newest first with scan(), past many pages', async () => {
        const repo = await open();
        const entries = idsAt(730).map((id, i) => entry(id, { tags: { env: i % 3 ? 'prod' : 'dev' } }));
        await put(repo, entries);
        const seen: string[] = [];
        for await (const e of repo.scan({ tags: [{ key: 'env', value: 'prod' }] })) seen.push(e.id);
        expect(seen).toEqual(newestFirst(entries.filter((e) => e.tags.env === 'prod')));
      });

      it('notifies subscribers of every instance of new entries, once', async () => {
        const repo = await open();
        const twin = await twinOf(repo);
        const heard: string[][] = [];
        const stop = twin.subscribe((notice) => heard.push(notice.entries.map((e) => `${e.type}:${e.id}`)));
        try {
          // Redis pub/sub subscriptions are asynchronous: wait until one is live.
          await eventually(async () => {
            await put(repo, [entry(ulid(), { type: 'probe' })]);
            return heard.length > 0;
          });
          // The notice of the last probe may still be in flight (the writer's reply can arrive
          // before the subscriber's message): let it land before starting afresh.
          await new Promise((resolve) => setTimeout(resolve, 100));
          heard.length = 0;
          const entries = idsAt(3).map((id) => entry(id, { type: 'log', batchId: 'b1' }));
          await put(repo, entries);
          await put(repo, entries); // a retry: nothing new, no notice
          await eventually(async () => heard.length > 0);
          await new Promise((resolve) => setTimeout(resolve, 100));
          expect(heard).toEqual([entries.map((e) => `log:${e.id}`)]);
        } finally {
          stop();
        }
      });
    });

    describe('filters (v2)', () => {
      it('combines several tags with AND', async () => {
        const repo = await open();
        const entries = idsAt(60).map((id, i) =>
          entry(id, { tags: { env: i % 2 ? 'prod' : 'dev', region: i % 3 ? 'eu' : 'us', tier: i % 5 ? 'free' : 'paid' } }),
        );
        await put(repo, entries);
        const query = {
          limit: 4,
          tags: [
            { key: 'env', value: 'prod' },
            { key: 'region', value: 'us' },
            { key: 'tier', value: 'free' },
          ],
        };
        const expected = newestFirst(entries.filter((e) => e.tags.env === 'prod' && e.tags.region === 'us' && e.tags.tier === 'free'));
        expect(expected.length).toBeGreaterThan(4);
        expect((await collect(repo, query)).ids).toEqual(expected);
      });

      it('never matches q inside encrypted values', async () => {
        const repo = await open();
        const [plain, secret] = idsAt(2);
        await put(repo, [
          entry(plain, { content: { note: 'visible abc' } }),
          entry(secret, { content: { prompt: { $enc: 'k1:abc:abc:abcdef' }, note: 'other' } }),
        ]);
        expect((await repo.list({ limit: 10, q: 'abc' })).data.map((e) => e.id)).toEqual([plain]);
        expect((await repo.list({ limit: 10, q: 'other' })).data.map((e) => e.id)).toEqual([secret]);
      });
    });

    describe('retention per type (v2)', () => {
      it('applies per-type maxAgeMs and maxEntriesPerType', async () => {
        const repo = await open({ maxAgeMs: 60 * MINUTE, maxEntriesPerType: 100, types: { log: { maxAgeMs: MINUTE }, event: { maxEntriesPerType: 2 } } });
        const oldLogs = idsAt(3, 10 * MINUTE).map((id) => entry(id, { type: 'log' }));
        const oldRequests = idsAt(3, 10 * MINUTE).map((id) => entry(id, { type: 'request' }));
        const events = idsAt(5).map((id) => entry(id, { type: 'event' }));
        await put(repo, [...oldLogs, ...oldRequests, ...events]);
        expect(await repo.find(oldLogs[0].id)).toBeNull();
        expect(await repo.find(oldRequests[0].id)).toEqual(oldRequests[0]);
        await repo.prune();
        expect(await repo.count('log')).toBe(0);
        expect(await repo.count('request')).toBe(3);
        expect((await repo.list({ limit: 10, type: 'event' })).data.map((e) => e.id)).toEqual(newestFirst(events.slice(3)));
        expect((await repo.list({ limit: 10 })).data.map((e) => e.id)).toEqual(newestFirst([...oldRequests, ...events.slice(3)]));
      });
    });

    describe('latest one, counted (v2)', () => {
      const use = (id: string, n: number, familyHash = 'GET /old'): Entry =>
        entry(id, { type: 'deprecation', familyHash, tags: { kind: 'endpoint' }, content: { n } });

      it('keeps only the newest entry of a latestOnly family, and counts every occurrence', async () => {
        const repo = await open();
        const ids = idsAt(5);
        await put(repo, [use(ids[0], 0), use(ids[1], 1)], { latestOnly: true });
        await put(repo, [use(ids[3], 3)], { latestOnly: true });
        await put(repo, [use(ids[2], 2)], { latestOnly: true }); // late and older: counted, not kept
        await put(repo, [use(ids[4], 4, 'GET /other')], { latestOnly: true });
        expect((await repo.list({ limit: 10, type: 'deprecation' })).data.map((e) => e.content.n)).toEqual([4, 3]);
        expect((await repo.list({ limit: 10, tags: [{ key: 'kind', value: 'endpoint' }] })).data.map((e) => e.content.n)).toEqual([4, 3]);
        expect((await repo.list({ limit: 10, family: 'GET /old' })).data.map((e) => e.id)).toEqual([ids[3]]);
        const family = (await repo.family('deprecation', 'GET /old'))!;
        expect(family.count).toBe(4);
        expect(family.lastEntryId).toBe(ids[3]);
        expect(family.firstSeen).toBe(new Date(decodeTime(ids[0])).toISOString());
        expect(await repo.count('deprecation')).toBe(2);
      });
    });
  });
}
