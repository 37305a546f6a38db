import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { Observable } from 'rxjs';
import { DEFAULT_SENSITIVE_KEYS, sensitiveKeyMatcher } from '../recorder/sensitive-keys.js';
import { EventContextStore, RequestScopedContextStore } from './event-context-store.js';
import { isPlainObject, normalizePayload, serializeEventPayload } from './event-payload.js';
import { currentTags, EventTag, withTags } from './event-tag-stack.js';
import { callerLocation, SourceLocation } from './source-location.js';

/**
 * One structured event, as subscribers receive it (Rails' event hash, camelCased).
 * `P` is a plain object for `notify(name, payload)`, or the event object for `notify(object)`.
 */
export interface StructuredEvent<P = unknown> {
  name: string;
  /** The hash payload (keys normalized, sensitive keys filtered), or the event object as passed. */
  payload: P;
  /** Tags of the enclosing `tagged` calls (tag objects under their class name); frozen, shared by the events of one `tagged` frame. */
  tags: Readonly<Record<string, unknown>>;
  /** The context store's content when the event was reported. */
  context: Record<string, unknown>;
  /**
   * Wall-clock time in nanoseconds since the epoch, as a number, not a bigint, so events stay
   * JSON-serializable (float64 keeps it to about 0.25 µs). Read from the monotonic clock
   * (performance.timeOrigin + performance.now()), so events of one process are ordered even
   * within a millisecond.
   */
  timestamp: number;
  /** The caller of `notify` (absent when `captureSourceLocation` is off or the stack is unreadable). */
  sourceLocation?: SourceLocation;
}

/** A destination for structured events: Rails' subscribers respond to `emit(event)`. */
export interface EventSubscriber<P = unknown> {
  emit(event: StructuredEvent<P>): void;
}

/** Keeps the events for which it returns true. */
export type EventFilter = (event: StructuredEvent) => boolean;

export interface NotifyOptions {
  /** Which caller is the source location: 1 (default) = the code calling `notify`, 2 = its caller, ... */
  callerDepth?: number;
}

export interface EventReporterOptions {
  subscribers?: EventSubscriber[];
  raiseOnError?: boolean;
  debugMode?: boolean;
  /** Sensitive key fragments (default: the recorder's DEFAULT_SENSITIVE_KEYS). */
  filterParameters?: readonly string[];
  contextStore?: EventContextStore;
  captureSourceLocation?: boolean;
}

/** Event names are strings: symbols give their description, numbers and booleans are stringified. */
type EventName = string | symbol | number | boolean;
/** `tagged('graphql', { section: 'admin' }, fn)`: any number of tags, then the function. */
type TaggedArgs<R> = [...tags: EventTag[], fn: () => R];

/** withDebug frames, shared by every reporter (Rails keeps the flag in one fiber-local key). */
const debugStorage = new AsyncLocalStorage<boolean>();

/** Epoch ms at performance.now() == 0; corrected when the wall clock moves by more than 1 s. */
let epochOriginMs = performance.timeOrigin;
let originCheckedAt = performance.now();

/**
 * Epoch nanoseconds (see `StructuredEvent.timestamp`) from the monotonic clock, so events of one
 * process keep their order within a millisecond. Checked against Date.now() at most once a second.
 */
export function epochNanoseconds(): number {
  const now = performance.now();
  if (now - originCheckedAt > 1000) {
    originCheckedAt = now;
    const drift = epochOriginMs + now - Date.now();
    if (drift > 1000 || drift < -1000) epochOriginMs = Date.now() - now;
  }
  return Math.round((epochOriginMs + now) * 1e6);
}

/** Own enumerable keys copied without spread syntax (spreads cost microseconds on Node 20). */
function copyOwn(source: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) out[key] = source[key];
  return out;
}

interface SubscriberEntry {
  subscriber: EventSubscriber<any>;
  filter?: EventFilter;
}

/**
 * Structured events (ActiveSupport::EventReporter for NestJS): `notify` builds an event with
 * name, payload, tags, context, timestamp and source location, and hands it synchronously to every
 * subscriber whose filter accepts it.
 *
 * Design decision: the reporter is its own dispatcher; it does not re-publish on the
 * notifications bus. A consumer, such as the tracker's event plugin recording every `notify`
 * behind an option, subscribes here: `eventReporter.subscribe({ emit }, filter)` (or uses
 * `events(filter)`). One delivery path, and with no subscriber `notify` does no work beyond
 * validating its arguments (no stack capture, no copy).
 */
export class EventReporter {
  /** Throw subscriber errors and invalid `notify` arguments instead of reporting them (tests). */
  raiseOnError: boolean;
  /** Report `debug` events everywhere (`withDebug` enables them for one call tree). */
  debugMode: boolean;
  /** Read the caller's stack for `sourceLocation`: one stack capture (µs) per event that has subscribers. */
  captureSourceLocation: boolean;
  /** Where the context lives; see RequestScopedContextStore for the default. */
  contextStore: EventContextStore;
  /** Where swallowed errors go (failing subscribers and filters, invalid `notify` arguments). */
  onError: (error: unknown, event?: StructuredEvent) => void = (error) => {
    // eslint-disable-next-line no-console
    console.error('[ActiveTracker] event reporter:', error);
  };

