import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { startRedisServer, RedisServer } from '../../test/support/redis-server.js';
import { resolveOptions } from '../active-tracker.options.js';
import { InstrumentationBus } from '../bus/instrumentation-bus.js';
import { runInContext, TrackerContext } from '../context/request-context.js';
import { Entry, EntryDraft } from '../entries/entry.js';
import { unitHash } from './batch-sampler.js';
import { createRepository } from '../storage/create-repository.js';
import type { EntryRepository } from '../storage/entry-repository.js';
import { EntryRecorder, RecorderOptions } from './entry-recorder.js';
import { CollectingLogger } from '../../test/support/collecting-logger.js';

/**
 * The recorder against a real redis-server (started on a free port for this file) through a
 * client made by `createRepository`, exactly as the module makes it (no offline queue).
 */

jest.setTimeout(60_000);

// A real garbage collection before each heap reading, so the memory check measures what is kept.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const logs = new CollectingLogger();
let server: RedisServer;
let repository: EntryRepository;
let recorder: EntryRecorder | null = null;
let prefixCounter = 0;

beforeAll(async () => {
  Logger.overrideLogger(logs);
  server = await startRedisServer();
});

afterAll(async () => {
  await server?.stop();
  Logger.overrideLogger(false);
});

beforeEach(async () => {
  logs.lines = [];
  const options = resolveOptions({ redis: server.url, keyPrefix: `recorder-spec-${++prefixCounter}:`, plugins: [] }, () => []);
  repository = createRepository(options);
  await until(() => repository.isReady(), 10_000);
});

afterEach(async () => {
  await recorder?.stop(200);
  recorder = null;
  await repository.close();
});

interface Overrides extends Partial<Omit<RecorderOptions, 'buffer'>> {
  buffer?: Partial<RecorderOptions['buffer']>;
}

function start(overrides: Overrides = {}): EntryRecorder {
  const { buffer, ...rest } = overrides;
  recorder = new EntryRecorder(repository, {
    trackerId: 'tracker',
    maxPayloadBytes: 64 * 1024,
    sensitiveKeys: [],
    batches: { graceMs: 0, maxDrafts: 1000 },
    sampling: { rate: 1, keepSlowerThanMs: null },
    ...rest,
    buffer: { maxEntries: 10_000, maxBytes: 8 * 1024 * 1024, flushIntervalMs: 20, flushBatchSize: 500, flushBytes: 512 * 1024, ...buffer },
  });
  // Drafts are handed over directly; start() runs the flush timer.
  recorder.start(new InstrumentationBus());
  return recorder;
}

