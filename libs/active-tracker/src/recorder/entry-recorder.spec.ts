import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { captureEventName, InstrumentationBus } from '../bus/instrumentation-bus.js';
import { BatchDraft, redactCurrent, runInContext, TrackerContext } from '../context/request-context.js';
import { Entry, EntryDraft } from '../entries/entry.js';
import { newUlid } from '../entries/entry-id.js';
import type { CounterQuery } from '../storage/counters.js';
import { EntryPage, EntryPatch, EntryQuery, EntryRepository, FamilyQuery, RetentionPolicy, UpdateOptions, WriteNotice } from '../storage/entry-repository.js';
import { MemoryRepository } from '../storage/memory/memory.repository.js';
import type { PreparedEntry } from '../storage/prepared-entry.js';
import { unitHash } from './batch-sampler.js';
import { EntryRecorder, RecorderOptions } from './entry-recorder.js';
import { REDACTED } from './sensitive-keys.js';
import { CollectingLogger } from '../../test/support/collecting-logger.js';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const RETENTION: RetentionPolicy = { maxAgeMs: 60 * 60 * 1000, maxEntriesPerType: 100_000 };
const TRACKER = 'tracker-1';

/** A promise released by hand: a save that answers exactly when the test says so. */
class Gate {
  release!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.release = resolve));
}

/**
 * Failure injection ONLY: a real MemoryRepository behind switches for "not connected", "rejects"
 * and "slow" (a delay, or a gate the test opens); it also counts save() calls, their sizes and
 * keeps what each one was given.
 */
class FlakyRepository implements EntryRepository {
  readonly inner = new MemoryRepository(RETENTION);
  ready = true;
  mode: 'ok' | 'reject' = 'ok';
  delayMs = 0;
  gate: Gate | null = null;
  /** Size of every save() call, in order. */
  saves: number[] = [];
  /** Every prepared entry handed to save(), in order (failed saves included). */
  prepared: PreparedEntry[] = [];
  prunes = 0;
  private pending = new Set<Promise<unknown>>();

  save(entries: readonly PreparedEntry[]): Promise<void> {
    this.saves.push(entries.length);
    this.prepared.push(...entries);
    const mode = this.mode;
    const delay = this.delayMs;
    const gate = this.gate;
    const work = (async () => {
      if (delay > 0) await sleep(delay, undefined, { ref: false });
      if (gate) await gate.opened;
      if (mode === 'reject') throw new Error('storage exploded');
      await this.inner.save(entries);
    })();
    this.pending.add(work);
    void work.catch(() => undefined).finally(() => this.pending.delete(work));
    return work;
  }
  /** Waits for saves still running (e.g. after a timeout). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }
  find(id: string): Promise<Entry | null> {
    return this.inner.find(id);
  }
  list(query: EntryQuery): Promise<EntryPage> {
    return this.inner.list(query);
  }
  scan(query: Omit<EntryQuery, 'limit' | 'after'>): AsyncIterable<Entry> {
    return this.inner.scan(query);
  }
  counters(query: CounterQuery) {
    return this.inner.counters(query);
  }
  update(id: string, patch: EntryPatch, options: UpdateOptions): Promise<Entry> {
    return this.inner.update(id, patch, options);
  }
  audit(id: string) {
    return this.inner.audit(id);
  }
  subscribe(listener: (notice: WriteNotice) => void): () => void {
    return this.inner.subscribe(listener);
  }
  batch(batchId: string): Promise<Entry[]> {
    return this.inner.batch(batchId);
  }
  families(query: FamilyQuery) {
    return this.inner.families(query);
  }
  family(type: string, hash: string) {
    return this.inner.family(type, hash);
  }
  count(type: string): Promise<number> {
    return this.inner.count(type);
  }
  clear(): Promise<void> {
    return this.inner.clear();
  }
  clearType(type: string, counters?: readonly string[]): Promise<number> {
    return this.inner.clearType(type, counters);
  }
  async prune(): Promise<void> {
    this.prunes++;
    await this.inner.prune();
  }
  isReady(): boolean {
    return this.ready;
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const logs = new CollectingLogger();
beforeAll(() => Logger.overrideLogger(logs));
afterAll(() => Logger.overrideLogger(false));
beforeEach(() => (logs.lines = []));

const recorders: EntryRecorder[] = [];
afterEach(async () => {
  jest.useRealTimers();
  for (const r of recorders.splice(0)) await r.stop(100);
});

/** Recorder options; nested groups are merged with the defaults. */
interface Overrides extends Partial<Omit<RecorderOptions, 'buffer' | 'batches' | 'sampling'>> {
  buffer?: Partial<RecorderOptions['buffer']>;
  batches?: Partial<RecorderOptions['batches']>;
  sampling?: Partial<RecorderOptions['sampling']>;
}

function options(overrides: Overrides = {}): RecorderOptions {
  const { buffer, batches, sampling, ...rest } = overrides;
  return {
    trackerId: TRACKER,
    maxPayloadBytes: 64 * 1024,
    sensitiveKeys: [],
    ...rest,
    buffer: {
      maxEntries: 10_000,
      maxBytes: 64 * 1024 * 1024,
      // Long enough that only explicit flush() calls write, unless a test says otherwise.
      flushIntervalMs: 60_000,
      flushBatchSize: 100_000,
      flushBytes: 1024 * 1024 * 1024,
      ...buffer,
    },
    batches: { graceMs: 60_000, maxDrafts: 1000, ...batches },
    sampling: { rate: 1, keepSlowerThanMs: null, ...sampling },
  };
}

function recorder(repository: EntryRepository, overrides: Overrides = {}): EntryRecorder {
  const r = new EntryRecorder(repository, options(overrides));
  recorders.push(r);
  return r;
}

function draft(type = 'request', content: Record<string, unknown> = {}, extra: Partial<EntryDraft> = {}): EntryDraft {
  return { type, content, ...extra };
}

async function all(repository: EntryRepository, type: string): Promise<Entry[]> {
  return (await repository.list({ type, limit: 1000 })).data;
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await sleep(5);
  }
}

