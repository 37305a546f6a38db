import { Redis } from 'ioredis';
import { ulid } from 'ulid';
import type { Entry } from '../../entries/entry.js';
import { startRedisServer, RedisServer } from '../../../test/support/redis-server.js';
import { prepareEntry, PreparedEntry } from '../prepared-entry.js';
import { RedisRepository } from './redis.repository.js';

/**
 * Ingest, memory and read figures of the Redis store on a private redis-server. Skipped unless
 * ACTIVE_TRACKER_BENCH=1:
 *   ACTIVE_TRACKER_BENCH=1 node --experimental-vm-modules node_modules/jest/bin/jest.js libs/active-tracker/src/storage/redis/redis.bench
 * Traffic: batches of 1000 entries of ~300 bytes (JSON), a request-like mix: 60% requests (own
 * batch, one of 20 route families, a status tag, a counter increment), 30% logs (in a request's
 * batch, a level tag), 10% queries (family of 50, with a duration).
 */
const RUN = process.env.ACTIVE_TRACKER_BENCH === '1';
const TOTAL = Number(process.env.BENCH_ENTRIES ?? 100_000);
const BATCH = 1000;

export function benchEntries(count: number, startMs: number): PreparedEntry[] {
  const out: PreparedEntry[] = [];
  let batchId = ulid(startMs);
  for (let i = 0; i < count; i++) {
    const ms = startMs + i;
    const id = ulid(ms);
    const kind = i % 10;
    let entry: Entry;
    if (kind < 6) {
      batchId = ulid(ms);
      const route = i % 20;
      entry = {
        id,
        type: 'request',
        batchId,
        occurredAt: new Date(ms).toISOString(),
        durationMs: 1 + (i % 97) / 3,
        familyHash: `route${route}`,
        tags: { status: i % 50 === 0 ? '500' : '200' },
        content: { method: 'GET', uri: `/catalog/items/${i}`, route: `/catalog/items/:id${route}`, status: 200, size: 1520 },
        version: 1,
      };
      out.push(prepareEntry(entry, { counters: [{ name: 'requests', key: i % 50 === 0 ? '5xx' : '2xx', value: 1 }] }));
    } else if (kind < 9) {
      entry = {
        id,
        type: 'log',
        batchId,
        occurredAt: new Date(ms).toISOString(),
        durationMs: null,
        familyHash: null,
        tags: { level: 'log' },
        content: { level: 'log', context: 'CatalogController', message: `served catalog page ${i} from cache` },
        version: 1,
      };
      out.push(prepareEntry(entry));
    } else {
      entry = {
        id,
        type: 'query',
        batchId,
        occurredAt: new Date(ms).toISOString(),
        durationMs: 0.2 + (i % 31) / 7,
        familyHash: `sql${i % 50}`,
        tags: {},
        content: { sql: `select id, name, price from items where category = $1 limit 20 -- q${i % 50}`, rows: 20 },
        version: 1,
      };
      out.push(prepareEntry(entry));
    }
  }
  return out;
}

async function usedMemory(client: Redis): Promise<number> {
  const info = await client.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)![1]);
}

async function time(label: string, runs: number, op: () => Promise<unknown>, rows: string[]): Promise<void> {
  await op();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await op();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  rows.push(`${label.padEnd(48)} median ${samples[samples.length >> 1].toFixed(2)} ms, p90 ${samples[Math.floor(samples.length * 0.9)].toFixed(2)} ms`);
}

