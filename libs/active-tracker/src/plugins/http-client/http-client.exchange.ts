import { describeError, type EntryDraft, type HttpClientEntryContent, type InstrumentationHandle, type TrackerContext } from '../../plugin-api.js';

/**
 * Published when an outbound call ends, timed from its start: `{ client, method, url, host, status,
 * requestSize, responseSize, error? }` (the URL redacted as in the entry).
 */
export const HTTP_CLIENT_EVENT = 'request.http_client';

/** One outbound call in flight. */
export interface Exchange {
  client: 'fetch' | 'http';
  method: string;
  url: string;
  host: string;
  startedAt: number;
  t0: number;
  /** The request context at start: later callbacks may run in another request's context (keep-alive sockets). */
  ctx: TrackerContext | undefined;
  requestSize: number | null;
  status: number | null;
  responseSize: number | null;
  done: boolean;
  /** The request.http_client event, started only when someone listens. */
  event: InstrumentationHandle<Record<string, unknown>> | null;
}

/** What a finished call records; `error` is the failure that ended it, if any. */
export function exchangeContent(exchange: Exchange, durationMs: number, error?: unknown): HttpClientEntryContent {
  const content: HttpClientEntryContent = {
    client: exchange.client,
    method: exchange.method,
    url: exchange.url,
    host: exchange.host,
    status: exchange.status,
    durationMs,
    requestSize: exchange.requestSize,
    responseSize: exchange.responseSize,
  };
  if (error !== undefined) content.error = describeError(error);
  return content;
}

/** Ends the call's request.http_client event (when someone listened at its start): the content without its duration, which the event carries. */
export function finishExchangeEvent(exchange: Exchange, content: HttpClientEntryContent): void {
  if (!exchange.event) return;
  try {
    const { durationMs: _, ...payload } = content;
    exchange.event.finish(payload);
  } catch {
    /* a subscriber's failure never reaches the host */
  }
}

/** The call's entry, in the batch of the request that made it (or in none), tagged with its host and status. */
export function exchangeDraft(entryType: string, exchange: Exchange, content: HttpClientEntryContent, trackerId: string): EntryDraft {
  const ctx = exchange.ctx;
  return {
    type: entryType,
    batchId: ctx?.batchId ?? null,
    occurredAt: exchange.startedAt,
    durationMs: content.durationMs,
    familyHash: null,
    tags: { ...(ctx?.tags ?? {}), host: exchange.host, status: content.error ? 'error' : String(content.status ?? 'none') },
    content: content as unknown as Record<string, unknown>,
    trackerId: ctx?.trackerId ?? trackerId,
  };
}
