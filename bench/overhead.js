#!/usr/bin/env node
/**
 * Overhead of the tracker: the demo app (apps/demo) with ActiveTracker, compared with the same app
 * without the tracker module at all ("bare"), in five scenarios (see bench/README.md):
 *
 *   redis       headline: full capture (default plugins, headers and bodies, one log line per
 *               request), Redis store (a private redis-server on a free port, persistence off)
 *   embedded    the same on the embedded in-memory store
 *   no-plugins  the module with `plugins: []`, embedded store
 *   queries     5 SQL queries per request (GET /posts/:id) on the demo's embedded database
 *               (TypeORM + sql.js), full capture, Redis store
 *   queries-pg  the same on PostgreSQL (a private database on BENCH_PG_URL; skipped when the
 *               server cannot be reached)
 *
 * Traffic: GET /catalog and POST /catalog/search alternating (~1.5 KB JSON answers, one Nest
 * Logger line each) with realistic headers, 50 connections; the queries scenarios send
 * GET /posts/:id (a post's page: five TypeORM queries) instead. Every app runs in its own child
 * process (bench/serve-demo.js, started with process.execPath, so any `node` works) with an IPC
 * channel for CPU readings and flushes. Per round: bare and tracked at full load (autocannon), then
 * bare and tracked at half of that round's bare req/s (evenly paced, bench/paced-load.js); the
 * order flips every round. Figures are medians over the rounds.
 *
 *   npm run bench                                  # build, this script, then bench/storage.js
 *   node bench/overhead.js --quick                 # after `npm run build`: 1 round × 2 s
 *   $(node scripts/node24.js) bench/overhead.js    # on Node 24 LTS
 *   BENCH_DURATION=10 BENCH_ROUNDS=5 BENCH_CONNECTIONS=50 BENCH_SCENARIOS=redis,embedded node bench/overhead.js
 *   (also BENCH_WARMUP seconds per app, BENCH_HALF_LOAD=autocannon, REDIS_SERVER_BIN)
 *
 * Exits 0 whatever the verdict (INVALID is printed when a tracked app stored nothing); non-zero
 * only when it cannot run (no build, no redis-server, bad settings).
 */
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { pacedLoad } from './paced-load.js';
import {
  createBenchPostgresDatabase,
  DEMO_FACTORY,
  LIBRARY_DIST,
  REDIS_SERVER,
  fmt,
  installCleanup,
  median,
  nodeMajor,
  positiveNumber,
  printTargets,
  redisCommand,
  removeResults,
  resultsFileArg,
  setting,
  startApp,
  startRedis,
  stopChildren,
  waitForRedisQuiet,
  writeResults,
} from './support.js';

/** Headline target: tracked/bare req/s with full capture on Redis (Node 24's promise hooks cost more). */
const HEADLINE_RATIO_TARGET = nodeMajor >= 24 ? 0.75 : 0.8;
/** The queries scenarios' target (5 query entries per request on top of the request's). */
const QUERIES_RATIO_TARGET = 0.75;
/** Queries GET /posts/:id runs (the demo's BlogService.postPage). */
const QUERIES_PER_REQUEST = 5;
const CPU_TARGET_US = 20;
const HALF_LOAD_P99_TARGET_MS = 1;

const quick = process.argv.includes('--quick');
const duration = setting(() => positiveNumber('BENCH_DURATION', quick ? 2 : 5));
const rounds = setting(() => Math.max(1, Math.floor(positiveNumber('BENCH_ROUNDS', quick ? 1 : 3))));
const connections = setting(() => Math.max(1, Math.floor(positiveNumber('BENCH_CONNECTIONS', 50))));
// JIT and heap need several seconds at full load to settle (req/s kept rising for ~5 s in trials).
const warmupSeconds = setting(() => positiveNumber('BENCH_WARMUP', quick ? 2 : 5));
/** `BENCH_HALF_LOAD=autocannon` uses autocannon's overallRate instead (bursty: see paced-load.js). */
const halfLoadTool = process.env.BENCH_HALF_LOAD === 'autocannon' ? 'autocannon' : 'paced';

