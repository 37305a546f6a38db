import { Logger } from '@nestjs/common';
import { CAPTURE_EVENT_PATTERN, InstrumentationBus, Subscription } from '../bus/instrumentation-bus.js';
import { BatchDraft, currentContext, isOwnedBy, TrackerContext } from '../context/request-context.js';
import type { EntryDraft } from '../entries/entry.js';
import { monotonicUlidFactory } from '../entries/entry-id.js';
import type { EntryRepository } from '../storage/entry-repository.js';
import type { PreparedEntry } from '../storage/prepared-entry.js';
import { BatchSampler, SamplingOptions } from './batch-sampler.js';
import type { EntryCodec } from './entry-codec.js';
import { Redactions, serializeDraft } from './entry-serializer.js';
import { SensitiveKeys } from './sensitive-keys.js';
import { WriteBuffer } from './write-buffer.js';

export interface RecorderOptions {
  trackerId: string;
  /** Longest string kept in an entry. */
  maxPayloadBytes: number;
  /** The tracker's sensitive key items (drafts may add their own). */
  sensitiveKeys: readonly string[];
  buffer: {
    /** Entries held while storage is slow or down; beyond, new entries are dropped and counted. */
    maxEntries: number;
    /** Bytes of serialized entries held, the same way. */
    maxBytes: number;
    /** Longest time an entry waits before a write is attempted. */
    flushIntervalMs: number;
    /** A write starts at once when this many entries wait... */
    flushBatchSize: number;
    /** ...or this many bytes. */
    flushBytes: number;
  };
  batches: {
    /** How long an ended batch waits for late drafts (outbound calls whose body ends after the response). */
    graceMs: number;
    /** Most drafts one batch holds; more are dropped and counted. */
    maxDrafts: number;
  };
  sampling: SamplingOptions;
  codec?: EntryCodec;
  /** How often retention runs (prune). Default 60 s. */
  pruneIntervalMs?: number;
  /** A write that takes longer is abandoned. Default 5 s. */
  flushTimeoutMs?: number;
  filter?: (draft: EntryDraft) => boolean;
}

/** Counters exposed on the stats endpoint and used by tests. */
export interface RecorderStats {
  recorded: number;
  written: number;
  /** Entries waiting to be written. */
  buffered: number;
  /** Bytes of serialized entries waiting to be written. */
  bufferedBytes: number;
  /** Batches ended but not yet finalized (grace period). */
  pendingBatches: number;
  /** Entries lost: buffer full, storage failures, too many drafts in one batch. */
  dropped: number;
  filtered: number;
  /** Entries left out by sampling. */
  sampledOut: number;
  failedFlushes: number;
  storageReady: boolean;
}

/**
 * A batch step run once a batch has ended and its grace period passed, before sampling: where
 * N+1 detection, per-request query totals and LLM cost per request are computed. It may change the
 * drafts (content, tags, counters) and record new ones with `record(draft, batch)`.
 */
export type BatchProcessor = (batch: TrackerContext, drafts: BatchDraft[]) => void;

/**
 * Turns drafts into stored entries. The capture path (`record`) only keeps a reference: drafts are
 * grouped per batch (request or job) until it ends, then, after a short grace period and off the
 * response's tick, the batch processors run, sampling decides for the whole batch, and each kept
 * draft is serialized once (redaction, truncation and encryption in the same pass) into a bounded
 * write buffer. Writes are one repository `save` per flush and never awaited by capture: when
 * storage is slow or gone the buffer stays within its bounds, the rest is dropped and counted, and
 * writing resumes when it returns.
 */
