import request from 'supertest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { INestApplication } from '@nestjs/common';
import { ACTIVE_TRACKER_RUNTIME, ActiveTracker, EntryRepository, type TrackerRuntime } from '@active-tracker/nestjs';

/** A full garbage collection, so heap figures measure what is retained. */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
import { startRedisServer, type RedisServer } from '../libs/active-tracker/test/support/redis-server.js';
import { createScenarioApp } from './support/scenario-app.js';

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Redis outage', () => {
  let redis: RedisServer;
  let app: INestApplication;

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await app?.close();
    await redis?.stop();
  });

  it('keeps serving every host request, bounds the buffer, and resumes writing when Redis returns', async () => {
    app = await createScenarioApp({ tracker: { redis: redis.url, keyPrefix: 'outage:', buffer: { maxEntries: 50, flushIntervalMs: 20 } } });
    const server = app.getHttpServer();
    const runtime = app.get<TrackerRuntime>(ACTIVE_TRACKER_RUNTIME);
    const repo = app.get<EntryRepository>(EntryRepository);

    await request(server).get('/things').expect(200);
    await app.get(ActiveTracker).flush();
    expect(await repo.count('request')).toBe(1);

    await redis.kill();
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) statuses.push((await request(server).get(`/things?i=${i}`)).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const during = runtime.recorder.stats();
    expect(during.buffered).toBeLessThanOrEqual(50);
    expect(during.dropped).toBeGreaterThanOrEqual(150);
    expect(during.storageReady).toBe(false);
    const apiDuring = await request(server).get('/activetracker/api/entries');
    expect(apiDuring.status).toBe(503);
    expect(apiDuring.body.message).toMatch(/unavailable/);
    const stats = await request(server).get('/activetracker/api/stats').expect(200);
    expect(stats.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ plugin: 'storage', label: 'Storage (redis)', error: true })]));

    await redis.restart();
    await until(() => repo.isReady());
    // The backlog (at most 50 entries) is written once Redis is back; until then the full buffer
    // still drops new entries, so the next request is made once it has drained.
    await until(() => runtime.recorder.stats().buffered === 0);
    expect(await repo.count('request')).toBeGreaterThanOrEqual(1);
    await request(server).get('/things?after=1').expect(200);
    // Written once its batch is finalized and flushed (a few ms), without any help.
    let urls: string[] = [];
    await until(async () => {
      const page = await request(server).get('/activetracker/api/entries?type=request&limit=100').expect(200);
      urls = page.body.data.map((e: any) => e.content.url);
      return urls.includes('/things?after=1');
    });
    expect(urls.length).toBeLessThanOrEqual(51);
  }, 30_000);

  it('bounds the memory held during an outage by buffer.maxBytes, not by the number of entries', async () => {
    await app?.close();
    const maxBytes = 4 * 1024 * 1024;
    app = await createScenarioApp({ tracker: { redis: redis.url, keyPrefix: 'bytes:', buffer: { maxBytes, flushIntervalMs: 20 } } });
    const server = app.getHttpServer();
    const runtime = app.get<TrackerRuntime>(ACTIVE_TRACKER_RUNTIME);
    await request(server).get('/things').expect(200);
    await app.get(ActiveTracker).flush();
    // ~40 KB in and ~40 KB out per request: 400 requests make ~32 MB of entries, far past the
    // byte bound, and far below the default entry bound (10,000): only the byte bound can hold.
    const body = { items: Array.from({ length: 800 }, (_, i) => ({ id: i, name: `item number ${i} with some text` })) };
    await redis.kill();
    try {
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < 400; i++) await request(server).post('/things/echo').send(body).expect(201);
      await app.get(ActiveTracker).flush(); // finalizes every ended batch into the (full) buffer
      gc();
      const grown = process.memoryUsage().heapUsed - before;
      const stats = runtime.recorder.stats();
      expect(stats.bufferedBytes).toBeLessThanOrEqual(maxBytes);
      expect(stats.bufferedBytes).toBeGreaterThan(maxBytes / 2);
      expect(stats.dropped).toBeGreaterThan(200);
      // What is retained is the bounded buffer plus noise, not the ~32 MB that was captured.
      expect(grown).toBeLessThan(maxBytes * 2 + 8 * 1024 * 1024);
    } finally {
      await redis.restart();
    }
    await until(() => runtime.recorder.stats().buffered === 0, 20_000);
  }, 60_000);

  it('keeps serving while Redis hangs (SIGSTOP) and recovers when it answers again', async () => {
    await app?.close();
    app = await createScenarioApp({ tracker: { redis: redis.url, keyPrefix: 'hang:', buffer: { maxEntries: 50, flushIntervalMs: 20 } } });
    const server = app.getHttpServer();
    const runtime = app.get<TrackerRuntime>(ACTIVE_TRACKER_RUNTIME);
    await request(server).get('/things').expect(200);
    await app.get(ActiveTracker).flush();
    redis.pause();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 120; i++) statuses.push((await request(server).get(`/things?hung=${i}`)).status);
      expect(statuses.every((s) => s === 200)).toBe(true);
      expect(runtime.recorder.stats().buffered).toBeLessThanOrEqual(50);
    } finally {
      redis.resume();
    }
    // The held write settles (or times out) and the backlog drains; until then the full buffer
    // still drops new entries, so the next request is made once it is empty.
    await until(() => runtime.recorder.stats().buffered === 0, 20_000);
    await request(server).get('/things?resumed=1').expect(200);
    await until(async () => {
      const res = await request(server).get('/activetracker/api/entries?type=request&limit=200');
      return res.status === 200 && res.body.data.some((e: any) => e.content.url === '/things?resumed=1');
    }, 20_000);
  }, 40_000);
});
