/**
 * The REST API's answers (`/<mountpoint>/api/...`), shared with the dashboard. Type-only.
 */
import type { Entry, EntryFamily } from '../entries/entry.js';
import type { PluginView } from '../plugins/plugin-view.js';
import type { CounterSeries } from '../storage/counters.js';
import type { AuditRecord } from '../storage/entry-repository.js';
import type { RequestQueries } from './entries.js';
import type { LogLevel } from './log-level.js';

/** `GET entries`: newest first with `before`, oldest first with `after`. */
export interface EntriesResponse {
  data: Entry[];
  next: string | null;
}

/**
 * Search parameters of `GET entries` (and of `GET stream`, which takes the same filters but no
 * `before`/`limit`). Every filter combines with AND. In the URL: `tag` repeats
 * (`?tag=plan:pro&tag=region:eu`), numbers are decimal strings.
 *
 * Served by an index (O(log N + page)): `type`, `tag` (the first one), `family`, `batch`.
 * The others are checked on the entries of that index (bounded scan): a page examines at most
 * 5000 entries, then answers the matches found so far with `next` set, so "load more" continues
 * the search further back; a page with fewer than `limit` rows and `next` not null means "the
 * search window ended here, there may be more older matches".
 */
export interface EntrySearchParams {
  type?: string;
  /** `key:value`, up to 10, every one must match. */
  tag?: string[];
  family?: string;
  /** A batch id: every entry of one request or job. */
  batch?: string;
  /** Case-insensitive text searched in the entry's JSON (never in encrypted fields), max 200 chars. */
  q?: string;
  /** HTTP method of a `request` (or `http-client`) entry, e.g. `POST`; case-insensitive. */
  method?: string;
  /** Case-sensitive substring of a request's path (`content.path`; for `http-client`, its `url`). */
  path?: string;
  /** `500` (exact), or a class `1xx`..`5xx`; matches `content.status`. */
  status?: string;
  /** Entries whose `durationMs` is at least this (the dashboard's `>500ms` is `minDurationMs=500`). */
  minDurationMs?: number;
  /** Log entries at this level or above (`warn` matches warn, error and fatal). Exact level: `tag=level:warn` (indexed). */
  level?: LogLevel;
  /** Newest-first page of entries older than this id (the previous page's `next`). */
  before?: string;
  /** Oldest-first page of entries newer than this id (live tails); exclusive with `before`. */
  after?: string;
  /** Page size, 1..1000; default the `perPage` of `GET meta`. */
  limit?: number;
}

/** A bar of the request timeline: an entry of the batch placed by its start. */
export interface TimelineItem {
  /** The id of the entry in `batch`. */
  id: string;
  type: string;
  /** Milliseconds from the start of the batch (the request's start) to the entry's `occurredAt`. */
  offsetMs: number;
  /** Its duration; null for instants (log lines, exceptions, events): draw them as markers. */
  durationMs: number | null;
}

/** `GET entries/:id`: the entry and every entry of its batch, oldest first. */
export interface EntryDetailResponse {
  data: Entry;
  batch: Entry[];
  /**
   * The batch as a waterfall, in `batch` order: each entry's offset from the batch start and its
   * duration. Plugins' entries take part with their `occurredAt` (their start) and `durationMs`.
   */
  timeline: TimelineItem[];
  /** ISO-8601 start of the batch (the request entry's `occurredAt`, else the earliest entry's). */
  startedAt: string;
}

/** A row of `GET exceptions/families`. */
export interface ExceptionFamilyRow {
  familyHash: string;
  class: string | null;
  message: string | null;
  location: string | null;
  count: number;
  firstSeen: string;
  lastSeen: string;
  lastEntryId: string;
  approximate: boolean;
}

export interface ExceptionFamiliesResponse {
  data: ExceptionFamilyRow[];
  next: string | null;
}

/** Time windows of `GET overview` and `GET exceptions/families/:hash`. */
export type OverviewRange = 'hour' | 'day';

/**
 * One point of a series: `hour` has a point per minute (60), `day` a point per hour (24), oldest
 * first, from the counters the core keeps at write time.
 */
export interface OccurrencePoint {
  /** ISO-8601 start of the bucket. */
  at: string;
  count: number;
}

