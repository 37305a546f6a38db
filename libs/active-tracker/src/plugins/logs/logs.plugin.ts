import {
  currentContext,
  isOwnedBy,
  LOG_LEVELS,
  LogLevel,
  matchesFilter,
  NEST_LOG_EVENT,
  NestLogEvent,
  stringFilterProblems,
  type ActiveTrackerPlugin,
  type EntryDraft,
  type EntryReader,
  type InstrumentationEvent,
  type LogEntryContent,
  type NestHook,
  type PluginHost,
  type PluginStatistic,
  type StringFilter,
} from '../../plugin-api.js';
export type { LogEntryContent };

/**
 * A log filter: a string drops lines whose context is exactly that string or whose message
 * contains it; a RegExp drops lines whose context or message it matches.
 */
export type LogFilter = StringFilter;

/** Options of the log plugin. */
export interface LogsPluginOptions {
  /** Least severe level recorded (Nest order: verbose < debug < log < warn < error < fatal). Default 'log'. */
  level?: LogLevel;
  /** Lines not to record (see LogFilter). */
  filters?: LogFilter[];
}

/** Context of the tracker's own log lines: never recorded, so recording cannot feed itself. */
export const TRACKER_LOG_CONTEXT = 'ActiveTracker';

/**
 * Records every Nest `Logger` / `ConsoleLogger` call at or above the threshold as a `log` entry,
 * linked to the request it ran in. Built on the `log.nest` bus event published by the logger
 * capture (which also appends the line to the request's own log), so it works whatever logger the
 * host installed with `app.useLogger` and with host loggers extending `ConsoleLogger`.
 * Entries are tagged `level:<level>`, so `?type=log&tag=level:error` lists the errors.
 */
export class LogsPlugin implements ActiveTrackerPlugin {
  readonly name = 'logs';
  readonly entryType = 'log';
  readonly nav = { title: 'Logs', path: 'logs' };
  readonly requires: readonly NestHook[] = ['logger'];
  readonly level: LogLevel;
  private readonly minRank: number;
  private readonly filters: LogFilter[];

  constructor(private readonly pluginOptions: LogsPluginOptions = {}) {
    this.level = LOG_LEVELS.includes(pluginOptions.level as LogLevel) ? (pluginOptions.level as LogLevel) : 'log';
    this.minRank = LOG_LEVELS.indexOf(this.level);
    this.filters = Array.isArray(pluginOptions.filters) ? pluginOptions.filters : [];
  }

  validate(): string[] {
    const o = this.pluginOptions;
    const problems: string[] = [];
    if (o.level !== undefined && !LOG_LEVELS.includes(o.level)) {
      problems.push(`"level" must be one of ${LOG_LEVELS.map((l) => `'${l}'`).join(', ')} (got ${JSON.stringify(o.level)})`);
    }
    if (o.filters !== undefined) {
      if (!Array.isArray(o.filters)) problems.push('"filters" must be an array of strings and RegExps');
      else problems.push(...stringFilterProblems('filters', o.filters));
    }
    return problems;
  }

  register(host: PluginHost): () => void {
    const sub = host.bus.subscribe(NEST_LOG_EVENT, (event: InstrumentationEvent<NestLogEvent>) => {
      try {
        const draft = this.toDraft(event.payload, host.trackerId);
        if (draft) host.record(draft);
      } catch {
        /* capture never harms the host */
      }
    });
    return () => host.bus.unsubscribe(sub);
  }

  /** True when the line must not be recorded (below the threshold, the tracker's own, or filtered). */
  isFiltered(line: NestLogEvent): boolean {
    const rank = LOG_LEVELS.indexOf(line.level);
    if (rank < this.minRank) return true;
    if (line.context === TRACKER_LOG_CONTEXT) return true;
    for (const filter of this.filters) {
      if (line.context !== undefined && matchesFilter(filter, line.context, 'exact')) return true;
      if (matchesFilter(filter, line.message, 'contains')) return true;
    }
    return false;
  }

  private toDraft(line: NestLogEvent, trackerId: string): EntryDraft | null {
    if (!line || typeof line.message !== 'string' || this.isFiltered(line)) return null;
    const ctx = currentContext();
    // Every tracker of the process hears the bus; a request belongs to the tracker that started it.
    if (!isOwnedBy(ctx?.trackerId, trackerId)) return null;
    const content: LogEntryContent = { level: line.level, message: line.message };
    if (line.context) content.context = line.context;
    if (line.stack) content.stack = line.stack;
    return {
      type: this.entryType,
      batchId: ctx?.batchId ?? null,
      durationMs: null,
      familyHash: null,
      tags: { ...(ctx?.tags ?? {}), level: line.level },
      content: content as unknown as Record<string, unknown>,
      trackerId: ctx?.trackerId ?? trackerId,
    };
  }

  /** Number of log entries; flagged when an error or fatal line is stored (tag index, limit 1). */
  async statistics(entries: EntryReader): Promise<PluginStatistic[]> {
    const [count, errors, fatals] = await Promise.all([
      entries.count(this.entryType),
      entries.list({ type: this.entryType, tags: [{ key: 'level', value: 'error' }], limit: 1 }),
      entries.list({ type: this.entryType, tags: [{ key: 'level', value: 'fatal' }], limit: 1 }),
    ]);
    const failing = errors.data.length > 0 || fatals.data.length > 0;
    return [{ plugin: this.name, label: 'Logs', value: count, ...(failing ? { error: true } : {}) }];
  }
}

/** The log plugin: `logs({ level: 'warn', filters: ['HealthController', /heartbeat/] })`. */
export function logs(options: LogsPluginOptions = {}): LogsPlugin {
  return new LogsPlugin(options);
}