const SCENARIOS = [
  {
    name: 'redis',
    title: 'full capture, Redis store (headline)',
    env: { BENCH_MODE: 'tracked', BENCH_PLUGINS: 'default' },
    redis: true,
    captures: true,
  },
  {
    name: 'embedded',
    title: 'full capture, embedded store',
    env: { BENCH_MODE: 'tracked', BENCH_PLUGINS: 'default' },
    redis: false,
    captures: true,
  },
  {
    name: 'no-plugins',
    title: 'module with plugins: [], embedded store',
    env: { BENCH_MODE: 'tracked', BENCH_PLUGINS: 'none' },
    redis: false,
    captures: false,
  },
  {
    name: 'queries',
    title: `${QUERIES_PER_REQUEST} queries per request, embedded database (sql.js), full capture, Redis store`,
    env: { BENCH_MODE: 'tracked', BENCH_PLUGINS: 'default' },
    redis: true,
    captures: true,
    queries: true,
    database: 'embedded',
  },
  {
    name: 'queries-pg',
    title: `${QUERIES_PER_REQUEST} queries per request, PostgreSQL, full capture, Redis store`,
    env: { BENCH_MODE: 'tracked', BENCH_PLUGINS: 'default' },
    redis: true,
    captures: true,
    queries: true,
    database: 'postgres',
  },
];

