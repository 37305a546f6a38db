import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MYSQL2_CHANNELS, observeMysql2 } from './mysql2.capture.js';
import { patchPg } from './pg.capture.js';
export { MYSQL2_CHANNELS };

/** What `installQueryDrivers` found. */
export interface InstalledDrivers {
  /** Copies of pg wrapped (paths, or 'given' for modules passed in the options). */
  pg: string[];
  /** True when mysql2's channels are subscribed. */
  mysql2: boolean;
  /** Why a driver the app has cannot be captured (logged once as a warning). */
  problems: string[];
}

/** Drivers handed to the plugin directly (bundled apps, module registries such as Jest's). */
export interface QueryDriverModules {
  /** The `pg` module object (`import pg from 'pg'` / `require('pg')`). */
  pg?: unknown;
}

const PG_ENTRY = /[\\/]node_modules[\\/]pg[\\/]lib[\\/]index\.js$/;
/** Packages that may bring a pg of their own (nested under them when its version differs from the app's). */
const PG_USERS = [
  'typeorm',
  'knex',
  'sequelize',
  'drizzle-orm',
  'kysely',
  '@mikro-orm/postgresql',
  '@mikro-orm/knex',
  '@prisma/adapter-pg',
  'pg-promise',
  'slonik',
];

let mysqlUsers = 0;
let stopMysql: (() => void) | null = null;

/**
 * Finds and hooks the drivers the host loads. pg: the copy the app resolves from its working
 * directory (`createRequire(process.cwd() + '/')`, imported by path so an ESM host and a CJS host
 * get the same module instance), the copies ORMs installed for themselves (resolved from their own
 * directories), every other copy already in the CommonJS cache, and modules given in the options; each is wrapped once, for good (the wrappers
 * call pg directly while no tracker observes). mysql2: its diagnostics channels, subscribed while
 * at least one tracker runs. Nothing is loaded that the app does not have installed.
 */
export async function installQueryDrivers(given: QueryDriverModules = {}): Promise<{ drivers: InstalledDrivers; release: () => void }> {
  const drivers: InstalledDrivers = { pg: [], mysql2: false, problems: [] };
  const hostRequire = createRequire(join(process.cwd(), '/'));
  if (given.pg !== undefined) {
    if (patchPg(moduleObject(given.pg))) drivers.pg.push('given');
    else drivers.problems.push('"drivers.pg" is not the pg module (no Client.prototype.query)');
  }
  // The app's pg, then the copies ORMs installed for themselves (e.g. @mikro-orm/postgresql's own pg).
  const pgPaths = new Set<string>();
  const appPg = resolveFrom(hostRequire, 'pg');
  if (appPg) pgPaths.add(appPg);
  for (const pkg of PG_USERS) {
    const dir = join(process.cwd(), 'node_modules', pkg);
    if (!existsSync(join(dir, 'package.json'))) continue;
    const own = resolveFrom(createRequire(join(dir, 'package.json')), 'pg');
    if (own) pgPaths.add(own);
  }
  for (const pgPath of pgPaths) {
    try {
      const loaded = await import(pathToFileURL(pgPath).href);
      if (patchPg(moduleObject(loaded))) drivers.pg.push(pgPath);
    } catch (error) {
      drivers.problems.push(`pg (${pgPath}) could not be loaded (${(error as Error)?.message ?? error}): its queries are not captured`);
    }
  }
  for (const path of Object.keys(hostRequire.cache)) {
    if (!PG_ENTRY.test(path) || drivers.pg.includes(path)) continue;
    if (patchPg(hostRequire.cache[path]?.exports)) drivers.pg.push(path);
  }
  const mysqlPath = resolveFrom(hostRequire, 'mysql2');
  if (mysqlPath && !existsSync(join(dirname(mysqlPath), 'lib', 'tracing.js'))) {
    drivers.problems.push(
      'the installed mysql2 publishes no diagnostics channel (mysql2 3.x with lib/tracing.js does): its queries are not captured; upgrade mysql2',
    );
  }
  if (mysqlUsers++ === 0) stopMysql = observeMysql2();
  drivers.mysql2 = true;
  let released = false;
  return {
    drivers,
    release: () => {
      if (released) return;
      released = true;
      if (--mysqlUsers === 0) {
        stopMysql?.();
        stopMysql = null;
      }
    },
  };
}

function resolveFrom(require: NodeRequire, name: string): string | null {
  try {
    return require.resolve(name);
  } catch {
    return null;
  }
}

/** The module object of an import (ESM namespace with a default export, or CommonJS exports). */
function moduleObject(loaded: unknown): unknown {
  const m = loaded as { default?: { Client?: unknown }; Client?: unknown } | null;
  if (m && typeof m === 'object' && m.Client === undefined && m.default && typeof m.default === 'object') return m.default;
  return m;
}
