import { createHash } from 'node:crypto';
import {
  currentContext,
  displayPath,
  EXCEPTION_COUNTER,
  firstAppFrame,
  matchesFilter,
  NEST_EXCEPTION_EVENT,
  parseStack,
  type ActiveTrackerPlugin,
  type EntryDraft,
  type EntryReader,
  type ExceptionEntryContent,
  type ExceptionOrigin,
  type InstrumentationEvent,
  type NestHook,
  type OverviewTile,
  type OverviewWindow,
  type PluginHost,
  type PluginStatistic,
} from '../../plugin-api.js';
import { statusOf } from './exception-status.js';
export type { ExceptionOrigin, ExceptionEntryContent };

/** An exception filter: a class or class name (exact match), or a RegExp tested on the class name. */
export type ExceptionFilter = string | RegExp | (abstract new (...args: any[]) => unknown);

export interface ExceptionsPluginOptions {
  /** Exceptions not to record. */
  filters?: ExceptionFilter[];
  /** Also record 4xx HttpExceptions (validation errors, 404s...). Default false. */
  captureClientErrors?: boolean;
  /** Record `unhandledRejection` and `uncaughtException`. Default true. */
  captureProcessErrors?: boolean;
}

export { NEST_EXCEPTION_EVENT };

/**
 * Records unhandled errors (anywhere in the Nest pipeline, plus process-level ones), grouped by
 * family (class + first app frame) with count, first seen and last seen kept at write time.
 */
export class ExceptionsPlugin implements ActiveTrackerPlugin {
  readonly name = 'exceptions';
  readonly entryType = 'exception';
  readonly nav = { title: 'Exceptions', path: 'exceptions' };
  readonly requires: readonly NestHook[] = ['exceptions'];
  private host: PluginHost | null = null;

  constructor(private readonly pluginOptions: ExceptionsPluginOptions = {}) {}

  validate(): string[] {
    const o = this.pluginOptions;
    const problems: string[] = [];
    if (o.filters !== undefined) {
      if (!Array.isArray(o.filters)) problems.push('"filters" must be an array');
      else
        o.filters.forEach((f, i) => {
          if (typeof f !== 'string' && typeof f !== 'function' && !(f instanceof RegExp)) {
            problems.push(`"filters[${i}]" must be an error class, a class name or a RegExp`);
          }
        });
    }
    for (const key of ['captureClientErrors', 'captureProcessErrors'] as const) {
      if (o[key] !== undefined && typeof o[key] !== 'boolean') problems.push(`"${key}" must be a boolean`);
    }
    return problems;
  }

  register(host: PluginHost): () => void {
    this.host = host;
    const sub = host.bus.subscribe(NEST_EXCEPTION_EVENT, (event: InstrumentationEvent<{ exception: unknown; request?: any }>) => {
      const req = event.payload.request;
      this.capture(event.payload.exception, 'http', req ? { method: req.method, path: String(req.originalUrl ?? req.url ?? '').split('?')[0] } : undefined);
    });
    const teardowns = [() => host.bus.unsubscribe(sub), host.processBatch((batch, drafts) => this.settle(batch, drafts))];
    if (this.pluginOptions.captureProcessErrors !== false) teardowns.push(this.listenToProcess());
    return () => teardowns.forEach((t) => t());
  }

  /**
   * `uncaughtExceptionMonitor` observes without changing Node's behaviour; it also sees unhandled
   * rejections that are about to crash the process. When the host handles `unhandledRejection`
   * itself (so nothing crashes), we listen there too, never adding the first listener ourselves:
   * that would silently stop the crash Node would otherwise cause.
   */
  private listenToProcess(): () => void {
    const onMonitor = (error: unknown, origin: string) => this.capture(error, origin === 'unhandledRejection' ? 'unhandledRejection' : 'uncaughtException');
    const onRejection = (reason: unknown) => this.capture(reason, 'unhandledRejection');
    let listening = false;
    const attach = () => {
      if (!listening) {
        listening = true;
        process.on('unhandledRejection', onRejection);
      }
    };
    const onNewListener = (event: string | symbol, listener: unknown) => {
      if (event === 'unhandledRejection' && listener !== onRejection) setImmediate(attach);
    };
    process.on('uncaughtExceptionMonitor', onMonitor);
    if (process.listenerCount('unhandledRejection') > 0) attach();
    else process.on('newListener', onNewListener);
    return () => {
      process.off('uncaughtExceptionMonitor', onMonitor);
      process.off('newListener', onNewListener);
      process.off('unhandledRejection', onRejection);
    };
  }

