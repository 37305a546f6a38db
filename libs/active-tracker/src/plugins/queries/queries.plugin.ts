import {
  ApiError,
  batchQueryStats,
  currentContext,
  describeError,
  isOwnedBy,
  matchesFilter,
  runInContext,
  SensitiveKeys,
  stringFilterProblems,
  type ActiveTrackerPlugin,
  type Batch,
  type BatchDraft,
  type CounterIncrement,
  type Entry,
  type EntryDraft,
  type EntryFamily,
  type EntryReader,
  type InstrumentationHandle,
  type OverviewTile,
  type OverviewWindow,
  type PluginHost,
  type PluginRoute,
  type PluginStatistic,
  type QueryEntryContent,
  type QueryFamilyDetail,
  type QueryFamilyRequest,
  type QueryFamilyRow,
  type RequestQueries,
  type TrackerContext,
} from '../../plugin-api.js';
import { redactParams, redactParamsLike, redactSqlLiterals, SqlAnalyzer } from './query-analysis.js';
import { addQueryObserver, type QueryEnd, type QueryObserver, type QueryStart } from './query-capture.js';
import { installQueryDrivers, type InstalledDrivers, type QueryDriverModules } from './query-drivers.js';
import { QueryFamiliesQueryDto, QueryFamilyQueryDto } from './query-families.dto.js';
import { normalizeSql, type SqlDialect } from './query-normalizer.js';
import { QUERIES_NAV, QUERIES_VIEW } from './queries.view.js';
import { observeTypeOrmDataSources } from './typeorm.capture.js';
import { typeOrmEntityOf } from './typeorm.entities.js';
export type { QueryEntryContent, QueryFamilyDetail, QueryFamilyRequest, QueryFamilyRow, RequestQueries };
export type { QueryDriverModules };

/** A query filter: a string matches anywhere in the SQL or the query name, a RegExp is tested on both. */
export type QueryFilter = string | RegExp;

/** Options of the queries plugin. */
export interface QueriesPluginOptions {
  /** Queries slower than this (ms) are `slow` (red in the dashboard). Default 100. */
  slowMs?: number;
  /**
   * Per-route thresholds, by route pattern with or without its method:
   * `{ 'GET /reports/:id': 2000, '/exports': 5000 }`. The method-qualified key wins.
   */
  slowMsByRoute?: Record<string, number>;
  /** Queries not to record, on top of the default filters. */
  filters?: QueryFilter[];
  /** Apply DEFAULT_QUERY_FILTERS (schema introspection, empty statements). Default true. */
  defaultFilters?: boolean;
  /** A family run at least this many times in one request (or job) is an N+1. Default 5. */
  nPlusOneThreshold?: number;
  /** Record bound parameters (sensitive ones redacted). Default: true unless NODE_ENV=production. */
  captureParams?: boolean;
  /**
   * Read the call stack of every query for `content.location` and `content.orm` (structured call
   * sites down to the first app frame). Default true; it is the main cost of a captured query
   * (a few µs, more under deep ORM stacks), false saves it.
   */
  captureLocation?: boolean;
  /**
   * Driver modules to wrap besides the copies found from the app's working directory (bundled
   * apps, module registries such as Jest's): `{ pg }`.
   */
  drivers?: QueryDriverModules;
}

/**
 * Schema introspection and empty statements, not recorded by default (the gem's `["SCHEMA", /^$/]`,
 * plus the catalog queries ORMs run at boot).
 */
export const DEFAULT_QUERY_FILTERS: readonly QueryFilter[] = Object.freeze(['SCHEMA', /^\s*$/, /\binformation_schema\b/i, /\bpg_catalog\b/i]);

/**
 * Published when a query ends, timed from its start (Rails' `sql.active_record`), before it is
 * recorded: `{ sql, name, driver, orm, connection, server, rows, location, slow, familyHash,
 * params?, error? }` (sql and params redacted as in the entry).
 */
export const SQL_QUERY_EVENT = 'sql.query';

/** Counter of N+1 detections: key = family hash, one per request (or job) where the family was an N+1. */
export const N_PLUS_ONE_COUNTER = 'queries.n_plus_one';

/** Queries of requests and jobs per time bucket: keys `count`, `ms` (their total time) and `slow`. */
export const QUERY_COUNTER = 'queries';

