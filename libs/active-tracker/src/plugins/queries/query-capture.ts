import { performance } from 'node:perf_hooks';
import { currentContext, type TrackerContext } from '../../plugin-api.js';
import { captureQueryOrigin, NO_ORIGIN, type QueryOrigin } from './query-origin.js';

/** The driver that ran a query: 'pg' and 'mysql2' are hooked here; others report through `startQuery`/`recordQuery`. */
export type QueryDriver = 'pg' | 'mysql2' | (string & {});

/**
 * Where a query comes from, taken where the app called the driver: its batch (request or job) and
 * its first app frame. A pool hands a query to a connection later, maybe in another request's
 * async context (a connection released by it), so a pool's entry point takes the site and passes it on.
 */
export interface QuerySite {
  ctx: TrackerContext | undefined;
  origin: QueryOrigin;
}

/** A query as the driver capture sees it when it starts. */
export interface QueryStart {
  driver: QueryDriver;
  sql: string;
  /** Prepared statement or query name, when given. */
  name: string | null;
  /** Bound parameters as given to the driver (positional array or named object). */
  values: unknown;
  database: string | null;
  /** `host:port` (or socket path). */
  server: string | null;
  site: QuerySite;
  /** Epoch ms at start. */
  startedAt: number;
}

/** How it ended. */
export interface QueryEnd {
  durationMs: number;
  rows: number | null;
  error: unknown;
}

/** A consumer of captured queries (one per running tracker). */
export interface QueryObserver {
  /** In the caller's context at start; returns its own state, or undefined to ignore the query. */
  start(query: QueryStart): unknown;
  end(state: unknown, query: QueryStart, end: QueryEnd): void;
  /** False when it needs no location nor ORM (no call stack is captured unless some observer does). */
  readonly location?: boolean;
}

/** A query in flight: what `endQuery` needs. */
export interface QueryHandle {
  query: QueryStart;
  t0: number;
  observers: QueryObserver[];
  states: unknown[];
  done: boolean;
}

const observers: QueryObserver[] = [];
/** Whether some observer wants the call stack read (locations, ORM names). */
let locationWanted = false;

/** Adds an observer; drivers are captured only while at least one is registered. */
export function addQueryObserver(observer: QueryObserver): () => void {
  observers.push(observer);
  locationWanted = observers.some((o) => o.location !== false);
  return () => {
    const at = observers.indexOf(observer);
    if (at >= 0) observers.splice(at, 1);
    locationWanted = observers.some((o) => o.location !== false);
  };
}

/** True when some tracker wants queries: the driver hooks do nothing otherwise. */
export function isObservingQueries(): boolean {
  return observers.length > 0;
}

/**
 * The site of a call made now: its batch and its first app frame, read from the call stack for
 * every query. `sql`, when known, only bounds how deep the stack is read (see captureQueryOrigin).
 */
export function captureSite(sql?: string): QuerySite {
  return { ctx: currentContext(), origin: locationWanted ? captureQueryOrigin(sql) : NO_ORIGIN };
}

/** Starts a query: asks every observer; null when none wants it. Never throws. */
export function beginQuery(query: Omit<QueryStart, 'startedAt'>): QueryHandle | null {
  try {
    let handle: QueryHandle | null = null;
    const started = query as QueryStart;
    started.startedAt = Date.now();
    for (const observer of observers) {
      const state = observer.start(started);
      if (state === undefined) continue;
      handle ??= { query: started, t0: performance.now(), observers: [], states: [], done: false };
      handle.observers.push(observer);
      handle.states.push(state);
    }
    return handle;
  } catch {
    return null;
  }
}

/** Ends a query once (later calls are ignored); `durationMs` when the reporter measured it. Never throws. */
export function endQuery(handle: QueryHandle | null, rows: number | null, error: unknown, durationMs?: number): void {
  if (!handle || handle.done) return;
  handle.done = true;
  const measured = typeof durationMs === 'number' && Number.isFinite(durationMs) && durationMs >= 0 ? durationMs : performance.now() - handle.t0;
  const end: QueryEnd = { durationMs: Math.round(measured * 1000) / 1000, rows, error };
  for (let i = 0; i < handle.observers.length; i++) {
    try {
      handle.observers[i].end(handle.states[i], handle.query, end);
    } catch {
      /* capture never harms the host */
    }
  }
}

/** Rows of a driver result: pg's rowCount, mysql2's rows array or affectedRows. */
export function rowsOf(result: unknown): number | null {
  if (result === null || typeof result !== 'object') return null;
  if (Array.isArray(result)) {
    // pg: one Result per statement of a multi-statement text; mysql2: the rows.
    const last = result[result.length - 1] as { rowCount?: unknown } | undefined;
    if (last && typeof last === 'object' && !Array.isArray(last) && typeof last.rowCount === 'number') return last.rowCount;
    return result.length;
  }
  const r = result as { rowCount?: unknown; affectedRows?: unknown; rows?: unknown };
  if (typeof r.rowCount === 'number') return r.rowCount;
  if (typeof r.affectedRows === 'number') return r.affectedRows;
  if (Array.isArray(r.rows)) return r.rows.length;
  return null;
}

/** A query reported by code that runs a driver this plugin does not hook (sql.js, better-sqlite3, an ORM's own events). */
export interface ReportedQuery {
  /** e.g. 'sql.js', 'better-sqlite3'. 'mysql2', 'mysql' and 'mariadb' read SQL the MySQL way, others the standard way. */
  driver: string;
  sql: string;
  /** Bound parameters (redacted like the hooked drivers'). */
  values?: unknown;
  name?: string | null;
  database?: string | null;
  server?: string | null;
}

/** How a reported query ended. */
export interface ReportedQueryEnd {
  rows?: number | null;
  error?: unknown;
  /** The duration when the reporter measured it (default: since `startQuery`). */
  durationMs?: number;
}

const NOOP_QUERY = Object.freeze({ end: () => undefined });

/**
 * Reports a query of a driver the plugin does not hook: call it when the query starts, in the
 * caller's async context (its batch and first app frame are taken here), and `end()` it once.
 * Entries, families, per-request totals and N+1 detection work as for pg and mysql2. Free when no
 * tracker runs.
 */
export function startQuery(query: ReportedQuery): { end(result?: ReportedQueryEnd): void } {
  if (!isObservingQueries() || typeof query?.sql !== 'string') return NOOP_QUERY;
  const handle = beginQuery({
    driver: String(query.driver),
    sql: query.sql,
    name: query.name ?? null,
    values: query.values,
    database: query.database ?? null,
    server: query.server ?? null,
    site: captureSite(query.sql),
  });
  if (!handle) return NOOP_QUERY;
  return { end: (result = {}) => endQuery(handle, typeof result.rows === 'number' ? result.rows : null, result.error, result.durationMs) };
}

/** Reports a query that already ran (an ORM event fired after it): `startQuery(query).end(result)`, with the duration measured by the reporter. */
export function recordQuery(query: ReportedQuery & ReportedQueryEnd & { durationMs: number }): void {
  startQuery(query).end(query);
}
