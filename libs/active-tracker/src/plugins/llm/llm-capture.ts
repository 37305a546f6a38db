import { AsyncLocalStorage } from 'node:async_hooks';
import {
  currentContext,
  hasUndiciHeader,
  hostOf,
  INTERNAL_REQUEST_HEADER,
  isFilteredCall,
  isOwnedBy,
  observeUndici,
  undiciHeader,
  type UrlRedactor,
} from '../../plugin-api.js';
import { LlmExchange, type CompletedExchange } from './llm-exchange.js';
import { recognizeLlmCall, type LlmEndpointMatcher } from './llm-wire.recognizer.js';

export interface LlmCaptureOptions {
  trackerId: string;
  urls: UrlRedactor;
  filters: readonly (string | RegExp)[];
  matchers: readonly LlmEndpointMatcher[];
  /** Most bytes kept of a request or an answer. */
  maxBytes: number;
}

/** Calls made through `trackedFetch` run in this scope, so the channel observer leaves them to it. */
const trackedScope = new AsyncLocalStorage<true>();
/** Running captures, newest last (one per tracker). */
const captures: LlmCapture[] = [];

/**
 * Zero-code capture of LLM calls made with fetch: on Node 22+ from fetch/undici's diagnostics
 * channels including body chunks (through the one shared undici subscription), and on any Node
 * through `trackedFetch`. Either way the host's request and answer are never read, paused or
 * changed: the capture keeps references to the chunks it is shown and parses them after the end.
 */
export class LlmCapture {
  private readonly exchanges = new WeakMap<object, LlmExchange>();

  constructor(
    private readonly options: LlmCaptureOptions,
    private readonly sink: (exchange: CompletedExchange) => void,
  ) {}

  get trackerId(): string {
    return this.options.trackerId;
  }

  /** Starts observing; returns the stop function. `channels: false` leaves only trackedFetch. */
  start(channels: boolean): () => void {
    captures.push(this);
    const stop = channels
      ? observeUndici({
          create: (request) => this.onCreate(request),
          bodySent: (request, chunk) => this.exchanges.get(request)?.requestBody(chunk),
          headers: (request, response) => this.onHeaders(request, response),
          bodyReceived: (request, chunk) => this.exchanges.get(request)?.responseChunk(chunk),
          trailers: (request) => this.end(request),
          error: (request, error) => this.end(request, error),
        })
      : () => undefined;
    return () => {
      stop();
      const at = captures.indexOf(this);
      if (at >= 0) captures.splice(at, 1);
    };
  }

  /** A new exchange when the call is an LLM call this tracker should record, else null. */
  begin(method: string, rawUrl: string, hasHeader: (name: string) => boolean, decoded: boolean): LlmExchange | null {
    const ctx = currentContext();
    // Every tracker of the process sees every call; a call belongs to the tracker whose request made it.
    if (!isOwnedBy(ctx?.trackerId, this.options.trackerId)) return null;
    if (hasHeader(INTERNAL_REQUEST_HEADER)) return null;
    const url = this.options.urls.redact(rawUrl);
    const host = hostOf(url);
    if (isFilteredCall(this.options.filters, url, host)) return null;
    const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '') || '/';
    const endpoint = recognizeLlmCall({ method, url, host, path, hasHeader }, this.options.matchers);
    if (!endpoint) return null;
    return new LlmExchange(endpoint, url, ctx, this.options.maxBytes, this.sink, decoded);
  }

  private onCreate(request: any): void {
    if (!request || trackedScope.getStore()) return;
    const origin = String(request.origin ?? '').replace(/\/+$/, '');
    const exchange = this.begin(String(request.method ?? 'GET'), origin + String(request.path ?? '/'), (name) => hasUndiciHeader(request.headers, name), false);
    if (exchange) this.exchanges.set(request, exchange);
  }

  private onHeaders(request: any, response: any): void {
    const exchange = this.exchanges.get(request);
    if (!exchange || !response) return;
    // A body given whole (a string or Buffer to undici's request()) when no chunk was published.
    const body = request.body;
    if (exchange.requestBodyEmpty() && (typeof body === 'string' || body instanceof Uint8Array)) exchange.requestBody(body);
    exchange.response(typeof response.statusCode === 'number' ? response.statusCode : null, (name) => undiciHeader(response.headers, name));
  }

  private end(request: any, error?: unknown): void {
    const exchange = this.exchanges.get(request);
    if (!exchange) return;
    this.exchanges.delete(request);
    exchange.end(error);
  }
}

