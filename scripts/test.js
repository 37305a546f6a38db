#!/usr/bin/env node
/**
 * `npm test`: runs the checks (ESLint, `prettier --check`, `tsc --noEmit` over the sources, specs,
 * e2e and test support), builds the dashboard when its build is missing or stale (the browser e2e
 * and the module's static serving need it), runs every Jest project once, and ends with one plain
 * summary line `N passed, M failed[, K skipped]`. Extra arguments are forwarded to Jest
 * (`npm test -- --selectProjects unit`). A failed check does not stop the tests (one run shows
 * everything); it is named on the line before the summary and makes the exit code 1. Otherwise
 * exits with Jest's exit code.
 * SKIP_CHECKS=1 skips the checks; SKIP_DASHBOARD_BUILD=1 skips the dashboard step (for quick runs
 * of specs that do not need it).
 * First of all, the system programs the suites need (chromium, redis-server) are checked by
 * scripts/system-deps.js: installed when it can, otherwise the run stops at once with the command to run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSystemDeps } from './system-deps.js';

const root = join(import.meta.dirname, '..');
const dashboardIndex = join(root, 'libs/active-tracker/dashboard/index.html');
const dashboardInputs = [join(root, 'apps/dashboard'), join(root, 'angular.json')];

/** Newest modification time (ms) of a file or of any file under a directory; 0 when absent. */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

/** Runs a command with inherited stdio; resolves with its exit code (signals count as failure). */
function run(command, args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.on('error', (error) => {
      console.error(`could not start ${command}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/**
 * Lint, format and type checks, each a separate process so that all of them report. The dashboard's
 * own tsconfig is type-checked by its `contracts.typecheck.spec.ts` and by `ng build` (templates).
 * Resolves with the names of the checks that failed.
 */
async function runChecks() {
  if (process.env.SKIP_CHECKS === '1') {
    console.log('checks: skipped (SKIP_CHECKS=1)');
    return [];
  }
  const checks = [
    ['eslint', [join(root, 'node_modules/eslint/bin/eslint.js'), '--max-warnings=0', '.']],
    ['prettier', [join(root, 'node_modules/prettier/bin/prettier.cjs'), '--check', '--log-level=warn', '.']],
    ['tsc', [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']],
  ];
  const failed = [];
  for (const [name, args] of checks) {
    console.log(`checks: ${name}`);
    if ((await run(process.execPath, args)) !== 0) failed.push(name);
  }
  console.log(failed.length ? `checks failed: ${failed.join(', ')}` : 'checks: passed');
  return failed;
}

async function buildDashboardIfStale() {
  if (process.env.SKIP_DASHBOARD_BUILD === '1') {
    console.log('dashboard: build skipped (SKIP_DASHBOARD_BUILD=1)');
    return 0;
  }
  const builtAt = existsSync(dashboardIndex) ? statSync(dashboardIndex).mtimeMs : 0;
  const sourcesAt = Math.max(...dashboardInputs.map(newestMtime));
  if (builtAt && builtAt >= sourcesAt) {
    console.log('dashboard: build is up to date');
    return 0;
  }
  console.log(builtAt ? 'dashboard: sources changed, rebuilding' : 'dashboard: not built yet, building');
  const ng = join(root, 'node_modules/@angular/cli/bin/ng.js');
  return run(process.execPath, [ng, 'build', 'dashboard'], { ...process.env, NG_CLI_ANALYTICS: 'false' });
}

/** Jest flags we add unless the caller chose their own parallelism. */
function parallelismArgs(forwarded) {
  const chosen = forwarded.some((a) => /^(-i|--runInBand|-w|--maxWorkers)(=|$)/.test(a));
  return chosen ? [] : ['--maxWorkers=2'];
}

function summarize(resultsFile) {
  if (!existsSync(resultsFile)) {
    console.log('jest wrote no results (it failed before running tests)');
    return;
  }
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
  // Suites that fail to load (syntax error, failing beforeAll) run no test: say so, since "0 failed" would hide them.
  const brokenSuites = results.numRuntimeErrorTestSuites ?? 0;
  if (brokenSuites > 0) console.log(`${brokenSuites} test suite(s) failed to run`);
  console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
}

async function main() {
  const forwarded = process.argv.slice(2);
  if (!ensureSystemDeps()) return 1;
  const failedChecks = await runChecks();
  const buildCode = await buildDashboardIfStale();
  if (buildCode !== 0) {
    console.error(`dashboard build failed (exit ${buildCode}); not running tests`);
    return buildCode;
  }
  const outDir = mkdtempSync(join(tmpdir(), 'active-tracker-jest-'));
  const resultsFile = join(outDir, 'results.json');
  try {
    // NestJS 12 is ESM-only: Jest runs in its native ESM mode, hence --experimental-vm-modules.
    const code = await run(process.execPath, [
      '--experimental-vm-modules',
      '--disable-warning=ExperimentalWarning',
      join(root, 'node_modules/jest/bin/jest.js'),
      '--ci',
      ...parallelismArgs(forwarded),
      '--json',
      `--outputFile=${resultsFile}`,
      ...forwarded,
    ]);
    if (failedChecks.length) console.log(`checks failed: ${failedChecks.join(', ')}`);
    summarize(resultsFile);
    return code || (failedChecks.length ? 1 : 0);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
