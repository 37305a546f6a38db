import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import type * as TS from 'typescript';
import { locateApp, type AppLayout } from './app-layout.js';
import { editRootModule, MODULE_EXPORT, PACKAGE_NAME } from './edit-root-module.js';
import { editEnvExample } from './env-example.js';
import { InstallError } from './text-edits.js';

export interface InitOptions {
  /** The app's root folder (holds package.json and nest-cli.json). */
  dir: string;
  /** The root module's file, relative to dir; default: found from main.ts. */
  module?: string;
  /** Report what would change, write nothing. */
  dryRun?: boolean;
  /** The compiler API to use; default: the app's own `typescript` package. */
  ts?: typeof TS;
  /** Where lines are printed; default console.log. */
  log?: (line: string) => void;
  /** Environment for the printed URL (PORT); default process.env. */
  env?: Record<string, string | undefined>;
}

export interface InitResult {
  /** Files written (or that would be, with dryRun), relative to the app folder. */
  changed: string[];
  /** Nothing to do: the module and .env.example were already set up. */
  alreadyInstalled: boolean;
  moduleFile: string;
  dashboardUrl: string;
  /** Where ActiveTrackerModule was found already registered, when not in the root module. */
  registeredIn?: string;
}

/** Whether a loaded `typescript` package has the compiler API (TypeScript 7's package has none). */
function hasCompilerApi(candidate: unknown): candidate is typeof TS {
  return typeof (candidate as typeof TS | undefined)?.createSourceFile === 'function';
}

/**
 * The TypeScript compiler API: the app's own `typescript` package (resolved from its folder), else
 * one installed next to this package (`npx -p typescript@5 -p @active-tracker/nestjs ...`), else a
 * clear error. TypeScript 7 publishes no JavaScript compiler API: 5.x or 6.x is needed.
 */
export function loadAppTypeScript(appDir: string, installerUrl: string = import.meta.url): typeof TS {
  let appVersion: string | undefined;
  for (const from of [join(appDir, 'package.json'), installerUrl]) {
    let loaded: unknown;
    try {
      loaded = createRequire(from)('typescript');
    } catch {
      continue;
    }
    if (hasCompilerApi(loaded)) return loaded;
    appVersion ??= String((loaded as { version?: string }).version ?? 'unknown');
  }
  const retry = `npx -p typescript@5 -p ${PACKAGE_NAME} active-tracker init`;
  if (appVersion !== undefined) {
    throw new InstallError(
      `the TypeScript of ${appDir} (version ${appVersion}) has no JavaScript compiler API, which the installer edits your root module with (TypeScript 7 has none). Run it with TypeScript 5 or 6 beside it: ${retry}`,
    );
  }
  throw new InstallError(
    `TypeScript was not found from ${appDir}: the installer edits your root module with your app's own compiler. Run "npm install --save-dev typescript" there, then run this again (or: ${retry}).`,
  );
}

/** Source files under `dir` (no node_modules, dist, specs or declarations). */
function* sourceFiles(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (/\.(m|c)?ts$/.test(entry.name) && !/\.d\.(m|c)?ts$|\.spec\.ts$|\.test\.ts$/.test(entry.name)) yield full;
  }
}

/** Another source file that imports ActiveTrackerModule from the package and uses it (e.g. a CoreModule). */
function registeredElsewhere(layout: AppLayout): string | undefined {
  const importRe = new RegExp(`import\\s*\\{[^}]*\\b${MODULE_EXPORT}\\b[^}]*\\}\\s*from\\s*['"]${PACKAGE_NAME.replace('/', '\\/')}['"]`);
  const useRe = new RegExp(`\\b${MODULE_EXPORT}\\s*\\.\\s*forRoot(Async)?\\s*\\(`);
  for (const file of sourceFiles(join(layout.appDir, layout.sourceRoot))) {
    if (resolve(file) === resolve(layout.moduleFile)) continue;
    const text = readFileSync(file, 'utf8');
    if (importRe.test(text) && useRe.test(text)) return file;
  }
  return undefined;
}

export function dashboardUrl(layout: Pick<AppLayout, 'globalPrefix' | 'listenPort'>, mountpoint: string, env: Record<string, string | undefined>): string {
  const port = env.PORT && /^\d+$/.test(env.PORT) ? env.PORT : String(layout.listenPort ?? 3000);
  const path = [layout.globalPrefix, mountpoint].filter(Boolean).join('/');
  return `http://localhost:${port}/${path}`;
}

/**
 * `npx @active-tracker/nestjs init`: registers ActiveTrackerModule.forRoot() in the app's root
 * module and documents its variables in .env.example. Idempotent: a second run writes nothing.
 */
