/**
 * Support of e2e/install.e2e-spec.ts: the schematics that generate a fresh Nest app (installed
 * once from the npm registry into .cache/install-tools), the library built and laid out as its
 * published package, the generated app wired to the workspace's packages, and child processes.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
const CACHE = join(ROOT, '.cache');
export const TOOLS_DIR = join(CACHE, 'install-tools');
/** The library as it is published: package.json, bin/, dist/ and dashboard/ (a link to the build). */
export const STAGED_PACKAGE = join(CACHE, 'install-e2e', 'package');

/** @nestjs/schematics 12 needs TypeScript 6 and Node 22; 11.1 generates the same app layout. */
const TOOLS = { '@nestjs/schematics': '11.1.0', typescript: '5.9.3' } as const;
const TOOLS_MARKER = join(TOOLS_DIR, '.installed.json');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment for npm, npx and the app: without the npm_* variables of an enclosing `npm test`. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Runs a command to its end (killed after timeoutMs); never throws. */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${options.timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `${stderr}\n${error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Like run, but a non-zero exit throws with the command's output. */
export async function runOk(
  what: string,
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${what} failed (exit ${result.code}): ${command} ${args.join(' ')}\n--- stdout\n${result.stdout.slice(-4000)}\n--- stderr\n${result.stderr.slice(-4000)}`,
    );
  }
  return result;
}

/**
 * @nestjs/schematics (and the TypeScript it uses) in .cache/install-tools, installed from the npm
 * registry on first use and reused after. A registry that cannot be reached fails the test, saying so.
 */
export async function ensureSchematics(): Promise<string> {
  const wanted = JSON.stringify(TOOLS);
  if (existsSync(TOOLS_MARKER) && readFileSync(TOOLS_MARKER, 'utf8') === wanted) return TOOLS_DIR;
  rmSync(TOOLS_DIR, { recursive: true, force: true });
  mkdirSync(TOOLS_DIR, { recursive: true });
  writeFileSync(join(TOOLS_DIR, 'package.json'), JSON.stringify({ name: 'active-tracker-install-tools', private: true, dependencies: TOOLS }, null, 2));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = await run(npm, ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: TOOLS_DIR, timeoutMs: 180_000 });
  if (result.code !== 0) {
    throw new Error(
      `could not install ${Object.entries(TOOLS)
        .map(([n, v]) => `${n}@${v}`)
        .join(' ')} from the npm registry into ${TOOLS_DIR} ` +
        `(is the registry reachable?); the install e2e needs them to generate a fresh Nest app.\n${result.stderr.slice(-3000)}`,
    );
  }
  writeFileSync(TOOLS_MARKER, wanted);
  return TOOLS_DIR;
}

/** `nest new <name>` without the package install: the `application` schematic, in a child process. */
export async function generateNestApp(parentDir: string, name: string): Promise<string> {
  const toolsDir = await ensureSchematics();
  await runOk('generating a Nest app', process.execPath, [join(import.meta.dirname, 'install-generate-app.cjs'), toolsDir, parentDir, name], {
    cwd: parentDir,
    timeoutMs: 60_000,
  });
  return join(parentDir, name);
}

/**
 * Builds the library when its sources changed since the last build (incrementally, into the
 * staged package's dist/) and lays it out as npm publishes it: package.json with its bin, bin/,
 * dist/, and dashboard/ linked to the dashboard build.
 * Its own imports (@nestjs/*, ioredis...) resolve from the workspace's node_modules, above .cache/.
 */