function selectedScenarios() {
  const raw = process.env.BENCH_SCENARIOS;
  if (!raw) return SCENARIOS;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(`BENCH_SCENARIOS: unknown scenario(s) "${unknown.join(', ')}"; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  }
  // Always in the canonical order, so the headline (redis) is reported first when selected.
  return SCENARIOS.filter((s) => names.includes(s.name));
}

// What a browser-ish API client sends. The bearer token is redacted by the tracker (sensitive key).
const TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MiIsIm5hbWUiOiJBZGEgTG92ZWxhY2UiLCJzY29wZSI6ImNhdGFsb2c6cmVhZCIsImlhdCI6MTczMjcwMDAwMH0.' +
  'q0Jd1cYbbQ1cJ2y5Vx6y8Xf3m9d4hN0kR7sT2wE5aLc';
const COMMON_HEADERS = {
  accept: 'application/json, text/plain, */*',
  'accept-language': 'en-US,en;q=0.9',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  authorization: `Bearer ${TOKEN}`,
};
const REQUESTS = [
  { method: 'GET', path: '/catalog', headers: COMMON_HEADERS },
  {
    method: 'POST',
    path: '/catalog/search',
    headers: { ...COMMON_HEADERS, 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'tea', limit: 10 }),
  },
];
/** The queries scenarios: pages of seeded posts by three authors (each page: exactly 5 queries). */
const QUERY_REQUESTS = [1, 7, 13].map((id) => ({ method: 'GET', path: `/posts/${id}`, headers: COMMON_HEADERS }));
const trafficOf = (scenario) => (scenario?.queries ? QUERY_REQUESTS : REQUESTS);

async function fullLoad(url, seconds, requests = REQUESTS) {
  const result = await autocannon({ url, connections, duration: seconds, requests });
  return {
    // Completed requests over the measured time (the per-second sample average skews on short runs).
    rps: result.requests.total / result.duration,
    p99: result.latency.p99,
    total: result.requests.total,
    failed: result.errors + result.timeouts + result.non2xx,
  };
}

async function halfLoad(url, rate, seconds, requests = REQUESTS) {
  if (halfLoadTool === 'autocannon') {
    const result = await autocannon({ url, connections, duration: seconds, requests, overallRate: Math.max(1, Math.round(rate)) });
    return {
      rps: result.requests.total / result.duration,
      p99: result.latency.p99,
      total: result.requests.total,
      failed: result.errors + result.timeouts + result.non2xx,
    };
  }
  return pacedLoad({ url, rate, duration: seconds, connections, requests });
}

/**
 * Makes an app write everything it buffered and waits until that work is done: the tracker's
 * flush in the child, then (Redis scenario) until Redis is quiet. A no-op for the bare app.
 */
async function settle(app) {
  await app.request('flush');
  if (app.redisPort) await waitForRedisQuiet(app.redisPort);
}

/** CPU time (user + system, µs) of the app process, read in the child. */
async function cpuMicros(app) {
  const { user, system } = await app.request('cpu');
  return user + system;
}

/** One measured run: the load, then settle (flush counted), CPU per completed request. */
async function measured(app, run) {
  const before = await cpuMicros(app);
  const result = await run();
  await settle(app);
  const cpu = (await cpuMicros(app)) - before;
  return { ...result, cpuPerRequest: result.total > 0 ? cpu / result.total : NaN };
}

async function warmUp(app, requests = REQUESTS) {
  await fullLoad(app.url, warmupSeconds, requests);
  await settle(app);
}

/** Checks that the bare app has no tracker at all. */
async function checkBare(app) {
  const { tracker } = await app.request('stored');
  if (tracker) throw new Error('the bare app has an ActiveTracker module: the comparison would be meaningless');
}

/** `databaseUrl`: the demo's database for both apps of the scenario ('' = embedded sql.js). */
async function runScenario(scenario, bare, redis, databaseUrl = '') {
  console.log('');
  console.log(`== ${scenario.name}: ${scenario.title} ==`);
  const traffic = trafficOf(scenario);
  const tracked = await startApp(scenario.name, {
    ...scenario.env,
    NODE_ENV: 'production',
    BENCH_REDIS_URL: scenario.redis ? redis.url : '',
    BENCH_DATABASE_URL: databaseUrl,
  });
  if (scenario.redis) tracked.redisPort = redis.port;
  const keysBefore = scenario.redis ? Number((await redisCommand(redis.port, 'DBSIZE')).trim().replace(/^:/, '')) : 0;
  try {
    // What the boot recorded (the demo's seeding queries): written first, then left out of the counts.
    await settle(tracked);
    const storedBefore = await tracked.request('stored');
    // The bare app was warmed on the catalogue: warm it on this scenario's routes too.
    if (traffic !== REQUESTS) await warmUp(bare, traffic);
    await warmUp(tracked, traffic);
    const apps = { bare, tracked };
    const runs = { bare: [], tracked: [] };
    const half = { bare: [], tracked: [], rates: [], behind: [], disturbed: [] };
    let failed = 0;
    for (let round = 1; round <= rounds; round++) {
      // Alternate which side goes first so slow drift (thermal, GC, neighbours) hits both sides.
      const order = round % 2 ? ['bare', 'tracked'] : ['tracked', 'bare'];
      const thisRound = {};
      for (const side of order) {
        const run = await measured(apps[side], () => fullLoad(apps[side].url, duration, traffic));
        thisRound[side] = run;
        runs[side].push(run);
        failed += run.failed;
        console.log(
          `round ${round} ${side.padEnd(7)} full ${fmt(run.rps).padStart(7)} req/s  p99 ${fmt(run.p99, 1).padStart(6)} ms  ` +
            `CPU ${fmt(run.cpuPerRequest, 1).padStart(6)} µs/req  (${fmt(run.total)} requests${run.failed ? `, ${run.failed} failed` : ''})`,
        );
      }
      const rate = thisRound.bare.rps / 2;
      half.rates.push(rate);
      for (const side of order) {
        const run = await measured(apps[side], () => halfLoad(apps[side].url, rate, duration, traffic));
        half[side].push(run);
        failed += run.failed;
        // Not keeping up with the rate: requests queued, so this p99 is a saturated one.
        run.behind = run.rps < 0.95 * rate;
        if (run.behind) half.behind.push(`round ${round} ${side}`);
        // At half its own maximum the bare app should answer faster than at full load; when it does
        // not, something else was using the machine during that run.
        if (side === 'bare' && run.p99 > thisRound.bare.p99) half.disturbed.push(`round ${round}`);
        console.log(
          `round ${round} ${side.padEnd(7)} half ${fmt(run.rps).padStart(7)} req/s  p99 ${fmt(run.p99, 3).padStart(6)} ms  ` +
            `(${halfLoadTool === 'paced' ? 'paced' : 'autocannon overallRate'} at ${fmt(rate)} req/s, ${fmt(run.total)} requests${run.failed ? `, ${run.failed} failed` : ''})` +
            (run.behind ? '  BEHIND' : ''),
        );
      }
    }

    const stored = await tracked.request('stored');
    const keysAfter = scenario.redis ? Number((await redisCommand(redis.port, 'DBSIZE')).trim().replace(/^:/, '')) : 0;
    const m = (list, key) => median(list.map((r) => r[key]));
    const result = {
      scenario: scenario.name,
      title: scenario.title,
      bareRps: m(runs.bare, 'rps'),
      trackedRps: m(runs.tracked, 'rps'),
      bareCpu: m(runs.bare, 'cpuPerRequest'),
      trackedCpu: m(runs.tracked, 'cpuPerRequest'),
      bareP99: m(runs.bare, 'p99'),
      trackedP99: m(runs.tracked, 'p99'),
      halfRate: median(half.rates),
      bareHalfP99: m(half.bare, 'p99'),
      trackedHalfP99: m(half.tracked, 'p99'),
      halfBehind: half.behind,
      halfDisturbed: half.disturbed,
      failed,
      storedRequests: stored.requests,
      // Queries captured during the scenario (the boot's excluded), from the families' counts.
      storedQueries: stored.occurrences && storedBefore.occurrences ? stored.occurrences.query - storedBefore.occurrences.query : null,
      recorder: stored.recorder,
      redisKeys: scenario.redis ? keysAfter - keysBefore : null,
    };
    result.warnings = [
      ...(failed ? [`${fmt(failed)} failed requests`] : []),
      ...(half.behind.length ? [`half-load runs behind their rate (${half.behind.join(', ')})`] : []),
      ...(half.disturbed.length ? [`bare p99 at half load above its full-load p99 (${half.disturbed.join(', ')})`] : []),
      ...(stored.recorder?.dropped > 0 || stored.recorder?.failedFlushes > 0 ? ['entries dropped or flushes failed'] : []),
    ];
    result.ratio = result.trackedRps / result.bareRps;
    result.addedCpu = result.trackedCpu - result.bareCpu;
    result.addedP99 = result.trackedP99 - result.bareP99;
    result.addedHalfP99 = result.trackedHalfP99 - result.bareHalfP99;
    // Without captured entries the comparison measures nothing: never report that as a figure.
    const requestsCounted = stored.occurrences && storedBefore.occurrences ? stored.occurrences.request - storedBefore.occurrences.request : 0;
    result.queriesPerRequest = scenario.queries && result.storedQueries !== null && requestsCounted > 0 ? result.storedQueries / requestsCounted : null;
    result.invalid = !stored.tracker
      ? 'the tracked app has no ActiveTracker module'
      : scenario.captures && (stored.requests === 0 || (stored.requests === null && scenario.redis && keysAfter - keysBefore === 0))
        ? 'the tracked app stored nothing, so it did not capture'
        : scenario.queries && result.storedQueries === 0
          ? 'the tracked app stored no query entry, so it did not capture the queries'
          : null;
    printScenario(scenario, result, rounds);
    return result;
  } finally {
    await tracked.stop();
  }
}

function printScenario(scenario, r) {
  const headline = scenario.name === 'redis';
  const target = headline
    ? ` (target >= ${HEADLINE_RATIO_TARGET.toFixed(2)} on Node ${nodeMajor})`
    : scenario.queries
      ? ` (target >= ${QUERIES_RATIO_TARGET.toFixed(2)})`
      : '';
  console.log(`-- ${scenario.name}: median of ${rounds} round(s) --`);
  console.log(`req/s bare / tracked            ${fmt(r.bareRps)} / ${fmt(r.trackedRps)}`);
  console.log(`ratio tracked/bare ${fmt(r.ratio, 3)}${target}`);
  console.log(`CPU per request bare / tracked  ${fmt(r.bareCpu, 1)} / ${fmt(r.trackedCpu, 1)} µs`);
  console.log(`added CPU per request           ${fmt(r.addedCpu, 1)} µs${headline ? ` (target <= ${CPU_TARGET_US})` : ''}`);
  console.log(`p99 at full load bare / tracked ${fmt(r.bareP99, 1)} / ${fmt(r.trackedP99, 1)} ms`);
  console.log(`added p99 at full load          ${fmt(r.addedP99, 1)} ms`);
  console.log(
    `p99 at half load bare / tracked ${fmt(r.bareHalfP99, 3)} / ${fmt(r.trackedHalfP99, 3)} ms (${fmt(r.halfRate)} req/s, ${halfLoadTool === 'paced' ? 'evenly paced' : 'autocannon overallRate'})`,
  );
  console.log(`added p99 at half load          ${fmt(r.addedHalfP99, 3)} ms${headline ? ` (target <= ${HALF_LOAD_P99_TARGET_MS})` : ''}`);
  const count =
    r.storedRequests === null ? 'request entries: unknown (the repository could not be asked)' : `${fmt(r.storedRequests)} request entries in the store`;
  console.log(`stored by the tracked app       ${count}${r.redisKeys !== null ? `; ${fmt(r.redisKeys)} Redis keys written` : ''}`);
  if (scenario.queries) {
    const perRequest = r.queriesPerRequest === null ? 'per request: unknown' : `${fmt(r.queriesPerRequest, 2)} per request (${QUERIES_PER_REQUEST} expected)`;
    console.log(`queries captured                ${r.storedQueries === null ? 'unknown' : fmt(r.storedQueries)}; ${perRequest}`);
  }
  const rec = r.recorder;
  if (rec) {
    console.log(
      `recorder since start            ${fmt(rec.recorded)} entries recorded, ${fmt(rec.written)} written, ${fmt(rec.dropped)} dropped, ${fmt(rec.failedFlushes)} failed flushes`,
    );
  }
  if (r.halfBehind.length) {
    console.log(
      `WARNING: half-load run(s) fell more than 5% behind their rate (${r.halfBehind.join(', ')}): the app or the machine ` +
        'could not keep up, so those p99s include queueing (on the tracked side this is a finding: its maximum is below half the bare one)',
    );
  }
  if (r.halfDisturbed.length) {
    console.log(
      `WARNING: the bare app's p99 at half load was above its p99 at full load (${r.halfDisturbed.join(', ')}): something else ` +
        'used the machine during that run, so the half-load figures are suspect',
    );
  }
  if (r.failed) console.log(`WARNING: ${fmt(r.failed)} requests failed (errors, timeouts or non-2xx): figures are suspect`);
  if (rec && (rec.dropped > 0 || rec.failedFlushes > 0)) {
    console.log('WARNING: the tracked app dropped entries or failed flushes: it did less than full capture, so its figures flatter it');
  }
  if (r.invalid) console.log(`INVALID: ${r.invalid}`);
}

