#!/usr/bin/env node
/**
 * Cost of the instrumentation bus on the capture path, in ns per operation:
 *   - bare:        calling the instrumented function directly;
 *   - unheard:     `instrument(name, payload, fn)` with no subscriber for `name` (but subscribers on
 *                  other names, a RegExp and the recorder's capture pattern, as in a running tracker);
 *   - subscribed:  the same with one subscriber for `name` (a no-op counter);
 * plus, for reference, `EventReporter.notify` without and with a subscriber.
 * Each case runs a warm-up, then BENCH_ROUNDS rounds (cases interleaved so drift hits all of them);
 * the figures are medians over rounds, measured with process.hrtime.bigint().
 *
 *   npm run build:lib && node bench/bus.js
 *   BENCH_ROUNDS=11 BENCH_ITERATIONS=5000000 node bench/bus.js
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const dist = join(import.meta.dirname, '..', 'libs', 'active-tracker', 'dist', 'bus');
if (!existsSync(join(dist, 'instrumentation-bus.js'))) {
  console.error('bench/bus.js: build the library first: npm run build:lib');
  process.exit(1);
}
const { InstrumentationBus, CAPTURE_EVENT_PATTERN } = await import(join(dist, 'instrumentation-bus.js'));
const reporterModule = existsSync(join(dist, 'event-reporter.js')) ? await import(join(dist, 'event-reporter.js')) : undefined;

const ROUNDS = positiveInt('BENCH_ROUNDS', 7);
const ITERATIONS = positiveInt('BENCH_ITERATIONS', 2_000_000);

function positiveInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

// Results flow into `sink` so the optimizer cannot drop the work.
let sink = 0;
let delivered = 0;
const payload = { sql: 'SELECT 1', n: 1 };
function work(p) {
  return p.n + sink;
}

const bus = new InstrumentationBus();
bus.subscribe('sql.other', () => delivered++);
bus.subscribe(/^http\./, () => delivered++);
bus.subscribe(CAPTURE_EVENT_PATTERN, () => delivered++);
bus.subscribe('sql.heard', () => delivered++);

/** Each case: [label, iterations, loop]. The loop body is the only difference between cases. */
const cases = [
  [
    'bare function call',
    ITERATIONS,
    (n) => {
      for (let i = 0; i < n; i++) sink = work(payload);
    },
  ],
  [
    'instrument, no subscriber for the name',
    ITERATIONS,
    (n) => {
      for (let i = 0; i < n; i++) sink = bus.instrument('sql.unheard', payload, work);
    },
  ],
  [
    'instrument, one subscriber',
    Math.max(1, Math.floor(ITERATIONS / 4)),
    (n) => {
      for (let i = 0; i < n; i++) sink = bus.instrument('sql.heard', payload, work);
    },
  ],
];

if (reporterModule) {
  const quiet = new reporterModule.EventReporter();
  const heard = new reporterModule.EventReporter();
  heard.subscribe({ emit: () => delivered++ });
  const noLocation = new reporterModule.EventReporter({ captureSourceLocation: false });
  noLocation.subscribe({ emit: () => delivered++ });
  cases.push(
    [
      'notify, no subscriber',
      ITERATIONS,
      (n) => {
        for (let i = 0; i < n; i++) quiet.notify('user.created', payload);
      },
    ],
    [
      'notify, one subscriber, no source location',
      Math.max(1, Math.floor(ITERATIONS / 10)),
      (n) => {
        for (let i = 0; i < n; i++) noLocation.notify('user.created', payload);
      },
    ],
    [
      'notify, one subscriber, with source location',
      Math.max(1, Math.floor(ITERATIONS / 200)),
      (n) => {
        for (let i = 0; i < n; i++) heard.notify('user.created', payload);
      },
    ],
  );
}

function timeOnce(loop, n) {
  const start = process.hrtime.bigint();
  loop(n);
  return Number(process.hrtime.bigint() - start) / n;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// Warm-up: let V8 optimize every loop before measuring.
for (const [, n, loop] of cases) {
  timeOnce(loop, Math.max(1, Math.floor(n / 2)));
  timeOnce(loop, Math.max(1, Math.floor(n / 2)));
}

const samples = cases.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  // rotate the order each round so no case always runs first or last
  for (let k = 0; k < cases.length; k++) {
    const index = (k + round) % cases.length;
    const [, n, loop] = cases[index];
    samples[index].push(timeOnce(loop, n));
  }
}

const results = cases.map(([label], i) => ({ label, ns: median(samples[i]) }));
const bare = results[0].ns;
console.log(`Node ${process.version}, ${ROUNDS} rounds, median ns/op (delivered ${delivered} events, sink ${sink})`);
for (const { label, ns } of results) {
  console.log(`  ${label.padEnd(46)} ${ns.toFixed(1).padStart(9)} ns/op`);
}
const unheard = results[1].ns;
const heardNs = results[2].ns;
console.log(`instrument with no subscriber: +${(unheard - bare).toFixed(1)} ns/op over a bare call (ratio ${(unheard / bare).toFixed(2)}x)`);
console.log(`instrument with one subscriber: +${(heardNs - bare).toFixed(1)} ns/op over a bare call (ratio ${(heardNs / bare).toFixed(2)}x)`);