export class EntryRecorder {
  private readonly logger = new Logger('ActiveTracker');
  private readonly nextId = monotonicUlidFactory();
  private readonly buffer: WriteBuffer;
  private readonly sampler: BatchSampler;
  private readonly sensitive: SensitiveKeys;
  /** Compiled sensitive keys of drafts that bring their own items (per items array). */
  private readonly ownSensitive = new WeakMap<readonly string[], SensitiveKeys>();
  private readonly processors: BatchProcessor[] = [];
  /** Ended batches in end order, waiting for their grace period. */
  private ending: TrackerContext[] = [];
  /** Drafts outside any open batch, waiting to be serialized. */
  private loose: Array<{ draft: EntryDraft; recordedAt: number; id: string; batch: TrackerContext | null }> = [];
  private drainTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private flushSoon = false;
  private timer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private subscription: Subscription | null = null;
  private stopBus: () => void = () => undefined;
  private storageDownSince: number | null = null;
  /** A save that timed out but has not settled: no new save starts until it does (bounds memory on a hung Redis). */
  private stalled: Promise<unknown> | null = null;
  private readonly counters = { recorded: 0, written: 0, dropped: 0, filtered: 0, sampledOut: 0, failedFlushes: 0 };
  /** Set while recording is paused from the dashboard: drafts are dropped on arrival. */
  paused = false;

  constructor(
    private readonly repository: EntryRepository,
    private readonly options: RecorderOptions,
  ) {
    this.buffer = new WriteBuffer(options.buffer.maxEntries, options.buffer.maxBytes);
    this.sampler = new BatchSampler(options.sampling);
    this.sensitive = new SensitiveKeys(options.sensitiveKeys);
  }

  /** Subscribes to capture events on `bus` (`<type>.active_tracker`) and starts the timers. */
  start(bus: InstrumentationBus): void {
    this.subscription = bus.subscribe<EntryDraft>(CAPTURE_EVENT_PATTERN, (event) => this.record(event.payload));
    this.stopBus = () => this.subscription && bus.unsubscribe(this.subscription);
    this.timer = setInterval(() => void this.flush(false), this.options.buffer.flushIntervalMs);
    this.timer.unref();
    this.pruneTimer = setInterval(() => void this.prune(), this.options.pruneIntervalMs ?? 60_000);
    this.pruneTimer.unref();
  }

  /** Adds a batch processor (see BatchProcessor). */
  addProcessor(processor: BatchProcessor): () => void {
    this.processors.push(processor);
    return () => {
      const at = this.processors.indexOf(processor);
      if (at >= 0) this.processors.splice(at, 1);
    };
  }

  /**
   * Accepts a draft: keeps a reference in its batch (or for the next drain when it has none).
   * `batch` is the batch it belongs to when recorded outside its async context. Never throws.
   */
  record(draft: EntryDraft, batch?: TrackerContext): string | undefined {
    if (this.paused) return undefined;
    try {
      const ctx = batch ?? (draft.batchId === undefined || draft.batchId === currentContext()?.batchId ? currentContext() : undefined);
      const owner = draft.trackerId !== undefined ? draft.trackerId : (ctx?.trackerId ?? null);
      if (!isOwnedBy(owner, this.options.trackerId)) return;
      if (this.options.filter && !this.options.filter(draft)) {
        this.counters.filtered++;
        return;
      }
      this.counters.recorded++;
      const recordedAt = Date.now();
      // Only this tracker's batches are grouped here: another tracker's batch is finalized (and
      // written) by that tracker's recorder, which would store this draft in its store, or twice.
      // Once a batch has ended, what it still records (its request entry, late calls) waits for its
      // processors even when it was decided early: they total the batch on its entry.
      if (ctx && draft.batchId !== null && ctx.state !== 'finalized' && ctx.trackerId === this.options.trackerId && (!ctx.decision || ctx.endedAt !== null)) {
        if (ctx.drafts.length >= this.options.batches.maxDrafts) {
          ctx.droppedDrafts++;
          this.counters.dropped++;
          return;
        }
        const id = this.nextId(recordedAt);
        ctx.drafts.push({ draft, recordedAt, id });
        // A long batch (a stream, a long poll, a job logging a lot) is decided early and written
        // as it goes, so an open batch never holds more than a few drafts' worth of memory.
        if (ctx.drafts.length >= EARLY_DECISION_DRAFTS && ctx.state === 'open' && ctx.endedAt === null) this.decideEarly(ctx);
        return id;
      }
      // A late draft of a decided batch follows the batch's sampling decision.
      if (ctx?.decision && !ctx.decision.keep && draft.batchId !== null) {
        this.counters.sampledOut++;
        return;
      }
      const id = this.nextId(recordedAt);
      this.loose.push({ draft, recordedAt, id, batch: draft.batchId === null ? null : (ctx ?? null) });
      this.armDrain(0);
      return id;
    } catch (error) {
      this.logger.warn(`could not record a ${draft?.type ?? 'unknown'} entry: ${(error as Error)?.message ?? error}`);
    }
    return undefined;
  }

