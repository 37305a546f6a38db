import { ModulesContainer, type ModuleRef } from '@nestjs/core';
import { beginQuery, captureSite, endQuery, isObservingQueries, type QueryHandle } from './query-capture.js';
import { addEntitySource, type EntityMetadataSource } from './typeorm.entities.js';

/**
 * TypeORM's drivers that have no driver-level capture (sql.js, SQLite, better-sqlite3, SQL Server,
 * Oracle...), observed through TypeORM's own query events: a subscriber (TypeORM's public
 * `EntitySubscriberInterface.beforeQuery`/`afterQuery`) added to every DataSource the app provides
 * through Nest, found by shape among the providers, so whichever copy of typeorm the app loads is
 * served and nothing of TypeORM is patched. A DataSource on PostgreSQL, CockroachDB, MySQL or
 * MariaDB is left to the pg/mysql2 capture, which sees its queries (and those of any other ORM) at
 * the driver: recording them here too would count them twice.
 *
 * The subscriber is added once per DataSource and stays (like the driver wrappers); it starts
 * nothing while no tracker observes queries. TypeORM replaces `dataSource.subscribers` when the
 * DataSource is initialized, so the array is kept behind an accessor that adds it back.
 */
const OBSERVED = Symbol.for('activeTracker.queries.typeorm');

/** DataSource types whose driver (pg, mysql2) is captured below TypeORM. */
const DRIVER_CAPTURED = new Set(['postgres', 'cockroachdb', 'mysql', 'mariadb']);

/** The package that runs the SQL, per TypeORM DataSource type (shown as `content.driver`). */
const DRIVER_PACKAGES: Record<string, string> = {
  sqljs: 'sql.js',
  sqlite: 'sqlite3',
  'better-sqlite3': 'better-sqlite3',
  mssql: 'mssql',
  oracle: 'oracledb',
  sap: '@sap/hana-client',
  spanner: '@google-cloud/spanner',
  'aurora-mysql': 'aurora-data-api',
  'aurora-postgres': 'aurora-data-api',
};

/** Statements that answer rows (their raw results are the rows). */
const READS = /^\s*(select|with|pragma|values|explain|show|describe)\b/i;

/** What the capture reads of a TypeORM DataSource (duck-typed: no import of typeorm). */
interface DataSourceLike extends EntityMetadataSource {
  name?: string;
  options: { type: string; database?: unknown; location?: unknown };
  driver?: { database?: unknown; databaseConnection?: { getRowsModified?: () => number } };
  subscribers: unknown[];
  createQueryRunner: unknown;
  [OBSERVED]?: true;
}

interface QueryEventLike {
  query?: unknown;
  parameters?: unknown;
  queryRunner?: object;
  dataSource?: DataSourceLike;
  success?: boolean;
  rawResults?: unknown;
  error?: unknown;
}

/** A query between its beforeQuery and afterQuery events. */
interface Pending {
  sql: string;
  handle: QueryHandle;
}

/** Queries in flight per query runner, oldest first (sql.js's single runner serves every request). */
const pending = new WeakMap<object, Pending[]>();
/** Bound on one runner's queue: a query whose afterQuery never came must not keep memory. */
const MAX_PENDING = 256;

function isDataSource(value: unknown): value is DataSourceLike {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<DataSourceLike>;
  return Array.isArray(v.subscribers) && typeof v.createQueryRunner === 'function' && typeof v.options?.type === 'string';
}

/** The subscriber shared by every observed DataSource. */
const subscriber = {
  beforeQuery(event: QueryEventLike): void {
    try {
      if (!isObservingQueries() || typeof event?.query !== 'string' || !event.queryRunner || !event.dataSource) return;
      const ds = event.dataSource;
      if (DRIVER_CAPTURED.has(ds.options.type)) return;
      const handle = beginQuery({
        driver: DRIVER_PACKAGES[ds.options.type] ?? ds.options.type,
        sql: event.query,
        name: null,
        values: event.parameters,
        database: databaseOf(ds),
        server: null,
        site: captureSite(event.query),
      });
      if (!handle) return;
      let queue = pending.get(event.queryRunner);
      if (!queue) pending.set(event.queryRunner, (queue = []));
      if (queue.length >= MAX_PENDING) queue.shift();
      queue.push({ sql: event.query, handle });
    } catch {
      /* capture never harms the host */
    }
  },

  afterQuery(event: QueryEventLike): void {
    try {
      const queue = event?.queryRunner ? pending.get(event.queryRunner) : undefined;
      if (!queue || typeof event.query !== 'string') return;
      // Runners serve their queries in order; the same text twice ends the older first.
      const at = queue.findIndex((p) => p.sql === event.query);
      if (at < 0) return;
      const [{ handle }] = queue.splice(at, 1);
      endQuery(handle, event.success === false ? null : rowsOf(event), event.success === false ? (event.error ?? new Error('query failed')) : undefined);
    } catch {
      /* capture never harms the host */
    }
  },
};

function databaseOf(ds: DataSourceLike): string | null {
  const name = ds.driver?.database ?? ds.options.database ?? (ds.options.type === 'sqljs' ? (ds.options.location ?? ':memory:') : null);
  return typeof name === 'string' && name ? name : null;
}

/** Rows read, or rows changed (sql.js tells it right after the statement ran). */
function rowsOf(event: QueryEventLike): number | null {
  const raw = event.rawResults;
  if (READS.test(String(event.query))) return Array.isArray(raw) ? raw.length : null;
  const changed = event.dataSource?.options.type === 'sqljs' ? event.dataSource.driver?.databaseConnection?.getRowsModified?.() : undefined;
  if (typeof changed === 'number') return changed;
  const affected = (raw as { affectedRows?: unknown; rowsAffected?: unknown } | null)?.affectedRows ?? (raw as { rowsAffected?: unknown } | null)?.rowsAffected;
  return typeof affected === 'number' ? affected : null;
}

/** Adds the subscriber to a DataSource, once, so that it survives `initialize()` replacing the list. */
function observe(ds: DataSourceLike): boolean {
  if (ds[OBSERVED]) return false;
  // Every DataSource's entities name its tables, also those whose queries the pg/mysql2 capture sees.
  addEntitySource(ds);
  let list = ds.subscribers;
  const withSubscriber = (value: unknown[]) => {
    if (Array.isArray(value) && !value.includes(subscriber)) value.push(subscriber);
    return value;
  };
  list = withSubscriber(list);
  Object.defineProperty(ds, 'subscribers', {
    configurable: true,
    enumerable: true,
    get: () => list,
    set: (value: unknown[]) => {
      list = withSubscriber(value);
    },
  });
  Object.defineProperty(ds, OBSERVED, { value: true });
  return true;
}

/**
 * Observes the TypeORM DataSources among the app's providers (every module, resolved singletons).
 * Returns the types of the DataSources found (e.g. `['sqljs']`), for the plugin's statistics.
 */
export function observeTypeOrmDataSources(moduleRef: ModuleRef): string[] {
  const types: string[] = [];
  let modules: ModulesContainer;
  try {
    modules = moduleRef.get(ModulesContainer, { strict: false });
  } catch {
    return types;
  }
  const seen = new Set<object>();
  for (const module of modules.values()) {
    for (const wrapper of module.providers.values()) {
      let instance: unknown;
      try {
        instance = wrapper.instance;
      } catch {
        continue;
      }
      if (!isDataSource(instance) || seen.has(instance)) continue;
      seen.add(instance);
      observe(instance);
      types.push(instance.options.type);
    }
  }
  return types;
}
