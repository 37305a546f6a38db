import { currentContext } from '../context/request-context.js';
import { normalizeKeys } from './event-payload.js';

/**
 * Where an EventReporter keeps its context (Rails' `event_reporter_context_store`). Implement it to
 * scope context differently (per tenant, per worker, ...), then assign `reporter.contextStore`.
 */
export interface EventContextStore {
  /** The current context (the reporter copies it into each event). */
  context(): Readonly<Record<string, unknown>>;
  /** Merges `context` into the current context. */
  setContext(context: Record<string, unknown>): void;
  /** Deletes the current context. */
  clear(): void;
}

/**
 * The default store: inside a request or job (a TrackerContext) the context lives in that
 * context's `eventContext`, so it starts empty for every request and dies with it, and two
 * concurrent requests never share it. Outside any TrackerContext (boot code, scripts, timers
 * started before any request) one process-wide fallback object is used.
 */
export class RequestScopedContextStore implements EventContextStore {
  private readonly fallback: Record<string, unknown> = {};

  private target(): Record<string, unknown> {
    return currentContext()?.eventContext ?? this.fallback;
  }

  context(): Readonly<Record<string, unknown>> {
    return this.target();
  }

  setContext(context: Record<string, unknown>): void {
    if (context === null || typeof context !== 'object') {
      throw new TypeError('setContext() takes an object of context values');
    }
    Object.assign(this.target(), normalizeKeys(context));
  }

  clear(): void {
    const target = this.target();
    for (const key of Object.keys(target)) delete target[key];
  }
}