  private entries: SubscriberEntry[] = [];
  private filterList: readonly string[] = DEFAULT_SENSITIVE_KEYS;
  private isSensitive = sensitiveKeyMatcher(DEFAULT_SENSITIVE_KEYS);

  constructor(options: EventReporterOptions = {}) {
    this.raiseOnError = options.raiseOnError ?? false;
    this.debugMode = options.debugMode ?? false;
    this.captureSourceLocation = options.captureSourceLocation ?? true;
    this.contextStore = options.contextStore ?? new RequestScopedContextStore();
    if (options.filterParameters) this.filterParameters = options.filterParameters;
    for (const subscriber of options.subscribers ?? []) this.subscribe(subscriber);
  }

  /**
   * Key fragments whose values are replaced by `[REDACTED]` in hash payloads before subscribers
   * see them (matching as in recorder/sensitive-keys: `apiKey`, `X-Api-Key`, `api_key` all hit
   * `apikey`). Event objects are passed through unfiltered, as in Rails.
   */
  get filterParameters(): readonly string[] {
    return this.filterList;
  }
  set filterParameters(fragments: readonly string[]) {
    this.filterList = [...fragments];
    this.isSensitive = sensitiveKeyMatcher(this.filterList);
  }

  /** True when at least one subscriber is registered (filters aside). */
  get hasSubscribers(): boolean {
    return this.entries.length > 0;
  }

  /**
   * Registers `subscriber` (an object with `emit(event)`), optionally receiving only the events
   * `filter` accepts. Returns the subscriber. Throws a TypeError when it has no `emit` method.
   */
  subscribe<S extends EventSubscriber<any>>(subscriber: S, filter?: EventFilter): S {
    if (subscriber === null || (typeof subscriber !== 'object' && typeof subscriber !== 'function') || typeof subscriber.emit !== 'function') {
      const kind = (subscriber as any)?.constructor?.name ?? typeof subscriber;
      throw new TypeError(`Event subscriber ${kind} must have an emit(event) method`);
    }
    if (filter !== undefined && typeof filter !== 'function') throw new TypeError('An event filter must be a function');
    this.entries = [...this.entries, { subscriber, filter }];
    return subscriber;
  }

  /** Removes a subscriber, or every subscriber that is an instance of the given class. */
  unsubscribe(subscriberOrClass: EventSubscriber<any> | (abstract new (...args: any[]) => unknown)): void {
    this.entries = this.entries.filter(({ subscriber }) => {
      if (subscriber === subscriberOrClass) return false;
      return !(typeof subscriberOrClass === 'function' && subscriber instanceof subscriberOrClass);
    });
  }

  /** The events as an RxJS observable (subscribes on subscribe, unsubscribes on teardown). */
  events<P = unknown>(filter?: EventFilter): Observable<StructuredEvent<P>> {
    return new Observable<StructuredEvent<P>>((observer) => {
      const subscriber: EventSubscriber<P> = { emit: (event) => observer.next(event) };
      this.subscribe(subscriber, filter);
      return () => this.unsubscribe(subscriber);
    });
  }

  /**
   * Reports an event to every subscriber:
   * - `notify('user.created', { id: 123 })`: a name (coerced to a string) and a hash payload
   *   (a plain object or a Map; keys normalized by `normalizeKeys`, sensitive keys filtered);
   * - `notify(new UserCreated(...))`: an event object; its class name is the name and the object
   *   itself is the payload (subscribers store `serializeEventPayload(payload)`, i.e. its
   *   `serialize()`).
   * Invalid arguments (no name, a plain object or array as the event, a non-object payload) are
   * reported through `onError` and nothing is emitted; with `raiseOnError` they throw a TypeError.
   * A payload next to an event object is reported and ignored (the event is still emitted).
   */
  notify(nameOrObject: EventName | object, payload?: Record<PropertyKey, unknown> | Map<unknown, unknown> | null, options: NotifyOptions = {}): void {
    let name: string;
    let eventPayload: unknown;
    if (typeof nameOrObject === 'object' && nameOrObject !== null && !Array.isArray(nameOrObject) && !isPlainObject(nameOrObject)) {
      name = nameOrObject.constructor?.name || 'Object';
      eventPayload = nameOrObject;
      if (payload !== undefined && payload !== null) {
        this.invalid(`notify(${name} object) takes no payload: an event object is its own payload`);
      }
    } else {
      if (typeof nameOrObject === 'symbol') name = nameOrObject.description ?? '';
      else if (typeof nameOrObject === 'string' || typeof nameOrObject === 'number' || typeof nameOrObject === 'boolean') name = String(nameOrObject);
      else return this.invalid(`notify() needs an event name or an event object (a class instance); got ${describe(nameOrObject)}`);
      if (name.length === 0) return this.invalid('notify() needs a non-empty event name');
      if (payload === undefined || payload === null) eventPayload = {};
      else if (isPlainObject(payload) || payload instanceof Map) eventPayload = payload;
      else return this.invalid(`notify("${name}", payload): the payload must be a plain object or a Map; got ${describe(payload)}`);
      if (this.entries.length === 0) return;
      eventPayload = normalizePayload(eventPayload as Record<PropertyKey, unknown>, this.isSensitive);
    }
    if (this.entries.length === 0) return;

    const event: StructuredEvent = {
      name,
      payload: eventPayload,
      tags: currentTags(),
      context: copyOwn(this.contextStore.context()),
      timestamp: epochNanoseconds(),
    };
    if (this.captureSourceLocation) {
      const location = callerLocation(options.callerDepth ?? 1);
      if (location) event.sourceLocation = location;
    }
    this.dispatch(event);
  }