const ENTRY_TYPE = 'query';
/** Drivers whose SQL reads the MySQL way (`"..."` strings, backslash escapes). */
const MYSQL_DRIVERS = new Set(['mysql2', 'mysql', 'mariadb']);
const FAMILY_HASH = /^[0-9a-f]{16}$/;

/** Per-query state between start and end. */
interface Pending {
  ctx: TrackerContext | undefined;
  event: InstrumentationHandle<Record<string, unknown>> | null;
}

/**
 * SQL queries of pg and mysql2, and so of every ORM built on them: each query is an entry (SQL,
 * duration, rows, database, driver, ORM, first app frame, parameters redacted like request bodies),
 * grouped in families by its normalized SQL (count, total, p50/p95/p99 kept at write time). When a
 * request or job ends, its queries are totalled on its entry (`content.queries`: count, time,
 * slow ones, N+1 families, duplicates), and an N+1 tags it `n_plus_one: 'true'`.
 */
export class QueriesPlugin implements ActiveTrackerPlugin {
  readonly name = 'queries';
  readonly entryType = ENTRY_TYPE;
  readonly nav = QUERIES_NAV;
  readonly view = QUERIES_VIEW;
  readonly routes: readonly PluginRoute[];
  readonly slowMs: number;
  readonly nPlusOneThreshold: number;
  readonly captureParams: boolean;
  readonly filters: readonly QueryFilter[];
  /** What the last `register` found (for `api/stats` and tests). */
  drivers: InstalledDrivers | null = null;
  private host: PluginHost | null = null;
  private analyzer = new SqlAnalyzer(new SensitiveKeys().matches);
  private readonly observer: QueryObserver;

  constructor(private readonly pluginOptions: QueriesPluginOptions = {}) {
    const o = pluginOptions;
    this.slowMs = typeof o.slowMs === 'number' ? o.slowMs : 100;
    this.nPlusOneThreshold = typeof o.nPlusOneThreshold === 'number' ? o.nPlusOneThreshold : 5;
    this.captureParams = typeof o.captureParams === 'boolean' ? o.captureParams : process.env.NODE_ENV !== 'production';
    this.filters = [...(o.defaultFilters === false ? [] : DEFAULT_QUERY_FILTERS), ...(Array.isArray(o.filters) ? o.filters : [])];
    this.observer = {
      start: (query) => this.start(query),
      end: (state, query, end) => this.end(state as Pending, query, end),
      location: o.captureLocation !== false,
    };
    const families: PluginRoute<QueryFamiliesQueryDto> = {
      method: 'GET',
      path: 'families',
      query: QueryFamiliesQueryDto,
      handle: ({ query, entries }) => this.families(entries, query),
    };
    const family: PluginRoute<QueryFamilyQueryDto> = {
      method: 'GET',
      path: 'families/:hash',
      query: QueryFamilyQueryDto,
      handle: ({ params, query, entries, decode }) => this.family(entries, params.hash, query.limit ?? 20, decode),
    };
    this.routes = [families, family];
  }

  validate(): string[] {
    const o = this.pluginOptions;
    const problems: string[] = [];
    if (o.slowMs !== undefined && !(typeof o.slowMs === 'number' && Number.isFinite(o.slowMs) && o.slowMs >= 0))
      problems.push('"slowMs" must be a number of milliseconds (0 or more)');
    if (o.slowMsByRoute !== undefined) {
      if (o.slowMsByRoute === null || typeof o.slowMsByRoute !== 'object' || Array.isArray(o.slowMsByRoute))
        problems.push('"slowMsByRoute" must be an object such as { "GET /reports/:id": 2000 }');
      else {
        for (const [route, ms] of Object.entries(o.slowMsByRoute)) {
          if (!(typeof ms === 'number' && Number.isFinite(ms) && ms >= 0))
            problems.push(`"slowMsByRoute['${route}']" must be a number of milliseconds (0 or more)`);
        }
      }
    }
    if (o.filters !== undefined) {
      if (!Array.isArray(o.filters)) problems.push('"filters" must be an array of strings and RegExps');
      else problems.push(...stringFilterProblems('filters', o.filters));
    }
    for (const key of ['defaultFilters', 'captureParams', 'captureLocation'] as const) {
      if (o[key] !== undefined && typeof o[key] !== 'boolean') problems.push(`"${key}" must be a boolean`);
    }
    if (o.nPlusOneThreshold !== undefined && !(Number.isInteger(o.nPlusOneThreshold) && o.nPlusOneThreshold >= 2))
      problems.push('"nPlusOneThreshold" must be an integer of 2 or more');
    if (o.drivers !== undefined && (o.drivers === null || typeof o.drivers !== 'object')) problems.push('"drivers" must be an object such as { pg }');
    return problems;
  }

