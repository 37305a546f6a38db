import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { captureEventName, notifications } from '../../bus/instrumentation-bus.js';
import { TrackerContext } from '../../context/request-context.js';
import type { EntryDraft } from '../../entries/entry.js';
import { filterSensitive, sensitiveKeyMatcher } from '../../recorder/sensitive-keys.js';
import type { EntryRepository } from '../../storage/entry-repository.js';
import type { ActiveTrackerPlugin, PluginHost, PluginStatistic } from '../plugin.js';
import { matchesRequestFilter, RequestFilter } from './request-filters.js';
import { ResponseBodyRecorder } from './response-body.recorder.js';

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

/** The `content` of a `request` entry. */
export interface RequestEntryContent {
  method: string;
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
  log: unknown[];
  logTruncated?: true;
  memoryDeltaBytes: number;
  user?: { name?: string; email?: string; avatarUrl?: string };
  aborted?: true;
}

/**
 * Captures every HTTP request: method, URL, route, controller/handler, status, duration, client IP,
 * headers, query, bodies (the full output), the request's log, tags, user and memory delta.
 */
export class RequestsPlugin implements ActiveTrackerPlugin {
  readonly name = 'requests';
  readonly entryType = 'request';
  readonly nav = { title: 'Requests', path: 'requests' };
  readonly filters: RequestFilter[];
  readonly captureBodies: boolean;
  readonly maxBodyBytes: number;
  private isSensitive: (key: string) => boolean = sensitiveKeyMatcher();
  private trackerId: string | null = null;

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

  register(host: PluginHost): void {
    this.trackerId = host.trackerId;
    this.isSensitive = sensitiveKeyMatcher([...host.options.sensitiveKeys, ...(this.pluginOptions.redactKeys ?? [])]);
  }

  /** True when the path must not be captured (user filters). The tracker's own routes are excluded by the middleware. */
  isFiltered(path: string): boolean {
    return this.filters.length > 0 && matchesRequestFilter(path, this.filters);
  }

  /**
   * Starts capturing one request: wraps the response to copy its body and publishes the request
   * event when the response finishes (or the client goes away).
   */
  capture(req: IncomingMessage & Record<string, any>, res: ServerResponse, ctx: TrackerContext): void {
    if ((req as any).__activeTrackerCaptured) return;
    (req as any).__activeTrackerCaptured = true;
    const started = performance.now();
    // v8 heap statistics cost ~0.4 µs; process.memoryUsage() ~13 µs (it reads /proc for the RSS).
    const heapBefore = getHeapStatistics().used_heap_size;
    const output = this.captureBodies ? new ResponseBodyRecorder(res, this.maxBodyBytes) : null;
    let done = false;
    const finish = (aborted: boolean) => {
      if (done) return;
      done = true;
      try {
        const draft = this.buildDraft(req, res, ctx, output, performance.now() - started, getHeapStatistics().used_heap_size - heapBefore, aborted);
        notifications.instrument(captureEventName(this.entryType), draft);
      } catch {
        /* capture never harms the host */
      }
    };
    // A ServerResponse always emits 'close' (after 'finish' when the response was sent): one
    // listener covers both a completed response and a client that went away.
    res.once('close', () => finish(!res.writableFinished));
  }

  private buildDraft(
    req: IncomingMessage & Record<string, any>,
    res: ServerResponse,
    ctx: TrackerContext,
    output: ResponseBodyRecorder | null,
    durationMs: number,
    memoryDeltaBytes: number,
    aborted: boolean,
  ): EntryDraft {
    const url: string = req.originalUrl ?? req.url ?? '';
    const path = url.split('?')[0];
    // Only a route a controller serves has a pattern: Nest's not-found handler is a catch-all
    // route too ('/{*path}'), which would otherwise show as the pattern of every 404.
    const routePath: string | undefined = ctx.route.handler ? req.route?.path : undefined;
    const requestBody = this.captureBodies ? this.capBody(req) : { value: null, truncated: false };
    const user = userFromTags(ctx.tags);
    const content: RequestEntryContent = {
      method: req.method ?? 'GET',
      url,
      path,
      routePattern: typeof routePath === 'string' ? routePath : null,
      controller: ctx.route.controller ?? null,
      handler: ctx.route.handler ?? null,
      status: res.statusCode,
      ip: req.ip ?? req.socket?.remoteAddress ?? null,
      // Headers, query and bodies are passed as they are: the recorder copies them once and
      // redacts sensitive keys in that same pass (draft.sensitiveKeys).
      requestHeaders: req.headers as Record<string, unknown>,
      query: req.query ?? parseQuery(url),
      body: requestBody.value,
      responseHeaders: res.getHeaders() as Record<string, unknown>,
      responseBody: output ? output.body(String(res.getHeader('content-type') ?? '')) : null,
      responseSize: output?.total ?? Number(res.getHeader('content-length') ?? 0),
      log: ctx.log.slice(),
      memoryDeltaBytes,
    };
    if (requestBody.truncated) content.bodyTruncated = true;
    if (output?.truncated) content.responseBodyTruncated = true;
    if (ctx.logTruncated) content.logTruncated = true;
    if (user) content.user = user;
    if (aborted) content.aborted = true;
    return {
      type: this.entryType,
      batchId: ctx.batchId,
      occurredAt: ctx.startedAt,
      durationMs,
      familyHash: null,
      tags: { ...ctx.tags },
      content: content as unknown as Record<string, unknown>,
      redactions: ctx.redactions,
      sensitiveKeys: this.isSensitive,
      trackerId: ctx.trackerId ?? this.trackerId,
    };
  }

  /**
   * The parsed body when it is within the cap (by its content-length: no serialising just to
   * measure); otherwise its JSON text, with sensitive keys redacted first, cut at the cap.
   */
  private capBody(req: IncomingMessage & Record<string, any>): { value: unknown; truncated: boolean } {
    const body = req.body;
    if (body === undefined || body === null) return { value: null, truncated: false };
    if (typeof body === 'object' && !Buffer.isBuffer(body) && Object.keys(body as object).length === 0) return { value: null, truncated: false };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared <= this.maxBodyBytes) return { value: body, truncated: false };
    const filtered = filterSensitive(body, this.isSensitive);
    const text = typeof filtered === 'string' ? filtered : safeStringify(filtered);
    if (text.length <= this.maxBodyBytes) return { value: filtered, truncated: false };
    return { value: text.slice(0, this.maxBodyBytes), truncated: true };
  }

  async statistics(repository: EntryRepository): Promise<PluginStatistic[]> {
    return [{ plugin: this.name, label: 'Requests', value: await repository.count(this.entryType) }];
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

function parseQuery(url: string): Record<string, string> {
  const i = url.indexOf('?');
  return i < 0 ? {} : Object.fromEntries(new URLSearchParams(url.slice(i + 1)));
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}