/** Target rows of this script; `pass` is true/false, null when not measured, 'invalid' when the run proves nothing. */
function targetRows(results) {
  const by = Object.fromEntries(results.map((r) => [r.scenario, r]));
  const headline = by.redis;
  const verdict = (r, ok) => (!r ? null : r.invalid ? 'invalid' : ok);
  // A figure from a scenario that printed warnings is marked, and the table says why.
  const mark = (...scenarios) => (scenarios.some((r) => r?.warnings.length) ? ' *' : '');
  const rows = [
    {
      name: 'headline ratio tracked/bare (full capture, Redis)',
      target: `>= ${HEADLINE_RATIO_TARGET.toFixed(2)} (Node ${nodeMajor})`,
      value: headline ? `${fmt(headline.ratio, 3)}${mark(headline)}` : 'not run',
      pass: verdict(headline, headline?.ratio >= HEADLINE_RATIO_TARGET),
    },
    {
      name: 'embedded store at least as good as Redis',
      target: 'ratio embedded >= ratio Redis',
      value: by.embedded && headline ? `${fmt(by.embedded.ratio, 3)} vs ${fmt(headline.ratio, 3)}${mark(by.embedded, headline)}` : 'not run',
      pass: by.embedded && headline ? (by.embedded.invalid || headline.invalid ? 'invalid' : by.embedded.ratio >= headline.ratio) : null,
    },
    {
      name: 'added CPU per request (headline)',
      target: `<= ${CPU_TARGET_US} µs`,
      value: headline ? `${fmt(headline.addedCpu, 1)} µs${mark(headline)}` : 'not run',
      pass: verdict(headline, headline?.addedCpu <= CPU_TARGET_US),
    },
    {
      name: 'added p99 at half load (headline)',
      target: `<= ${HALF_LOAD_P99_TARGET_MS} ms`,
      value: headline ? `${fmt(headline.addedHalfP99, 3)} ms${mark(headline)}` : 'not run',
      pass: verdict(headline, headline?.addedHalfP99 <= HALF_LOAD_P99_TARGET_MS),
    },
    ...['queries', 'queries-pg'].map((name) => {
      const r = by[name];
      return {
        name: `${name} ratio tracked/bare (${QUERIES_PER_REQUEST} queries/request, ${name === 'queries' ? 'embedded database' : 'PostgreSQL'})`,
        target: `>= ${QUERIES_RATIO_TARGET.toFixed(2)}`,
        value: !r ? 'not run' : r.skipped ? 'skipped' : `${fmt(r.ratio, 3)}${mark(r)}`,
        pass: !r || r.skipped ? null : verdict(r, r.ratio >= QUERIES_RATIO_TARGET),
      };
    }),
  ];
  const notes = results.filter((r) => r.skipped).map((r) => `${r.scenario} not run: ${r.skipped}`);
  notes.push(
    ...results
      .filter((r) => r.warnings.length && (r === headline || r === by.embedded || r === by.queries || r === by['queries-pg']))
      .map((r) => `* ${r.scenario} printed warnings: ${r.warnings.join('; ')}`),
  );
  return { rows, notes };
}

