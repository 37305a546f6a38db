import { Logger } from '@nestjs/common';
import { CAPTURE_EVENT_PATTERN, InstrumentationBus, Subscription } from '../bus/instrumentation-bus.js';
import { currentContext } from '../context/request-context.js';
import { Entry, EntryDraft } from '../entries/entry.js';
import { monotonicUlidFactory } from '../entries/entry-id.js';
import { EntryRepository } from '../storage/entry-repository.js';
import { sanitizeValue, SanitizeState, redactString } from './entry-sanitizer.js';

export interface RecorderOptions {
  trackerId: string;
  maxBufferEntries: number;
  flushIntervalMs: number;
  flushBatchSize: number;
  maxPayloadBytes: number;
  /** How often retention runs (prune). Default 60 s. */
  pruneIntervalMs?: number;
  /** A flush that takes longer is abandoned (entries requeued). Default 5 s. */
  flushTimeoutMs?: number;
  filter?: (draft: EntryDraft) => boolean;
}

/** Counters exposed on the stats endpoint and used by tests. */
export interface RecorderStats {
  recorded: number;
  written: number;
  buffered: number;
  dropped: number;
  filtered: number;
  failedFlushes: number;
  storageReady: boolean;
}

/**
 * Turns capture events into Entries and writes them in batches. The capture path (`record`) is
 * synchronous and never awaits storage; the buffer is bounded, so when storage is slow or gone the
 * newest entries beyond the bound are dropped and counted, and writing resumes when it returns.
 */
export class EntryRecorder {
  private readonly logger = new Logger('ActiveTracker');
  private readonly nextId = monotonicUlidFactory();
  private buffer: Entry[] = [];
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private subscription: Subscription | null = null;
  private earlyFlushScheduled = false;
  private storageDownSince: number | null = null;
  /** A save that timed out but has not settled: no new save starts until it does (bounds memory on a hung Redis). */
  private stalled: Promise<unknown> | null = null;
  private readonly counters = { recorded: 0, written: 0, dropped: 0, filtered: 0, failedFlushes: 0 };

  constructor(
    private readonly repository: EntryRepository,
    private readonly options: RecorderOptions,
  ) {}

  /** Subscribes to capture events on `bus` and starts the flush timer. */
  start(bus: InstrumentationBus): void {
    this.subscription = bus.subscribe<EntryDraft>(CAPTURE_EVENT_PATTERN, (event) => this.record(event.payload));
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
    this.pruneTimer = setInterval(() => void this.prune(), this.options.pruneIntervalMs ?? 60_000);
    this.pruneTimer.unref();
    this.stopBus = () => this.subscription && bus.unsubscribe(this.subscription);
  }

  private stopBus: () => void = () => undefined;

  /** Accepts a draft: filters, sanitizes, redacts, truncates and buffers it. Never throws. */
  record(draft: EntryDraft): void {
    try {
      const ctx = currentContext();
      const owner = draft.trackerId !== undefined ? draft.trackerId : (ctx?.trackerId ?? null);
      if (owner !== null && owner !== this.options.trackerId) return;
      if (this.options.filter && !this.options.filter(draft)) {
        this.counters.filtered++;
        return;
      }
      if (this.buffer.length >= this.options.maxBufferEntries) {
        this.counters.dropped++;
        return;
      }
      this.buffer.push(this.toEntry(draft, redactionsOf(draft, ctx?.redactions)));
      this.counters.recorded++;
      if (this.buffer.length >= this.options.flushBatchSize && !this.earlyFlushScheduled) {
        this.earlyFlushScheduled = true;
        setImmediate(() => {
          this.earlyFlushScheduled = false;
          void this.flush();
        });
      }
    } catch (error) {
      this.logger.warn(`could not record a ${draft?.type ?? 'unknown'} entry: ${(error as Error)?.message ?? error}`);
    }
  }

