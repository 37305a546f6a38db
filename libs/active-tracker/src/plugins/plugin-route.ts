import type { IncomingMessage } from 'node:http';
import type { Entry } from '../entries/entry.js';
import type { EntryPatch, UpdateOptions } from '../storage/entry-repository.js';
import type { EntryReader } from './plugin.js';

/** What a contributed route's handler gets. */
export interface PluginRouteContext<Q = Record<string, unknown>, B = unknown> {
  /** `:name` segments of the route path. */
  params: Record<string, string>;
  /** The query, validated and transformed by the route's `query` DTO when it has one. */
  query: Q;
  /** The JSON body, validated by the route's `body` DTO when it has one. */
  body: B;
  req: IncomingMessage;
  entries: EntryReader;
  /** Who is calling (the HTTP Basic user, or `actor(req)` of the module options), for audit trails. */
  actor: string | null;
  /** An entry as this reader may see it (encrypted fields decrypted only when allowed). */
  decode(entry: Entry): Entry;
  /** Updates an entry (a mutable record): optimistic concurrency and an audit record with `actor`. */
  update(id: string, patch: EntryPatch, options: Omit<UpdateOptions, 'actor'> & { actor?: string | null }): Promise<Entry>;
  /**
   * Deletes every stored entry of the plugin's own `entryType` (audit trails and families too) and
   * every bucket of the named `counters` (the plugin's own rollups); other types are never touched.
   * Resolves to how many entries were deleted. Authorize the caller first.
   */
  clearEntries(counters?: readonly string[]): Promise<number>;
}

/** A class-validator DTO class. */
export type DtoClass<T = object> = new () => T;

/**
 * An API route a plugin contributes under `/<mountpoint>/api/<plugin name>/<path>`, behind the
 * dashboard's access rules. `path` may hold `:name` segments. The handler returns JSON, or a
 * StreamResponse (Server-Sent Events, exports). Throw `ApiError` (or return it) for a 4xx.
 */
export interface PluginRoute<Q extends object = any, B extends object = any> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: DtoClass<Q>;
  body?: DtoClass<B>;
  handle(context: PluginRouteContext<Q, B>): unknown;
}

/**
 * A streamed answer: chunks of text written as they come, with backpressure, stopped when the
 * client goes away (the iterator's `return()` is called, and `onClose`, which can interrupt a
 * source that is waiting). For Server-Sent Events use `sse()`.
 */
export class StreamResponse {
  constructor(
    readonly contentType: string,
    readonly chunks: AsyncIterable<string>,
    readonly headers: Record<string, string> = {},
    readonly onClose?: () => void,
  ) {}
}

/** One Server-Sent Event. */
export interface ServerSentEvent {
  id?: string;
  event?: string;
  /** Serialized as JSON unless it is a string. */
  data: unknown;
}

/**
 * Server-Sent Events from an async iterable of events; a comment line is sent every
 * `heartbeatMs` (default 15 s) so proxies keep the connection open. When the client goes away
 * the wait is interrupted at once and the events' iterator is returned (its cleanup runs).
 */
export function sse(events: AsyncIterable<ServerSentEvent>, options: { heartbeatMs?: number; retryMs?: number } = {}): StreamResponse {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  let abort: () => void = () => undefined;
  const aborted = new Promise<'closed'>((resolve) => (abort = () => resolve('closed')));
  async function* chunks(): AsyncGenerator<string> {
    if (options.retryMs) yield `retry: ${options.retryMs}\n\n`;
    else yield ': connected\n\n';
    const iterator = events[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<ServerSentEvent>> | null = null;
    try {
      for (;;) {
        pending ??= iterator.next();
        let timer: NodeJS.Timeout | undefined;
        const beat = new Promise<'beat'>((resolve) => {
          timer = setTimeout(() => resolve('beat'), heartbeatMs);
          timer.unref?.();
        });
        const next = await Promise.race([pending, beat, aborted]);
        clearTimeout(timer);
        if (next === 'closed') return;
        if (next === 'beat') {
          yield ': heartbeat\n\n';
          continue;
        }
        pending = null;
        if (next.done) return;
        yield formatEvent(next.value);
      }
    } finally {
      await iterator.return?.();
    }
  }
  return new StreamResponse('text/event-stream; charset=utf-8', chunks(), { 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' }, () =>
    abort(),
  );
}

function formatEvent(event: ServerSentEvent): string {
  let out = '';
  if (event.id !== undefined) out += `id: ${String(event.id).replace(/[\r\n]/g, '')}\n`;
  if (event.event !== undefined) out += `event: ${String(event.event).replace(/[\r\n]/g, '')}\n`;
  const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
  for (const line of data.split(/\r?\n/)) out += `data: ${line}\n`;
  return out + '\n';
}