  async register(host: PluginHost): Promise<() => void> {
    this.host = host;
    this.analyzer = new SqlAnalyzer(new SensitiveKeys(host.options.sensitiveKeys).matches);
    const removeObserver = addQueryObserver(this.observer);
    const removeProcessor = host.processBatch((batch, drafts) => this.settle(batch, drafts));
    const { drivers, release } = await installQueryDrivers(this.pluginOptions.drivers);
    this.drivers = drivers;
    for (const problem of drivers.problems) host.logger.warn(problem);
    // TypeORM on drivers not captured below it (sql.js, SQLite...): its query events (typeorm.capture.ts).
    observeTypeOrmDataSources(host.moduleRef);
    return () => {
      removeObserver();
      removeProcessor();
      release();
      this.host = null;
    };
  }

  /** True when `sql` or `name` is excluded by a filter. */
  isFiltered(sql: string, name: string | null): boolean {
    for (const filter of this.filters) {
      if (matchesFilter(filter, sql, 'contains') || (name !== null && matchesFilter(filter, name, 'contains'))) return true;
    }
    return false;
  }

  /** The slow threshold of the batch's route (`slowMsByRoute`), else `slowMs`. */
  slowMsFor(ctx: TrackerContext | undefined): number {
    const routes = this.pluginOptions.slowMsByRoute;
    const pattern = ctx?.route.pattern;
    if (!routes || !pattern) return this.slowMs;
    const method = ctx.http?.req.method;
    const byMethod = method ? routes[`${method} ${pattern}`] : undefined;
    return byMethod ?? routes[pattern] ?? this.slowMs;
  }

  private start(query: QueryStart): Pending | undefined {
    const host = this.host;
    if (!host) return undefined;
    const ctx = query.site.ctx;
    // Every tracker of the process sees every query; a request's belong to the tracker that runs it.
    if (!isOwnedBy(ctx?.trackerId, host.trackerId)) return undefined;
    if (this.isFiltered(query.sql, query.name)) return undefined;
    if (!host.bus.isListening(SQL_QUERY_EVENT)) return { ctx, event: null };
    // The event's transaction is the query's batch, also when a pool resumes it in another one's context.
    const start = () => host.bus.start<Record<string, unknown>>(SQL_QUERY_EVENT, {});
    return { ctx, event: ctx && ctx !== currentContext() ? runInContext(ctx, start) : start() };
  }

  private end(pending: Pending, query: QueryStart, end: QueryEnd): void {
    const host = this.host;
    if (!host) return;
    const { ctx } = pending;
    const dialect: SqlDialect = MYSQL_DRIVERS.has(query.driver) ? 'mysql' : 'postgres';
    const analysis = this.analyzer.analyze(query.sql, dialect);
    const sql = analysis.sensitive ? redactSqlLiterals(query.sql, analysis.sensitive.literals) : query.sql;
    const slow = end.durationMs > this.slowMsFor(ctx);
    const content: QueryEntryContent = {
      sql,
      driver: query.driver,
      orm: query.site.origin.orm,
      connection: query.database,
      server: query.server,
      rows: end.rows,
      location: query.site.origin.location,
      slow,
      name: query.name,
    };
    if (content.orm === 'typeorm') {
      const entity = typeOrmEntityOf(query.sql);
      if (entity !== null) content.entity = entity;
    }
    if (this.captureParams && query.values !== undefined && query.values !== null) {
      const sensitive = analysis.sensitive;
      content.params = !Array.isArray(query.values)
        ? query.values
        : sensitive
          ? redactParamsLike(query.sql, sensitive.literals, redactParams(query.values.slice(), sensitive.params))
          : query.values.slice();
    }
    if (end.error !== undefined) content.error = describeError(end.error);
    if (pending.event) {
      try {
        pending.event.finish({ ...content, familyHash: analysis.familyHash });
      } catch {
        /* a subscriber's failure never reaches the host */
      }
    }
    if (ctx && ctx.state !== 'finalized') batchQueryStats(ctx, true).add(analysis.familyHash, analysis.normalized, sql, query.values, end.durationMs, slow);
    const draft: EntryDraft = {
      type: ENTRY_TYPE,
      batchId: ctx?.batchId ?? null,
      occurredAt: query.startedAt,
      durationMs: end.durationMs,
      familyHash: analysis.familyHash,
      tags: slow ? { slow: 'true' } : {},
      content: content as unknown as Record<string, unknown>,
      trackerId: ctx?.trackerId ?? host.trackerId,
    };
    // Explicit batch: a pooled query may end in another request's async context.
    host.record(draft, ctx);
  }

