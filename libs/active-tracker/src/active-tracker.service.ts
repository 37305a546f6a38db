import { Inject, Injectable } from '@nestjs/common';
import { ACTIVE_TRACKER_RUNTIME } from './active-tracker.constants.js';
import type { TrackerRuntime } from './active-tracker.runtime.js';
import { currentContext, redactCurrent, tagCurrent } from './context/request-context.js';
import { eventReporter, type EventReporter } from './bus/event-reporter.js';
import { notifications, type InstrumentationBus } from './bus/instrumentation-bus.js';
import type { RunInBatchOptions } from './plugins/plugin.js';
import type { LlmInteractionInput, LlmRecordResult } from './plugins/llm/llm.types.js';

/** What the service needs of the exceptions and events plugins, found by name (the core imports no plugin). */
interface ExceptionRecorder {
  capture(error: unknown, origin: 'manual'): void;
}
interface EventRecorder {
  track(key: string, description?: string, data?: Record<string, unknown>): void;
}
/** What the service needs of the LLM plugin (`tracker.llm.record`); types in plugins/llm/llm.types.ts. */
interface LlmRecorder {
  record(input: LlmInteractionInput): Promise<LlmRecordResult>;
}

/**
 * The tracker for app code. Every method is also usable outside DI through the request context
 * (`tagCurrent`, `redactCurrent`, ...); none of them ever throws into the caller.
 */
@Injectable()
export class ActiveTracker {
  /** The instrumentation bus (ActiveSupport::Notifications): `tracker.notifications.instrument(...)`. */
  readonly notifications: InstrumentationBus = notifications;
  /** The structured event reporter (ActiveSupport::EventReporter): `tracker.events.notify(...)`. */
  readonly events: EventReporter = eventReporter;

  constructor(@Inject(ACTIVE_TRACKER_RUNTIME) private readonly runtime: TrackerRuntime) {}

  /** Adds tags to the current request (user_name, user_email, user_avatar_url show as its user). */
  tagCurrent(tags: Record<string, unknown>): void {
    tagCurrent(tags);
  }

  /** Replaces this literal value by `[REDACTED]` in everything recorded for the current request. */
  redactCurrent(...values: unknown[]): void {
    redactCurrent(...values);
  }

  /** The batch id (ULID) of the current request, or null outside one. */
  currentBatchId(): string | null {
    return currentContext()?.batchId ?? null;
  }

  /** Records an error that the app handled itself (not thrown to Nest). */
  recordException(error: unknown): void {
    this.runtime.plugin<ExceptionRecorder & { name: string; entryType: string }>('exceptions')?.capture(error, 'manual');
  }

  /**
   * Records a custom event (an `event` entry) with its backtrace, linked to the current request and
   * grouped by `key`. Needs the `events()` plugin (a default one); `trackEvent` does the same outside DI.
   */
  event(key: string, description?: string, data?: Record<string, unknown>): void {
    this.runtime.plugin<EventRecorder & { name: string; entryType: string }>('events')?.track(key, description, data);
  }

  /**
   * LLM interactions: `tracker.llm.record({ provider, model, inputTokens, ... })` (TraceBook's
   * `record!`), resolving to `{ success, error, interaction }`. Needs the `llm()` plugin; without it
   * the result says so. `recordLlm` does the same outside DI.
   */
  get llm(): LlmRecorder {
    const plugin = this.runtime.plugin<LlmRecorder & { name: string; entryType: string }>('llm');
    return (
      plugin ?? {
        record: async () => ({ success: false, error: new Error("the llm() plugin is not enabled (add llm() to the tracker's plugins)"), interaction: null }),
      }
    );
  }

  /**
   * Runs `fn` in a batch of its own (a job, a scheduled task, a script): what it records (logs,
   * queries, errors, calls) is grouped and linked like a request's. Returns what `fn` returns.
   */
  runInBatch<T>(kind: string, fn: () => T, options?: RunInBatchOptions): T {
    return this.runtime.runInBatch(kind, fn, options);
  }

  /** Writes buffered entries now (useful in tests and before a short-lived process exits). */
  flush(): Promise<void> {
    return this.runtime.recorder.flush();
  }
}