describe('EntryRecorder: entries', () => {
  it('gives every entry a ULID id, strictly increasing in record order (even within one millisecond)', async () => {
    const repo = new MemoryRepository(RETENTION);
    const r = recorder(repo);
    for (let i = 0; i < 500; i++) r.record(draft('request', { i }));
    await r.flush();
    const stored = (await all(repo, 'request')).reverse();
    expect(stored).toHaveLength(500);
    expect(stored.map((e) => e.content.i)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    for (const [i, entry] of stored.entries()) {
      expect(entry.id).toMatch(ULID);
      if (i > 0) expect(entry.id > stored[i - 1].id).toBe(true);
    }
    expect(new Set(stored.map((e) => e.id)).size).toBe(500);
  });

  it('fills defaults and normalizes the draft fields', async () => {
    const repo = new MemoryRepository(RETENTION);
    const r = recorder(repo);
    const before = Date.now();
    r.record(draft('bare', { a: 1 }));
    r.record(
      draft(
        'full',
        { b: 2 },
        {
          batchId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
          occurredAt: 0,
          durationMs: 12.345678,
          familyHash: 'fam',
          tags: { user_name: 'ann', count: 3, flag: true, none: null, missing: undefined, long: 'x'.repeat(2000) },
        },
      ),
    );
    r.record(draft('dated', {}, { occurredAt: new Date('2024-05-06T07:08:09.010Z'), durationMs: Number.NaN }));
    r.record(draft('stringdate', {}, { occurredAt: '2024-01-01T00:00:00Z', durationMs: Infinity }));
    r.record(draft('baddate', {}, { occurredAt: 'not a date' }));
    await r.flush();

    const [bare] = await all(repo, 'bare');
    expect(bare).toEqual({
      id: expect.stringMatching(ULID),
      type: 'bare',
      batchId: null,
      occurredAt: expect.any(String),
      durationMs: null,
      familyHash: null,
      tags: {},
      content: { a: 1 },
      version: 1,
    });
    expect(Date.parse(bare.occurredAt)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(bare.occurredAt)).toBeLessThanOrEqual(Date.now());

    const [full] = await all(repo, 'full');
    expect(full.batchId).toBe('01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(full.occurredAt).toBe('1970-01-01T00:00:00.000Z');
    expect(full.durationMs).toBe(12.346);
    expect(full.familyHash).toBe('fam');
    expect(full.tags).toEqual({ user_name: 'ann', count: '3', flag: 'true', long: 'x'.repeat(1024) });

    expect((await all(repo, 'dated'))[0]).toMatchObject({ occurredAt: '2024-05-06T07:08:09.010Z', durationMs: null });
    expect((await all(repo, 'stringdate'))[0]).toMatchObject({ occurredAt: '2024-01-01T00:00:00.000Z', durationMs: null });
    const [bad] = await all(repo, 'baddate');
    expect(Math.abs(Date.parse(bad.occurredAt) - Date.now())).toBeLessThan(5000);
    expect(r.stats()).toMatchObject({ recorded: 5, written: 5, buffered: 0, dropped: 0, filtered: 0, failedFlushes: 0, storageReady: true });
  });

  it('sanitizes content: cycles, BigInt, Errors, Buffers, throwing getters', async () => {
    const repo = new MemoryRepository(RETENTION);
    const r = recorder(repo);
    const content: Record<string, unknown> = {
      big: 10n,
      error: new RangeError('out'),
      file: Buffer.from('abc'),
      get broken(): never {
        throw new Error('getter');
      },
    };
    content.self = content;
    r.record(draft('messy', content));
    await r.flush();
    const [entry] = await all(repo, 'messy');
    const fields = { big: '10', error: { name: 'RangeError', message: 'out' }, file: '[Buffer 3 bytes]' };
    // v2 serializes each content field on its own: a reference back to the content itself is cut
    // one level down (the content object is not a walked value).
    expect(entry.content).toEqual({ ...fields, self: { ...fields, self: '[Circular]' } });
  });

  it('keeps an entry whose top-level content has a throwing getter, also in a family (summary)', async () => {
    const repo = new MemoryRepository(RETENTION);
    const r = recorder(repo);
    const content = {
      message: 'kept',
      get broken(): never {
        throw new Error('getter');
      },
    };
    r.record(draft('grouped', content, { familyHash: 'fam' }));
    await r.flush();
    const [entry] = await all(repo, 'grouped');
    expect(entry.content).toEqual({ message: 'kept' });
    expect((await repo.family('grouped', 'fam'))?.summary).toEqual({ message: 'kept' });
    expect(r.stats()).toMatchObject({ written: 1, dropped: 0 });
  });

  it('marks truncated content (long strings) with content.truncated', async () => {
    const repo = new MemoryRepository(RETENTION);
    const r = recorder(repo, { maxPayloadBytes: 100 });
    r.record(draft('big', { body: 'b'.repeat(500), small: 'ok' }));
    r.record(draft('small', { body: 'b'.repeat(100) }));
    await r.flush();
    const [big] = await all(repo, 'big');
    expect(big.content.truncated).toBe(true);
    expect(big.content.small).toBe('ok');
    expect((big.content.body as string).startsWith('b'.repeat(100) + '…')).toBe(true);
    expect((big.content.body as string).length).toBeLessThan(200);
    const [small] = await all(repo, 'small');
    expect(small.content).toEqual({ body: 'b'.repeat(100) });
  });
});

describe('EntryRecorder: redaction', () => {
  it("redacts the draft's redactions in content (keys and values) and tags", async () => {
    const repo = new MemoryRepository(RETENTION);
    const r = recorder(repo);
    r.record(draft('request', { header: 'Bearer s3cret', nested: [{ 's3cret-key': 'v' }] }, { tags: { who: 'user s3cret' }, redactions: ['s3cret'] }));
    await r.flush();
    const [entry] = await all(repo, 'request');
    expect(entry.content).toEqual({ header: `Bearer ${REDACTED}`, nested: [{ [`${REDACTED}-key`]: 'v' }] });
    expect(entry.tags).toEqual({ who: `user ${REDACTED}` });
    expect(JSON.stringify(entry)).not.toContain('s3cret');
  });

  it("redacts the current request context's values (redactCurrent)", async () => {
    const repo = new MemoryRepository(RETENTION);
    const r = recorder(repo);
    const ctx = new TrackerContext(TRACKER);
    runInContext(ctx, () => {
      r.record(draft('log', { message: 'login ann@example.com with tok_live_123' }, { tags: { email: 'ann@example.com' } }));
      // Also what was recorded before the call (the batch is serialized after it ends).
      redactCurrent('tok_live_123', 'ann@example.com');
    });
    r.batchEnded(ctx);
    // Outside the context nothing is redacted.
    r.record(draft('log', { message: 'later ann@example.com' }));
    await r.flush();
    const [outside, inside] = await all(repo, 'log');
    expect(inside.content.message).toBe(`login ${REDACTED} with ${REDACTED}`);
    expect(inside.tags.email).toBe(REDACTED);
    expect(outside.content.message).toBe('later ann@example.com');
  });

  it("applies both the draft's redactions and the context's when a draft carrying its own is recorded inside a request", async () => {
    const repo = new MemoryRepository(RETENTION);
    const r = recorder(repo);
    const ctx = new TrackerContext(TRACKER);
    runInContext(ctx, () => {
      redactCurrent('from-context');
      r.record(draft('event', { a: 'from-context', b: 'from-draft' }, { redactions: ['from-draft'] }));
    });
    r.batchEnded(ctx);
    await r.flush();
    const [entry] = await all(repo, 'event');
    expect(entry.content).toEqual({ a: REDACTED, b: REDACTED });
  });
});

describe('EntryRecorder: filter and ownership', () => {
  it('drops drafts refused by the filter, counting them; the filter sees the draft', async () => {
    const repo = new MemoryRepository(RETENTION);
    const seen: EntryDraft[] = [];
    const r = recorder(repo, { filter: (d) => (seen.push(d), d.type !== 'noise') });
    const kept = draft('request', { path: '/a' });
    r.record(kept);
    r.record(draft('noise', {}));
    r.record(draft('noise', {}));
    await r.flush();
    expect(seen[0]).toBe(kept);
    expect(await repo.count('request')).toBe(1);
    expect(await repo.count('noise')).toBe(0);
    expect(r.stats()).toMatchObject({ recorded: 1, filtered: 2, written: 1 });
  });

  it('survives a throwing filter (the draft is not recorded, record does not throw)', async () => {
    const repo = new MemoryRepository(RETENTION);
    const r = recorder(repo, {
      filter: (d) => {
        if (d.type === 'bad') throw new Error('filter bug');
        return true;
      },
    });
    expect(() => r.record(draft('bad'))).not.toThrow();
    r.record(draft('good'));
    await r.flush();
    expect(await repo.count('bad')).toBe(0);
    expect(await repo.count('good')).toBe(1);
    expect(logs.lines.some(([level, line]) => level === 'warn' && line.includes('filter bug'))).toBe(true);
  });

  it('records only drafts owned by its tracker (explicit trackerId first, then the context)', async () => {
    const repo = new MemoryRepository(RETENTION);
    const r = recorder(repo);
    r.record(draft('t', { n: 'explicit other' }, { trackerId: 'tracker-2' }));
    r.record(draft('t', { n: 'explicit mine' }, { trackerId: TRACKER }));
    r.record(draft('t', { n: 'explicit any' }, { trackerId: null }));
    r.record(draft('t', { n: 'no context' }));
    runInContext(new TrackerContext('tracker-2'), () => {
      r.record(draft('t', { n: 'other context' }));
      r.record(draft('t', { n: 'mine in other context' }, { trackerId: TRACKER }));
      r.record(draft('t', { n: 'any in other context' }, { trackerId: null }));
    });
    const my = new TrackerContext(TRACKER);
    runInContext(my, () => r.record(draft('t', { n: 'my context' })));
    runInContext(new TrackerContext(null), () => r.record(draft('t', { n: 'context without tracker' })));
    // Only this tracker's own batches are grouped (and ended) by this recorder.
    r.batchEnded(my);
    await r.flush();
    const names = (await all(repo, 't')).map((e) => e.content.n).reverse();
    expect(names.sort()).toEqual(
      ['explicit mine', 'explicit any', 'no context', 'mine in other context', 'any in other context', 'my context', 'context without tracker'].sort(),
    );
    // Someone else's drafts are not this recorder's business: not counted anywhere.
    expect(r.stats()).toMatchObject({ recorded: 7, filtered: 0, dropped: 0, pendingBatches: 0 });
  });

  it("never puts its drafts in another tracker's batch: each tracker stores a shared draft once, in its own store", async () => {
    // Two trackers in one process (two apps); a draft for any tracker (trackerId null) recorded
    // while tracker-2 serves a request reaches both recorders.
    const mineRepo = new MemoryRepository(RETENTION);
    const theirRepo = new MemoryRepository(RETENTION);
    const mine = recorder(mineRepo);
    const theirs = recorder(theirRepo, { trackerId: 'tracker-2' });
    const theirRequest = new TrackerContext('tracker-2');
    runInContext(theirRequest, () => {
      const shared = draft('t', { n: 'for any tracker' }, { trackerId: null });
      mine.record(shared);
      theirs.record(shared);
      mine.record(draft('t', { n: 'explicitly mine' }, { trackerId: TRACKER }));
      theirs.record(draft('t', { n: 'explicitly mine' }, { trackerId: TRACKER }));
    });
    expect(theirRequest.drafts.map((d) => d.draft.content.n)).toEqual(['for any tracker']);
    theirs.batchEnded(theirRequest);
    await Promise.all([mine.flush(), theirs.flush()]);
    expect((await all(theirRepo, 't')).map((e) => e.content.n)).toEqual(['for any tracker']);
    const own = await all(mineRepo, 't');
    expect(own.map((e) => e.content.n).sort()).toEqual(['explicitly mine', 'for any tracker']);
    // Still linked to the request they were recorded in.
    expect(own.every((e) => e.batchId === theirRequest.batchId)).toBe(true);
  });
});

describe('EntryRecorder: batching', () => {
  it('writes everything buffered with ONE save per flush', async () => {
    const repo = new FlakyRepository();
    const r = recorder(repo);
    for (let i = 0; i < 300; i++) r.record(draft('request', { i }));
    expect(repo.saves).toEqual([]);
    await r.flush();
    expect(repo.saves).toEqual([300]);
    expect(await repo.count('request')).toBe(300);
    await r.flush();
    expect(repo.saves).toEqual([300]);
  });

  it('splits very large backlogs into saves of at most 1000', async () => {
    const repo = new FlakyRepository();
    const r = recorder(repo);
    for (let i = 0; i < 2500; i++) r.record(draft('request', { i }));
    await r.flush();
    expect(repo.saves).toEqual([1000, 1000, 500]);
    expect(await repo.count('request')).toBe(2500);
  });

  it('starts a flush early once flushBatchSize entries wait, still in one save', async () => {
    const repo = new FlakyRepository();
    const r = recorder(repo, { buffer: { flushBatchSize: 50 } });
    for (let i = 0; i < 120; i++) r.record(draft('request', { i }));
    await until(() => r.stats().written === 120);
    expect(repo.saves).toEqual([120]);
  });

  it('flushes periodically and records what is published on the bus', async () => {
    const repo = new FlakyRepository();
    const bus = new InstrumentationBus();
    const r = recorder(repo, { buffer: { flushIntervalMs: 10 } });
    r.start(bus);
    bus.instrument(captureEventName('request'), draft('request', { via: 'bus' }));
    bus.instrument(captureEventName('exception'), draft('exception', { via: 'bus' }));
    bus.instrument('unrelated.event', draft('unrelated', {}));
    await until(async () => (await repo.count('request')) === 1 && (await repo.count('exception')) === 1);
    expect(await repo.count('unrelated')).toBe(0);
    expect(repo.saves.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('prunes periodically while storage is ready, and not while it is down', async () => {
    const repo = new FlakyRepository();
    const r = recorder(repo, { pruneIntervalMs: 5 });
    r.start(new InstrumentationBus());
    await until(() => repo.prunes >= 2);
    repo.ready = false;
    await sleep(10);
    const prunes = repo.prunes;
    await sleep(40);
    expect(repo.prunes).toBe(prunes);
  });

  it('stop() flushes what is buffered and stops listening to the bus', async () => {
    const repo = new FlakyRepository();
    const bus = new InstrumentationBus();
    const r = new EntryRecorder(repo, options());
    r.start(bus);
    for (let i = 0; i < 10; i++) bus.instrument(captureEventName('request'), draft('request', { i }));
    expect(await repo.count('request')).toBe(0);
    await r.stop();
    expect(await repo.count('request')).toBe(10);
    expect(bus.isListening(captureEventName('request'))).toBe(false);
    bus.instrument(captureEventName('request'), draft('request', { after: true }));
    expect(r.stats().recorded).toBe(10);
  });

  it('stop() gives up after its timeout when storage hangs', async () => {
    const repo = new FlakyRepository();
    repo.delayMs = 10_000;
    const r = new EntryRecorder(repo, options({ flushTimeoutMs: 60_000 }));
    r.record(draft());
    const started = Date.now();
    await r.stop(50);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('EntryRecorder: storage down', () => {
  it('never throws and never waits on record(), whatever storage does', () => {
    const repo = new FlakyRepository();
    repo.delayMs = 60_000;
    const r = recorder(repo, { buffer: { flushBatchSize: 10 } });
    const started = Date.now();
    for (let i = 0; i < 1000; i++) expect(r.record(draft('request', { i }))).toEqual(expect.any(String)); // the id, at once: never a promise
    expect(Date.now() - started).toBeLessThan(1000);
    expect(() => r.record(null as unknown as EntryDraft)).not.toThrow();
    expect(() => r.record({ type: 'x', content: 'not an object' } as unknown as EntryDraft)).not.toThrow();
  });

  it('bounds the buffer when storage is not connected: the excess is dropped and counted, then written when it returns', async () => {
    const repo = new FlakyRepository();
    repo.ready = false;
    const r = recorder(repo, { buffer: { maxEntries: 100 } });
    for (let i = 0; i < 1000; i++) r.record(draft('request', { i }));
    // v2: record() only keeps a reference; the bound applies when drafts are serialized.
    expect(r.stats()).toMatchObject({ recorded: 1000, buffered: 0, dropped: 0 });
    await r.flush();
    expect(r.stats()).toMatchObject({ recorded: 1000, buffered: 100, dropped: 900 });
    await r.flush();
    expect(repo.saves).toEqual([]);
    expect(r.stats().storageReady).toBe(false);
    expect(logs.lines.filter(([level, line]) => level === 'warn' && line.includes('storage unavailable'))).toHaveLength(1);

    repo.ready = true;
    await r.flush();
    expect(repo.saves).toEqual([100]);
    // The oldest were kept (the newest beyond the bound were refused at the door).
    expect((await all(repo, 'request')).map((e) => e.content.i).reverse()).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(r.stats()).toMatchObject({ written: 100, buffered: 0, dropped: 900, storageReady: true });
    expect(logs.lines.filter(([level, line]) => level === 'log' && line.includes('storage available again'))).toHaveLength(1);

    // New entries flow normally.
    r.record(draft('request', { i: 'after' }));
    await r.flush();
    expect(await repo.count('request')).toBe(101);
  });

  it('keeps a rejected batch (within the bound) and writes it, in order, when storage recovers', async () => {
    const repo = new FlakyRepository();
    repo.mode = 'reject';
    const r = recorder(repo, { buffer: { maxEntries: 100 } });
    for (let i = 0; i < 50; i++) r.record(draft('request', { i }));
    await r.flush();
    expect(r.stats()).toMatchObject({ failedFlushes: 1, buffered: 50, dropped: 0, written: 0, storageReady: false });
    for (let i = 50; i < 130; i++) r.record(draft('request', { i }));
    await r.flush();
    expect(r.stats()).toMatchObject({ failedFlushes: 2, buffered: 100, dropped: 30 });

    repo.mode = 'ok';
    await r.flush();
    const stored = (await all(repo, 'request')).reverse();
    expect(stored.map((e) => e.content.i)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(r.stats()).toMatchObject({ written: 100, buffered: 0, dropped: 30, storageReady: true });
    expect(logs.lines.filter(([level, line]) => level === 'warn' && line.includes('storage unavailable'))).toHaveLength(1);
  });

  it('drops the oldest of a rejected batch when new entries filled the buffer meanwhile', async () => {
    const repo = new FlakyRepository();
    const r = recorder(repo, { buffer: { maxEntries: 100 } });
    for (let i = 0; i < 100; i++) r.record(draft('request', { i }));
    repo.mode = 'reject';
    repo.gate = new Gate();
    const flushing = r.flush();
    for (let i = 100; i < 160; i++) r.record(draft('request', { i }));
    // flush() while a write runs serializes the new drafts into the buffer at once, then waits.
    const second = r.flush();
    expect(r.stats()).toMatchObject({ buffered: 60, dropped: 0 });
    repo.gate.release();
    repo.gate = null;
    await flushing;
    await second;
    expect(r.stats()).toMatchObject({ buffered: 100, dropped: 60 });
    repo.mode = 'ok';
    await r.flush();
    const kept = (await all(repo, 'request')).map((e) => e.content.i).reverse();
    expect(kept).toEqual(Array.from({ length: 100 }, (_, i) => i + 60));
  });

  it('drops a timed-out batch instead of writing it twice', async () => {
    const repo = new FlakyRepository();
    const hung = (repo.gate = new Gate());
    const r = recorder(repo, { flushTimeoutMs: 30 });
    for (let i = 0; i < 10; i++) r.record(draft('request', { i }));
    // Resolves although the save never answers (it would hang the test otherwise).
    await r.flush();
    expect(r.stats()).toMatchObject({ dropped: 10, buffered: 0, failedFlushes: 1, written: 0 });

    // While the timed-out write is still running, no second write is stacked on the store.
    repo.gate = null;
    for (let i = 10; i < 15; i++) r.record(draft('request', { i }));
    await r.flush();
    expect(repo.saves).toEqual([10]);
    expect(r.stats().buffered).toBe(5);
    // The slow write lands after all; later flushes write the new entries, never the batch again.
    hung.release();
    await repo.settle();
    await r.flush();
    expect(repo.saves).toEqual([10, 5]);
    const ids = (await all(repo, 'request')).map((e) => e.id);
    expect(ids).toHaveLength(15);
    expect(new Set(ids).size).toBe(15);
  });

  it('shares one flush between concurrent callers', async () => {
    const repo = new FlakyRepository();
    const gate = (repo.gate = new Gate());
    const r = recorder(repo);
    for (let i = 0; i < 5; i++) r.record(draft());
    const a = r.flush();
    // The periodic flush (everything = false) joins the running one...
    expect(r.flush(false)).toBe(a);
    // ...and flush() (everything) waits for it, then writes what came meanwhile.
    const b = r.flush();
    r.record(draft());
    const c = r.flush();
    gate.release();
    repo.gate = null;
    await Promise.all([a, b, c]);
    expect(repo.saves).toEqual([5, 1]);
    expect(r.stats()).toMatchObject({ written: 6, buffered: 0 });
  });
});

/** A request batch of this tracker (optionally with a given id). */
function batchOf(id?: string, kind = 'request'): TrackerContext {
  return new TrackerContext(TRACKER, id, kind);
}

/** A batch id whose sampling hash is below (kept by chance) or at/above (dropped) `rate`. */
function batchIdSampled(rate: number, kept: boolean): string {
  for (;;) {
    const id = newUlid();
    if (unitHash(id) < rate === kept) return id;
  }
}

/** Records `drafts` in `batch` (in its async context) and ends it. */
function recordBatch(r: EntryRecorder, batch: TrackerContext, drafts: EntryDraft[]): TrackerContext {
  runInContext(batch, () => drafts.forEach((d) => r.record(d)));
  r.batchEnded(batch);
  return batch;
}

describe('EntryRecorder: batches', () => {
  it('holds the drafts of a batch until it ends and its grace period passes, then serializes them together', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const repo = new FlakyRepository();
    const r = recorder(repo, { batches: { graceMs: 50 } });
    const batch = batchOf();
    runInContext(batch, () => {
      r.record(draft('request', { n: 1 }));
      r.record(draft('log', { n: 2 }));
    });
    expect(batch.drafts.map((d) => d.draft.content.n)).toEqual([1, 2]);
    expect(batch.state).toBe('open');
    // However long the request runs, nothing is serialized before it ends.
    jest.advanceTimersByTime(10_000);
    expect(r.stats()).toMatchObject({ recorded: 2, buffered: 0, pendingBatches: 0 });

    // A draft outside any batch is serialized at once (next timer tick)...
    r.record(draft('log', { n: 'loose' }));
    r.batchEnded(batch);
    expect(batch.state).toBe('ended');
    expect(r.stats().pendingBatches).toBe(1);
    jest.advanceTimersByTime(0);
    // ...while the ended batch waits for its grace period.
    expect(r.stats()).toMatchObject({ buffered: 1, pendingBatches: 1 });
    // A late draft during the grace period joins the batch.
    r.record(draft('http-client', { n: 3 }), batch);
    jest.advanceTimersByTime(49);
    expect(r.stats()).toMatchObject({ buffered: 1, pendingBatches: 1 });
    jest.advanceTimersByTime(1);
    expect(r.stats()).toMatchObject({ buffered: 4, pendingBatches: 0 });
    expect(batch.state).toBe('finalized');
    expect(batch.drafts).toEqual([]); // released
    expect(batch.decision).toEqual({ keep: true, weight: 1 });

    jest.useRealTimers();
    await r.flush(false);
    expect(repo.saves).toEqual([4]);
    const stored = await repo.batch(batch.batchId);
    expect(stored.map((e) => e.content.n)).toEqual([1, 2, 3]);
  });

  it('flush() finalizes ended batches without waiting for their grace period; flush(false) does not; open batches stay open', async () => {
    const repo = new FlakyRepository();
    const r = recorder(repo, { batches: { graceMs: 60_000 } });
    const ended = recordBatch(r, batchOf(), [draft('request', { n: 'ended' })]);
    const open = batchOf();
    runInContext(open, () => r.record(draft('request', { n: 'open' })));
    await r.flush(false);
    expect(repo.saves).toEqual([]);
    expect(r.stats()).toMatchObject({ pendingBatches: 1, buffered: 0 });
    await r.flush();
    expect(repo.saves).toEqual([1]);
    expect(ended.state).toBe('finalized');
    expect(open.state).toBe('open');
    expect(r.stats()).toMatchObject({ pendingBatches: 0, written: 1 });
    r.batchEnded(open);
    await r.stop();
    expect((await all(repo, 'request')).map((e) => e.content.n).sort()).toEqual(['ended', 'open']);
  });

  it('finalizes ended batches in end order, and a batch ends once', async () => {
    const repo = new FlakyRepository();
    const r = recorder(repo);
    const first = batchOf();
    const second = batchOf();
    runInContext(second, () => r.record(draft('request', { n: 'second' })));
    runInContext(first, () => r.record(draft('request', { n: 'first' })));
    r.batchEnded(first);
    r.batchEnded(second);
    r.batchEnded(first);
    expect(r.stats().pendingBatches).toBe(2);
    await r.flush();
    expect(repo.prepared.map((p) => JSON.parse(p.json).content.n)).toEqual(['first', 'second']);
  });

  it('writes late drafts of a kept batch with its id, redactions and weight; drops those of a sampled-out batch', async () => {
    const repo = new FlakyRepository();
    const r = recorder(repo, { sampling: { rate: 0.5 } });
    const kept = recordBatch(r, batchOf(batchIdSampled(0.5, true)), [draft('request', { n: 'kept' })]);
    const dropped = recordBatch(r, batchOf(batchIdSampled(0.5, false)), [draft('request', { n: 'dropped' })]);
    runInContext(kept, () => redactCurrent('late-secret'));
    await r.flush();
    expect(kept.decision).toEqual({ keep: true, weight: 2 });
    expect(dropped.decision).toEqual({ keep: false, weight: 0 });
    expect(r.stats()).toMatchObject({ written: 1, sampledOut: 1 });

    // After finalize: an outbound call whose body ended after the response, a log line of work
    // the request left running (recorded in its async context).
    r.record(draft('http-client', { n: 'late kept', url: '/x?late-secret' }), kept);
    runInContext(kept, () => r.record(draft('log', { n: 'late kept, in context' })));
    r.record(draft('http-client', { n: 'late dropped' }), dropped);
    runInContext(dropped, () => r.record(draft('log', { n: 'late dropped, in context' })));
    await r.flush();
    expect(r.stats()).toMatchObject({ written: 3, sampledOut: 3 });
    const late = repo.prepared.slice(1);
    expect(late.map((p) => [JSON.parse(p.json).content.n, p.batchId, p.weight])).toEqual([
      ['late kept', kept.batchId, 2],
      ['late kept, in context', kept.batchId, 2],
    ]);
    expect(JSON.parse(late[0].json).content.url).toBe(`/x?${REDACTED}`);
    expect(repo.prepared.some((p) => p.batchId === dropped.batchId)).toBe(false);
  });

  it('holds at most maxDrafts drafts per batch; the rest are dropped and counted', async () => {
    const repo = new FlakyRepository();
    const r = recorder(repo, { batches: { maxDrafts: 3 } });
    const batch = recordBatch(
      r,
      batchOf(),
      Array.from({ length: 5 }, (_, i) => draft('log', { i })),
    );
    expect(batch.droppedDrafts).toBe(2);
    expect(r.stats()).toMatchObject({ recorded: 5, dropped: 2 });
    // late drafts during the grace period count against the same bound
    r.record(draft('log', { i: 'late' }), batch);
    expect(batch.droppedDrafts).toBe(3);
    await r.flush();
    expect((await all(repo, 'log')).map((e) => e.content.i).reverse()).toEqual([0, 1, 2]);
    expect(r.stats()).toMatchObject({ written: 3, dropped: 3 });
  });

  it('runs each processor once per batch, after it ended and before sampling; processors change, remove and add drafts', async () => {
    const repo = new FlakyRepository();
    const r = recorder(repo);
    const seen: Array<{ state: string; decision: unknown; types: string[] }> = [];
    r.addProcessor((batch, drafts) => {
      seen.push({ state: batch.state, decision: batch.decision, types: drafts.map((d) => d.draft.type) });
      const queries = drafts.filter((d) => d.draft.type === 'query');
      (drafts[0].draft.content as Record<string, unknown>).queries = queries.length; // per-request total
      drafts.splice(drafts.indexOf(queries[1]), 1); // a duplicate folded away
      r.record(draft('n-plus-one', { count: queries.length }), batch); // a new draft in the batch
    });
    const batch = recordBatch(r, batchOf(), [draft('request', { path: '/a' }), draft('query', { sql: 'q1' }), draft('query', { sql: 'q2' })]);
    await r.flush();
    await r.flush();
    expect(seen).toEqual([{ state: 'ended', decision: null, types: ['request', 'query', 'query'] }]);
    const stored = await repo.batch(batch.batchId);
    expect(stored.map((e) => [e.type, e.content])).toEqual([
      ['request', { path: '/a', queries: 2 }],
      ['query', { sql: 'q1' }],
      ['n-plus-one', { count: 2 }],
    ]);
    // batches without drafts are processed too (a processor may add to them)
    recordBatch(r, batchOf(), []);
    await r.flush();
    expect(seen).toHaveLength(2);
  });

  it('samples what the processors leave: a processor that adds an exception keeps the batch', async () => {
    const repo = new FlakyRepository();
    const r = recorder(repo, { sampling: { rate: 0.01 } });
    r.addProcessor((batch, drafts) => {
      if (drafts.some((d) => d.draft.content.slow === true)) r.record(draft('exception', { class: 'NPlusOne' }), batch);
    });
    const flagged = recordBatch(r, batchOf(batchIdSampled(0.01, false)), [draft('request', { slow: true })]);
    const plain = recordBatch(r, batchOf(batchIdSampled(0.01, false)), [draft('request', { slow: false })]);
    await r.flush();
    expect(flagged.decision).toEqual({ keep: true, weight: 1 });
    expect(plain.decision).toEqual({ keep: false, weight: 0 });
    expect((await repo.batch(flagged.batchId)).map((e) => e.type)).toEqual(['request', 'exception']);
    expect(await repo.batch(plain.batchId)).toEqual([]);
  });

  it('a throwing processor does not lose the batch, nor stop the other processors', async () => {
    const repo = new FlakyRepository();
    const r = recorder(repo);
    r.addProcessor(() => {
      throw new Error('processor bug');
    });
    r.addProcessor((_batch, drafts) => {
      (drafts[0].draft.content as Record<string, unknown>).processed = true;
    });
    const batch = recordBatch(r, batchOf(), [draft('request', { n: 1 }), draft('log', { n: 2 })]);
    await r.flush();
    expect((await repo.batch(batch.batchId)).map((e) => e.content)).toEqual([{ n: 1, processed: true }, { n: 2 }]);
    expect(logs.lines.some(([level, line]) => level === 'warn' && line.includes('processor bug'))).toBe(true);
    expect(r.stats()).toMatchObject({ written: 2, dropped: 0 });
  });

  it('stops calling a processor once removed', async () => {
    const repo = new FlakyRepository();
    const r = recorder(repo);
    const calls: string[] = [];
    const remove = r.addProcessor((batch) => calls.push(batch.batchId));
    const one = recordBatch(r, batchOf(), [draft()]);
    await r.flush();
    remove();
    remove();
    recordBatch(r, batchOf(), [draft()]);
    await r.flush();
    expect(calls).toEqual([one.batchId]);
  });
});

describe('EntryRecorder: sampling', () => {
  it('keeps or drops a batch whole, and weights kept-by-chance entries 1/rate in families and counters (approximate)', async () => {
    const repo = new MemoryRepository(RETENTION);
    const r = recorder(repo, { sampling: { rate: 0.25 } });
    const requestDraft = (): EntryDraft =>
      draft('request', { path: '/items' }, { familyHash: 'GET /items', durationMs: 10, counters: [{ name: 'requests', key: '2xx', value: 1 }] });
    const batches: TrackerContext[] = [];
    for (let i = 0; i < 200; i++) batches.push(recordBatch(r, batchOf(), [requestDraft(), draft('log', { i })]));
    await r.flush();
    const kept = batches.filter((b) => b.decision!.keep);
    // the decision is the hash of the batch id
    for (const b of batches) expect(b.decision).toEqual(unitHash(b.batchId) < 0.25 ? { keep: true, weight: 4 } : { keep: false, weight: 0 });
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(200);
    // whole batches: both entries of a kept one, none of a dropped one
    expect(await repo.count('request')).toBe(kept.length);
    expect(await repo.count('log')).toBe(kept.length);
    expect(r.stats()).toMatchObject({ written: 2 * kept.length, sampledOut: 2 * (200 - kept.length) });

    const family = (await repo.family('request', 'GET /items'))!;
    expect(family.approximate).toBe(true);
    expect(family.count).toBe(4 * kept.length);
    expect(family.totalDurationMs).toBe(40 * kept.length);
    expect(family.avgDurationMs).toBe(10);
    const now = Date.now();
    const series = await repo.counters({ name: 'requests', granularity: 'day', from: now - 86_400_000, to: now });
    expect(series.approximate).toBe(true);
    expect(series.buckets.reduce((sum, b) => sum + (b.values['2xx'] ?? 0), 0)).toBe(4 * kept.length);
  });

  it('always keeps exceptions, 5xx, slow batches and batches of the keep rule, with weight 1', async () => {
    const repo = new MemoryRepository(RETENTION);
    const keepRule = jest.fn((batch: TrackerContext, drafts: readonly BatchDraft[]) => batch.kind === 'job' && drafts.length === 1);
    const r = recorder(repo, { sampling: { rate: 0.1, keepSlowerThanMs: 500, keep: keepRule } });
    const out = () => batchIdSampled(0.1, false);
    const withException = recordBatch(r, batchOf(out()), [draft('request', {}, { familyHash: 'f' }), draft('exception', { class: 'E' })]);
    const server5xx = batchOf(out());
    server5xx.http = { req: {} as never, res: { statusCode: 502 } as never };
    recordBatch(r, server5xx, [draft('request', {}, { familyHash: 'f' })]);
    const draft5xx = batchOf(out(), 'job');
    draft5xx.failed = true; // a job that threw
    recordBatch(r, draft5xx, [draft('request', { status: 503 }, { familyHash: 'f' })]);
    const slow = batchOf(out());
    slow.endedAt = slow.startedAt + 500;
    recordBatch(r, slow, [draft('request', {}, { familyHash: 'f' })]);
    const job = recordBatch(r, batchOf(out(), 'job'), [draft('job', {})]);
    const ordinary = recordBatch(r, batchOf(out()), [draft('request', { status: 200 }, { familyHash: 'f' })]);
    const fast = batchOf(out());
    fast.endedAt = fast.startedAt + 499;
    recordBatch(r, fast, [draft('request', {}, { familyHash: 'f' })]);
    await r.flush();
    for (const b of [withException, server5xx, draft5xx, slow, job]) expect(b.decision).toEqual({ keep: true, weight: 1 });
    for (const b of [ordinary, fast]) expect(b.decision).toEqual({ keep: false, weight: 0 });
    expect(keepRule).toHaveBeenCalledWith(job, expect.any(Array));
    const family = (await repo.family('request', 'f'))!;
    expect(family.count).toBe(4);
    expect(family.approximate).toBe(false);
  });

  it('keeps everything, unweighted, at rate 1; drafts outside any batch are never sampled', async () => {
    const repo = new FlakyRepository();
    const r = recorder(repo);
    for (let i = 0; i < 20; i++) recordBatch(r, batchOf(), [draft('request', { i })]);
    const low = recorder(repo, { sampling: { rate: 0.01 } });
    for (let i = 0; i < 20; i++) low.record(draft('loose', { i }));
    await r.flush();
    await low.flush();
    expect(repo.prepared.every((p) => (p.weight ?? 1) === 1)).toBe(true);
    expect(await repo.count('request')).toBe(20);
    expect(await repo.count('loose')).toBe(20);
  });
});

describe('EntryRecorder: byte bound', () => {
  /** Drafts that serialize to the same length whatever `i` (0..9999). */
  const padded = (i: number): EntryDraft => draft('request', { i, padding: 'x'.repeat(404 - String(i).length) });

  it('holds at most buffer.maxBytes of serialized entries while storage is down, and writes them when it is back', async () => {
    const repo = new FlakyRepository();
    repo.ready = false;
    const maxBytes = 20_000;
    const r = recorder(repo, { buffer: { maxBytes } });
    for (let i = 0; i < 300; i++) r.record(padded(i));
    await r.flush();
    const down = r.stats();
    expect(down.bufferedBytes).toBeLessThanOrEqual(maxBytes);
    // close to the bound: the next entry would not have fitted
    expect(down.bufferedBytes).toBeGreaterThan(maxBytes - 600);
    expect(down.buffered).toBeLessThan(300);
    expect(down.dropped).toBe(300 - down.buffered);
    expect(down.storageReady).toBe(false);
    // more entries while down: still bounded, all counted
    for (let i = 300; i < 600; i++) r.record(padded(i));
    await r.flush();
    expect(r.stats().bufferedBytes).toBeLessThanOrEqual(maxBytes);
    expect(r.stats().dropped).toBe(600 - down.buffered);
    expect(repo.saves).toEqual([]);

    repo.ready = true;
    await r.flush();
    expect(r.stats()).toMatchObject({ buffered: 0, bufferedBytes: 0, written: down.buffered, storageReady: true });
    // the oldest were kept
    expect((await all(repo, 'request')).map((e) => e.content.i).reverse()).toEqual(Array.from({ length: down.buffered }, (_, i) => i));
    r.record(padded(1000));
    await r.flush();
    expect(await repo.count('request')).toBe(down.buffered + 1);
  });

  it('keeps within maxBytes when a failed write is put back while new entries arrived, dropping the oldest of the failed write', async () => {
    const repo = new FlakyRepository();
    const r = recorder(repo, { buffer: { maxBytes: 20_000 } });
    for (let i = 0; i < 30; i++) r.record(padded(i));
    repo.mode = 'reject';
    repo.gate = new Gate();
    const failing = r.flush();
    for (let i = 30; i < 60; i++) r.record(padded(i));
    const next = r.flush(); // serializes the 30 new ones while the write hangs
    const size = repo.prepared[0].json.length;
    const fits = Math.floor(20_000 / size);
    repo.gate.release();
    repo.gate = null;
    await failing;
    await next;
    expect(r.stats().bufferedBytes).toBeLessThanOrEqual(20_000);
    expect(r.stats()).toMatchObject({ buffered: fits, dropped: 60 - fits });
    repo.mode = 'ok';
    await r.flush();
    expect((await all(repo, 'request')).map((e) => e.content.i).reverse()).toEqual(Array.from({ length: fits }, (_, i) => 60 - fits + i));
  });

  it('starts a write once flushBytes wait, without waiting for the interval', async () => {
    const repo = new FlakyRepository();
    const r = recorder(repo, { buffer: { flushBytes: 4000 } });
    for (let i = 0; i < 12; i++) r.record(padded(i));
    await until(() => r.stats().written === 12);
    expect(repo.saves).toEqual([12]);
  });
});
