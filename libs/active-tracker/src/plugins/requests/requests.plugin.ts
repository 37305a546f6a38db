import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  batchQueryTimeMs,
  histogramBucket,
  pathOf,
  REDACTED,
  REQUEST_COUNTERS,
  sanitizeValue,
  SensitiveKeys,
  UrlRedactor,
  type ActiveTrackerPlugin,
  type CounterIncrement,
  type EntryDraft,
  type EntryReader,
  type InstrumentationHandle,
  type NestHook,
  type PluginHost,
  type PluginStatistic,
  type RequestEntryContent,
  type TrackerContext,
} from '../../plugin-api.js';
import { matchesRequestFilter, RequestFilter } from './request-filters.js';
import { ResponseBodyRecorder } from './response-body.recorder.js';
export type { RequestEntryContent };

/** Options of the request plugin. */
export interface RequestsPluginOptions {
  /** Paths not to capture: a string matches the start of the path, a RegExp is tested on the whole path. */
  filters?: RequestFilter[];
  /** Capture request and response bodies. Default true. */
  captureBodies?: boolean;
  /** Largest body kept (request and response each); longer ones are cut and marked. Default 64 KB. */
  maxBodyBytes?: number;
  /** Extra header/field name fragments to redact, on top of the tracker's `sensitiveKeys`. */
  redactKeys?: string[];
}

/**
 * Published when a request ends (Rails' `process_action.action_controller`), timed from its start
 * to its end like the request entry: `{ controller, handler, method, path, route, status, aborted,
 * dbTimeMs, request, response }` (`dbTimeMs`: time in SQL queries, null when it ran none).
 */
export const PROCESS_ACTION_EVENT = 'process_action.nest';

/** What the plugin keeps for a request between its start and its end. */
interface Capture {
  t0: number;
  output: ResponseBodyRecorder | null;
  /** The process_action.nest event, started only when someone listens. */
  event: InstrumentationHandle<Record<string, unknown>> | null;
}

/**
 * Captures every HTTP request: method, URL, route, controller/handler, status, duration, client IP,
 * headers, query, bodies (the full output), the request's log, tags and user. While the request
 * runs it only keeps references (and the chunks the response writes); the entry is serialized once,
 * after the response. Requests of the same route form a family (count, duration statistics), and
 * every request counts in the `requests` and `requests.duration` counters.
 */
export class RequestsPlugin implements ActiveTrackerPlugin {
  readonly name = 'requests';
  readonly entryType = 'request';
  readonly nav = { title: 'Requests', path: 'requests' };
  readonly requires: readonly NestHook[] = ['route-handlers', 'logger'];
  readonly filters: RequestFilter[];
  readonly captureBodies: boolean;
  readonly maxBodyBytes: number;
  private host: PluginHost | null = null;
  private urls = new UrlRedactor([]);
  private sensitive = new SensitiveKeys();
  /** Where this plugin keeps its capture on a batch (a property, not a WeakMap: no ephemerons to trace). */
  private readonly slot = Symbol('activeTracker.requests');
  /** Family hash per "METHOD /route/:pattern" (a handful of routes: hashed once each). */
  private readonly families = new Map<string, string>();

  constructor(private readonly pluginOptions: RequestsPluginOptions = {}) {
    this.filters = pluginOptions.filters ?? [];
    this.captureBodies = pluginOptions.captureBodies ?? true;
    this.maxBodyBytes = pluginOptions.maxBodyBytes ?? 64 * 1024;
  }

  validate(): string[] {
    const problems: string[] = [];
    const o = this.pluginOptions;
    if (o.filters !== undefined && (!Array.isArray(o.filters) || o.filters.some((f) => typeof f !== 'string' && !(f instanceof RegExp)))) {
      problems.push('"filters" must be an array of strings and RegExps');
    }
    if (o.maxBodyBytes !== undefined && !(Number.isInteger(o.maxBodyBytes) && o.maxBodyBytes > 0)) {
      problems.push('"maxBodyBytes" must be a positive integer');
    }
    if (o.captureBodies !== undefined && typeof o.captureBodies !== 'boolean') problems.push('"captureBodies" must be a boolean');
    if (o.redactKeys !== undefined && (!Array.isArray(o.redactKeys) || o.redactKeys.some((k) => typeof k !== 'string'))) {
      problems.push('"redactKeys" must be an array of strings');
    }
    return problems;
  }

