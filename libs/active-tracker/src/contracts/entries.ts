/**
 * The content of every built-in entry type: the shapes the API serves and the dashboard reads.
 * Type-only and free of Node imports, so the browser build imports them from
 * `@active-tracker/nestjs/contracts` instead of keeping a copy that drifts.
 */
import type { LogLevel } from './log-level.js';

/** One parsed line of a V8 stack trace. */
export interface StackFrame {
  function: string | null;
  file: string | null;
  line: number | null;
  column: number | null;
  /** True for the host app's own code (not node_modules, not node internals, not the tracker). */
  app: boolean;
}

/** A Logger call made while a request ran, as listed in its `log`. */
export interface RequestLogLine {
  level: string;
  message: string;
  context?: string;
  /** ISO-8601 time of the call. */
  at: string;
}

/** The `content` of a `request` entry. */
export interface RequestEntryContent {
  method: string;
  /** The request target, sensitive query parameters redacted. */
  url: string;
  path: string;
  routePattern: string | null;
  controller: string | null;
  handler: string | null;
  status: number;
  ip: string | null;
  requestHeaders: Record<string, unknown>;
  query: unknown;
  body: unknown;
  bodyTruncated?: true;
  responseHeaders: Record<string, unknown>;
  responseBody: unknown;
  responseBodyTruncated?: true;
  responseSize: number;
  log: RequestLogLine[];
  logTruncated?: true;
  user?: { name?: string; email?: string; avatarUrl?: string };
  aborted?: true;
  /** The request's SQL queries, totalled when it ended (queries plugin). */
  queries?: RequestQueries;
}

/** `content.queries` of a request (or the entry of a job's batch): its SQL queries in sum. */
export interface RequestQueries {
  count: number;
  /** Time spent in queries (ms), Rails' `db_runtime`. */
  totalMs: number;
  slowCount: number;
  /** Families run at least `nPlusOneThreshold` times (same statement shape, varying values), most runs first. */
  nPlusOne: Array<{ familyHash: string; sql: string; count: number }>;
  /** The same statement run twice or more with the same parameters, most runs first. */
  duplicates: Array<{ sql: string; count: number }>;
}

/** The `content` of a `query` entry (queries plugin). */
export interface QueryEntryContent {
  /** The SQL as sent (literals bound to sensitive columns redacted). */
  sql: string;
  /** 'pg', 'mysql2', or the driver a reporter named (`startQuery`/`recordQuery`: 'sql.js'...). */
  driver: string;
  /** The ORM or query builder it went through ('typeorm', 'knex', 'prisma'...), null for the driver used directly. */
  orm: string | null;
  /** The database name. */
  connection: string | null;
  /** `host:port` of the server (or its socket path). */
  server: string | null;
  /** Rows returned or affected, when the driver says. */
  rows: number | null;
  /** The first application frame that issued the query, `file:line`. */
  location: string | null;
  /** True above the plugin's `slowMs` (or the route's override). */
  slow: boolean;
  /** Prepared statement name, when given. */
  name: string | null;
  /** Through TypeORM: the entity whose table is the SQL's main table (`'Post'`), absent when none maps. */
  entity?: string;
  /** Bound parameters, sensitive ones redacted (absent unless `captureParams`). */
  params?: unknown;
  error?: { name: string; message: string; code?: string };
}

/** Where an exception was seen. */
export type ExceptionOrigin = 'http' | 'unhandledRejection' | 'uncaughtException' | 'manual';

/** The `content` of an `exception` entry. */
export interface ExceptionEntryContent {
  class: string;
  message: string;
  stack: string | null;
  frames: StackFrame[];
  location: { file: string | null; line: number | null; function: string | null } | null;
  status: number | null;
  origin: ExceptionOrigin;
  request?: { method: string; path: string };
  /** "file:line" of `location`, shown in family lists. */
  locationLabel?: string | null;
}

/** The `content` of a `log` entry. */
export interface LogEntryContent {
  level: LogLevel;
  message: string;
  context?: string;
  stack?: string;
}

/** Where an event was triggered. */
export interface EventSource {
  file: string | null;
  line: number | null;
  function: string | null;
}

/** The `content` of an `event` entry. */
export interface EventEntryContent {
  /** The key of `tracker.event(key)`, or the name of the notification. */
  name: string;
  /** 'event' for `tracker.event`/`trackEvent`, 'notify' for a recorded EventReporter notification. */
  origin: 'event' | 'notify';
  description: string | null;
  /** The event's data, or the notification's payload (an event object's `serialize()` result); sensitive keys redacted. */
  data: unknown;
  /** EventReporter tags in effect (`tagged`), tag objects serialized. */
  eventTags: Record<string, unknown>;
  /** EventReporter context (`setContext`) of the request/job. */
  context: Record<string, unknown>;
  /** The first app frame (tracker.event) or the notification's source location. */
  source: EventSource | null;
  /** Call stack of `tracker.event` without the tracker's own frames ([] for notifications). */
  backtrace: StackFrame[];
  /** Notifications only: the reporter's epoch-nanosecond timestamp. */
  timestamp?: number;
}

/** The `content` of an `http-client` entry. */
export interface HttpClientEntryContent {
  /** 'fetch' for fetch/undici, 'http' for node:http/https (axios, got, SDKs built on them...). */
  client: 'fetch' | 'http';
  method: string;
  /** Full URL, credentials and sensitive query parameters replaced by [REDACTED]. */
  url: string;
  host: string;
  /** Response status, null when no response arrived. */
  status: number | null;
  /** From the start of the call to the end of the response body (or the error). */
  durationMs: number;
  /** Request body size in bytes when known (content-length), else null. */
  requestSize: number | null;
  /** Response body size from content-length, else null (bodies are never read by the tracker). */
  responseSize: number | null;
  error?: { name: string; message: string; code?: string };
}