export async function stageLibrary(): Promise<string> {
  const lib = join(ROOT, 'libs', 'active-tracker');
  mkdirSync(STAGED_PACKAGE, { recursive: true });
  const stamp = join(STAGED_PACKAGE, '.built');
  const inputs = Math.max(newestMtime(join(lib, 'src')), newestMtime(join(lib, 'tsconfig.lib.json')), newestMtime(join(ROOT, 'tsconfig.base.json')));
  if (!existsSync(stamp) || statSync(stamp).mtimeMs < inputs) await buildLibrary(lib, stamp);
  cpSync(join(lib, 'package.json'), join(STAGED_PACKAGE, 'package.json'));
  rmSync(join(STAGED_PACKAGE, 'bin'), { recursive: true, force: true });
  cpSync(join(lib, 'bin'), join(STAGED_PACKAGE, 'bin'), { recursive: true });
  if (!existsSync(join(STAGED_PACKAGE, 'dashboard'))) symlinkSync(join(lib, 'dashboard'), join(STAGED_PACKAGE, 'dashboard'), 'dir');
  return STAGED_PACKAGE;
}

/** Newest modification time (ms) of a file, or of the files under a folder (specs excluded); 0 when absent. */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return /\.spec\.ts$/.test(path) ? 0 : stat.mtimeMs;
  // The folder's own time counts too: a deleted source must rebuild.
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** tsc of the library (type-checked, as `npm run build:lib`), into the staged package; the stamp marks success. */
async function buildLibrary(lib: string, stamp: string): Promise<void> {
  rmSync(stamp, { force: true });
  // Sources saved during the build are newer than the stamp, so the next run builds again.
  const started = new Date();
  await runOk(
    'building the library',
    process.execPath,
    [
      join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      join(lib, 'tsconfig.lib.json'),
      '--outDir',
      join(STAGED_PACKAGE, 'dist'),
      '--incremental',
      '--tsBuildInfoFile',
      join(STAGED_PACKAGE, 'lib.tsbuildinfo'),
    ],
    { cwd: ROOT, timeoutMs: 120_000 },
  );
  writeFileSync(stamp, '');
  utimesSync(stamp, started, started);
}

/** What `npm install` of a Nest 12 app plus @active-tracker/nestjs would give it: links into the workspace. */
export function linkPackages(appDir: string, stagedPackage: string): void {
  const nm = join(appDir, 'node_modules');
  const workspacePackages = [
    '@nestjs/common',
    '@nestjs/core',
    '@nestjs/platform-express',
    'reflect-metadata',
    'rxjs',
    'tslib',
    'typescript',
    'class-validator',
    'class-transformer',
    '@types/node',
    '@types/express',
  ];
  for (const name of workspacePackages) {
    mkdirSync(dirname(join(nm, name)), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), join(nm, name), 'dir');
  }
  mkdirSync(join(nm, '@active-tracker'), { recursive: true });
  symlinkSync(stagedPackage, join(nm, '@active-tracker', 'nestjs'), 'dir');
  // npm links each bin of an installed package here; `npx @active-tracker/nestjs` runs it.
  const bins = JSON.parse(readFileSync(join(stagedPackage, 'package.json'), 'utf8')).bin as Record<string, string>;
  mkdirSync(join(nm, '.bin'), { recursive: true });
  for (const [bin, path] of Object.entries(bins)) symlinkSync(join('..', '@active-tracker', 'nestjs', path), join(nm, '.bin', bin));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface BootedApp {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** `node [nodeArgs] dist/main.js` with PORT set; resolves once `readyPath` answers (any status). */
export async function bootApp(
  appDir: string,
  options: { nodeArgs?: string[]; env?: Record<string, string | undefined>; readyPath: string },
): Promise<BootedApp> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), 'dist/main.js'], {
    cwd: appDir,
    env: childEnv({ NODE_ENV: undefined, REDIS_URL: undefined, ACTIVE_TRACKER_AUTH: undefined, ...options.env, PORT: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let exited: number | null | undefined;
  const closed = new Promise<void>((resolve) => child.on('close', (code) => ((exited = code), resolve())));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited === undefined) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await closed;
    clearTimeout(killer);
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`the app exited (code ${exited}) before answering:\n${output.slice(-4000)}`);
    try {
      await fetch(url + options.readyPath);
      return { url, output: () => output, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`the app did not answer on ${url} within 20 s:\n${output.slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