  private toEntry(draft: EntryDraft, redactions: readonly string[]): Entry {
    const state: SanitizeState = { truncated: false, isSensitive: draft.sensitiveKeys };
    const content = (sanitizeValue(draft.content ?? {}, redactions, this.options.maxPayloadBytes, state) ?? {}) as Record<string, unknown>;
    if (state.truncated) content.truncated = true;
    const tags: Record<string, string> = {};
    for (const [key, value] of Object.entries(draft.tags ?? {})) {
      if (value === undefined || value === null) continue;
      tags[key] = redactString(typeof value === 'string' ? value : String(value), redactions).slice(0, 1024);
    }
    const at = draft.occurredAt === undefined ? new Date() : new Date(draft.occurredAt);
    return {
      id: this.nextId(),
      type: draft.type,
      batchId: draft.batchId !== undefined ? draft.batchId : (currentContext()?.batchId ?? null),
      occurredAt: Number.isNaN(at.getTime()) ? new Date().toISOString() : at.toISOString(),
      durationMs: typeof draft.durationMs === 'number' && Number.isFinite(draft.durationMs) ? Math.round(draft.durationMs * 1000) / 1000 : null,
      familyHash: draft.familyHash ?? null,
      tags,
      content,
    };
  }

  /** Writes what is buffered (one pipelined `save` per batch). Safe to call at any time. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.buffer.length === 0) return Promise.resolve();
    this.flushing = this.flushNow().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async flushNow(): Promise<void> {
    while (this.buffer.length > 0) {
      if (!this.repository.isReady()) {
        this.markDown('storage is not connected');
        return;
      }
      if (this.stalled) {
        this.markDown('a previous write has not finished');
        return;
      }
      const batch = this.buffer.splice(0, 1000);
      const saving = this.repository.save(batch);
      try {
        await withTimeout(saving, this.options.flushTimeoutMs ?? 5000);
        this.counters.written += batch.length;
        this.markUp();
      } catch (error) {
        this.counters.failedFlushes++;
        // A timed-out write may still land: requeueing it could count families twice, so it is dropped.
        if (error instanceof StorageTimeoutError) {
          this.counters.dropped += batch.length;
          const stalled = saving.catch(() => undefined).finally(() => {
            if (this.stalled === stalled) this.stalled = null;
          });
          this.stalled = stalled;
        } else this.requeue(batch);
        this.markDown((error as Error)?.message ?? String(error));
        return;
      }
    }
  }

  /** Puts a failed batch back in front, keeping the bound (the oldest are dropped first). */
  private requeue(batch: Entry[]): void {
    const room = this.options.maxBufferEntries - this.buffer.length;
    const keep = room >= batch.length ? batch : batch.slice(batch.length - Math.max(room, 0));
    this.counters.dropped += batch.length - keep.length;
    this.buffer = keep.concat(this.buffer);
  }

  private markDown(reason: string): void {
    if (this.storageDownSince === null) {
      this.storageDownSince = Date.now();
      this.logger.warn(`storage unavailable (${reason}); buffering up to ${this.options.maxBufferEntries} entries`);
    }
  }

  private markUp(): void {
    if (this.storageDownSince !== null) {
      this.logger.log(`storage available again after ${Date.now() - this.storageDownSince} ms; ${this.counters.dropped} entries dropped so far`);
      this.storageDownSince = null;
    }
  }

  private async prune(): Promise<void> {
    if (!this.repository.isReady()) return;
    try {
      await this.repository.prune();
    } catch (error) {
      this.logger.warn(`retention pruning failed: ${(error as Error)?.message ?? error}`);
    }
  }

  stats(): RecorderStats {
    return {
      ...this.counters,
      buffered: this.buffer.length,
      storageReady: this.repository.isReady() && this.storageDownSince === null,
    };
  }

  /** Stops capturing and makes a last bounded attempt to write what is buffered. */
  async stop(timeoutMs = 2000): Promise<void> {
    this.stopBus();
    if (this.timer) clearInterval(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.timer = this.pruneTimer = null;
    try {
      await withTimeout(this.flush(), timeoutMs);
    } catch {
      /* shutting down: what cannot be written in time is lost, by design */
    }
  }
}

/**
 * The draft's own values plus those of the request it is recorded in: `redactCurrent` applies to
 * everything recorded for the request, also to drafts that carry redactions of their own.
 */
function redactionsOf(draft: EntryDraft, fromContext: readonly string[] | undefined): readonly string[] {
  const own = draft.redactions;
  if (!own || own.length === 0) return fromContext ?? [];
  if (!fromContext || fromContext.length === 0 || own === fromContext) return own;
  return [...new Set([...own, ...fromContext])];
}

class StorageTimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new StorageTimeoutError(`storage did not answer within ${ms} ms`)), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}