  /**
   * Batch processor: the batch's totals on its entry (the request, or the entry of the job's kind),
   * `n_plus_one` tags on it and on the queries of N+1 families, and the batch's counts in the
   * `queries` and `queries.n_plus_one` counters (on its entry, else on one of its queries: one set
   * of increments per batch, not per query).
   */
  private settle(batch: Batch, drafts: BatchDraft[]): void {
    const stats = batchQueryStats(batch);
    if (!stats || stats.count === 0) return;
    const summary = stats.summary(this.nPlusOneThreshold);
    const rootType = batch.http ? 'request' : batch.kind;
    let root: EntryDraft | undefined;
    for (let i = drafts.length - 1; i >= 0; i--) {
      if (drafts[i].draft.type === rootType) {
        root = drafts[i].draft;
        break;
      }
    }
    const counters: CounterIncrement[] = [
      { name: QUERY_COUNTER, key: 'count', value: summary.count },
      { name: QUERY_COUNTER, key: 'ms', value: summary.totalMs },
    ];
    if (summary.slowCount > 0) counters.push({ name: QUERY_COUNTER, key: 'slow', value: summary.slowCount });
    for (const f of summary.nPlusOne) counters.push({ name: N_PLUS_ONE_COUNTER, key: f.familyHash, value: 1 });
    let carrier: EntryDraft | undefined = root;
    if (root) {
      root.content.queries = summary;
      if (summary.nPlusOne.length > 0) root.tags = { ...(root.tags ?? {}), n_plus_one: 'true' };
    }
    const families = new Set(summary.nPlusOne.map((f) => f.familyHash));
    for (const { draft } of drafts) {
      if (draft.type !== ENTRY_TYPE) continue;
      carrier ??= draft;
      if (draft.familyHash && families.has(draft.familyHash)) draft.tags = { ...(draft.tags ?? {}), n_plus_one: 'true' };
    }
    if (carrier) carrier.counters = [...(carrier.counters ?? []), ...counters];
  }

  /**
   * Overview tiles over the window, from the counters (a few bucket reads): queries run by requests
   * and jobs (with their average time and the slow ones), and the families found N+1.
   */
  async overview(entries: EntryReader, window: OverviewWindow): Promise<OverviewTile[]> {
    const range = { granularity: window.granularity, from: window.from, to: window.to };
    const [totals, nPlusOne] = await Promise.all([
      entries.counters({ name: QUERY_COUNTER, ...range }),
      entries.counters({ name: N_PLUS_ONE_COUNTER, ...range }),
    ]);
    const series = totals.buckets.map((b) => Math.round(b.values.count ?? 0));
    const count = series.reduce((a, b) => a + b, 0);
    let slow = 0;
    let ms = 0;
    for (const b of totals.buckets) {
      slow += b.values.slow ?? 0;
      ms += b.values.ms ?? 0;
    }
    slow = Math.round(slow);
    const families = new Set<string>();
    const nSeries = nPlusOne.buckets.map((b) => {
      let sum = 0;
      for (const [hash, n] of Object.entries(b.values)) {
        sum += n;
        if (n > 0) families.add(hash);
      }
      return Math.round(sum);
    });
    const requests = nSeries.reduce((a, b) => a + b, 0);
    const estimated = totals.approximate || nPlusOne.approximate ? ' (estimated)' : '';
    const average = count > 0 ? Math.round((ms / count) * 10) / 10 : 0;
    return [
      {
        plugin: this.name,
        key: 'queries',
        label: 'Queries',
        value: count,
        hint: count === 0 ? 'none in this period' : `avg ${average} ms, ${slow} slow${estimated}`,
        link: this.nav.path,
        series,
        ...(slow > 0 ? { error: true } : {}),
      },
      {
        plugin: this.name,
        key: 'n-plus-one',
        label: 'N+1 families',
        value: families.size,
        hint: families.size === 0 ? 'none in this period' : `in ${requests} ${requests === 1 ? 'request' : 'requests'}${estimated}`,
        link: this.nav.path,
        series: nSeries,
        ...(families.size > 0 ? { error: true } : {}),
      },
    ];
  }

