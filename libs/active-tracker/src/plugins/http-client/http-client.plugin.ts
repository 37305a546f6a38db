import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  currentContext,
  guard,
  hasUndiciHeader,
  hostOf,
  INTERNAL_REQUEST_HEADER,
  isFilteredCall,
  isOwnedBy,
  observeUndici,
  toSize,
  undiciHeader,
  UrlRedactor,
  type ActiveTrackerPlugin,
  type EntryReader,
  type HttpClientEntryContent,
  type Listener,
  type PluginHost,
  type PluginStatistic,
} from '../../plugin-api.js';
import { exchangeContent, exchangeDraft, finishExchangeEvent, HTTP_CLIENT_EVENT, type Exchange } from './http-client.exchange.js';
import { httpClientOptionProblems, type HttpClientFilter, type HttpClientPluginOptions } from './http-client.options.js';
import { HTTP_CLIENT_CHANNELS } from './http-client.channels.js';
export { HTTP_CLIENT_CHANNELS, HTTP_CLIENT_EVENT };
export type { HttpClientFilter, HttpClientPluginOptions };
export type { HttpClientEntryContent };

/**
 * Outbound HTTP: calls made with `fetch`/undici and `http`/`https`, observed through
 * `node:diagnostics_channel` only (no monkeypatching). Records method, redacted URL, status,
 * duration, sizes and error, linked to the request that made the call. The tracker never reads,
 * listens to errors on, or otherwise changes the host's requests and responses: it only adds
 * `end`/`close` listeners, which do not change stream behaviour.
 *
 * A response whose body is never consumed (nor destroyed) never completes and so is not recorded.
 */
export class HttpClientPlugin implements ActiveTrackerPlugin {
  readonly name = 'http-client';
  readonly entryType = 'http-client';
  readonly nav = { title: 'Outbound HTTP', path: 'http-client' };
  private readonly filters: HttpClientFilter[];
  private readonly exchanges = new WeakMap<object, Exchange>();
  private host: PluginHost | null = null;
  private urls = new UrlRedactor([]);

  constructor(private readonly pluginOptions: HttpClientPluginOptions = {}) {
    this.filters = Array.isArray(pluginOptions.filters) ? pluginOptions.filters : [];
  }

  validate(): string[] {
    return httpClientOptionProblems(this.pluginOptions);
  }

  register(host: PluginHost): () => void {
    this.host = host;
    this.urls = new UrlRedactor(host.options.sensitiveKeys, this.pluginOptions.redactQueryParams);
    // fetch/undici through the shared subscription (the LLM plugin watches the same calls).
    const stopUndici = observeUndici({
      create: (request) => this.onUndiciCreate(request),
      headers: (request, response) => this.onUndiciHeaders(request, response),
      trailers: (request) => this.finish(request),
      error: (request, error) => this.finish(request, error),
    });
    const listeners: Array<[string, Listener]> = [
      [HTTP_CLIENT_CHANNELS.httpStart, guard((m: any) => this.onHttpStart(m.request))],
      [HTTP_CLIENT_CHANNELS.httpResponse, guard((m: any) => this.onHttpResponse(m.request, m.response))],
      [HTTP_CLIENT_CHANNELS.httpError, guard((m: any) => this.finish(m.request, m.error))],
    ];
    for (const [name, listener] of listeners) diagnosticsChannel.subscribe(name, listener);
    return () => {
      stopUndici();
      for (const [name, listener] of listeners) diagnosticsChannel.unsubscribe(name, listener);
      this.host = null;
    };
  }

  /** Replaces credentials and sensitive query parameter values by [REDACTED]; drops the fragment. */
  redactUrl(raw: string): string {
    return this.urls.redact(raw);
  }

  private isFiltered(url: string, host: string): boolean {
    return isFilteredCall(this.filters, url, host);
  }

  private begin(request: object, client: 'fetch' | 'http', method: string, rawUrl: string, host: string, requestSize: number | null): void {
    const owner = this.host;
    if (!owner) return;
    const ctx = currentContext();
    // Every tracker of the process sees every call; a request belongs to the tracker that started it.
    if (!isOwnedBy(ctx?.trackerId, owner.trackerId)) return;
    const url = this.redactUrl(rawUrl);
    if (this.isFiltered(url, host)) return;
    this.exchanges.set(request, {
      client,
      method: method.toUpperCase(),
      url,
      host,
      startedAt: Date.now(),
      t0: performance.now(),
      ctx,
      requestSize,
      status: null,
      responseSize: null,
      done: false,
      event: owner.bus.isListening(HTTP_CLIENT_EVENT) ? owner.bus.start(HTTP_CLIENT_EVENT, {}) : null,
    });
  }

