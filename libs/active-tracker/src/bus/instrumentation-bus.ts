import { Observable } from 'rxjs';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { currentContext } from '../context/request-context.js';
import { CallableSubscriber, EventHandler, EventListener, EventPattern, InstrumentationEvent, InstrumentationHandle } from './instrumentation-event.js';

export type {
  CallableSubscriber,
  EventHandler,
  EventListener,
  EventPattern,
  InstrumentationEvent,
  InstrumentationExceptionPayload,
  InstrumentationHandle,
} from './instrumentation-event.js';

/** A live subscription, returned by `subscribe` and accepted by `unsubscribe`. */
export class Subscription {
  /** Names a RegExp subscription no longer receives (after `unsubscribe(name)`, as in Rails). */
  private exclusions?: Set<string>;

  constructor(
    readonly pattern: EventPattern,
    readonly handler: EventHandler,
    readonly monotonic = false,
    /** What was passed to `subscribe` (a function or a `{ call }` object), for `unsubscribe(listener)`. */
    readonly listener: EventListener = handler,
  ) {}

  matches(name: string): boolean {
    const p = this.pattern;
    if (p === undefined) return true;
    if (typeof p === 'string') return p === name;
    if (this.exclusions !== undefined && this.exclusions.has(name)) return false;
    p.lastIndex = 0;
    return p.test(name);
  }

  /** Stops a RegExp subscription from receiving `name` (no effect on string and catch-all ones). */
  exclude(name: string): void {
    if (!(this.pattern instanceof RegExp) || !this.matches(name)) return;
    (this.exclusions ??= new Set()).add(name);
  }
}

/** Options of `subscribed`. */
export interface SubscribedOptions {
  /** Deliver start/finish on the monotonic clock, like `monotonicSubscribe`. */
  monotonic?: boolean;
}

let idCounter = 0;
const idPrefix = randomBytes(6).toString('hex');
function nextId(): string {
  idCounter = (idCounter + 1) % Number.MAX_SAFE_INTEGER;
  return idPrefix + idCounter.toString(16);
}

/**
 * Date.now() - performance.now(), to turn monotonic times into epoch ms. Re-read at most once a
 * second (a clock read costs ~0.1 µs here) so wall-clock adjustments are picked up quickly.
 */
let wallOffset = Date.now() - performance.now();
let wallOffsetReadAt = performance.now();
function wallClockOffset(now: number): number {
  if (now - wallOffsetReadAt > 1000 || now < wallOffsetReadAt) {
    wallOffset = Date.now() - performance.now();
    wallOffsetReadAt = now;
  }
  return wallOffset;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as any).then === 'function';
}

function toHandler(listener: EventListener): EventHandler {
  if (typeof listener === 'function') return listener as EventHandler;
  if (listener && typeof (listener as CallableSubscriber).call === 'function') {
    // Looked up at each call, like Rails, so a subscriber may swap its `call` method.
    return (event) => (listener as CallableSubscriber).call(event);
  }
  throw new TypeError('An instrumentation subscriber must be a function or an object with a call(event) method');
}

/** Sets Rails' exception keys on `payload`: `exception: [className, message]` and `exceptionObject`. */
export function attachException(payload: Record<string, any>, error: unknown): void {
  const err = error as { constructor?: { name?: string }; name?: unknown; message?: unknown } | null | undefined;
  const className = (err !== null && typeof err === 'object' && err.constructor?.name) || typeof error;
  const message = err !== null && typeof err === 'object' && typeof err.message === 'string' ? err.message : String(error);
  payload.exception = [className, message];
  payload.exceptionObject = error;
}

const NO_SUBSCRIPTIONS: Subscription[] = [];

/**
 * The instrumentation bus (ActiveSupport::Notifications for NestJS). Capture plugins publish on it,
 * the recorder subscribes to it, and app code can use it directly.
 *
 * Delivery is synchronous, in subscription order, on the instrumenting code's call stack (and in
 * its async context, so `currentContext()` works in handlers). The list of subscribers of a name is
 * cached, so with no subscriber for a name `instrument` costs a Map lookup (see bench/bus.js);
 * subscribing and unsubscribing clear that cache, so prefer long-lived subscriptions.
 */
export class InstrumentationBus {
  /** Raise subscriber errors instead of reporting them (useful in tests). */
  raiseOnError = false;
  /** Where swallowed subscriber errors go. */
  onSubscriberError: (error: unknown, event: InstrumentationEvent<any>) => void = (error) => {
    // eslint-disable-next-line no-console
    console.error('[ActiveTracker] instrumentation subscriber failed:', error);
  };

