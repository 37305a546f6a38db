import { Redis } from 'ioredis';
import { monotonicFactory } from 'ulid';
import type { Entry } from '../../entries/entry.js';
import { startRedisServer, RedisServer } from '../../../test/support/redis-server.js';
import { prepareEntry } from '../prepared-entry.js';
import { RedisRepository } from './redis.repository.js';

/**
 * Ingest, memory and read figures of the Redis store on a private redis-server. Skipped unless
 * ACTIVE_TRACKER_BENCH=1:
 *   ACTIVE_TRACKER_BENCH=1 node --experimental-vm-modules node_modules/jest/bin/jest.js libs/active-tracker/src/storage/redis/redis.bench
 * (BENCH_ENTRIES=300000 for more). The traffic is bench/storage.js's (the project's storage
 * benchmark): per simulated request one `request` entry (own batch, one of 80 route families, a
 * user tag 60% of the time, a skewed 1-245 ms duration), 0-2 `log` entries, sometimes an
 * `exception` and an `event`, in batches of 1,000 entries of ~300 bytes of JSON.
 */
const RUN = process.env.ACTIVE_TRACKER_BENCH === '1';
const TOTAL = Number(process.env.BENCH_ENTRIES ?? 100_000);
const BATCH = 1000;

function prng(seed: number): () => number {
  // mulberry32, as bench/storage.js
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const hex16 = (n: number, salt: number): string => (BigInt(n + 1) * 0x9e3779b97f4a7c15n + BigInt(salt)).toString(16).padStart(16, '0').slice(-16);
const ROUTES = Array.from({ length: 80 }, (_, i) => {
  const resource = ['orders', 'users', 'catalog', 'invoices', 'carts', 'payments', 'reports', 'sessions'][i % 8];
  const method = ['GET', 'GET', 'POST', 'PUT', 'DELETE'][i % 5];
  const route = `/api/v${1 + (i % 2)}/${resource}${i % 3 ? '/:id' : ''}${i >= 40 ? '/items' : ''}`;
  return { method, route, hash: hex16(i, 1), controller: `${resource[0].toUpperCase()}${resource.slice(1)}Controller#h${i}` };
});
const EXCEPTION_FAMILIES = Array.from({ length: 200 }, (_, i) => ({
  hash: hex16(i, 2),
  class: ['TypeError', 'NotFoundException', 'QueryFailedError', 'TimeoutError', 'ValidationError'][i % 5],
  location: `src/${['orders', 'users', 'billing', 'catalog'][i % 4]}/service.ts:${10 + i}`,
}));
const EVENT_KEYS = Array.from({ length: 10 }, (_, i) => ({ key: `order.step${i}`, hash: hex16(i, 3) }));
const USERS = 50;

/** `count` entries shaped like bench/storage.js's, the first at `startMs`, one ms apart per request. */
export function benchEntries(count: number, startMs: number): Entry[] {
  const random = prng(20261128);
  const nextId = monotonicFactory();
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const entries: Entry[] = [];
  for (let n = 0; entries.length < count; n++) {
    const now = startMs + n;
    const at = new Date(now).toISOString();
    const batchId = nextId(now);
    const r = ROUTES[Math.floor(random() * random() * ROUTES.length)];
    const status = random() < 0.9 ? 200 : pick([400, 404, 500]);
    const duration = Math.round(Math.exp(random() * 5.5) * 1000) / 1000;
    const tags: Record<string, string> = random() < 0.6 ? { user_email: `user${Math.floor(random() * USERS)}@example.com` } : {};
    const base = { batchId, occurredAt: at, version: 1 };
    entries.push({
      ...base,
      id: nextId(now),
      type: 'request',
      durationMs: duration,
      familyHash: r.hash,
      tags,
      content: {
        method: r.method,
        url: `${r.route.replace(':id', String(Math.floor(random() * 10_000)))}?page=${Math.floor(random() * 9)}`,
        route: r.route,
        action: r.controller,
        status,
        responseBytes: Math.floor(200 + random() * 4000),
      },
    });
    const logs = Math.floor(random() * 3);
    for (let i = 0; i < logs; i++) {
      entries.push({
        ...base,
        id: nextId(now),
        type: 'log',
        durationMs: null,
        familyHash: null,
        tags: {},
        content: {
          level: random() < 0.9 ? 'log' : 'warn',
          message: `Handled ${r.method} ${r.route} for tenant acme-${Math.floor(random() * 40)}`,
          context: r.controller.split('#')[0],
        },
      });
    }
    if (random() < 0.08) {
      const family = pick(EXCEPTION_FAMILIES);
      entries.push({
        ...base,
        id: nextId(now),
        type: 'exception',
        durationMs: null,
        familyHash: family.hash,
        tags: {},
        content: { class: family.class, message: `${family.class} while handling ${r.route}`, locationLabel: family.location, status },
      });
    }
    if (random() < 0.1) {
      const event = pick(EVENT_KEYS);
      entries.push({
        ...base,
        id: nextId(now),
        type: 'event',
        durationMs: null,
        familyHash: event.hash,
        tags: { order_status: pick(['pending', 'paid', 'shipped']) },
        content: { name: event.key, description: 'Order moved to the next step', data: { orderId: Math.floor(random() * 1e6) } },
      });
    }
  }
  return entries.slice(0, count);
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
  rows.push(`${label.padEnd(46)} median ${samples[samples.length >> 1].toFixed(2)} ms, p90 ${samples[Math.floor(samples.length * 0.9)].toFixed(2)} ms`);
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
      retention: { maxAgeMs: 7 * 24 * 3_600_000, maxEntriesPerType: 100_000_000 },
    });
    const start = Date.now() - TOTAL - 60_000;
    const entries = benchEntries(TOTAL, start);
    // What the recorder adds: a counter increment per request (requests by status class).
    const prepare = (e: Entry) =>
      prepareEntry(e, e.type === 'request' ? { counters: [{ name: 'requests', key: `${String(e.content.status)[0]}xx`, value: 1 }] } : {});
    const avgJson = entries.slice(0, 10_000).reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)), 0) / Math.min(TOTAL, 10_000);
    // Warm-up on another prefix: script load, JIT.
    const warm = new RedisRepository(client, { keyPrefix: '{warm}:', retention: { maxAgeMs: 3_600_000, maxEntriesPerType: 1_000_000 } });
    for (let i = 0; i < 3; i++) await warm.save(benchEntries(BATCH, start - 3_600_000).map(prepare));
    await warm.clear();
    // The script's time in Redis comes from INFO commandstats (SLOWLOG with a 0 threshold would
    // also log, and slow down, every command the script runs).
    await client.config('RESETSTAT');
    const memoryBefore = await usedMemory(client);
    const walls: number[] = [];
    let prepareMs = 0;
    for (let i = 0; i < entries.length; i += BATCH) {
      const t = process.hrtime.bigint();
      // As bench/storage.js times it: preparing (serializing) the entries is part of the write path.
      const prepared = entries.slice(i, i + BATCH).map(prepare);
      const p = process.hrtime.bigint();
      await repo.save(prepared);
      const done = process.hrtime.bigint();
      prepareMs += Number(p - t) / 1e6;
      walls.push(Number(done - t) / 1e6);
    }
    const saveMs = walls.reduce((a, b) => a + b, 0);
    const memoryAfter = await usedMemory(client);
    const stats = await client.info('commandstats');
    const scriptCalls = [...stats.matchAll(/cmdstat_(evalsha|eval):calls=(\d+),usec=(\d+)/g)];
    const evals = scriptCalls.reduce((sum, m) => sum + Number(m[2]), 0);
    const scriptMs = scriptCalls.reduce((sum, m) => sum + Number(m[3]), 0) / 1000 / evals;
    const q = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))];
    const mix = ['request', 'log', 'exception', 'event']
      .map((t) => `${t} ${((100 * entries.filter((e) => e.type === t).length) / TOTAL).toFixed(0)}%`)
      .join(', ');
    rows.push(`${TOTAL} entries (${mix}), ~${avgJson.toFixed(0)} bytes of JSON each, batches of ${BATCH}`);
    rows.push(
      `ingest, prepareEntry + save() in sequence      ${(TOTAL / (saveMs / 1000)).toFixed(0)} entries/s (save() alone ${(TOTAL / ((saveMs - prepareMs) / 1000)).toFixed(0)}/s; ${evals} script calls)`,
    );
    rows.push(
      `  per batch: prepare ${(prepareMs / walls.length).toFixed(1)} ms; prepare + save min ${q(walls, 0).toFixed(1)} / median ${q(walls, 0.5).toFixed(1)} ms; script in Redis ${scriptMs.toFixed(1)} ms on average`,
    );
    rows.push(`Redis memory                                   ${((memoryAfter - memoryBefore) / TOTAL).toFixed(0)} bytes per entry`);

    // Two saves in flight (two app instances, or a recorder flushing while the previous flush runs).
    const more = benchEntries(20_000, start - 60_000).map(prepare);
    const t1 = process.hrtime.bigint();
    const lanes = [0, 1].map(async (lane) => {
      for (let i = lane * BATCH; i < more.length; i += 2 * BATCH) await repo.save(more.slice(i, i + BATCH));
    });
    await Promise.all(lanes);
    rows.push(`ingest, save() x2 in flight                    ${(more.length / (Number(process.hrtime.bigint() - t1) / 1e9)).toFixed(0)} entries/s`);

    // bench/storage.js's reads, then the others.
    let deep: string | undefined;
    for (let depth = 0; depth < 10_000;) {
      const page = await repo.list({ type: 'request', limit: 50, before: deep });
      depth += page.data.length;
      if (!page.next) break;
      deep = page.next;
    }
    const someBatch = entries[entries.length - 10].batchId!;
    const firstPage = await repo.families({ type: 'request', limit: 50, orderBy: 'p95' });
    const now = Date.now();
    const user7 = [{ key: 'user_email', value: 'user7@example.com' }];
    await time('list type=request, 50 (newest page)', 50, () => repo.list({ type: 'request', limit: 50 }), rows);
    await time('list type=request, 50, 10,000 deep', 50, () => repo.list({ type: 'request', limit: 50, before: deep }), rows);
    await time('list type=request + tag user_email, 50', 50, () => repo.list({ type: 'request', tags: user7, limit: 50 }), rows);
    await time('families type=request, p95, 50', 50, () => repo.families({ type: 'request', limit: 50, orderBy: 'p95' }), rows);
    await time(
      'families type=request, p95, page 2',
      50,
      () => repo.families({ type: 'request', limit: 50, orderBy: 'p95', before: firstPage.next ?? undefined }),
      rows,
    );
    await time('families type=request, lastSeen, 50', 50, () => repo.families({ type: 'request', limit: 50 }), rows);
    await time('list all types, 50 (merged type indexes)', 50, () => repo.list({ limit: 50 }), rows);
    await time('list type=log + tag (residual filter), 50', 20, () => repo.list({ type: 'log', tags: user7, limit: 50 }), rows);
    await time('list q without match (5,000 scanned)', 10, () => repo.list({ q: 'no such text', limit: 50 }), rows);
    await time('list all types, 1000', 20, () => repo.list({ limit: 1000 }), rows);
    await time('batch()', 50, () => repo.batch(someBatch), rows);
    await time('find()', 50, () => repo.find(entries[500].id), rows);
    await time(
      'counters, minute, last 3 hours',
      50,
      () => repo.counters({ name: 'requests', granularity: 'minute', from: now - 3 * 3_600_000, to: now }),
      rows,
    );
    await time('count()', 50, () => repo.count('request'), rows);
    const t2 = process.hrtime.bigint();
    await repo.prune();
    rows.push(`prune() with nothing to evict                  ${(Number(process.hrtime.bigint() - t2) / 1e6).toFixed(1)} ms`);
    const t3 = process.hrtime.bigint();
    await repo.clear();
    rows.push(`clear() of ${TOTAL + more.length} entries                   ${(Number(process.hrtime.bigint() - t3) / 1e6).toFixed(0)} ms`);
    expect(await client.dbsize()).toBe(0);
    process.stdout.write(
      `\nRedisRepository benchmark (redis-server ${(await client.info('server')).match(/redis_version:(\S+)/)![1]}, node ${process.version})\n${rows.join('\n')}\n`,
    );
  }, 300_000);
});