/**
 * `GET exceptions/families/:hash?range=hour|day` (default day): one exception family with what its
 * page shows. 404 for an unknown hash.
 */
export interface ExceptionFamilyDetailResponse {
  data: {
    family: ExceptionFamilyRow;
    /** The newest occurrence (its `content.frames` is the backtrace; `app` marks the host's frames). */
    latest: Entry | null;
    /** Occurrences per bucket over the range (counter `exceptions`, key = family hash). */
    occurrences: { range: OverviewRange; granularity: 'minute' | 'hour'; points: OccurrencePoint[]; approximate: boolean };
    /** The newest occurrences (at most 20), each with the request it happened in, when it has one. */
    recent: Array<{
      id: string;
      occurredAt: string;
      batchId: string | null;
      message: string;
      request: { id: string; method: string; path: string; status: number } | null;
    }>;
  };
}

/** A point of the overview's request series. */
export interface OverviewPoint {
  /** ISO-8601 start of the bucket (a minute for `hour`, an hour for `day`). */
  at: string;
  /** Requests that started in the bucket. */
  requests: number;
  /** Of which answered 5xx. */
  errors: number;
  /** Of which answered 4xx. */
  clientErrors: number;
  /** errors / requests; null without requests. */
  errorRate: number | null;
  /** 95th percentile of the durations in the bucket, in ms (within 2%); null without requests. */
  p95Ms: number | null;
}

/** A row of the overview's slowest routes (by average duration over the range). */
export interface OverviewRoute {
  /** The route's family hash: `GET entries?type=request&family=<hash>` lists its requests. */
  familyHash: string;
  method: string | null;
  /** The route pattern, e.g. `/users/:id`. */
  route: string | null;
  count: number;
  errors: number;
  avgMs: number;
  /** p95 of the route over all its stored history (the family's), not only the range; null when unknown. */
  p95Ms: number | null;
}

/**
 * A tile of the overview, contributed by a plugin (`overview()` of ActiveTrackerPlugin): the
 * exceptions plugin gives one; slow queries, N+1 and LLM cost add theirs when their plugins land.
 */
export interface OverviewTile {
  plugin: string;
  /** Stable id of the tile within its plugin, e.g. 'exceptions'. */
  key: string;
  label: string;
  value: number | string;
  /** e.g. 'ms', '$', '%'. */
  unit?: string;
  /** One line under the value, e.g. "3 families; newest: TypeError". */
  hint?: string;
  /** A dashboard path (relative, e.g. 'exceptions') the tile links to. */
  link?: string;
  /** Bad news: the dashboard highlights the tile. */
  error?: boolean;
  /** A sparkline over the range, one number per bucket of `series`. */
  series?: number[];
}

/** `GET overview?range=hour|day` (default hour). */
export interface OverviewResponse {
  data: {
    range: OverviewRange;
    granularity: 'minute' | 'hour';
    /** ISO-8601 bounds: the first bucket's start and now. */
    from: string;
    to: string;
    totals: {
      requests: number;
      errors: number;
      clientErrors: number;
      errorRate: number | null;
      p95Ms: number | null;
      /** requests / minutes of the range. */
      perMinute: number;
    };
    series: OverviewPoint[];
    /** The 10 slowest routes of the range by average duration. */
    slowestRoutes: OverviewRoute[];
    tiles: OverviewTile[];
    /** True when sampled data contributed (see `sampling`): figures are estimates. */
    approximate: boolean;
  };
}

/**
 * `GET recording` and `POST recording` with body `{ "recording": false | true }`: whether capture
 * runs. The flag is kept in the store, so every instance sharing the Redis follows it (within a
 * few seconds; see README). Paused: new requests and jobs are not captured at all.
 */
export interface RecordingStatus {
  recording: boolean;
  /** ISO-8601 time of the last change, null when never changed. */
  changedAt: string | null;
  /** Who changed it (the `actor` of the module options), when known. */
  changedBy: string | null;
}

export interface RecordingResponse {
  data: RecordingStatus;
}

/** Body of `POST recording`. */
export interface RecordingBody {
  recording: boolean;
}