(RUN ? describe : describe.skip)('RedisRepository benchmark', () => {
  let server: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    client = new Redis(server.url);
  });
  afterAll(async () => {
    await client?.quit();
    await server?.stop();
  });

  it('ingests, stores compactly and reads', async () => {
    const rows: string[] = [];
    const repo = new RedisRepository(client, {
      keyPrefix: '{activetracker}:',
      retention: { maxAgeMs: 24 * 3_600_000, maxEntriesPerType: 1_000_000 },
    });
    const start = Date.now() - TOTAL - 60_000;
    const entries = benchEntries(TOTAL, start);
    const avgJson = entries.reduce((sum, e) => sum + e.json.length, 0) / entries.length;
    // Warm-up on another prefix: script load, JIT.
    const warm = new RedisRepository(client, { keyPrefix: '{warm}:', retention: { maxAgeMs: 3_600_000, maxEntriesPerType: 1_000_000 } });
    await warm.save(benchEntries(5000, start).slice(0, BATCH));
    await warm.clear();
    await client.config('RESETSTAT');
    const memoryBefore = await usedMemory(client);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < entries.length; i += BATCH) await repo.save(entries.slice(i, i + BATCH));
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const memoryAfter = await usedMemory(client);
    const stats = await client.info('commandstats');
    const evals = [...stats.matchAll(/cmdstat_(evalsha|eval):calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[2]), 0);
    rows.push(`entries ${TOTAL}, avg JSON ${avgJson.toFixed(0)} B, batches of ${BATCH}`);
    rows.push(`ingest (sequential saves)                        ${(TOTAL / seconds).toFixed(0)} entries/s (${((seconds * 1000) / (TOTAL / BATCH)).toFixed(1)} ms per save, ${evals} script calls)`);
    rows.push(`Redis memory                                     ${((memoryAfter - memoryBefore) / TOTAL).toFixed(0)} bytes per entry`);

    // Two saves in flight (two app instances, or a recorder flushing while the previous flush runs).
    const more = benchEntries(20_000, start - 30_000);
    const t1 = process.hrtime.bigint();
    const lanes = [0, 1].map(async (lane) => {
      for (let i = lane * BATCH; i < more.length; i += 2 * BATCH) await repo.save(more.slice(i, i + BATCH));
    });
    await Promise.all(lanes);
    rows.push(`ingest (2 saves in flight)                       ${(more.length / (Number(process.hrtime.bigint() - t1) / 1e9)).toFixed(0)} entries/s`);

    const someBatch = entries[entries.length - 10].batchId!;
    const firstPage = await repo.families({ type: 'request', limit: 5, orderBy: 'p95' });
    const now = Date.now();
    await time('list, all types, 50', 50, () => repo.list({ limit: 50 }), rows);
    await time('list, type=request, 50', 50, () => repo.list({ type: 'request', limit: 50 }), rows);
    await time('list, tag status=500, 50', 50, () => repo.list({ tags: [{ key: 'status', value: '500' }], limit: 50 }), rows);
    await time('list, type=log + tag, 50 (residual filter)', 20, () => repo.list({ type: 'log', tags: [{ key: 'level', value: 'log' }], limit: 50 }), rows);
    await time('list, q without match (5000 scanned)', 10, () => repo.list({ q: 'no such text', limit: 50 }), rows);
    await time('list, 1000', 20, () => repo.list({ limit: 1000 }), rows);
    await time('batch()', 50, () => repo.batch(someBatch), rows);
    await time('find()', 50, () => repo.find(entries[500].id), rows);
    await time('families, lastSeen, 50', 50, () => repo.families({ type: 'query', limit: 50 }), rows);
    await time('families, p95, page 2', 50, () => repo.families({ type: 'request', limit: 5, orderBy: 'p95', before: firstPage.next! }), rows);
    await time('counters, minute, last 3 hours', 50, () => repo.counters({ name: 'requests', granularity: 'minute', from: now - 3 * 3_600_000, to: now }), rows);
    await time('count()', 50, () => repo.count('request'), rows);
    const t2 = process.hrtime.bigint();
    await repo.prune();
    rows.push(`prune() with nothing to evict                     ${(Number(process.hrtime.bigint() - t2) / 1e6).toFixed(1)} ms`);
    const t3 = process.hrtime.bigint();
    await repo.clear();
    rows.push(`clear() of ${TOTAL + more.length} entries                       ${(Number(process.hrtime.bigint() - t3) / 1e6).toFixed(0)} ms`);
    expect(await client.dbsize()).toBe(0);
    process.stdout.write(`\nRedisRepository benchmark (redis-server ${(await client.info('server')).match(/redis_version:(\S+)/)![1]}, node ${process.version})\n${rows.join('\n')}\n`);
  }, 300_000);
});