  private subscriptions: Subscription[] = [];
  /** name -> matching subscriptions; rebuilt lazily after (un)subscribe so `instrument` stays cheap. */
  private cache = new Map<string, Subscription[]>();

  /**
   * Subscribes `listener` (a function, or an object with `call(event)`) to events named `pattern`:
   * a string (exact name), a RegExp, or undefined (every event). Returns the subscription, to pass
   * to `unsubscribe`.
   */
  subscribe<P = any>(pattern: EventPattern, listener: EventListener<P>): Subscription {
    return this.add(new Subscription(pattern, toHandler(listener), false, listener));
  }

  /** Like `subscribe`, but `start`/`finish` are on the monotonic clock (performance.now()). */
  monotonicSubscribe<P = any>(pattern: EventPattern, listener: EventListener<P>): Subscription {
    return this.add(new Subscription(pattern, toHandler(listener), true, listener));
  }

  /**
   * Subscribes `listener` to `pattern` only while `fn` runs (Rails' `subscribed`). When `fn`
   * returns a promise, the subscription ends when it settles. Returns what `fn` returns; errors
   * pass through unchanged. The subscription is global while it lasts: events instrumented
   * concurrently by other requests during an async `fn` are delivered too.
   */
  subscribed<R, P = any>(listener: EventListener<P>, pattern: EventPattern, fn: () => R, options: SubscribedOptions = {}): R {
    const sub = options.monotonic ? this.monotonicSubscribe(pattern, listener) : this.subscribe(pattern, listener);
    let result: R;
    try {
      result = fn();
    } catch (error) {
      this.unsubscribe(sub);
      throw error;
    }
    if (isThenable(result)) {
      return result.then(
        (value) => {
          this.unsubscribe(sub);
          return value;
        },
        (error: unknown) => {
          this.unsubscribe(sub);
          throw error;
        },
      ) as R;
    }
    this.unsubscribe(sub);
    return result;
  }

  /**
   * Removes subscriptions:
   * - a `Subscription`: that one;
   * - a string `name`: every subscription to exactly that name, and RegExp subscriptions stop
   *   receiving that name (Rails semantics); catch-all subscriptions are not affected;
   * - a function or `{ call }` object: every subscription made with that listener.
   */
  unsubscribe(target: Subscription | string | EventListener): void {
    if (typeof target === 'string') {
      for (const s of this.subscriptions) s.exclude(target);
      this.subscriptions = this.subscriptions.filter((s) => s.pattern !== target);
    } else if (target instanceof Subscription) {
      this.subscriptions = this.subscriptions.filter((s) => s !== target);
    } else {
      this.subscriptions = this.subscriptions.filter((s) => s.listener !== target);
    }
    this.cache.clear();
  }

  /** The same events as an RxJS observable (subscribes on subscribe, unsubscribes on teardown). */
  events<P = any>(pattern?: EventPattern): Observable<InstrumentationEvent<P>> {
    return new Observable<InstrumentationEvent<P>>((observer) => {
      const sub = this.subscribe<P>(pattern, (event) => observer.next(event));
      return () => this.unsubscribe(sub);
    });
  }

  /** True when at least one subscriber listens to `name`. */
  isListening(name: string): boolean {
    return this.matching(name).length > 0;
  }

  /**
   * Runs `fn` (sync or async) and notifies subscribers with its timing; without `fn`, notifies at
   * once. If `fn` throws or rejects, the payload gets `exception: [className, message]` and
   * `exceptionObject`, subscribers are notified, and the error is rethrown unchanged (even when a
   * subscriber fails too and `raiseOnError` is set: the subscriber error is then reported).
   * `fn` receives the payload, so it can add keys for the subscribers.
   */
  instrument<P extends Record<string, any>>(name: string, payload?: P): void;
  instrument<R>(name: string, fn: (payload: Record<string, any>) => R): R;
  instrument<P extends Record<string, any>, R>(name: string, payload: P, fn: (payload: P) => R): R;
  instrument<P extends Record<string, any>, R>(name: string, payloadOrFn?: P | ((payload: P) => R), maybeFn?: (payload: P) => R): R | void {
    let payload: P;
    let fn: ((payload: P) => R) | undefined;
    if (typeof payloadOrFn === 'function') {
      payload = {} as P;
      fn = payloadOrFn;
    } else {
      payload = payloadOrFn ?? ({} as P);
      fn = maybeFn;
    }
    const subs = this.matching(name);
    if (!fn) {
      if (subs.length === 0) return;
      const now = performance.now();
      this.publish(subs, name, payload, now, now, currentContext()?.batchId ?? null);
      return;
    }
    if (subs.length === 0) return fn(payload);
    const transactionId = currentContext()?.batchId ?? null;
    const started = performance.now();
    let result: R;
    try {
      result = fn(payload);
    } catch (error) {
      this.publishFailure(subs, name, payload, started, transactionId, error);
      throw error;
    }
    if (isThenable(result)) {
      return result.then(
        (value) => {
          this.publish(subs, name, payload, started, performance.now(), transactionId);
          return value;
        },
        (error: unknown) => {
          this.publishFailure(subs, name, payload, started, transactionId, error);
          throw error;
        },
      ) as R;
    }
    this.publish(subs, name, payload, started, performance.now(), transactionId);
    return result;
  }