  /** `GET api/queries/families`: families with their statistics, sorted (descending). */
  async families(entries: EntryReader, query: QueryFamiliesQueryDto): Promise<{ data: QueryFamilyRow[]; next: string | null }> {
    const page = await entries.families({
      type: ENTRY_TYPE,
      orderBy: query.sort ?? 'total',
      limit: query.limit ?? this.host?.options.perPage ?? 50,
      before: query.before,
    });
    return { data: page.data.map((f) => this.familyRow(f)), next: page.next };
  }

  /** `GET api/queries/families/:hash`: the family, its recent executions and the requests they came from. */
  async family(entries: EntryReader, hash: string, limit: number, decode: (entry: Entry) => Entry = (e) => e): Promise<QueryFamilyDetail> {
    if (!FAMILY_HASH.test(hash)) throw new ApiError(400, 'hash must be a query family hash (16 hexadecimal characters)');
    const family = await entries.family(ENTRY_TYPE, hash);
    if (!family) throw new ApiError(404, `query family ${hash} not found`);
    const executions = (await entries.list({ type: ENTRY_TYPE, family: hash, limit })).data.map(decode);
    const batchIds = [...new Set(executions.map((e) => e.batchId).filter((id): id is string => typeof id === 'string'))];
    const pages = await Promise.all(batchIds.map((batch) => entries.list({ type: 'request', batch, limit: 1 })));
    const requests = pages.flatMap((p) => p.data).map((e) => requestSummary(decode(e)));
    const row = this.familyRow(family);
    const latest = executions[0]?.content as Partial<QueryEntryContent> | undefined;
    if (typeof latest?.sql === 'string') row.sql = latest.sql;
    return { data: row, executions, requests };
  }

  private familyRow(f: EntryFamily): QueryFamilyRow {
    const s = f.summary;
    const sql = s.sql ?? '';
    return {
      familyHash: f.familyHash,
      sql,
      normalized: normalizeSql(sql, MYSQL_DRIVERS.has(s.driver ?? '') ? 'mysql' : 'postgres'),
      driver: s.driver ?? null,
      orm: s.orm || null,
      location: s.location || null,
      count: f.count,
      totalMs: f.totalDurationMs,
      avgMs: f.avgDurationMs,
      maxMs: f.maxDurationMs,
      p50Ms: f.p50,
      p95Ms: f.p95,
      p99Ms: f.p99,
      firstSeen: f.firstSeen,
      lastSeen: f.lastSeen,
      lastEntryId: f.lastEntryId,
      slow: f.p95 !== null && f.p95 > this.slowMs,
      approximate: f.approximate,
    };
  }

  /**
   * Sidebar: queries recorded, and the families found N+1 in the last hour (minute counters, at
   * most 60 buckets read), flagged as bad news when there are any.
   */
  async statistics(entries: EntryReader): Promise<PluginStatistic[]> {
    const now = Date.now();
    const [count, series] = await Promise.all([
      entries.count(ENTRY_TYPE),
      entries.counters({ name: N_PLUS_ONE_COUNTER, granularity: 'minute', from: now - 59 * 60_000, to: now }),
    ]);
    const families = new Set<string>();
    for (const bucket of series.buckets) for (const [key, value] of Object.entries(bucket.values)) if (value > 0) families.add(key);
    return [
      { plugin: this.name, label: 'Queries', value: count },
      { plugin: this.name, label: 'N+1 families (last hour)', value: families.size, ...(families.size > 0 ? { error: true } : {}) },
    ];
  }
}

function requestSummary(entry: Entry): QueryFamilyRequest {
  const c = entry.content as Record<string, unknown>;
  return {
    id: entry.id,
    batchId: entry.batchId,
    occurredAt: entry.occurredAt,
    durationMs: entry.durationMs,
    method: typeof c.method === 'string' ? c.method : null,
    path: typeof c.path === 'string' ? c.path : null,
    routePattern: typeof c.routePattern === 'string' ? c.routePattern : null,
    status: typeof c.status === 'number' ? c.status : null,
    queries: (c.queries as RequestQueries | undefined) ?? null,
  };
}

/** The queries plugin: `queries({ slowMs: 50, filters: [/FROM "migrations"/], nPlusOneThreshold: 3 })`. */
export function queries(options: QueriesPluginOptions = {}): QueriesPlugin {
  return new QueriesPlugin(options);
}
