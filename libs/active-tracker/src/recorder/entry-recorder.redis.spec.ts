import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { startRedisServer, RedisServer } from '../../test/support/redis-server.js';
import { resolveOptions } from '../active-tracker.options.js';
import { InstrumentationBus } from '../bus/instrumentation-bus.js';
import { Entry, EntryDraft } from '../entries/entry.js';
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

function start(overrides: Partial<RecorderOptions> = {}): EntryRecorder {
  recorder = new EntryRecorder(repository, {
    trackerId: 'tracker',
    maxBufferEntries: 10_000,
    flushIntervalMs: 20,
    flushBatchSize: 500,
    maxPayloadBytes: 64 * 1024,
    ...overrides,
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
    const r = start({ maxBufferEntries: 100 });
    r.record(draft('before', { n: 1 }));
    await until(async () => (await repository.count('before')) === 1, 10_000);

    await server.kill();
    await until(() => !repository.isReady(), 10_000);

    // The capture path keeps working: synchronous, never throwing, bounded.
    const started = Date.now();
    for (let i = 0; i < 1000; i++) {
      expect(r.record(draft('during', { i, padding: 'x'.repeat(200) }))).toBeUndefined();
    }
    expect(Date.now() - started).toBeLessThan(2000);
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

  it('a hung Redis (SIGSTOP): the flush times out, the batch is dropped (not written twice) and no write piles up behind it', async () => {
    const r = start({ flushTimeoutMs: 200, flushIntervalMs: 60_000 });
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
      100, 101, 102, 103, 104,
    ]);
    expect(new Set(entries.map((e) => e.id)).size).toBe(25);
    expect(r.stats()).toMatchObject({ dropped: 20, buffered: 0, storageReady: true });
  });
});
