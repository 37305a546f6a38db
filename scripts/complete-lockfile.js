#!/usr/bin/env node
/**
 * Completes package-lock.json with the platform binaries of other systems (rollup, esbuild-like
 * native bindings) that the registry mirror used here does not serve. npm 11's `npm ci` refuses a
 * lock file in which a package's optionalDependencies are missing, even ones it would skip on this
 * platform. Each added entry carries the os/cpu/libc npm needs to skip it without downloading.
 * Run after `npm install` changes the lock file: `node scripts/complete-lockfile.js`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openbsd', 'netbsd', 'openharmony', 'sunos', 'aix'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el', 'wasm32'];

const file = join(import.meta.dirname, '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
let added = 0;

for (const [path, meta] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = `${path}/node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[nested] || packages[hoisted]) continue;
    const base = name.split('/').pop();
    const os = OS.find((o) => base.split('-').includes(o) || (o === 'win32' && base.includes('win32')));
    const cpu = CPU.find((c) => base.split('-').includes(c) || (c === 'arm' && /-arm-|-arm$|gnueabihf|musleabihf/.test(base)));
    if (!os && !cpu) continue; // not a platform binary: leave it to npm
    const entry = { version: String(spec).replace(/^[~^=]/, ''), dev: meta.dev || undefined, optional: true };
    if (cpu) entry.cpu = [cpu];
    if (os) entry.os = [os];
    if (/musl/.test(base)) entry.libc = ['musl'];
    else if (os === 'linux' && /gnu/.test(base)) entry.libc = ['glibc'];
    packages[hoisted] = JSON.parse(JSON.stringify(entry));
    added++;
  }
}

writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`package-lock.json: ${added} platform entries added`);
