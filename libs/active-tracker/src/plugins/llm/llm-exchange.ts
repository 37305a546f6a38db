import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import type { TrackerContext } from '../../plugin-api.js';
import { parseJson, parseNdjson, parseSse, type StreamEvent } from './llm-stream.parser.js';
import type { LlmEndpoint } from './llm-wire.recognizer.js';
import type { LlmRawExchange } from './llm.mappers.js';

/** What an exchange hands over when it ends. */
export interface CompletedExchange {
  endpoint: LlmEndpoint;
  url: string;
  ctx: TrackerContext | undefined;
  startedAt: number;
  raw: LlmRawExchange;
  latencyMs: number;
  /** Time from the start to the arrival of the chunk holding byte `offset` of the (decoded) answer; null when unknown. */
  timeAt(offset: number): number | null;
  streamed: boolean;
  /** Set when the call failed or was aborted. */
  error?: { name: string; message: string; canceled: boolean };
  /** Bodies larger than the capture bound were cut; their payloads are partial. */
  truncated: boolean;
}

/**
 * One LLM call being observed: the bytes of its request and answer, and when each answer chunk
 * arrived. It only keeps references to chunks it is shown (never reads or pauses the host's
 * stream) and does all parsing once the call has ended, off the host's tick.
 */
export class LlmExchange {
  private readonly t0 = performance.now();
  readonly startedAt = Date.now();
  private readonly sent: Uint8Array[] = [];
  private sentBytes = 0;
  private readonly received: Uint8Array[] = [];
  private receivedBytes = 0;
  /** Cumulative byte count after each received chunk, and its arrival (ms since t0). */
  private readonly ends: number[] = [];
  private readonly times: number[] = [];
  private truncated = false;
  private status: number | null = null;
  private contentType = '';
  private contentEncoding = '';
  private done = false;

  constructor(
    readonly endpoint: LlmEndpoint,
    readonly url: string,
    readonly ctx: TrackerContext | undefined,
    private readonly maxBytes: number,
    private readonly onComplete: (exchange: CompletedExchange) => void,
    /** True when the answer bytes are already decoded (fetch's body), false for wire bytes (content-encoded). */
    private readonly decoded: boolean,
  ) {}

  requestBodyEmpty(): boolean {
    return this.sentBytes === 0;
  }

  requestBody(chunk: Uint8Array | string): void {
    if (this.done) return;
    // A copy: the caller's buffer (or undici's socket buffer) may be reused after this returns.
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    if (this.sentBytes + bytes.length > this.maxBytes) return void (this.truncated = true);
    this.sent.push(bytes);
    this.sentBytes += bytes.length;
  }

  response(status: number | null, header: (name: string) => string | null | undefined): void {
    this.status = status;
    this.contentType = String(header('content-type') ?? '').toLowerCase();
    this.contentEncoding = String(header('content-encoding') ?? '')
      .toLowerCase()
      .trim();
  }

  responseChunk(chunk: Uint8Array): void {
    if (this.done) return;
    if (this.receivedBytes + chunk.length > this.maxBytes) return void (this.truncated = true);
    this.received.push(Buffer.from(chunk));
    this.receivedBytes += chunk.length;
    this.ends.push(this.receivedBytes);
    this.times.push(performance.now() - this.t0);
  }

  /** Ends the call once (at the end of the answer, or at the first error); the rest happens on a later tick. */
  end(error?: unknown): void {
    if (this.done) return;
    this.done = true;
    const latencyMs = performance.now() - this.t0;
    setImmediate(() => {
      try {
        this.onComplete(this.complete(latencyMs, error));
      } catch {
        /* capture never harms the host */
      }
    });
  }

  private complete(latencyMs: number, error: unknown): CompletedExchange {
    const requestText = Buffer.concat(this.sent).toString('utf8');
    const body = this.body();
    const streamed = /event-stream|ndjson/.test(this.contentType);
    let events: StreamEvent[] | null = null;
    let response: unknown = null;
    if (streamed) events = this.contentType.includes('ndjson') ? parseNdjson(body) : parseSse(body);
    else if (body.length > 0) {
      const text = Buffer.from(body).toString('utf8');
      response = parseJson(text) ?? text;
    }
    // A consumer that stops reading once the answer is complete (an SDK after `[DONE]`) cancels
    // the body: that is a success. Canceled before the stream's last event, it is canceled.
    if (error !== undefined && (error as { consumerCanceled?: boolean }).consumerCanceled && events && streamComplete(events, this.contentType))
      error = undefined;
    // Offsets are exact on identity-encoded bytes; a compressed stream only tells when its first chunk came.
    const exact = this.decoded || this.contentEncoding === '' || this.contentEncoding === 'identity';
    const timeAt = (offset: number): number | null => {
      if (this.times.length === 0) return null;
      if (!exact) return this.times[0];
      for (let i = 0; i < this.ends.length; i++) if (this.ends[i] >= offset) return this.times[i];
      return this.times[this.times.length - 1];
    };
    return {
      endpoint: this.endpoint,
      url: this.url,
      ctx: this.ctx,
      startedAt: this.startedAt,
      raw: { operation: this.endpoint.operation, request: parseJson(requestText) ?? (requestText || null), response, events, httpStatus: this.status },
      latencyMs,
      timeAt,
      streamed,
      truncated: this.truncated,
      ...(error !== undefined ? { error: describe(error) } : {}),
    };
  }

  /** The answer's bytes, decompressed when they were observed on the wire. */
  private body(): Uint8Array {
    const raw = Buffer.concat(this.received);
    if (this.decoded || raw.length === 0) return raw;
    try {
      switch (this.contentEncoding) {
        case 'gzip':
        case 'x-gzip':
          return zlib.gunzipSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
        case 'deflate':
          return zlib.inflateSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
        case 'br':
          return zlib.brotliDecompressSync(raw, { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
        default:
          return raw;
      }
    } catch {
      return Buffer.alloc(0);
    }
  }
}

/** True when a stream's last event is its end: OpenAI's `[DONE]` or `response.completed`, Anthropic's `message_stop`, Ollama's `done: true`. */
function streamComplete(events: readonly StreamEvent[], contentType: string): boolean {
  const last = events[events.length - 1];
  if (!last) return false;
  if (contentType.includes('ndjson')) return (parseJson(last.data) as { done?: unknown } | undefined)?.done === true;
  return (
    last.data === '[DONE]' ||
    ['message_stop', 'response.completed', 'response.incomplete', 'response.failed'].includes(
      last.event ?? (parseJson(last.data) as { type?: string } | undefined)?.type ?? '',
    )
  );
}

function describe(error: unknown): { name: string; message: string; canceled: boolean } {
  const e = (error ?? {}) as { name?: unknown; message?: unknown; code?: unknown };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' ? e.message : String(error);
  return { name, message, canceled: name === 'AbortError' || e.code === 'UND_ERR_ABORTED' || name === 'RequestAbortedError' };
}
