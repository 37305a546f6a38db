import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import { ActiveTracker, EntryRepository, TrackerRuntime } from '@active-tracker/nestjs';
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
    const runtime = app.get(TrackerRuntime);
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
    await until(async () => runtime.recorder.stats().buffered === 0 && (await repo.count('request')) >= 2);
    const page = await request(server).get('/activetracker/api/entries?type=request&limit=100').expect(200);
    expect(page.body.data.map((e: any) => e.content.url)).toContain('/things?after=1');
    expect(page.body.data.length).toBeLessThanOrEqual(51);
  }, 30_000);

  it('keeps serving while Redis hangs (SIGSTOP) and recovers when it answers again', async () => {
    await app?.close();
    app = await createScenarioApp({ tracker: { redis: redis.url, keyPrefix: 'hang:', buffer: { maxEntries: 50, flushIntervalMs: 20 } } });
    const server = app.getHttpServer();
    const runtime = app.get(TrackerRuntime);
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