  /**
   * Like `notify`, but only in debug mode (`debugMode` or inside `withDebug`). `payload` may be a
   * function, called only then, for payloads that are costly to build.
   */
  debug(
    nameOrObject: EventName | object,
    payload?: Record<PropertyKey, unknown> | Map<unknown, unknown> | null | (() => Record<PropertyKey, unknown> | Map<unknown, unknown>),
    options: NotifyOptions = {},
  ): void {
    if (!this.isDebugMode()) return;
    this.notify(nameOrObject, typeof payload === 'function' ? payload() : payload, options);
  }

  /** True when `debug` events are reported here. */
  isDebugMode(): boolean {
    return this.debugMode || debugStorage.getStore() === true;
  }

  /** Runs `fn` with debug mode on, for everything it calls, across `await` too. */
  withDebug<R>(fn: () => R): R {
    return debugStorage.run(true, fn);
  }

  /**
   * Runs `fn` with tags added to every event reported inside it, across `await` too:
   * `tagged('graphql', { section: 'admin' }, fn)` → tags `{ graphql: true, section: 'admin' }`;
   * a tag object (class instance) is kept under its class name. Nested calls stack (inner wins).
   * Returns what `fn` returns.
   */
  tagged<R>(...args: TaggedArgs<R>): R {
    const fn = args[args.length - 1];
    if (typeof fn !== 'function') throw new TypeError('tagged(...tags, fn): the last argument must be a function');
    return withTags(args.slice(0, -1) as EventTag[], fn as () => R);
  }

  /** Merges `context` into the context of the current request/job (or the process, outside one). */
  setContext(context: Record<string, unknown>): void {
    this.contextStore.setContext(context);
  }

  /** A copy of the current context. */
  context(): Record<string, unknown> {
    return copyOwn(this.contextStore.context());
  }

  /** Clears the current context. */
  clearContext(): void {
    this.contextStore.clear();
  }

  private dispatch(event: StructuredEvent): void {
    let errors: unknown[] | undefined;
    for (const { subscriber, filter } of this.entries) {
      try {
        if (filter && !filter(event)) continue;
        subscriber.emit(event);
      } catch (error) {
        if (this.raiseOnError) (errors ??= []).push(error);
        else this.report(error, event);
      }
    }
    // Every subscriber runs; then one error is rethrown as is, several as an AggregateError.
    if (errors) {
      throw errors.length === 1 ? errors[0] : new AggregateError(errors, `${errors.length} event subscribers failed for "${event.name}"`);
    }
  }

  private invalid(message: string): void {
    const error = new TypeError(message);
    if (this.raiseOnError) throw error;
    this.report(error);
  }

  private report(error: unknown, event?: StructuredEvent): void {
    try {
      this.onError(error, event);
    } catch {
      /* reporting must never break the app */
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (isPlainObject(value)) return 'a plain object';
  return typeof value;
}

/**
 * A JSON-ready copy of an event: event objects and tag objects replaced by their `serialize()`
 * result. For subscribers that store or ship events (the event plugin).
 */
export function serializeEvent(event: StructuredEvent): StructuredEvent<unknown> {
  const tags: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event.tags)) tags[key] = serializeEventPayload(value);
  return { ...event, payload: serializeEventPayload(event.payload), tags };
}

/** The process-wide reporter (Rails' `Rails.event`). */
export const eventReporter = new EventReporter();

/** `eventReporter.notify` (see EventReporter#notify). */
export function notify(nameOrObject: EventName | object, payload?: Record<PropertyKey, unknown> | Map<unknown, unknown> | null, options?: NotifyOptions): void {
  eventReporter.notify(nameOrObject, payload, options);
}

/** `eventReporter.tagged` (see EventReporter#tagged). */
export function tagged<R>(...args: TaggedArgs<R>): R {
  return eventReporter.tagged(...args);
}

/** `eventReporter.withDebug` (see EventReporter#withDebug). */
export function withDebug<R>(fn: () => R): R {
  return eventReporter.withDebug(fn);
}

/** `eventReporter.setContext` (see EventReporter#setContext). */
export function setContext(context: Record<string, unknown>): void {
  eventReporter.setContext(context);
}

/** `eventReporter.context` (see EventReporter#context). */
export function context(): Record<string, unknown> {
  return eventReporter.context();
}

/** `eventReporter.clearContext` (see EventReporter#clearContext). */
export function clearContext(): void {
  eventReporter.clearContext();
}