  /**
   * Batch processor: an HTTP exception's status is the one the client got. Exception filters run
   * after the hook saw the error, and since Nest 12 they may be async: only at the end of the
   * request is the answer known. An error a filter answered with a 4xx counts as a client error.
   */
  private settle(batch: { http?: { res: { statusCode: number } } }, drafts: Array<{ draft: EntryDraft }>): void {
    const status = batch.http?.res.statusCode;
    if (status === undefined) return;
    for (let i = drafts.length - 1; i >= 0; i--) {
      const { draft } = drafts[i];
      if (draft.type !== this.entryType) continue;
      const content = draft.content as unknown as ExceptionEntryContent;
      if (content.origin !== 'http') continue;
      content.status = status;
      if (!this.pluginOptions.captureClientErrors && status >= 400 && status < 500) drafts.splice(i, 1);
    }
  }

  /** True when the plugin's filters (or, for HTTP errors, the 4xx rule) exclude `error`. */
  isFiltered(error: unknown, origin: ExceptionOrigin = 'http'): boolean {
    if (origin === 'http' && !this.pluginOptions.captureClientErrors) {
      const status = statusOf(error);
      if (status >= 400 && status < 500) return true;
    }
    const name = classNameOf(error);
    for (const filter of this.pluginOptions.filters ?? []) {
      if (typeof filter !== 'function') {
        if (matchesFilter(filter, name, 'exact')) return true;
      } else if (error !== null && typeof error === 'object' && (error as object).constructor === filter) return true;
    }
    return false;
  }

  /** Records `error` now (also usable by app code through `ActiveTracker.recordException`). */
  capture(error: unknown, origin: ExceptionOrigin, request?: { method: string; path: string }): void {
    const host = this.host;
    if (!host) return;
    try {
      if (this.isFiltered(error, origin)) return;
      if (seen.has(error as object) && seen.get(error as object) === host.trackerId) return;
      if (error !== null && typeof error === 'object') seen.set(error as object, host.trackerId);
      host.record(this.buildDraft(error, origin, request), currentContext());
    } catch {
      /* capture never harms the host */
    }
  }

  private buildDraft(error: unknown, origin: ExceptionOrigin, request?: { method: string; path: string }): EntryDraft {
    const ctx = currentContext();
    const className = classNameOf(error);
    const message = error instanceof Error ? error.message : typeof error === 'string' ? error : safeJson(error);
    const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : null;
    const frames = parseStack(stack).map((f) => ({ ...f, file: displayPath(f.file) }));
    const first = firstAppFrame(frames) ?? frames[0] ?? null;
    const location = first ? { file: first.file, line: first.line, function: first.function } : null;
    const content: ExceptionEntryContent = {
      class: className,
      message,
      stack,
      frames,
      location,
      status: origin === 'http' ? statusOf(error) : null,
      origin,
      ...(request ? { request } : {}),
    };
    const where = location ? `${location.file}:${location.line}` : '';
    const familyHash = createHash('sha1').update(`${className}|${where}`).digest('hex').slice(0, 16);
    return {
      type: this.entryType,
      batchId: ctx?.batchId ?? null,
      familyHash,
      counters: [{ name: EXCEPTION_COUNTER, key: familyHash, value: 1 }],
      tags: ctx ? { ...ctx.tags } : {},
      // Top-level scalars (class, message, locationLabel) are what the family aggregate keeps.
      content: { ...(content as unknown as Record<string, unknown>), locationLabel: where || null },
      trackerId: ctx?.trackerId ?? this.host?.trackerId ?? null,
    };
  }

  async statistics(entries: EntryReader): Promise<PluginStatistic[]> {
    const count = await entries.count(this.entryType);
    return [{ plugin: this.name, label: 'Exceptions', value: count, ...(count > 0 ? { error: true } : {}) }];
  }

  /** The overview's tile: occurrences over the window, the families they belong to, a sparkline. */
  async overview(entries: EntryReader, window: OverviewWindow): Promise<OverviewTile[]> {
    const { buckets, approximate } = await entries.counters({ name: EXCEPTION_COUNTER, granularity: window.granularity, from: window.from, to: window.to });
    const families = new Set<string>();
    const series = buckets.map((bucket) => {
      let sum = 0;
      for (const [hash, n] of Object.entries(bucket.values)) {
        sum += n;
        if (n > 0) families.add(hash);
      }
      return sum;
    });
    const total = series.reduce((a, b) => a + b, 0);
    const hint = total === 0 ? 'none in this period' : `${families.size} ${families.size === 1 ? 'family' : 'families'}${approximate ? ' (estimated)' : ''}`;
    return [
      { plugin: this.name, key: 'exceptions', label: 'Exceptions', value: total, hint, link: this.nav.path, series, ...(total > 0 ? { error: true } : {}) },
    ];
  }
}

/** Which tracker already recorded an error object (one error reaches several hooks). */
const seen = new WeakMap<object, string>();

/** The exception plugin: `exceptions({ filters: [NotFoundException, 'QueryFailedError', /Timeout/] })`. */
export function exceptions(options: ExceptionsPluginOptions = {}): ExceptionsPlugin {
  return new ExceptionsPlugin(options);
}

function classNameOf(error: unknown): string {
  if (error === null || error === undefined) return String(error);
  if (typeof error === 'object') return (error as object).constructor?.name || 'Object';
  return typeof error;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
