#!/usr/bin/env node
/**
 * Storage figures of the Redis store, through the library's own code (the built library in
 * libs/active-tracker/dist), against a private redis-server (free port, persistence off):
 *
 *   1. ingest throughput: entries/s one process writes with the repository's save(), batches of 1,000
 *   2. Redis memory per stored entry: INFO memory used_memory before/after the fill / entries
 *   3. read timings with BENCH_STORAGE_ENTRIES entries stored (default 1,000,000; --quick 100,000):
 *      newest page, a page 10,000 deep, a tag page, a families page (median of 20 calls each)
 *   4. time from a response to its entry being readable through the REST API (demo app tracked on
 *      Redis in a child process, 20 requests one at a time)
 *
 *   npm run bench:storage                          # build, then this script
 *   node bench/storage.js --quick                  # after `npm run build`: 100,000 entries
 *   $(node scripts/node24.js) bench/storage.js     # on Node 24 LTS
 *   BENCH_STORAGE_ENTRIES=300000 node bench/storage.js
 *
 * Exits 0 whatever the verdict; non-zero only when it cannot run (no build, no redis-server).
 */
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { monotonicFactory } from 'ulid';
import {
  DEMO_FACTORY,
  LIBRARY_DIST,
  REDIS_SERVER,
  fmt,
  installCleanup,
  median,
  printTargets,
  readResults,
  redisInfoField,
  resultsFileArg,
  setting,
  startApp,
  startRedis,
  stopChildren,
} from './support.js';

const KEY_PREFIX = '{activetracker}:';
/** Roomy retention: nothing of the fill may expire or be evicted while it is read back. */
const RETENTION = { maxAgeMs: 7 * 24 * 60 * 60_000, maxEntriesPerType: 100_000_000 };

/**
 * THE ADAPTER: the only code that knows how the library's write path is called. Everything else in
 * this file builds plain Entry objects and calls `save(entries)` and the read methods of `repo`.
 * When save() takes prepared entries (pre-serialized JSON), change the `save` line to e.g.
 * `save: (entries) => repo.save(entries.map((e) => lib.prepareEntry(e)))` (the preparation is then
 * timed as part of the write path), and the constructor line if its options change.
 */
function openWritePath(lib, client) {
  const repo = new lib.RedisRepository(client, { keyPrefix: KEY_PREFIX, retention: RETENTION });
  return {
    repo,
    // The recorder hands the store entries it serialized once (PreparedEntry): preparing is the
    // serializer's cost, measured by bench/overhead.js, not the store's.
    prepare: (entries) => entries.map((e) => lib.prepareEntry({ ...e, version: 1 }, { counters: countersOf(e) })),
    save: (prepared) => repo.save(prepared),
  };
}

/** The counters the request plugin adds to a request entry (status class and latency histogram). */
function countersOf(entry) {
  if (entry.type !== 'request') return undefined;
  const status = Number(entry.content?.status ?? 200);
  return [
    { name: 'requests', key: `${Math.floor(status / 100)}xx`, value: 1 },
    { name: 'requests.duration', key: `h${Math.ceil(Math.log(Math.max(entry.durationMs ?? 0.001, 0.001)) / Math.log(1.04))}`, value: 1 },
  ];
}

/**
 * Read queries, also in one place.
 */
const READ_TYPE = 'request';
const queries = {
  newest: () => ({ type: READ_TYPE, limit: 50 }),
  deep: (before) => ({ type: READ_TYPE, before, limit: 50 }),
  tag: (tag) => ({ type: READ_TYPE, tags: [tag], limit: 50 }),
  families: () => ({ type: READ_TYPE, limit: 50, orderBy: 'p95' }),
};

const INGEST_TARGET = 50_000; // entries/s
const READABLE_TARGET_MS = 1000;
const READ_TARGET_MS = 5;
const BATCH_SIZE = 1000;
const DEEP = 10_000;
const READ_CALLS = 20;
const LATENCY_REQUESTS = 20;
const POLL_MS = 10;

const quick = process.argv.includes('--quick');
const entriesWanted = setting(readCount);