const nativeFetch: typeof fetch = globalThis.fetch;

/** The capture for the current request's tracker, else the newest one. */
function currentCapture(): LlmCapture | undefined {
  const trackerId = currentContext()?.trackerId;
  for (let i = captures.length - 1; i >= 0; i--) if (!trackerId || captures[i].trackerId === trackerId) return captures[i];
  return undefined;
}

function describeCall(
  input: Parameters<typeof fetch>[0],
  init: Parameters<typeof fetch>[1],
): { method: string; url: string; headers: Headers; body: string | Uint8Array | null } {
  const request = typeof Request !== 'undefined' && input instanceof Request ? input : null;
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : (request?.url ?? String(input));
  const headers = new Headers(init?.headers ?? request?.headers);
  const raw = init?.body;
  const body =
    typeof raw === 'string'
      ? raw
      : raw instanceof Uint8Array
        ? raw
        : raw instanceof ArrayBuffer
          ? new Uint8Array(raw)
          : raw instanceof URLSearchParams
            ? raw.toString()
            : null;
  return { method: init?.method ?? request?.method ?? 'GET', url, headers, body };
}

/**
 * `fetch` that records LLM calls on any Node version: pass it as the SDK's `fetch` option
 * (`new OpenAI({ fetch: trackedFetch })`). Node 20's fetch publishes no body chunks, so the
 * zero-code capture cannot see answers there. Other calls, and every call while no tracker runs,
 * go to fetch untouched. An LLM answer's body is handed through chunk by chunk as the caller reads
 * it (nothing is read ahead); the Response keeps status, headers and URL.
 */
export const trackedFetch: typeof fetch = async (input, init) => {
  const fetchImpl = globalThis.fetch === trackedFetch ? nativeFetch : globalThis.fetch;
  const capture = currentCapture();
  let exchange: LlmExchange | null = null;
  if (capture) {
    try {
      const call = describeCall(input, init);
      exchange = capture.begin(call.method, call.url, (name) => call.headers.has(name), true);
      if (exchange && call.body !== null) exchange.requestBody(call.body);
    } catch {
      exchange = null; // capture never harms the host
    }
  }
  if (!exchange) return fetchImpl(input, init);
  const observed = exchange;
  let response: Response;
  try {
    response = await trackedScope.run(true, () => fetchImpl(input, init));
  } catch (error) {
    observed.end(error);
    throw error;
  }
  try {
    observed.response(response.status, (name) => response.headers.get(name));
    if (!response.body) {
      observed.end();
      return response;
    }
    return observedResponse(response, observed);
  } catch {
    return response;
  }
};

/** The same answer, its body read from the original only as the caller reads (highWaterMark 0). */
function observedResponse(response: Response, exchange: LlmExchange): Response {
  const reader = response.body!.getReader();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch (error) {
          exchange.end(error);
          controller.error(error);
          return;
        }
        if (next.done) {
          exchange.end();
          controller.close();
          return;
        }
        exchange.responseChunk(next.value);
        controller.enqueue(next.value);
      },
      cancel(reason) {
        exchange.end(Object.assign(new Error('the caller stopped reading the answer'), { name: 'AbortError', cause: reason, consumerCanceled: true }));
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  const out = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  for (const key of ['url', 'redirected', 'type'] as const) Object.defineProperty(out, key, { value: response[key] });
  return out;
}