function draft(type: string, content: Record<string, unknown> = {}): EntryDraft {
  return { type, content };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      /* storage still down: keep polling */
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

async function stored(type: string): Promise<Entry[]> {
  return (await repository.list({ type, limit: 1000 })).data;
}

describe('EntryRecorder with RedisRepository', () => {
  it('writes batches to Redis through the flush timer', async () => {
    const r = start();
    for (let i = 0; i < 250; i++) r.record(draft('request', { i }));
    await until(async () => (await repository.count('request')) === 250, 10_000);
    const entries = (await stored('request')).reverse();
    expect(entries.map((e) => e.content.i)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(r.stats()).toMatchObject({ written: 250, dropped: 0, buffered: 0, storageReady: true });
  });

  it('survives a Redis outage: bounded buffer, drops counted, memory flat, writing resumes on the same port', async () => {
    const r = start({ buffer: { maxEntries: 100 } });
    r.record(draft('before', { n: 1 }));
    await until(async () => (await repository.count('before')) === 1, 10_000);

    await server.kill();
    await until(() => !repository.isReady(), 10_000);

    // The capture path keeps working: synchronous, never throwing, bounded.
    const started = Date.now();
    for (let i = 0; i < 1000; i++) {
      expect(r.record(draft('during', { i, padding: 'x'.repeat(200) }))).toEqual(expect.any(String)); // the id, at once: never a promise
    }
    expect(Date.now() - started).toBeLessThan(2000);
    // v2: record() only keeps a reference; drafts are serialized into the bounded buffer off-tick.
    await r.flush();
    let stats = r.stats();
    expect(stats.dropped).toBeGreaterThanOrEqual(900);
    expect(stats.buffered).toBeLessThanOrEqual(100);
    expect(stats.storageReady).toBe(false);

    // Memory stays flat however long the outage lasts (nothing queues in ioredis either).
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 50_000; i++) r.record(draft('during', { i, padding: `${i}`.padEnd(1000, 'y') }));
    // A few flush periods pass while Redis is away.
    await sleep(100);
    gc();
    const grown = process.memoryUsage().heapUsed - heapBefore;
    stats = r.stats();
    expect(stats.buffered).toBeLessThanOrEqual(100);
    expect(stats.dropped).toBeGreaterThanOrEqual(50_900);
    // 50 000 entries of 1 KB would be ~50 MB if they were kept anywhere.
    expect(grown).toBeLessThan(25 * 1024 * 1024);
    expect(logs.lines.filter(([level, line]) => level === 'warn' && line.includes('storage unavailable'))).toHaveLength(1);

    await server.restart();
    await until(() => repository.isReady(), 15_000);
    // The flush timer empties the outage buffer first (until then new drafts would meet a full buffer).
    await until(() => r.stats().buffered === 0, 15_000);
    for (let i = 0; i < 10; i++) r.record(draft('after', { i }));
    await until(async () => (await repository.count('after')) === 10, 15_000);
    // What was buffered during the outage is written too (the restarted server starts empty).
    expect(await repository.count('during')).toBe(100);
    expect(await repository.count('before')).toBe(0);
    stats = r.stats();
    expect(stats).toMatchObject({ buffered: 0, storageReady: true });
    expect(stats.written).toBe(1 + 100 + 10);
    expect(logs.lines.some(([level, line]) => level === 'log' && line.includes('storage available again'))).toBe(true);
  });

  it('stays within buffer.maxBytes while Redis is down, then writes what it kept', async () => {
    const r = start({ buffer: { maxBytes: 64 * 1024 } });
    await server.kill();
    await until(() => !repository.isReady(), 10_000);
    for (let i = 0; i < 500; i++) r.record(draft('bytes', { i, padding: 'p'.repeat(500) }));
    await r.flush();
    const down = r.stats();
    expect(down.bufferedBytes).toBeLessThanOrEqual(64 * 1024);
    expect(down.buffered).toBeGreaterThan(50);
    expect(down.dropped).toBe(500 - down.buffered);
    await server.restart();
    await until(() => repository.isReady(), 15_000);
    await until(async () => (await repository.count('bytes')) === down.buffered, 15_000);
    expect(r.stats()).toMatchObject({ buffered: 0, bufferedBytes: 0 });
  });

  it('carries the weight of sampled batches into Redis families and counters (approximate)', async () => {
    const r = start({ sampling: { rate: 0.5, keepSlowerThanMs: null } });
    const batches = Array.from({ length: 60 }, () => new TrackerContext('tracker'));
    for (const batch of batches) {
      runInContext(batch, () =>
        r.record({ type: 'request', content: { path: '/w' }, familyHash: 'GET /w', durationMs: 5, counters: [{ name: 'requests', key: '2xx', value: 1 }] }),
      );
      r.batchEnded(batch);
    }
    await r.flush();
    const kept = batches.filter((b) => b.decision?.keep).length;
    expect(kept).toBe(batches.filter((b) => unitHash(b.batchId) < 0.5).length);
    await until(async () => (await repository.count('request')) === kept, 10_000);
    const family = (await repository.family('request', 'GET /w'))!;
    expect(family).toMatchObject({ count: 2 * kept, approximate: true });
    const now = Date.now();
    const series = await repository.counters({ name: 'requests', granularity: 'day', from: now - 60_000, to: now });
    expect(series.approximate).toBe(true);
    expect(series.buckets.reduce((sum, b) => sum + (b.values['2xx'] ?? 0), 0)).toBe(2 * kept);
  });

  it('a hung Redis (SIGSTOP): the flush times out, the batch is dropped (not written twice) and no write piles up behind it', async () => {
    const r = start({ flushTimeoutMs: 200, buffer: { flushIntervalMs: 60_000 } });
    for (let i = 0; i < 20; i++) r.record(draft('hung', { i }));
    server.pause();
    try {
      await r.flush();
      expect(r.stats()).toMatchObject({ dropped: 20, buffered: 0, failedFlushes: 1, written: 0, storageReady: false });
      // While the timed-out write is unanswered, new entries wait in the buffer instead of stacking writes.
      for (let i = 0; i < 5; i++) r.record(draft('hung', { i: 100 + i }));
      await r.flush();
      expect(r.stats()).toMatchObject({ buffered: 5, failedFlushes: 1, written: 0 });
    } finally {
      server.resume();
    }
    // Redis answers the frozen pipeline: those 20 land once; the 5 waiting entries follow.
    await until(async () => (await repository.count('hung')) >= 20, 10_000);
    await until(async () => {
      await r.flush();
      return r.stats().written === 5;
    }, 10_000);
    const entries = await stored('hung');
    expect(entries.map((e) => e.content.i).sort((a, b) => Number(a) - Number(b))).toEqual([
      ...Array.from({ length: 20 }, (_, i) => i),
      100,
      101,
      102,
      103,
      104,
    ]);
    expect(new Set(entries.map((e) => e.id)).size).toBe(25);
    expect(r.stats()).toMatchObject({ dropped: 20, buffered: 0, storageReady: true });
  });
});