function readCount() {
  const raw = process.env.BENCH_STORAGE_ENTRIES;
  if (raw === undefined || raw === '') return quick ? 100_000 : 1_000_000;
  const value = Math.floor(Number(raw));
  if (!(value >= BATCH_SIZE)) throw new Error(`BENCH_STORAGE_ENTRIES must be a number >= ${BATCH_SIZE}, got "${raw}"`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Synthetic entries, shaped like what the plugins record (see libs/active-tracker/src/entries/entry.ts):
// per simulated request one `request` entry, 0–2 `log` entries, sometimes an `exception` and an
// `event`, all sharing the request's batchId. Deterministic (seeded PRNG) apart from the ULIDs.
// ---------------------------------------------------------------------------------------------

function prng(seed) {
  // mulberry32
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const hex16 = (n, salt) => (BigInt(n + 1) * 0x9e3779b97f4a7c15n + BigInt(salt)).toString(16).padStart(16, '0').slice(-16);

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
const TAG_FILTER = { key: 'user_email', value: 'user7@example.com' };

function entryFactory() {
  const random = prng(20261128);
  const nextId = monotonicFactory();
  const pick = (list) => list[Math.floor(random() * list.length)];
  return function nextBatch(size) {
    const entries = [];
    while (entries.length < size) {
      const now = Date.now();
      const at = new Date(now).toISOString();
      const batchId = nextId(now);
      const r = ROUTES[Math.floor(random() * random() * ROUTES.length)]; // a few hot routes
      const duration = Math.round(Math.exp(random() * 5.5) * 1000) / 1000; // 1–245 ms, skewed low
      const status = random() < 0.9 ? 200 : pick([400, 404, 500]);
      const tags = random() < 0.6 ? { user_email: `user${Math.floor(random() * USERS)}@example.com` } : {};
      entries.push({
        id: nextId(now),
        type: 'request',
        batchId,
        occurredAt: at,
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
          id: nextId(now),
          type: 'log',
          batchId,
          occurredAt: at,
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
          id: nextId(now),
          type: 'exception',
          batchId,
          occurredAt: at,
          durationMs: null,
          familyHash: family.hash,
          tags: {},
          content: { class: family.class, message: `${family.class} while handling ${r.route}`, locationLabel: family.location, status },
        });
      }
      if (random() < 0.1) {
        const event = pick(EVENT_KEYS);
        entries.push({
          id: nextId(now),
          type: 'event',
          batchId,
          occurredAt: at,
          durationMs: null,
          familyHash: event.hash,
          tags: { order_status: pick(['pending', 'paid', 'shipped']) },
          content: { name: event.key, description: 'Order moved to the next step', data: { orderId: Math.floor(random() * 1e6) } },
        });
      }
    }
    return entries.slice(0, size);
  };
}

// ---------------------------------------------------------------------------------------------

/** Fills Redis through the write path; times only the save() calls. */
/** Saves kept in flight at once: the next batch is sent while Redis runs the previous one. */
const IN_FLIGHT = 2;

async function fill(prepare, save, count) {
  const nextBatch = entryFactory();
  let saveMs = 0;
  let jsonBytes = 0;
  let written = 0;
  const types = {};
  const started = performance.now();
  let lastReport = started;
  let queued = 0;
  const inFlight = new Set();
  // Time spent with at least one save in flight: what the store takes, without preparing.
  let busySince = 0;
  while (written < count) {
    if (queued < count) {
      const batch = nextBatch(Math.min(BATCH_SIZE, count - queued));
      queued += batch.length;
      for (const e of batch) {
        types[e.type] = (types[e.type] ?? 0) + 1;
        if (queued <= 10_000) jsonBytes += Buffer.byteLength(JSON.stringify(e));
      }
      const prepared = prepare(batch);
      if (inFlight.size === 0) busySince = performance.now();
      const saving = save(prepared).then(() => {
        written += prepared.length;
        inFlight.delete(saving);
        if (inFlight.size === 0) saveMs += performance.now() - busySince;
      });
      inFlight.add(saving);
      if (inFlight.size < IN_FLIGHT && queued < count) continue;
    }
    await Promise.race(inFlight);
    if (performance.now() - lastReport > 5000) {
      lastReport = performance.now();
      console.log(`  ... ${fmt(written)} / ${fmt(count)} entries written`);
    }
  }
  return {
    written,
    saveMs,
    wallMs: performance.now() - started,
    avgJsonBytes: jsonBytes / Math.min(written, 10_000),
    types,
  };
}

/** Median and max of `calls` timed calls of `fn` (after two untimed ones), in ms. */
async function timeCalls(fn, calls = READ_CALLS) {
  await fn();
  await fn();
  const times = [];
  let last;
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    last = await fn();
    times.push(performance.now() - t0);
  }
  return { median: median(times), max: Math.max(...times), last };
}

async function readTimings(repo) {
  const newest = await timeCalls(() => repo.list(queries.newest()));
  // Walk to 10,000 entries deep once, the way the dashboard pages (50 at a time, by cursor).
  let cursor;
  let depth = 0;
  while (depth < DEEP) {
    const page = await repo.list(cursor === undefined ? queries.newest() : queries.deep(cursor));
    depth += page.data.length;
    cursor = page.next;
    if (!cursor) break;
  }
  const deep = cursor ? await timeCalls(() => repo.list(queries.deep(cursor))) : null;
  const tag = await timeCalls(() => repo.list(queries.tag(TAG_FILTER)));
  const families = await timeCalls(() => repo.families(queries.families()));
  return {
    newest: { ...newest, rows: newest.last.data.length },
    deep: deep ? { ...deep, rows: deep.last.data.length, depth } : { depth },
    tag: { ...tag, rows: tag.last.data.length },
    families: { ...families, rows: families.last.data.length },
  };
}

/**
 * Starts the demo tracked on Redis (database 1 of the same server, so its entries are apart from
 * the fill and a search never scans a million synthetic entries), sends requests one at a time with
 * a unique marker and polls the REST API every POLL_MS until each marker's request is listed.
 */
async function readableLatency(redisPort) {
  const app = await startApp('latency', {
    BENCH_MODE: 'tracked',
    BENCH_PLUGINS: 'default',
    BENCH_REDIS_URL: `redis://127.0.0.1:${redisPort}/1`,
    NODE_ENV: 'development', // the API answers 404 in production without credentials
  });
  const headers = { accept: 'application/json', 'user-agent': 'active-tracker-bench', authorization: 'Bearer bench-token' };
  const times = [];
  let missing = 0;
  try {
    const info = await app.request('info');
    console.log(`demo app tracked on Redis (database 1) in a child process on node ${info.node}`);
    // Warm the app and the API path first (first requests compile routes and connect Redis).
    for (let i = 0; i < 5; i++) await (await fetch(`${app.url}/catalog`, { headers })).arrayBuffer();
    await (await fetch(`${app.url}/activetracker/api/entries?type=request&limit=1`)).arrayBuffer();
    for (let i = 0; i < LATENCY_REQUESTS; i++) {
      const marker = `m${randomBytes(8).toString('hex')}`;
      const res = await fetch(`${app.url}/catalog?marker=${marker}`, { headers });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`GET /catalog answered ${res.status}`);
      const answered = performance.now();
      const deadline = answered + 10_000;
      let found = false;
      while (performance.now() < deadline) {
        const poll = await fetch(`${app.url}/activetracker/api/entries?type=request&q=${marker}&limit=1`);
        if (!poll.ok) throw new Error(`GET /activetracker/api/entries answered ${poll.status}`);
        const body = await poll.json();
        if (body.data?.length > 0) {
          found = true;
          break;
        }
        await sleep(POLL_MS);
      }
      if (found) times.push(performance.now() - answered);
      else missing++;
    }
  } finally {
    await app.stop();
  }
  return { median: median(times), max: times.length ? Math.max(...times) : NaN, missing };
}