  /**
   * Decides a still-open batch now (sampling cannot wait for its end) and moves what it holds to
   * the loose drafts; later drafts follow the decision. Processors see what is left at the end.
   */
  private decideEarly(batch: TrackerContext): void {
    const drafts = batch.drafts;
    const decision = this.sampler.decide(batch, drafts);
    batch.decision = decision;
    batch.drafts = [];
    if (!decision.keep) {
      this.counters.sampledOut += drafts.length;
      return;
    }
    for (const item of drafts) this.loose.push({ draft: item.draft, recordedAt: item.recordedAt, id: item.id, batch });
    this.armDrain(0);
  }

  /** Called when a batch has ended (after the plugins' end hooks recorded their drafts). */
  batchEnded(batch: TrackerContext): void {
    if (batch.state !== 'open') return;
    batch.state = 'ended';
    batch.endedAt ??= Date.now();
    this.ending.push(batch);
    this.armDrain(this.options.batches.graceMs);
  }

  private armDrain(delayMs: number): void {
    if (this.drainTimer) return;
    this.drainTimer = setTimeout(() => {
      this.drainTimer = null;
      this.drain(false);
    }, delayMs);
    this.drainTimer.unref();
  }

  /**
   * Finalizes the batches whose grace period is over (all of them when `all`) and serializes the
   * loose drafts into the write buffer, then starts a write when enough is waiting.
   */
  private drain(all: boolean): void {
    const now = Date.now();
    const grace = this.options.batches.graceMs;
    let done = 0;
    while (done < this.ending.length && (all || (this.ending[done].endedAt ?? 0) + grace <= now)) {
      this.finalize(this.ending[done]);
      done++;
    }
    if (done > 0) this.ending = done === this.ending.length ? [] : this.ending.slice(done);
    if (this.loose.length > 0) {
      const loose = this.loose;
      this.loose = [];
      for (const item of loose) {
        const weight = item.batch?.decision?.weight ?? 1;
        this.serialize(item.id, item.draft, item.recordedAt, item.batch ? item.batch.batchId : (item.draft.batchId ?? null), item.batch, weight);
      }
    }
    if (this.ending.length > 0) this.armDrain(Math.max(1, (this.ending[0].endedAt ?? now) + grace - now));
    if (this.buffer.length >= this.options.buffer.flushBatchSize || this.buffer.bytes >= this.options.buffer.flushBytes) {
      this.scheduleFlush();
    }
  }

  private finalize(batch: TrackerContext): void {
    try {
      for (const processor of this.processors) {
        try {
          processor(batch, batch.drafts);
        } catch (error) {
          this.logger.warn(`a batch processor failed: ${(error as Error)?.message ?? error}`);
        }
      }
      const drafts = batch.drafts;
      // A long batch was decided early; the decision stands for what it recorded since.
      const decision = batch.decision ?? this.sampler.decide(batch, drafts);
      batch.decision = decision;
      batch.state = 'finalized';
      batch.drafts = [];
      if (!decision.keep) {
        this.counters.sampledOut += drafts.length;
        return;
      }
      for (const item of drafts) this.serialize(item.id, item.draft, item.recordedAt, batch.batchId, batch, decision.weight);
    } catch (error) {
      this.logger.warn(`could not finalize batch ${batch.batchId}: ${(error as Error)?.message ?? error}`);
    }
  }

