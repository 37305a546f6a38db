#!/usr/bin/env node
/**
 * Starts the built demo app for the overhead benchmark, in its own process so it does not share
 * an event loop with autocannon. Env: BENCH_PORT (required), BENCH_MODE=bare|tracked,
 * BENCH_REDIS_URL (tracked mode: Redis store; absent = embedded memory store).
 * Prints `ready` on stdout once listening; closes the app on SIGTERM/SIGINT.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const factoryPath = join(import.meta.dirname, '../dist/apps/demo/demo-app.factory.js');
if (!existsSync(factoryPath)) {
  console.error(`${factoryPath} is missing: run "npm run build" first`);
  process.exit(2);
}
const { createDemoApp } = await import(factoryPath);

const port = Number(process.env.BENCH_PORT);
const mode = process.env.BENCH_MODE ?? 'bare';
if (!Number.isInteger(port) || port <= 0) throw new Error('BENCH_PORT must be set to a port number');
if (mode !== 'bare' && mode !== 'tracked') throw new Error(`BENCH_MODE must be bare or tracked, got "${mode}"`);

// Tracked = full capture with the default plugins; only the store is chosen here.
const tracker = mode === 'tracked' ? { redis: process.env.BENCH_REDIS_URL || undefined } : false;
const app = await createDemoApp({ tracker, logger: ['error', 'warn'] });
await app.listen(port, '127.0.0.1');
console.log('ready');

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, async () => {
    if (closing) return;
    closing = true;
    await app.close();
    process.exit(0);
  });
}
