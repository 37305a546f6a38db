/**
 * Shapes of the tracker's REST API (`<mountpoint>/api/...`), as the dashboard reads them.
 * They mirror the server's types but are declared here: the dashboard is a separate browser build.
 */

/** One captured thing: request, exception, log, event, outbound HTTP call, ... */
export interface Entry<C extends object = Record<string, unknown>> {
  /** ULID: unique, sortable by time, usable as a cursor. */
  id: string;
  type: string;
  batchId: string | null;
  /** ISO-8601. */
  occurredAt: string;
  durationMs: number | null;
  familyHash: string | null;
  tags: Record<string, string>;
  content: C & Record<string, unknown>;
}

/** A page of a newest-first list; `next` is the cursor for the following (older) page. */
export interface Page<T> {
  data: T[];
  next: string | null;
}

/** `GET api/entries/:id`: the entry and everything with the same batchId, oldest first. */
export interface EntryDetail {
  data: Entry;
  batch: Entry[];
}

/** A capture plugin as listed by `GET api/meta` (only enabled ones). */
export interface PluginMeta {
  name: string;
  entryType: string;
  title: string;
  /** Dashboard route of the plugin, e.g. `requests`. */
  path: string;
}

/** `GET api/meta`. */
export interface Meta {
  version: string;
  perPage: number;
  plugins: PluginMeta[];
}

/** A row of `GET api/stats`; `error` flags bad news. */
export interface PluginStat {
  plugin: string;
  label: string;
  value: number | string;
  error?: boolean;
}

/** A row of `GET api/exceptions/families`. */
export interface ExceptionFamily {
  familyHash: string;
  class: string;
  message: string;
  location: SourceLocation | string | null;
  count: number;
  firstSeen: string;
  lastSeen: string;
  lastEntryId: string;
}

/** `{ data }` envelope used by single-object endpoints. */
export interface DataEnvelope<T> {
  data: T;
}

/** Filters accepted by `GET api/entries`. */
export interface EntryQuery {
  type?: string;
  /** `key:value`. */
  tag?: string;
  family?: string;
  batch?: string;
  q?: string;
  before?: string;
  limit?: number;
}

/** A source position (exception location, event source). */
export interface SourceLocation {
  file: string;
  line: number;
  function?: string;
}

/** One parsed stack frame. */
export interface StackFrame {
  function: string;
  file: string;
  line: number;
  column: number;
  /** True for application code, false for node_modules and Node internals. */
  app: boolean;
}

/** A log line, as stored in `log` entries and in a request's `log` list. */
export interface LogLine {
  level: string;
  message: string;
  context?: string;
  at?: string;
}

/** `content` of a `request` entry. */
export interface RequestContent {
  method: string;
  url: string;
  path: string;
  routePattern?: string | null;
  controller?: string | null;
  handler?: string | null;
  status: number;
  ip?: string | null;
  requestHeaders?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
  bodyTruncated?: boolean;
  responseHeaders?: Record<string, unknown>;
  responseBody?: unknown;
  responseBodyTruncated?: boolean;
  log?: LogLine[];
  logTruncated?: boolean;
  memoryDeltaBytes?: number | null;
  user?: { name?: string; email?: string; avatarUrl?: string };
}

/** `content` of an `exception` entry. */
export interface ExceptionContent {
  class: string;
  message: string;
  stack?: string;
  frames?: StackFrame[];
  location?: SourceLocation | null;
  status?: number | null;
  origin?: 'http' | 'unhandledRejection' | 'uncaughtException' | string;
  request?: { method: string; path: string };
}

/** `content` of a `log` entry. */
export interface LogContent {
  level: string;
  message: string;
  context?: string;
}

/** `content` of an `event` entry. */
export interface EventContent {
  name: string;
  description?: string;
  data?: unknown;
  backtrace?: StackFrame[];
  source?: SourceLocation;
  tags?: Record<string, unknown>;
  context?: Record<string, unknown>;
}

/** `content` of an `http-client` entry (an outbound HTTP call). */
export interface HttpClientContent {
  method: string;
  url: string;
  status: number | null;
  error?: string;
  requestSize?: number | null;
  responseSize?: number | null;
}