async function main() {
  for (const file of [LIBRARY_DIST, DEMO_FACTORY]) {
    if (!existsSync(file)) {
      console.error(`${file} is missing: run "npm run build" first (npm run bench does it)`);
      return 2;
    }
  }
  if (!existsSync(REDIS_SERVER)) {
    console.error(`${REDIS_SERVER} not found (apt-get install redis-server, or set REDIS_SERVER_BIN)`);
    return 2;
  }
  console.log('');
  console.log(`storage: node ${process.version} (${process.execPath}), ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}`.trim());
  const lib = await import(pathToFileURL(LIBRARY_DIST).href);
  const redisPort = await startRedis();
  console.log(`private redis-server on port ${redisPort} (persistence off); ${fmt(entriesWanted)} entries in batches of ${fmt(BATCH_SIZE)}`);
  const client = new Redis({ host: '127.0.0.1', port: redisPort, lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  const { repo, prepare, save } = openWritePath(lib, client);

  try {
    // 1 + 2: fill through the write path, timing save() and measuring Redis memory.
    const memoryBefore = await redisInfoField(redisPort, 'memory', 'used_memory');
    const filled = await fill(prepare, save, entriesWanted);
    const memoryAfter = await redisInfoField(redisPort, 'memory', 'used_memory');
    const ingest = filled.written / (filled.saveMs / 1000);
    const bytesPerEntry = (memoryAfter - memoryBefore) / filled.written;
    const mix = Object.entries(filled.types)
      .map(([t, n]) => `${t} ${((100 * n) / filled.written).toFixed(0)}%`)
      .join(', ');
    console.log(`entries: ${mix}; ~${fmt(filled.avgJsonBytes)} bytes of JSON each`);
    console.log(
      `ingest throughput         ${fmt(ingest)} entries/s (${fmt(filled.written)} entries, ${fmt(filled.saveMs / 1000, 1)} s in save(), ${fmt(filled.wallMs / 1000, 1)} s wall)`,
    );
    if (filled.written < 100_000) console.log('WARNING: fewer than 100,000 entries: the ingest figure is not representative');
    console.log(
      `Redis memory per entry    ${fmt(bytesPerEntry)} bytes (used_memory ${fmt(memoryBefore / 2 ** 20, 1)} MB → ${fmt(memoryAfter / 2 ** 20, 1)} MB)`,
    );

    // 3: reads with everything stored.
    const reads = await readTimings(repo);
    const line = (label, r, what) =>
      console.log(`${label.padEnd(26)}${r.median === undefined ? 'n/a' : `${fmt(r.median, 3)} ms median, ${fmt(r.max, 3)} ms max`} (${what})`);
    console.log(`reads with ${fmt(filled.written)} entries stored, median of ${READ_CALLS} calls each:`);
    line('  newest page', reads.newest, `list type=${READ_TYPE} limit 50: ${reads.newest.rows} rows`);
    line(
      '  page 10,000 deep',
      reads.deep,
      reads.deep.median === undefined
        ? `only ${fmt(reads.deep.depth)} entries of the type`
        : `by cursor after ${fmt(reads.deep.depth)} entries: ${reads.deep.rows} rows`,
    );
    line('  tag page', reads.tag, `list type=${READ_TYPE} tag ${TAG_FILTER.key}:${TAG_FILTER.value} limit 50: ${reads.tag.rows} rows`);
    line('  families', reads.families, `families type=${READ_TYPE} limit 50 orderBy p95: ${reads.families.rows} rows`);

    // 4: from a response to its entry in the API.
    const readable = await readableLatency(redisPort);
    console.log(
      `response → readable       ${fmt(readable.median, 1)} ms median, ${fmt(readable.max, 1)} ms max ` +
        `(${LATENCY_REQUESTS} requests one at a time, API polled every ${POLL_MS} ms)`,
    );
    if (readable.missing) console.log(`WARNING: ${readable.missing} of ${LATENCY_REQUESTS} requests never became readable within 10 s`);

    const readMedians = [reads.newest, reads.deep, reads.tag, reads.families].map((r) => r.median);
    const empty = filled.written === 0 || reads.newest.rows === 0;
    if (empty) console.log('INVALID: nothing could be read back from Redis');
    const rows = [
      {
        name: 'ingest throughput (Redis, save() batches of 1,000)',
        target: `>= ${fmt(INGEST_TARGET)} entries/s`,
        value: `${fmt(ingest)} entries/s`,
        pass: empty ? 'invalid' : ingest >= INGEST_TARGET,
      },
      {
        name: 'entry readable after its response (max of 20)',
        target: `<= ${fmt(READABLE_TARGET_MS)} ms`,
        value: `${fmt(readable.max, 1)} ms`,
        pass: readable.missing === 0 && readable.max <= READABLE_TARGET_MS,
      },
      {
        name: `reads with ${fmt(filled.written)} entries (median, slowest kind)`,
        target: `<= ${READ_TARGET_MS} ms each`,
        value: readMedians.includes(undefined) ? 'not all measured' : `${fmt(Math.max(...readMedians), 3)} ms`,
        pass: empty ? 'invalid' : readMedians.includes(undefined) ? null : readMedians.every((m) => m <= READ_TARGET_MS),
      },
    ];
    const resultsFile = resultsFileArg();
    const overhead = resultsFile ? readResults(resultsFile) : null;
    if (resultsFile && overhead?.node !== process.version) {
      console.log(`(no overhead results from this Node version in ${resultsFile}: the table shows the storage targets only)`);
    }
    const all = overhead?.node === process.version ? [...overhead.targets, ...rows] : rows;
    printTargets(`targets (Node ${process.version}):`, all, overhead?.node === process.version ? (overhead.notes ?? []) : []);
    return 0;
  } finally {
    await client.quit().catch(() => client.disconnect());
  }
}

installCleanup();
try {
  process.exitCode = await main();
} catch (error) {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
} finally {
  stopChildren();
}