  register(host: PluginHost): () => void {
    this.host = host;
    const keys = [...host.options.sensitiveKeys, ...(this.pluginOptions.redactKeys ?? [])];
    this.sensitive = new SensitiveKeys(keys);
    this.urls = new UrlRedactor(keys);
    const offStart = host.onBatchStart((batch) => this.start(batch));
    const offEnd = host.onBatchEnd((batch) => this.finish(batch));
    return () => {
      offStart();
      offEnd();
      this.host = null;
    };
  }

  /** True when the path must not be captured (user filters). The tracker's own routes are never captured. */
  isFiltered(path: string): boolean {
    return this.filters.length > 0 && matchesRequestFilter(path, this.filters);
  }

  private start(batch: TrackerContext): void {
    const http = batch.http;
    if (!http || (this.filters.length > 0 && this.isFiltered(pathOf(http.req)))) return;
    const bus = this.host!.bus;
    (batch as unknown as Record<symbol, Capture>)[this.slot] = {
      t0: performance.now(),
      output: this.captureBodies ? new ResponseBodyRecorder(http.res, this.maxBodyBytes) : null,
      event: bus.isListening(PROCESS_ACTION_EVENT) ? bus.start(PROCESS_ACTION_EVENT, { request: http.req, response: http.res }) : null,
    };
  }

  private finish(batch: TrackerContext): void {
    const capture = (batch as unknown as Record<symbol, Capture | undefined>)[this.slot];
    const host = this.host;
    if (!capture || !host || !batch.http) return;
    const draft = this.buildDraft(batch.http.req, batch.http.res, batch, capture.output, performance.now() - capture.t0);
    if (capture.event) {
      const c = draft.content as unknown as RequestEntryContent;
      try {
        capture.event.finish({
          controller: c.controller,
          handler: c.handler,
          method: c.method,
          path: c.path,
          route: c.routePattern,
          status: c.status,
          aborted: c.aborted === true,
          // Rails' db_runtime: time in SQL queries (queries plugin), null when it ran none.
          dbTimeMs: batchQueryTimeMs(batch),
        });
      } catch {
        /* a subscriber's failure never reaches the host */
      }
    }
    host.record(draft, batch);
  }

  private buildDraft(
    req: IncomingMessage & Record<string, any>,
    res: ServerResponse,
    ctx: TrackerContext,
    output: ResponseBodyRecorder | null,
    durationMs: number,
  ): EntryDraft {
    const rawUrl: string = req.originalUrl ?? req.url ?? '';
    const queryAt = rawUrl.indexOf('?');
    const path = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    // Only a route a controller serves has a pattern: Nest's not-found handler is a catch-all
    // route too ('/{*path}'), which would otherwise show as the pattern of every 404.
    const routePattern = ctx.route.handler ? (ctx.route.pattern ?? null) : null;
    const method = req.method ?? 'GET';
    const status = res.statusCode;
    const requestBody = this.captureBodies ? this.capBody(req) : { value: null, truncated: false };
    const user = userFromTags(ctx.tags);
    const content: RequestEntryContent = {
      method,
      url: queryAt < 0 ? rawUrl : this.urls.redact(rawUrl),
      path,
      routePattern,
      controller: ctx.route.controller ?? null,
      handler: ctx.route.handler ?? null,
      status,
      ip: req.ip ?? req.socket?.remoteAddress ?? null,
      // References, serialized once by the recorder after the response (sensitive keys redacted then).
      requestHeaders: req.headers as Record<string, unknown>,
      query: queryAt < 0 ? {} : this.redactQuery(req.query ?? Object.fromEntries(new URLSearchParams(rawUrl.slice(queryAt + 1)))),
      body: requestBody.value,
      responseHeaders: res.getHeaders() as Record<string, unknown>,
      responseBody: output ? output.body(String(res.getHeader('content-type') ?? '')) : null,
      responseSize: output?.total ?? Number(res.getHeader('content-length') ?? 0),
      log: ctx.log,
    };
    if (requestBody.truncated) content.bodyTruncated = true;
    if (output?.truncated) content.responseBodyTruncated = true;
    if (ctx.logTruncated) content.logTruncated = true;
    if (user) content.user = user;
    if (!res.writableFinished) content.aborted = true;
    const familyHash = routePattern ? this.familyOf(method, routePattern) : null;
    // The duration as the entry stores it (to the µs), so counters agree with the entries.
    const storedMs = Math.round(durationMs * 1000) / 1000;
    const counters: CounterIncrement[] = [
      { name: REQUEST_COUNTERS.byStatus, key: `${Math.floor(status / 100)}xx`, value: 1 },
      { name: REQUEST_COUNTERS.duration, key: `h${histogramBucket(storedMs)}`, value: 1 },
    ];
    if (familyHash) {
      counters.push({ name: REQUEST_COUNTERS.routes, key: familyHash, value: 1 }, { name: REQUEST_COUNTERS.routesMs, key: familyHash, value: storedMs });
      if (status >= 500) counters.push({ name: REQUEST_COUNTERS.routes5xx, key: familyHash, value: 1 });
    }
    return {
      type: this.entryType,
      occurredAt: ctx.startedAt,
      durationMs,
      familyHash,
      tags: { ...ctx.tags },
      content: content as unknown as Record<string, unknown>,
      sensitiveKeys: this.pluginOptions.redactKeys,
      counters,
      trackerId: ctx.trackerId,
    };
  }