export function runInit(options: InitOptions): InitResult {
  const log = options.log ?? ((line: string) => console.log(line));
  const env = options.env ?? process.env;
  const appDir = resolve(options.dir);
  if (!existsSync(appDir) || !statSync(appDir).isDirectory()) throw new InstallError(`${appDir} is not a folder`);
  if (!existsSync(join(appDir, 'package.json'))) {
    throw new InstallError(`no package.json in ${appDir}: run this in your Nest app's folder, or pass --dir <app folder>.`);
  }
  const ts = options.ts ?? loadAppTypeScript(appDir);
  const layout = locateApp(ts, appDir, options.module);
  const rel = (file: string) => relative(appDir, file) || file;
  /** Files to write, with the text they gain (shown by --dry-run). */
  const writes: { file: string; text: string; added: string[] }[] = [];

  // 1. The root module.
  const elsewhere = registeredElsewhere(layout);
  const moduleText = readFileSync(layout.moduleFile, 'utf8');
  let mountpoint = 'activetracker';
  let moduleLine: string;
  if (elsewhere) {
    moduleLine = `${rel(layout.moduleFile)}: left as is (ActiveTrackerModule is already registered in ${rel(elsewhere)})`;
  } else {
    const edit = editRootModule({ ts, fileName: layout.moduleFile, text: moduleText, className: layout.className });
    mountpoint = edit.mountpoint;
    if (edit.alreadyInstalled) {
      moduleLine = `${rel(layout.moduleFile)}: ${edit.className} already imports ActiveTrackerModule`;
    } else {
      moduleLine = `${rel(layout.moduleFile)}: ActiveTrackerModule.forRoot({...}) added to the imports of ${edit.className}, every option listed in comments`;
      writes.push({ file: layout.moduleFile, text: edit.text, added: edit.edits.map((e) => e.text) });
    }
  }

  // 2. .env.example
  const envFile = join(appDir, '.env.example');
  const envBefore = existsSync(envFile) ? readFileSync(envFile, 'utf8') : undefined;
  const envEdit = editEnvExample(envBefore);
  let envLine: string;
  if (envEdit.added.length) {
    envLine = `.env.example: ${envBefore === undefined ? 'created with' : 'added'} ${envEdit.added.join(', ')}`;
    writes.push({ file: envFile, text: envEdit.text, added: [envEdit.text.slice((envBefore ?? '').length)] });
  } else {
    envLine = '.env.example: already lists REDIS_URL and ACTIVE_TRACKER_AUTH';
  }

  const url = dashboardUrl(layout, mountpoint, env);
  const result: InitResult = {
    changed: writes.map((w) => rel(w.file)),
    alreadyInstalled: writes.length === 0,
    moduleFile: rel(layout.moduleFile),
    dashboardUrl: url,
    registeredIn: elsewhere ? rel(elsewhere) : undefined,
  };

  if (!options.dryRun) for (const w of writes) writeFileSync(w.file, w.text);

  const mark = (changed: boolean) => (changed ? (options.dryRun ? '~' : '+') : '=');
  log(`ActiveTracker init in ${appDir}${options.dryRun ? ' (dry run: nothing written)' : ''}`);
  if (layout.foundBy === 'main') log(`  root module: ${layout.className ?? 'default export'} in ${rel(layout.moduleFile)} (from ${rel(layout.mainFile!)})`);
  for (const note of layout.notes) log(`  note: ${note}`);
  log(`  ${mark(writes.some((w) => w.file === layout.moduleFile))} ${moduleLine}`);
  log(`  ${mark(envEdit.added.length > 0)} ${envLine}`);
  if (result.alreadyInstalled) log('ActiveTracker is already installed: nothing changed.');
  else if (options.dryRun) {
    for (const w of writes) {
      log(`--- ${rel(w.file)} would gain:`);
      for (const text of w.added) for (const line of text.replace(/^(\r?\n)+|(\r?\n)+$/g, '').split(/\r?\n/)) log(`  + ${line}`);
    }
    log(`Would change ${result.changed.length} file(s); run without --dry-run to write them.`);
  }
  log('');
  log(`Dashboard: ${url}`);
  if (layout.globalPrefix === undefined) log('  (main.ts sets a global prefix that is not a string literal: put it before the mountpoint)');
  log('Next steps:');
  const steps = [
    hasDependency(appDir) ? undefined : `npm install ${PACKAGE_NAME}`,
    'copy the variables of .env.example into your environment (or .env, loaded with node --env-file=.env or @nestjs/config); unset, the tracker uses its in-memory store and no password',
    'start the app (npm run start:dev) and open the dashboard',
    `tune the options in ${rel(layout.moduleFile)}: uncomment what you need`,
  ].filter((s): s is string => s !== undefined);
  steps.forEach((step, i) => log(`  ${i + 1}. ${step}`));
  return result;
}

function hasDependency(appDir: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8'));
    return Boolean(pkg.dependencies?.[PACKAGE_NAME] ?? pkg.devDependencies?.[PACKAGE_NAME]);
  } catch {
    return false;
  }
}