/**
 * `GET stream?<EntrySearchParams without before/limit>`: Server-Sent Events (text/event-stream)
 * of entries as they are written, by every app instance sharing the store.
 *
 * - `event: entry`, `id: <entry id>`, `data: <Entry JSON>` (the entry as `GET entries` lists it),
 *   for each new entry matching the filters.
 * - `event: reset`, `data: {"reason": "..."}`: entries were missed (the client fell behind, or a
 *   resume had more to replay than the bound): reload the list instead of trusting the count.
 * - `: heartbeat` comment lines every 15 s (the `live.heartbeatMs` option) keep proxies open.
 * - Resume: the browser's EventSource sends `Last-Event-ID` on reconnect; the stream first
 *   replays the entries written after that id (at most 500, oldest first), then goes live.
 *   `?after=<id>` does the same on a first connection.
 * - At most `live.maxConnections` (default 50) streams per app instance: more answer 429.
 * Filters that the stream cannot serve answer 400 before the stream starts.
 */
export interface StreamEntryEvent {
  event: 'entry';
  id: string;
  data: Entry;
}

export interface StreamResetEvent {
  event: 'reset';
  data: { reason: string };
}

export type StreamEvent = StreamEntryEvent | StreamResetEvent;

/** `GET families?type=`: the aggregates of any type. */
export interface FamiliesResponse {
  data: EntryFamily[];
  next: string | null;
}

/** `GET counters?name=&granularity=&from=&to=`. */
export interface CountersResponse {
  data: CounterSeries;
}

/** `GET entries/:id/audit`. */
export interface AuditResponse {
  data: AuditRecord[];
}

/** A row of `GET stats`. `error` flags bad news. */
export interface StatisticRow {
  plugin: string;
  label: string;
  value: number | string;
  error?: boolean;
}

export interface StatsResponse {
  data: StatisticRow[];
}

/** A plugin as `GET meta` describes it to the dashboard. */
export interface PluginMeta {
  name: string;
  entryType: string;
  title: string;
  path: string;
  /** A monochrome SVG (currentColor), or null. */
  icon: string | null;
  /** How to render its pages; null: the generic views. */
  view: PluginView | null;
  /** The routes it contributes, as `<plugin>/<path>` under `api/`. */
  routes: Array<{ method: string; path: string }>;
}

export interface MetaResponse {
  data: {
    version: string;
    /** Default page size of lists (the `perPage` module option). */
    perPage: number;
    plugins: PluginMeta[];
    /** The live stream's settings: heartbeat interval (ms) the client may expect. */
    live: { heartbeatMs: number };
  };
}

/** A row of `GET queries/families` (queries plugin): one statement shape and its statistics. */
export interface QueryFamilyRow {
  familyHash: string;
  /** One sample of the family (the newest execution's SQL, cut at 300 characters in lists). */
  sql: string;
  /** The family's shape: literals, numbers, placeholders and IN lists folded to `?`. */
  normalized: string;
  driver: string | null;
  orm: string | null;
  location: string | null;
  count: number;
  totalMs: number;
  avgMs: number | null;
  maxMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  firstSeen: string;
  lastSeen: string;
  lastEntryId: string;
  /** True when the p95 is above the plugin's `slowMs`. */
  slow: boolean;
  /** True when sampled entries contributed (estimates). */
  approximate: boolean;
}

/** `GET queries/families?sort=count|total|avg|max|p95&limit=&before=`. */
export interface QueryFamiliesResponse {
  data: QueryFamilyRow[];
  next: string | null;
}

/** A request a query family's executions came from. */
export interface QueryFamilyRequest {
  id: string;
  batchId: string | null;
  occurredAt: string;
  durationMs: number | null;
  method: string | null;
  path: string | null;
  routePattern: string | null;
  status: number | null;
  queries: RequestQueries | null;
}

/** `GET queries/families/:hash?limit=`: the family, its newest executions, the requests they came from. */
export interface QueryFamilyDetail {
  data: QueryFamilyRow;
  /** Newest first. */
  executions: Entry[];
  requests: QueryFamilyRequest[];
}

/** Every error answer: `{ statusCode, message, error }`. */
export interface ApiErrorBody {
  statusCode: number;
  message: string | string[];
  error: string;
}