  private familyOf(method: string, routePattern: string): string {
    const route = `${method} ${routePattern}`;
    let hash = this.families.get(route);
    if (hash === undefined) {
      hash = createHash('sha1').update(route).digest('hex').slice(0, 16);
      if (this.families.size < 10_000) this.families.set(route, hash);
    }
    return hash;
  }

  /** Query parameters redacted like the URL's (a shallow copy; nested values go through the recorder's pass). */
  private redactQuery(query: unknown): unknown {
    if (query === null || typeof query !== 'object') return query;
    let out: Record<string, unknown> | undefined;
    for (const key of Object.keys(query)) {
      if (!this.urls.isSensitiveParam(key)) continue;
      out ??= { ...(query as Record<string, unknown>) };
      out[key] = REDACTED;
    }
    return out ?? query;
  }

  /**
   * The parsed body by reference when it is within the cap (by its content-length: nothing is
   * serialized just to measure it); otherwise its JSON text, sensitive keys redacted, cut at the cap.
   */
  private capBody(req: IncomingMessage & Record<string, any>): { value: unknown; truncated: boolean } {
    const body = req.body;
    if (body === undefined || body === null) return { value: null, truncated: false };
    if (Buffer.isBuffer(body)) return { value: `[binary body, ${body.length} bytes]`, truncated: false };
    if (typeof body === 'object' && Object.keys(body as object).length === 0) return { value: null, truncated: false };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared <= this.maxBodyBytes) return { value: body, truncated: false };
    const safe = sanitizeValue(body, [], this.maxBodyBytes, { truncated: false, isSensitive: this.sensitive.matches });
    const text = typeof safe === 'string' ? safe : (JSON.stringify(safe) ?? '');
    if (text.length <= this.maxBodyBytes) return { value: safe, truncated: false };
    return { value: text.slice(0, this.maxBodyBytes), truncated: true };
  }

  async statistics(entries: EntryReader): Promise<PluginStatistic[]> {
    return [{ plugin: this.name, label: 'Requests', value: await entries.count(this.entryType) }];
  }
}

/** The request plugin: `requests({ filters: ['/health', /\.map$/] })`. */
export function requests(options: RequestsPluginOptions = {}): RequestsPlugin {
  return new RequestsPlugin(options);
}

function userFromTags(tags: Record<string, string>): RequestEntryContent['user'] | undefined {
  if (!tags.user_name && !tags.user_email && !tags.user_avatar_url) return undefined;
  const user: NonNullable<RequestEntryContent['user']> = {};
  if (tags.user_name) user.name = tags.user_name;
  if (tags.user_email) user.email = tags.user_email;
  if (tags.user_avatar_url) user.avatarUrl = tags.user_avatar_url;
  return user;
}
