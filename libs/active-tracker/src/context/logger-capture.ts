import { ConsoleLogger, Logger } from '@nestjs/common';
import { notifications } from '../bus/instrumentation-bus.js';
import { isoTime } from '../entries/iso-time.js';
import { isClean, sanitizeValue } from '../recorder/entry-sanitizer.js';
import { DEFAULT_SENSITIVE_KEYS, SensitiveKeys } from '../recorder/sensitive-keys.js';
import { appendContextLog, currentContext, MAX_REQUEST_LOG_BYTES } from './request-context.js';

import { LOG_LEVELS, type LogLevel } from '../contracts/log-level.js';
export { LOG_LEVELS, type LogLevel };

/** Payload of the `log.nest` event published for every Nest Logger / ConsoleLogger call. */
export interface NestLogEvent {
  level: LogLevel;
  message: string;
  context?: string;
  stack?: string;
}

/** Bus event name of captured log calls (the log plugin records them as `log` entries). */
export const NEST_LOG_EVENT = 'log.nest';

const PATCHED = Symbol.for('activeTracker.loggerPatched');
let depth = 0;

/**
 * Observes every Nest `Logger` call (instance and static, whatever logger `app.useLogger` installed)
 * and direct `ConsoleLogger` calls, appends it to the current request's log (64 KB cap) and
 * publishes it on the bus. The original method always runs with the original arguments; the depth
 * counter makes Logger → ConsoleLogger count once.
 */
export function installLoggerCapture(): void {
  const loggerProto = Logger.prototype as any;
  if (loggerProto[PATCHED]) return;
  for (const level of LOG_LEVELS) {
    wrap(loggerProto, level, level, (self) => self?.context);
    wrap(Logger as any, level, level, () => undefined);
    wrap(ConsoleLogger.prototype as any, level, level, (self) => self?.context);
  }
  loggerProto[PATCHED] = true;
}

const NO_PARAMS: unknown[] = [];

function wrap(target: any, method: string, level: LogLevel, ownContext: (self: any) => string | undefined): void {
  const original = target[method];
  if (typeof original !== 'function') return;
  // `arguments` + apply: the host's arguments are forwarded as they are, without rest/spread copies.
  target[method] = function (this: any, message: unknown) {
    const observed = depth === 0;
    if (observed) {
      depth++;
      try {
        const params = arguments.length > 1 ? Array.prototype.slice.call(arguments, 1) : NO_PARAMS;
        observe(level, message, params, ownContext(this));
      } catch {
        /* logging must never fail because of the tracker */
      } finally {
        depth--;
      }
    }
    const buffer = bootBuffer();
    const bufferedBefore = buffer?.length ?? 0;
    depth++;
    try {
      return original.apply(this, arguments);
    } finally {
      depth--;
      // With `bufferLogs`, Nest queues the call and replays it on Logger.flush() through the
      // underlying logger; the call was observed now, so its replay must not be observed again.
      if (observed && buffer && buffer === bootBuffer()) {
        for (let i = bufferedBefore; i < buffer.length; i++) muteReplay(buffer[i]);
      }
    }
  };
}

interface BufferedLogCall {
  methodRef: (...args: unknown[]) => unknown;
}

/** Nest's boot log buffer (`Logger.logBuffer`), filled while `Logger.attachBuffer()` is on. */
function bootBuffer(): BufferedLogCall[] | undefined {
  const buffer = (Logger as any).logBuffer;
  return Array.isArray(buffer) ? buffer : undefined;
}

function muteReplay(item: BufferedLogCall): void {
  const replay = item?.methodRef;
  if (typeof replay !== 'function') return;
  item.methodRef = (...args: unknown[]) => {
    depth++;
    try {
      return replay(...args);
    } finally {
      depth--;
    }
  };
}

function observe(level: LogLevel, message: unknown, params: unknown[], ownContext: string | undefined): void {
  const ctx = currentContext();
  const listening = notifications.isListening(NEST_LOG_EVENT);
  if (!ctx && !listening) return;
  const event = toEvent(level, message, params, ownContext);
  if (ctx) appendContextLog({ level, message: event.message, context: event.context, at: isoTime(Date.now()) }, ctx);
  if (listening) notifications.instrument(NEST_LOG_EVENT, event);
}

function toEvent(level: LogLevel, message: unknown, params: unknown[], ownContext: string | undefined): NestLogEvent {
  // The common call, logger.log('text') on a logger with a context, allocates nothing more.
  if (params.length === 0 && typeof message === 'string') {
    return ownContext ? { level, message, context: ownContext } : { level, message };
  }
  const rest = params.filter((p) => p !== undefined);
  let context = ownContext;
  if (context === undefined && rest.length > 0 && typeof rest[rest.length - 1] === 'string') {
    // Static calls and ConsoleLogger pass the context last (error: message, stack?, context?).
    context = rest.pop() as string;
  } else if (context !== undefined && rest[rest.length - 1] === context) {
    rest.pop();
  }
  let stack: string | undefined;
  if ((level === 'error' || level === 'fatal') && typeof rest[0] === 'string' && /\n\s+at /.test(rest[0])) {
    stack = rest.shift() as string;
  }
  if (message instanceof Error) stack ??= message.stack;
  const text = [message, ...rest].map(stringify).join(' ');
  return { level, message: text, ...(context ? { context } : {}), ...(stack ? { stack } : {}) };
}

/**
 * Keys of logged objects whose values never reach a log line. Logger capture is process-wide, so
 * it uses every running tracker's `sensitiveKeys` (the defaults until one starts).
 */
let logKeys = new SensitiveKeys(DEFAULT_SENSITIVE_KEYS);
const isSensitiveLogKey = (key: string): boolean => logKeys.matches(key);

/** Adds a tracker's sensitive keys to those applied to logged objects. */
export function useLogSensitiveKeys(items: readonly string[]): void {
  const missing = items.filter((item) => !logKeys.items.includes(item));
  if (missing.length > 0) logKeys = logKeys.with(missing);
}

/**
 * A logged value as text. Objects go through the recorder's walker, so the values of sensitive
 * keys (`logger.log({ cardNumber })`) are redacted before the line is kept or published; the
 * read-only check lets clean objects take native JSON.stringify.
 */
function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    if (value !== null && typeof value === 'object' && !isClean(value, [], MAX_REQUEST_LOG_BYTES, isSensitiveLogKey)) {
      return JSON.stringify(sanitizeValue(value, [], MAX_REQUEST_LOG_BYTES, { truncated: false, isSensitive: isSensitiveLogKey })) ?? String(value);
    }
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
