/** What subscribers receive for every instrumented or published event. */
export interface InstrumentationEvent<P = Record<string, unknown>> {
  name: string;
  payload: P;
  /** Wall-clock start and finish in epoch milliseconds (monotonic subscribers get performance.now()). */
  start: number;
  finish: number;
  /** Duration in milliseconds measured on the monotonic clock. */
  duration: number;
  /** Unique id of this notification. */
  id: string;
  /** The batch (request/job) the event happened in, or null outside one. */
  transactionId: string | null;
}

/** Which events a subscription receives: a name, a RegExp over names, or undefined (every event). */
export type EventPattern = string | RegExp | undefined;
export type EventHandler<P = any> = (event: InstrumentationEvent<P>) => void;

/** An object subscriber, like Rails' callable subscribers (`subscribe('x', new PageRequest())`). */
export interface CallableSubscriber<P = any> {
  call(event: InstrumentationEvent<P>): void;
}

/** Anything `subscribe` accepts as a listener: a function or an object with `call(event)`. */
export type EventListener<P = any> = EventHandler<P> | CallableSubscriber<P>;

/**
 * The payload keys set when instrumented code throws or rejects (Rails' `:exception` and
 * `:exception_object`).
 */
export interface InstrumentationExceptionPayload {
  /** `[className, message]` of the error. */
  exception?: [string, string];
  /** The error itself, as thrown. */
  exceptionObject?: unknown;
}

/**
 * An event started now and finished later, for instrumentation whose start and end arrive in
 * separate callbacks (diagnostics_channel start/end pairs) where `instrument(fn)` cannot wrap them.
 */
export interface InstrumentationHandle<P = Record<string, unknown>> {
  readonly name: string;
  /** The payload object; add keys to it before `finish()`. */
  readonly payload: P;
  /** Notifies the subscribers that matched at start. Idempotent: later calls do nothing. */
  finish(extra?: Partial<P> & Record<string, unknown>): void;
  /** Like `finish`, with `exception`/`exceptionObject` set from `error` first. */
  fail(error: unknown, extra?: Partial<P> & Record<string, unknown>): void;
}