  private serialize(id: string, draft: EntryDraft, recordedAt: number, batchId: string | null, batch: TrackerContext | null, weight: number): void {
    try {
      const own = draft.redactions ?? [];
      const fromBatch = batch?.redactions ?? [];
      const values = own.length === 0 ? fromBatch : fromBatch.length === 0 ? own : [...new Set([...own, ...fromBatch])];
      const entry: PreparedEntry = serializeDraft(
        {
          id,
          draft,
          recordedAt,
          batchId,
          redactions: values.length === 0 ? Redactions.none : new Redactions(values),
          sensitive: this.sensitiveFor(draft),
          weight,
        },
        { maxString: this.options.maxPayloadBytes, codec: this.options.codec },
      );
      if (!this.buffer.push(entry)) this.counters.dropped++;
    } catch (error) {
      this.counters.dropped++;
      this.logger.warn(`could not serialize a ${draft?.type ?? 'unknown'} entry: ${(error as Error)?.message ?? error}`);
    }
  }

  private sensitiveFor(draft: EntryDraft): SensitiveKeys {
    const extra = draft.sensitiveKeys;
    if (!extra || extra.length === 0) return this.sensitive;
    let keys = this.ownSensitive.get(extra);
    if (!keys) this.ownSensitive.set(extra, (keys = this.sensitive.with(extra)));
    return keys;
  }

  private scheduleFlush(): void {
    if (this.flushSoon) return;
    this.flushSoon = true;
    setImmediate(() => {
      this.flushSoon = false;
      void this.flush(false);
    });
  }

  /**
   * Writes what is waiting. With `everything` (the default, for app code, tests and shutdown),
   * ended batches are finalized first without waiting for their grace period.
   */
  flush(everything = true): Promise<void> {
    if (everything) this.drain(true);
    if (this.flushing) return everything ? this.flushing.then(() => this.flush(false)) : this.flushing;
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
      const batch = this.buffer.take(1000, 4 * 1024 * 1024);
      const saving = this.repository.save(batch);
      try {
        await withTimeout(saving, this.options.flushTimeoutMs ?? 5000);
        this.counters.written += batch.length;
        this.markUp();
      } catch (error) {
        this.counters.failedFlushes++;
        if (error instanceof StorageTimeoutError) {
          // Saves are idempotent, but a hung server must not get a second copy queued behind the
          // first: the batch is dropped, and no save starts until the hung one settles.
          this.counters.dropped += batch.length;
          const stalled = saving
            .catch(() => undefined)
            .finally(() => {
              if (this.stalled === stalled) this.stalled = null;
            });
          this.stalled = stalled;
        } else {
          const before = this.buffer.dropped;
          this.buffer.requeue(batch);
          this.counters.dropped += this.buffer.dropped - before;
        }
        this.markDown((error as Error)?.message ?? String(error));
        return;
      }
    }
  }

  private markDown(reason: string): void {
    if (this.storageDownSince === null) {
      this.storageDownSince = Date.now();
      this.logger.warn(
        `storage unavailable (${reason}); buffering up to ${this.options.buffer.maxEntries} entries / ${Math.round(this.options.buffer.maxBytes / 1024)} KB`,
      );
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
      bufferedBytes: this.buffer.bytes,
      pendingBatches: this.ending.length,
      storageReady: this.repository.isReady() && this.storageDownSince === null,
    };
  }

  /** Stops capturing and makes a last bounded attempt to write what is buffered. */
  async stop(timeoutMs = 2000): Promise<void> {
    this.stopBus();
    for (const timer of [this.timer, this.pruneTimer, this.drainTimer]) if (timer) clearTimeout(timer);
    this.timer = this.pruneTimer = this.drainTimer = null;
    try {
      await withTimeout(this.flush(true), timeoutMs);
    } catch {
      /* shutting down: what cannot be written in time is lost, by design */
    }
  }
}

/** Drafts an open batch holds before it is decided early and written as it goes. */
const EARLY_DECISION_DRAFTS = 100;

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
