import diagnosticsChannel from 'node:diagnostics_channel';
import { guard, type Listener } from './outbound-call.js';

/**
 * The one subscription to fetch/undici's `node:diagnostics_channel` channels, shared by every
 * plugin that watches outbound calls (outbound HTTP, LLM interactions): each channel is subscribed
 * once, while at least one observer wants it, and its messages are handed to every such observer.
 * The body chunk channels (Node 22+) cost a call per chunk, so they are only subscribed to when an
 * observer asks for them.
 */
export interface UndiciObserver {
  /** A request was created, in the caller's async context. */
  create?(request: any): void;
  /** A chunk of the request body was written (Node 22+). */
  bodySent?(request: any, chunk: Uint8Array): void;
  /** Response headers arrived: `response.statusCode`, `response.headers` (flat [name, value, ...]). */
  headers?(request: any, response: any): void;
  /** A chunk of the response body arrived, as received on the wire (still content-encoded; Node 22+). */
  bodyReceived?(request: any, chunk: Uint8Array): void;
  /** The response body is complete. */
  trailers?(request: any): void;
  /** The request failed (connect error, abort, timeout), before or after the headers. */
  error?(request: any, error: unknown): void;
}

type Hook = keyof UndiciObserver;

const CHANNELS: Record<Hook, string> = {
  create: 'undici:request:create',
  bodySent: 'undici:request:bodyChunkSent',
  headers: 'undici:request:headers',
  bodyReceived: 'undici:request:bodyChunkReceived',
  trailers: 'undici:request:trailers',
  error: 'undici:request:error',
};

const DISPATCH: Record<Hook, (observer: UndiciObserver, m: any) => void> = {
  create: (o, m) => o.create?.(m.request),
  bodySent: (o, m) => o.bodySent?.(m.request, m.chunk),
  headers: (o, m) => o.headers?.(m.request, m.response),
  bodyReceived: (o, m) => o.bodyReceived?.(m.request, m.chunk),
  trailers: (o, m) => o.trailers?.(m.request),
  error: (o, m) => o.error?.(m.request, m.error),
};

const observers = new Map<Hook, UndiciObserver[]>();
const listeners = new Map<Hook, Listener>();

/** Starts handing undici's messages to `observer` (for the hooks it defines); returns the unsubscribe. */
export function observeUndici(observer: UndiciObserver): () => void {
  const hooks = (Object.keys(CHANNELS) as Hook[]).filter((hook) => typeof observer[hook] === 'function');
  for (const hook of hooks) {
    const list = observers.get(hook) ?? [];
    observers.set(hook, [...list, observer]);
    if (!listeners.has(hook)) {
      // One guarded listener per channel; each observer is guarded too, so one failing never hides the others.
      const listener = guard((message: unknown) => {
        for (const o of observers.get(hook) ?? []) {
          try {
            DISPATCH[hook](o, message);
          } catch {
            /* capture never harms the host */
          }
        }
      });
      listeners.set(hook, listener);
      diagnosticsChannel.subscribe(CHANNELS[hook], listener);
    }
  }
  return () => {
    for (const hook of hooks) {
      const list = (observers.get(hook) ?? []).filter((o) => o !== observer);
      if (list.length > 0) {
        observers.set(hook, list);
        continue;
      }
      observers.delete(hook);
      const listener = listeners.get(hook);
      listeners.delete(hook);
      if (listener) diagnosticsChannel.unsubscribe(CHANNELS[hook], listener);
    }
  };
}

/** Channel names, for documentation and tests. */
export const UNDICI_CHANNELS: Readonly<Record<Hook, string>> = CHANNELS;