async function main() {
  const resultsFile = resultsFileArg();
  if (resultsFile) removeResults(resultsFile); // never leave a stale file for bench/storage.js
  const scenarios = setting(selectedScenarios);
  for (const file of [DEMO_FACTORY, LIBRARY_DIST]) {
    if (!existsSync(file)) {
      console.error(`${file} is missing: run "npm run build" first (npm run bench does it)`);
      return 2;
    }
  }
  if (scenarios.some((s) => s.redis) && !existsSync(REDIS_SERVER)) {
    console.error(`${REDIS_SERVER} not found (apt-get install redis-server, or set REDIS_SERVER_BIN)`);
    return 2;
  }
  console.log(`node ${process.version} (${process.execPath}), ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}`.trim());
  console.log(
    `${connections} connections, ${duration} s per run, ${rounds} round(s), ${warmupSeconds} s warm-up per app, scenarios: ${scenarios.map((s) => s.name).join(', ')}; ` +
      `traffic: GET /catalog + POST /catalog/search (~1.5 KB JSON each, one log line each); queries scenarios: GET /posts/:id (${QUERIES_PER_REQUEST} queries each)`,
  );

  let redis = null;
  if (scenarios.some((s) => s.redis)) {
    const port = await startRedis();
    redis = { port, url: `redis://127.0.0.1:${port}` };
    console.log(`private redis-server at ${redis.url} (persistence off)`);
  }
  let postgres = null;
  if (scenarios.some((s) => s.database === 'postgres')) {
    postgres = await createBenchPostgresDatabase();
    console.log(
      postgres.skipped
        ? `queries-pg: ${postgres.skipped}; the scenario is skipped`
        : `private PostgreSQL database ${postgres.description} (dropped at the end)`,
    );
  }
  const bare = await startApp('bare', { BENCH_MODE: 'bare', NODE_ENV: 'production', BENCH_DATABASE_URL: '' });
  await checkBare(bare);
  const info = await bare.request('info');
  console.log(`apps run in child processes on node ${info.node} (${info.execPath})`);
  // The demo's controllers import the library, so its code is loaded in the bare app too.
  console.log(`bare app: no ActiveTracker module; library patches present anyway (import-time): ${info.patches.length ? info.patches.join(', ') : 'none'}`);
  await warmUp(bare);

  const results = [];
  try {
    for (const scenario of scenarios) {
      if (scenario.database !== 'postgres') {
        results.push(await runScenario(scenario, bare, redis));
        continue;
      }
      if (postgres.skipped) {
        console.log('');
        console.log(`== ${scenario.name}: skipped (${postgres.skipped}) ==`);
        results.push({ scenario: scenario.name, title: scenario.title, skipped: postgres.skipped, warnings: [] });
        continue;
      }
      // Both sides on the same PostgreSQL database: a bare app of its own for this scenario.
      const barePg = await startApp('bare-pg', { BENCH_MODE: 'bare', NODE_ENV: 'production', BENCH_DATABASE_URL: postgres.url });
      try {
        await checkBare(barePg);
        results.push(await runScenario(scenario, barePg, redis, postgres.url));
      } finally {
        await barePg.stop();
      }
    }
  } finally {
    await bare.stop();
    if (postgres && !postgres.skipped) await postgres.drop();
  }

  const { rows, notes } = targetRows(results);
  printTargets(`targets (Node ${process.version}):`, rows, notes);
  if (resultsFile) {
    writeResults(resultsFile, {
      node: process.version,
      finishedAt: new Date().toISOString(),
      quick,
      duration,
      rounds,
      connections,
      results,
      targets: rows,
      notes,
    });
  }
  return 0;
}

installCleanup();
try {
  process.exitCode = await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  stopChildren();
}
