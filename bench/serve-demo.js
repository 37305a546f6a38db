#!/usr/bin/env node
/**
 * Starts the built demo app for the benchmarks, in its own process so it does not share an event
 * loop with the load generator. Started by bench/overhead.js and bench/storage.js with
 * `process.execPath` and an IPC channel (`stdio: [..., 'ipc']`).
 *
 * Env:
 *   BENCH_PORT      (required) port to listen on, 127.0.0.1
 *   BENCH_MODE      bare | tracked (default bare): bare has no tracker module at all
 *   BENCH_REDIS_URL tracked mode: Redis store at this URL; empty = embedded memory store
 *   BENCH_PLUGINS   tracked mode: default (no `plugins` option, the default plugins) | none (`plugins: []`)
 *   BENCH_DATABASE_URL the demo's database: a PostgreSQL URL, or unset/empty for the embedded sql.js
 *                   one (the DATABASE_URL of the shell is ignored)
 *   NODE_ENV        as given by the parent (overhead.js: production; storage.js: development, so the
 *                   API answers without credentials)
 *
 * Prints `ready` on stdout once listening; closes the app on SIGTERM/SIGINT or on IPC disconnect.
 *
 * IPC requests `{ id, cmd }`, each answered `{ id, ok, ... }` (or `{ id, ok: false, error }`):
 *   info   → { node, execPath, pid, patches }: which Node runs the app; library patches on Nest
 *   cpu    → { user, system }: process.cpuUsage() of this process, in µs
 *   flush  → writes everything the tracker buffered (`ActiveTracker#flush()`); a no-op when bare
 *   stored → { tracker, requests, occurrences, recorder }: whether the ActiveTracker module is
 *            present, how many request entries its store holds, how many requests and queries its
 *            families counted ({ request, query }), and the recorder's counters since start
 *            ({ recorded, written, dropped, failedFlushes, ... }); null where it cannot tell
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const factoryPath = join(import.meta.dirname, '../dist/apps/demo/demo-app.factory.js');
if (!existsSync(factoryPath)) {
  console.error(`${factoryPath} is missing: run "npm run build" first`);
  process.exit(2);
}
const { createDemoApp } = await import(factoryPath);
// The same module instance the built demo resolves (root node_modules → libs/active-tracker/dist).
const { ACTIVE_TRACKER_RUNTIME, ActiveTracker, EntryRepository } = await import('@active-tracker/nestjs');
const { ModulesContainer } = await import('@nestjs/core');

const port = Number(process.env.BENCH_PORT);
const mode = process.env.BENCH_MODE || 'bare';
const plugins = process.env.BENCH_PLUGINS || 'default';
if (!Number.isInteger(port) || port <= 0) throw new Error('BENCH_PORT must be set to a port number');
if (mode !== 'bare' && mode !== 'tracked') throw new Error(`BENCH_MODE must be bare or tracked, got "${mode}"`);
if (plugins !== 'default' && plugins !== 'none') throw new Error(`BENCH_PLUGINS must be default or none, got "${plugins}"`);

/** Tracker options exactly as an app would write them: `{ redis }` (or `{}`), plus `plugins: []` when asked. */
function trackerOptions() {
  if (mode === 'bare') return false;
  const options = {};
  if (process.env.BENCH_REDIS_URL) options.redis = process.env.BENCH_REDIS_URL;
  if (plugins === 'none') options.plugins = [];
  return options;
}

// The demo's database: BENCH_DATABASE_URL (a PostgreSQL URL) or '' for the embedded sql.js one,
// never the DATABASE_URL of the shell that runs the benchmark.
const app = await createDemoApp({ tracker: trackerOptions(), logger: ['error', 'warn'], databaseUrl: process.env.BENCH_DATABASE_URL || '' });
await app.listen(port, '127.0.0.1');

/**
 * A provider of the app by token, or null when no module provides it (the bare app, or a token the
 * library no longer has). Looked up in the module graph first, because app.get() logs an error
 * when the provider is missing.
 */
function findProvider(token) {
  const modules = [...app.get(ModulesContainer).values()];
  return modules.some((m) => m.providers.has(token)) ? app.get(token, { strict: false }) : null;
}
const tracker = findProvider(ActiveTracker);
if ((mode === 'tracked') !== (tracker !== null)) {
  throw new Error(mode === 'tracked' ? 'tracked app without an ActiveTracker provider' : 'the bare app has an ActiveTracker provider');
}

/**
 * Markers (`Symbol.for('activeTracker.*')`) the library left on Nest's classes in this process.
 * The demo's code imports @active-tracker/nestjs, so even the bare app loads the library, and
 * whatever it patches when merely imported is in the bare baseline too: the parent prints it.
 */
async function trackerPatches() {
  const targets = [];
  const { Logger, ConsoleLogger } = await import('@nestjs/common');
  targets.push(Logger, Logger.prototype, ConsoleLogger.prototype);
  for (const [path, name] of [
    ['@nestjs/core/router/router-execution-context.js', 'RouterExecutionContext'],
    ['@nestjs/core/exceptions/exceptions-handler.js', 'ExceptionsHandler'],
  ]) {
    try {
      targets.push((await import(path))[name]?.prototype);
    } catch {
      // moved in another Nest version: nothing to report for it
    }
  }
  const found = new Set();
  for (const target of targets.filter(Boolean)) {
    for (const symbol of Object.getOwnPropertySymbols(target)) if (symbol.description?.startsWith('activeTracker.')) found.add(symbol.description);
  }
  return [...found];
}

const commands = {
  info: async () => ({ node: process.version, execPath: process.execPath, pid: process.pid, patches: await trackerPatches() }),
  cpu: () => process.cpuUsage(),
  async flush() {
    await tracker?.flush();
    return {};
  },
  async stored() {
    if (!tracker) return { tracker: false, requests: 0, occurrences: null, recorder: null };
    let requests = null;
    let occurrences = null;
    let recorder = null;
    try {
      const repository = findProvider(EntryRepository);
      requests = await repository?.count('request');
      // Family counts see every occurrence, also of entries retention already dropped.
      const total = async (type) => (await repository.families({ type, limit: 1000, orderBy: 'count' })).data.reduce((n, f) => n + f.count, 0);
      if (repository) occurrences = { request: await total('request'), query: await total('query') };
    } catch {
      // The repository API changed or is not reachable: the parent falls back to other checks.
    }
    try {
      recorder = findProvider(ACTIVE_TRACKER_RUNTIME)?.recorder?.stats?.() ?? null;
    } catch {
      // idem: the recorder's counters are informative only
    }
    return { tracker: true, requests: requests ?? null, occurrences, recorder };
  },
};

process.on('message', async (message) => {
  const { id, cmd } = message ?? {};
  try {
    if (!Object.hasOwn(commands, cmd)) throw new Error(`unknown command ${cmd}`);
    process.send?.({ id, ok: true, ...(await commands[cmd]()) });
  } catch (error) {
    process.send?.({ id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});

let closing = false;
async function close() {
  if (closing) return;
  closing = true;
  await app.close();
  process.exit(0);
}
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, close);
process.on('disconnect', close); // the parent went away
console.log('ready');
