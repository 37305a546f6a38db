/**
 * Helpers shared by bench/overhead.js and bench/storage.js: free ports, a private redis-server,
 * raw Redis commands, a private PostgreSQL database, the demo app in a child process
 * (bench/serve-demo.js) with an IPC channel, medians and number formatting. No dependency beyond
 * Node itself, but `pg` (a devDependency) for the PostgreSQL database.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const REPO_ROOT = join(import.meta.dirname, '..');
export const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';
export const DEMO_FACTORY = join(REPO_ROOT, 'dist/apps/demo/demo-app.factory.js');
export const LIBRARY_DIST = join(REPO_ROOT, 'libs/active-tracker/dist/index.js');

/** Every child process started through this module; stopped by stopChildren(). */
const children = new Set();

export function positiveNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0)) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

/** Reads a setting; a bad value ends the process with its message and exit code 2 (cannot run). */
export function setting(read) {
  try {
    return read();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
}

/** Node's major version: the targets differ between Node 20 and Node 24. */
export const nodeMajor = Number(process.versions.node.split('.')[0]);

export function freePort() {
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

/**
 * Sends one inline command to Redis and returns its raw reply (enough for PING, DBSIZE, INFO,
 * FLUSHALL: simple, integer and bulk replies).
 */
export function redisCommand(port, command) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.setTimeout(5000, () => socket.destroy(new Error(`redis timeout on ${command}`)));
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      data += chunk;
      // Bulk replies ($len) carry their payload on following lines; wait for all of it.
      const bulk = /^\$(\d+)\r\n/.exec(data);
      if (bulk ? Buffer.byteLength(data) >= bulk[0].length + Number(bulk[1]) + 2 : data.includes('\r\n')) {
        socket.end();
        resolve(data);
      }
    });
    socket.on('error', reject);
  });
}

/** One numeric field of `INFO <section>`. */
export async function redisInfoField(port, section, field) {
  const info = await redisCommand(port, `INFO ${section}`);
  const match = new RegExp(`^${field}:(\\d+)`, 'm').exec(info);
  if (!match) throw new Error(`INFO ${section} has no field ${field}`);
  return Number(match[1]);
}

/** Starts a private redis-server on a free port, persistence off; resolves with its port. */
export async function startRedis() {
  if (!existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} not found (apt-get install redis-server, or set REDIS_SERVER_BIN)`);
  const port = await freePort();
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  track(child);
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

/**
 * Waits until nobody but us sends commands to Redis (a tracked app drains its recorder buffer
 * after a run, and an early flush may still be in flight), at most 10 s.
 */
export async function waitForRedisQuiet(redisPort) {
  const processed = () => redisInfoField(redisPort, 'stats', 'total_commands_processed');
  let last = await processed();
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    await sleep(300);
    const now = await processed();
    if (now - last <= 1) return; // our own INFO is the only command
    last = now;
  }
}

/** The PostgreSQL server the `queries-pg` scenario uses: an admin URL (any database of the server). */
export const BENCH_PG_URL = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** A URL without its password, safe to print. */
function withoutPassword(raw) {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * Creates a private database (`at_bench_<pid>_<hex>`) on the PostgreSQL server of BENCH_PG_URL.
 * Resolves `{ url, name, drop() }`, or `{ skipped: reason }` when the server cannot be reached (the
 * scenario is then reported as not run, never as a failure).
 */
export async function createBenchPostgresDatabase() {
  let pg;
  try {
    pg = (await import('pg')).default;
  } catch {
    return { skipped: 'the pg package is not installed (npm ci installs it)' };
  }
  const name = `at_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = async (sql) => {
    const client = new pg.Client({ connectionString: BENCH_PG_URL, connectionTimeoutMillis: 3000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  try {
    await admin(`CREATE DATABASE ${name}`);
  } catch (error) {
    return { skipped: `PostgreSQL not reachable at ${withoutPassword(BENCH_PG_URL)} (${error instanceof Error ? error.message : error})` };
  }
  const url = new URL(BENCH_PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    description: withoutPassword(url.toString()),
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {}),
  };
}

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/**
 * Starts bench/serve-demo.js under the same Node binary as this script (`process.execPath`), with
 * an IPC channel, and resolves once it prints `ready`. `env` is added to this process's env
 * (BENCH_MODE, BENCH_REDIS_URL, BENCH_PLUGINS, NODE_ENV).
 */
export async function startApp(label, env) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(import.meta.dirname, 'serve-demo.js')], {
    env: { ...process.env, ...env, BENCH_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  track(child);
  child.stderr.on('data', (chunk) => process.stderr.write(`[${label}] ${chunk}`));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} app did not start within 60 s`)), 60_000);
    let out = '';
    const onExit = (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} app exited with code ${code} before it was ready`));
    };
    child.once('exit', onExit);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (/^ready$/m.test(out)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve();
      }
    });
  });
  let nextId = 0;
  const pending = new Map();
  child.on('message', (message) => {
    const request = pending.get(message?.id);
    if (!request) return;
    pending.delete(message.id);
    if (message.ok) request.resolve(message);
    else request.reject(new Error(`${label} app: ${message.error}`));
  });
  child.once('exit', (code) => {
    for (const request of pending.values()) request.reject(new Error(`${label} app exited (code ${code})`));
    pending.clear();
  });
  return {
    label,
    url: `http://127.0.0.1:${port}`,
    child,
    /** Sends an IPC command to the app (see serve-demo.js) and resolves with its answer. */
    request(cmd, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const id = ++nextId;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${label} app did not answer "${cmd}" within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => (clearTimeout(timer), resolve(value)),
          reject: (error) => (clearTimeout(timer), reject(error)),
        });
        child.send({ id, cmd });
      });
    },
    /** Asks the app to close and waits for its exit (SIGKILL after 10 s). */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Stops every child still running (SIGTERM). Safe to call more than once. */
export function stopChildren() {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

/** Stops the children on Ctrl-C and on exit, so no redis-server or app outlives the benchmark. */
export function installCleanup() {
  process.on('SIGINT', () => {
    stopChildren();
    process.exit(130);
  });
  process.on('exit', stopChildren);
}

export const median = (values) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const fmt = (n, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';

/** `--results=<file>`: where bench/overhead.js leaves its figures for bench/storage.js's combined table. */
export function resultsFileArg() {
  const arg = process.argv.find((a) => a.startsWith('--results='));
  return arg ? resolve(arg.slice('--results='.length)) : null;
}

export function writeResults(file, data) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}

export function readResults(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

export function removeResults(file) {
  rmSync(file, { force: true });
}

/**
 * Prints the target table: one row per target, `PASS`, `FAIL`, `n/a` (not measured in this run) or
 * `INVALID` (the run proves nothing). Rows: { name, target, value, pass } with pass
 * true/false/null/'invalid'; `notes` are printed under the table (why a value is marked `*`).
 */
export function printTargets(title, rows, notes = []) {
  console.log('');
  console.log(title);
  const width = Math.max(...rows.map((r) => r.name.length));
  const targetWidth = Math.max(...rows.map((r) => r.target.length));
  const valueWidth = Math.max(...rows.map((r) => r.value.length));
  for (const row of rows) {
    const verdict = row.pass === null ? 'n/a' : row.pass === 'invalid' ? 'INVALID' : row.pass ? 'PASS' : 'FAIL';
    console.log(`  ${verdict.padEnd(7)}  ${row.name.padEnd(width)}  ${row.target.padEnd(targetWidth)}  ${row.value.padStart(valueWidth)}`);
  }
  for (const note of notes) console.log(`  ${note}`);
}
