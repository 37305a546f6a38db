#!/usr/bin/env node
/**
 * Overhead of the tracker: the demo app bare vs. with full capture (default plugins, Redis store
 * on loopback), measured with autocannon, alternating runs so drift hits both sides equally.
 * Each app runs in its own child process (bench/serve-demo.js); a private redis-server is started
 * on a free port. Prints req/s, the ratio tracked/bare (target >= 0.90) and the added p99 latency.
 *
 *   npm run bench                     # build, then 3 rounds of 5 s per side
 *   node bench/overhead.js --quick    # after a build: 1 round of 2 s per side
 *   BENCH_DURATION=10 BENCH_ROUNDS=5 BENCH_CONNECTIONS=20 node bench/overhead.js
 *
 * Exits 0 whatever the ratio (last line OK, BELOW TARGET, or INVALID when nothing was captured);
 * non-zero only when it cannot run.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';

const TARGET_RATIO = 0.9;
const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';
const quick = process.argv.includes('--quick');
const duration = positiveNumber('BENCH_DURATION', quick ? 2 : 5);
const rounds = positiveNumber('BENCH_ROUNDS', quick ? 1 : 3);
const connections = positiveNumber('BENCH_CONNECTIONS', 20);
const warmupSeconds = quick ? 1 : 2;
// A mix: the cheapest route (worst case for relative overhead) and a small JSON list.
const REQUESTS = [
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/users' },
];

const children = [];

function positiveNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0)) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Sends one inline command to Redis and returns its first reply line (enough for PING/DBSIZE/INFO fields). */
function redisCommand(port, command) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.setTimeout(2000, () => socket.destroy(new Error('redis timeout')));
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      data += chunk;
      // Bulk replies ($len) carry their payload on following lines; wait for all of it.
      const bulk = /^\$(\d+)\r\n/.exec(data);
      if (bulk ? data.length >= bulk[0].length + Number(bulk[1]) + 2 : data.includes('\r\n')) {
        socket.end();
        resolve(data);
      }
    });
    socket.on('error', reject);
  });
}

async function startRedis() {
  const port = await freePort();
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    try {
      if ((await redisCommand(port, 'PING')).startsWith('+PONG')) return port;
    } catch {
      await sleep(50);
    }
  }
  throw new Error('redis-server did not answer PING within 10 s');
}

/** Starts bench/serve-demo.js and resolves with its base URL once it prints `ready`. */
async function startApp(mode, redisUrl) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(import.meta.dirname, 'serve-demo.js')], {
    env: { ...process.env, NODE_ENV: 'production', BENCH_PORT: String(port), BENCH_MODE: mode, BENCH_REDIS_URL: redisUrl ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.stderr.on('data', (chunk) => process.stderr.write(`[${mode}] ${chunk}`));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${mode} app did not start within 30 s`)), 30_000);
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (/^ready$/m.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${mode} app exited with code ${code} before it was ready`));
    });
  });
  return `http://127.0.0.1:${port}`;
}

async function load(url, seconds) {
  const result = await autocannon({ url, connections, duration: seconds, requests: REQUESTS });
  return {
    // Completed requests over the measured time (the per-second sample average skews on short runs).
    rps: result.requests.total / result.duration,
    p99: result.latency.p99,
    failed: result.errors + result.timeouts + result.non2xx,
    total: result.requests.total,
  };
}

/**
 * Waits until the tracked app stops writing to Redis (its recorder drains its buffer after a run),
 * so that work never lands in the next bare run.
 */
async function waitForRedisQuiet(redisPort) {
  const processed = async () => Number(/total_commands_processed:(\d+)/.exec(await redisCommand(redisPort, 'INFO stats'))?.[1] ?? 0);
  let last = await processed();
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    await sleep(300);
    const now = await processed();
    if (now - last <= 1) return; // our own INFO is the only command
    last = now;
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function stopChildren() {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

async function main() {
  if (!existsSync(join(import.meta.dirname, '../dist/apps/demo/demo-app.factory.js'))) {
    console.error('dist/apps/demo is missing: run "npm run build" first (npm run bench does it)');
    return 2;
  }
  if (!existsSync(REDIS_SERVER)) {
    console.error(`${REDIS_SERVER} not found (apt-get install redis-server, or set REDIS_SERVER_BIN)`);
    return 2;
  }
  console.log(`node ${process.version}, ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}`.trim());
  console.log(`autocannon: ${connections} connections, ${duration} s per run, ${rounds} round(s), GET /health + GET /users`);
  const redisPort = await startRedis();
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const urls = { bare: await startApp('bare'), tracked: await startApp('tracked', redisUrl) };
  console.log(`bare ${urls.bare}, tracked ${urls.tracked} (Redis store at ${redisUrl})`);

  for (const mode of ['bare', 'tracked']) await load(urls[mode], warmupSeconds);
  await waitForRedisQuiet(redisPort);

  const runs = { bare: [], tracked: [] };
  let failedRequests = 0;
  for (let round = 1; round <= rounds; round++) {
    // Alternate which side goes first so slow drift (thermal, GC, page cache) cancels out.
    const order = round % 2 ? ['bare', 'tracked'] : ['tracked', 'bare'];
    for (const mode of order) {
      const run = await load(urls[mode], duration);
      runs[mode].push(run);
      failedRequests += run.failed;
      console.log(`round ${round} ${mode.padEnd(7)} ${fmt(run.rps).padStart(8)} req/s  p99 ${fmt(run.p99, 1).padStart(6)} ms  (${fmt(run.total)} requests${run.failed ? `, ${run.failed} failed` : ''})`);
      if (mode === 'tracked') await waitForRedisQuiet(redisPort);
    }
  }

  const bareRps = median(runs.bare.map((r) => r.rps));
  const trackedRps = median(runs.tracked.map((r) => r.rps));
  const bareP99 = median(runs.bare.map((r) => r.p99));
  const trackedP99 = median(runs.tracked.map((r) => r.p99));
  const ratio = trackedRps / bareRps;
  const stored = (await redisCommand(redisPort, 'DBSIZE')).trim().replace(/^:/, '');

  console.log('');
  console.log(`median of ${rounds} round(s):`);
  console.log(`req/s bare        ${fmt(bareRps)}`);
  console.log(`req/s tracked     ${fmt(trackedRps)}`);
  console.log(`ratio tracked/bare ${fmt(ratio, 3)} (target >= ${TARGET_RATIO.toFixed(2)})`);
  console.log(`p99 bare/tracked  ${fmt(bareP99, 1)} ms / ${fmt(trackedP99, 1)} ms`);
  console.log(`added p99         ${fmt(trackedP99 - bareP99, 1)} ms`);
  console.log(`Redis keys written by the tracked app: ${stored}`);
  if (failedRequests) console.log(`WARNING: ${failedRequests} requests failed (errors, timeouts or non-2xx): figures are suspect`);
  // Without captured entries the comparison measures nothing: never call that OK.
  if (stored === '0') console.log('INVALID: the tracked app stored nothing in Redis, so it did not capture');
  else console.log(ratio >= TARGET_RATIO ? 'OK' : 'BELOW TARGET');
  return 0;
}

process.on('SIGINT', () => {
  stopChildren();
  process.exit(130);
});
try {
  process.exitCode = await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  stopChildren();
}