  private onUndiciCreate(request: any): void {
    if (!request || hasUndiciHeader(request.headers, INTERNAL_REQUEST_HEADER)) return;
    const origin = String(request.origin ?? '').replace(/\/+$/, '');
    const size = typeof request.contentLength === 'number' ? request.contentLength : null;
    this.begin(request, 'fetch', String(request.method ?? 'GET'), origin + String(request.path ?? '/'), hostOf(origin), size);
  }

  private onUndiciHeaders(request: any, response: any): void {
    const exchange = this.exchanges.get(request);
    if (!exchange || !response) return;
    exchange.status = typeof response.statusCode === 'number' ? response.statusCode : null;
    exchange.responseSize = toSize(undiciHeader(response.headers, 'content-length'));
  }

  private onHttpStart(request: ClientRequest): void {
    if (!request || request.getHeader(INTERNAL_REQUEST_HEADER) !== undefined) return;
    const hostHeader = request.getHeader('host');
    const host = typeof hostHeader === 'string' && hostHeader ? hostHeader : String(request.host ?? 'localhost');
    const protocol = request.protocol || 'http:';
    this.begin(request, 'http', request.method ?? 'GET', `${protocol}//${host}${request.path ?? '/'}`, host, toSize(request.getHeader('content-length')));
    if (!this.exchanges.has(request)) return;
    // Fallback for calls that end without a response nor an error event (req.destroy(), upgrades).
    request.once('close', () => {
      try {
        const exchange = this.exchanges.get(request);
        if (!exchange || exchange.done || exchange.status !== null) return;
        const status = (request as ClientRequest & { res?: IncomingMessage }).res?.statusCode;
        if (typeof status === 'number') {
          exchange.status = status;
          this.finish(request);
        } else this.finish(request, { name: 'Error', message: 'request closed before a response' });
      } catch {
        /* capture never harms the host */
      }
    });
  }

  private onHttpResponse(request: ClientRequest, response: IncomingMessage): void {
    const exchange = this.exchanges.get(request);
    if (!exchange || !response) return;
    exchange.status = response.statusCode ?? null;
    exchange.responseSize = toSize(response.headers?.['content-length']);
    if (response.complete || response.readableEnded) return this.finish(request);
    // 'end' and 'close' listeners leave the stream's flowing mode alone (a 'data' listener would not).
    response.once('end', () => this.safeFinish(request));
    response.once('close', () => this.safeFinish(request, response.complete ? undefined : { name: 'Error', message: 'response closed before its end' }));
  }

  private safeFinish(request: object, error?: unknown): void {
    try {
      this.finish(request, error);
    } catch {
      /* capture never harms the host */
    }
  }

  /** Records the call once: at the end of the response body, or at the first error. */
  private finish(request: object, error?: unknown): void {
    const exchange = request ? this.exchanges.get(request) : undefined;
    const host = this.host;
    if (!exchange || exchange.done || !host) return;
    exchange.done = true;
    this.exchanges.delete(request);
    const durationMs = Math.round((performance.now() - exchange.t0) * 1000) / 1000;
    const content = exchangeContent(exchange, durationMs, error);
    finishExchangeEvent(exchange, content);
    // Explicit batch: this callback may run in another request's async context.
    host.record(exchangeDraft(this.entryType, exchange, content, host.trackerId), exchange.ctx);
  }

  /** Number of outbound calls; flagged when a failed call (network error, abort) is stored. */
  async statistics(entries: EntryReader): Promise<PluginStatistic[]> {
    const [count, failed] = await Promise.all([
      entries.count(this.entryType),
      entries.list({ type: this.entryType, tags: [{ key: 'status', value: 'error' }], limit: 1 }),
    ]);
    return [{ plugin: this.name, label: 'Outbound HTTP', value: count, ...(failed.data.length > 0 ? { error: true } : {}) }];
  }
}

/** The outbound HTTP plugin: `httpClient({ filters: ['https://telemetry.example.com/'] })`. */
export function httpClient(options: HttpClientPluginOptions = {}): HttpClientPlugin {
  return new HttpClientPlugin(options);
}