  /**
   * Starts an event now and notifies its subscribers when the returned handle's `finish()` (or
   * `fail(error)`) is called, for start/end pairs that arrive in separate callbacks. Subscribers
   * and the transaction id are fixed at start (Rails' `build_handle`).
   */
  start<P extends Record<string, any>>(name: string, payload: P = {} as P): InstrumentationHandle<P> {
    const subs = this.matching(name);
    const transactionId = subs.length === 0 ? null : (currentContext()?.batchId ?? null);
    const started = performance.now();
    let done = false;
    const finish = (extra?: Partial<P> & Record<string, unknown>) => {
      if (done) return;
      done = true;
      if (extra) Object.assign(payload, extra);
      if (subs.length > 0) this.publish(subs, name, payload, started, performance.now(), transactionId);
    };
    return {
      name,
      payload,
      finish,
      fail: (error: unknown, extra?: Partial<P> & Record<string, unknown>) => {
        if (done) return;
        attachException(payload, error);
        finish(extra);
      },
    };
  }

  /** Publishes an event whose code failed: a subscriber error must not replace the app's error. */
  private publishFailure(subs: Subscription[], name: string, payload: any, started: number, transactionId: string | null, error: unknown): void {
    attachException(payload, error);
    try {
      this.publish(subs, name, payload, started, performance.now(), transactionId);
    } catch (subscriberError) {
      this.report(subscriberError, { name, payload, start: started, finish: started, duration: 0, id: '', transactionId });
    }
  }

  private publish(subs: Subscription[], name: string, payload: any, started: number, finished: number, transactionId: string | null): void {
    const duration = finished - started;
    const id = nextId();
    const offset = wallClockOffset(finished);
    let errors: unknown[] | undefined;
    for (const sub of subs) {
      // Literal objects, not spreads: spreading costs microseconds per event on Node 20.
      const event: InstrumentationEvent = sub.monotonic
        ? { name, payload, start: started, finish: finished, duration, id, transactionId }
        : { name, payload, start: started + offset, finish: finished + offset, duration, id, transactionId };
      try {
        sub.handler(event);
      } catch (error) {
        if (this.raiseOnError) (errors ??= []).push(error);
        else this.report(error, event);
      }
    }
    // Every subscriber still runs; then one error is rethrown as is, several as an AggregateError
    // (Rails raises InstrumentationSubscriberError in that case).
    if (errors) {
      throw errors.length === 1 ? errors[0] : new AggregateError(errors, `${errors.length} subscribers of "${name}" failed`);
    }
  }

  private report(error: unknown, event: InstrumentationEvent<any>): void {
    try {
      this.onSubscriberError(error, event);
    } catch {
      /* never let reporting break the instrumented code */
    }
  }

  private add(sub: Subscription): Subscription {
    this.subscriptions = [...this.subscriptions, sub];
    this.cache.clear();
    return sub;
  }

  private matching(name: string): Subscription[] {
    let subs = this.cache.get(name);
    if (!subs) {
      subs = this.subscriptions.filter((s) => s.matches(name));
      if (subs.length === 0) subs = NO_SUBSCRIPTIONS;
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(name, subs);
    }
    return subs;
  }
}

/** The process-wide bus (like ActiveSupport::Notifications): every tracker and app code share it. */
export const notifications = new InstrumentationBus();

/** Suffix of capture events: `<entry type>.active_tracker` carries an EntryDraft to the recorder. */
export const CAPTURE_EVENT_SUFFIX = '.active_tracker';
export const CAPTURE_EVENT_PATTERN = /\.active_tracker$/;
export function captureEventName(entryType: string): string {
  return entryType + CAPTURE_EVENT_SUFFIX;
}
