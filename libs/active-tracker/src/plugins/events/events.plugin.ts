import { createHash } from 'node:crypto';
import {
  currentContext,
  currentTags,
  displayPath,
  EventReporter,
  eventReporter,
  EventSubscriber,
  isHostFile,
  isOwnedBy,
  matchesAnyFilter,
  parseStack,
  sanitizeValue,
  sensitiveKeyMatcher,
  serializeEventPayload,
  StackFrame,
  stringFilterProblems,
  StructuredEvent,
  TRACKER_FILE,
  type ActiveTrackerPlugin,
  type EntryDraft,
  type EntryReader,
  type EventEntryContent,
  type EventSource,
  type PluginHost,
  type PluginStatistic,
  type StringFilter,
} from '../../plugin-api.js';
export type { EventSource, EventEntryContent };

/** A name filter of recorded notifications: a string is an exact event name, a RegExp is tested on it. */
export type NotifyFilter = StringFilter;

/** Options of the event plugin. */
export interface EventsPluginOptions {
  /** Also record every EventReporter `notify` as an `event` entry. Default false. */
  recordNotify?: boolean;
  /** With `recordNotify`: only these event names are recorded (default: every name). */
  notifyFilter?: NotifyFilter[];
  /** The reporter whose notifications and context are used. Default: the process-wide `eventReporter`. */
  reporter?: EventReporter;
}

/** Longest family key kept verbatim; longer keys are shortened and suffixed with a hash. */
const MAX_FAMILY_KEY = 128;
const MAX_BACKTRACE_FRAMES = 50;
/** The tracker's specs call it like an app: their frames are not the tracker's own. */
const SPEC_FILE = /\.(?:e2e-)?spec\.[cm]?[jt]s$/;

/** Event plugins currently started, reached by `trackEvent` outside DI. */
const started = new Set<EventsPlugin>();

/**
 * Custom events: `tracker.event(key, description?, data?)` (or `trackEvent` outside DI) records an
 * `event` entry with its backtrace, linked to the request, grouped by key (familyHash). With
 * `recordNotify`, every EventReporter notification is recorded too.
 */
export class EventsPlugin implements ActiveTrackerPlugin {
  readonly name = 'events';
  readonly entryType = 'event';
  readonly nav = { title: 'Events', path: 'events' };
  readonly reporter: EventReporter;
  private host: PluginHost | null = null;
  private isSensitive: (key: string) => boolean = sensitiveKeyMatcher();
  private warnedInvalidKey = false;

  constructor(private readonly pluginOptions: EventsPluginOptions = {}) {
    this.reporter = pluginOptions.reporter ?? eventReporter;
  }

  validate(): string[] {
    const o = this.pluginOptions;
    const problems: string[] = [];
    if (o.recordNotify !== undefined && typeof o.recordNotify !== 'boolean') problems.push('"recordNotify" must be a boolean');
    if (o.notifyFilter !== undefined) {
      if (!Array.isArray(o.notifyFilter)) problems.push('"notifyFilter" must be an array of event names (strings) and RegExps');
      else {
        problems.push(...stringFilterProblems('notifyFilter', o.notifyFilter));
        if (o.recordNotify !== true) problems.push('"notifyFilter" has no effect without "recordNotify: true"');
      }
    }
    if (o.reporter !== undefined && !(o.reporter instanceof EventReporter)) problems.push('"reporter" must be an EventReporter');
    return problems;
  }

  register(host: PluginHost): () => void {
    this.host = host;
    this.isSensitive = sensitiveKeyMatcher(host.options.sensitiveKeys);
    started.add(this);
    let subscriber: EventSubscriber | null = null;
    if (this.pluginOptions.recordNotify) {
      subscriber = this.reporter.subscribe({ emit: (event) => this.recordNotification(event) }, this.notifyFilterFn());
    }
    return () => {
      started.delete(this);
      if (subscriber) this.reporter.unsubscribe(subscriber);
      this.host = null;
    };
  }

  /**
   * Records a custom event now. `stack` is the caller's `new Error().stack` (captured here when
   * absent); the tracker's leading frames are dropped. Never throws.
   */
  track(key: string, description?: string | null, data?: unknown, stack?: string): void {
    const host = this.host;
    if (!host) return;
    try {
      if (typeof key !== 'string' || key.length === 0) {
        if (!this.warnedInvalidKey) {
          this.warnedInvalidKey = true;
          host.logger.warn(`tracker.event() needs a non-empty string key (got ${typeof key}); such events are ignored`);
        }
        return;
      }
      const ctx = currentContext();
      if (!isOwnedBy(ctx?.trackerId, host.trackerId)) return;
      const backtrace = withoutTrackerFrames(parseStack(stack ?? captureStack()));
      const content: EventEntryContent = {
        name: key,
        origin: 'event',
        description: typeof description === 'string' ? description : null,
        data: data === undefined ? null : this.copy(data),
        eventTags: serializeTags(currentTags()),
        context: this.safeContext(),
        source: sourceOf(backtrace),
        backtrace,
      };
      host.record(this.draft(content));
    } catch {
      /* capture never harms the host */
    }
  }

  private recordNotification(event: StructuredEvent): void {
    const host = this.host;
    if (!host) return;
    try {
      const ctx = currentContext();
      if (!isOwnedBy(ctx?.trackerId, host.trackerId)) return;
      const loc = event.sourceLocation;
      const content: EventEntryContent = {
        name: event.name,
        origin: 'notify',
        description: null,
        // Hash payloads were filtered by the reporter; event objects are filtered here, after serialize().
        data: this.copy(serializeEventPayload(event.payload)),
        eventTags: serializeTags(event.tags),
        context: this.copy(event.context) as Record<string, unknown>,
        source: loc ? { file: displayPath(loc.filepath), line: loc.lineno, function: loc.label } : null,
        backtrace: [],
        timestamp: event.timestamp,
      };
      host.record(this.draft(content));
    } catch {
      /* capture never harms the host */
    }
  }

  private draft(content: EventEntryContent): EntryDraft {
    const ctx = currentContext();
    return {
      type: this.entryType,
      batchId: ctx?.batchId ?? null,
      durationMs: null,
      familyHash: eventFamilyKey(content.name),
      tags: { ...(ctx?.tags ?? {}), ...tagStrings(content.eventTags) },
      content: content as unknown as Record<string, unknown>,
      trackerId: ctx?.trackerId ?? this.host?.trackerId ?? null,
    };
  }

  /**
   * App data is copied when the event happens (the app may change it right after), JSON-safe and
   * with sensitive keys redacted, by the recorder's one walker.
   */
  private copy(value: unknown): unknown {
    return sanitizeValue(value, [], this.host?.options.maxPayloadBytes ?? 64 * 1024, { truncated: false, isSensitive: this.isSensitive });
  }

  private safeContext(): Record<string, unknown> {
    try {
      return this.copy(this.reporter.context()) as Record<string, unknown>;
    } catch {
      return {};
    }
  }

  private notifyFilterFn(): ((event: StructuredEvent) => boolean) | undefined {
    const filters = this.pluginOptions.notifyFilter;
    if (!filters || filters.length === 0) return undefined;
    return (event) => matchesAnyFilter(filters, event.name, 'exact');
  }

  async statistics(entries: EntryReader): Promise<PluginStatistic[]> {
    return [{ plugin: this.name, label: 'Events', value: await entries.count(this.entryType) }];
  }
}

/** The event plugin: `events({ recordNotify: true, notifyFilter: ['user.created', /^billing\./] })`. */
export function events(options: EventsPluginOptions = {}): EventsPlugin {
  return new EventsPlugin(options);
}

/**
 * Records a custom event outside DI (same as `ActiveTracker.event`): linked to the current request
 * when called inside one. Inside a request only its tracker records it; outside any, every running
 * tracker with the event plugin does. Does nothing when no event plugin runs; never throws.
 */
export function trackEvent(key: string, description?: string, data?: Record<string, unknown>): void {
  if (started.size === 0) return;
  let stack: string;
  try {
    stack = captureStack();
  } catch {
    return;
  }
  for (const plugin of started) plugin.track(key, description, data, stack);
}

/** Family of an event: its key, or for very long keys a prefix plus a hash (API family filters take 128 chars). */
export function eventFamilyKey(name: string): string {
  if (name.length <= MAX_FAMILY_KEY) return name;
  return `${name.slice(0, MAX_FAMILY_KEY - 18)}~${createHash('sha1').update(name).digest('hex').slice(0, 16)}`;
}

function captureStack(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = MAX_BACKTRACE_FRAMES + 10;
  try {
    return new Error().stack ?? '';
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Drops the tracker's leading frames (trackEvent, the service, this plugin) and shortens paths. */
function withoutTrackerFrames(frames: StackFrame[]): StackFrame[] {
  let i = 0;
  while (i < frames.length && isTrackerFile(frames[i].file)) i++;
  return frames.slice(i, i + MAX_BACKTRACE_FRAMES).map((f) => ({ ...f, file: displayPath(f.file) }));
}

function isTrackerFile(file: string | null): boolean {
  return !!file && TRACKER_FILE.test(file) && !SPEC_FILE.test(file);
}

/** The first frame of the caller's own code (not node internals, not node_modules; the tracker's leading frames are gone). */
function sourceOf(backtrace: StackFrame[]): EventSource | null {
  const frame = backtrace.find((f) => isHostFile(f.file));
  return frame ? { file: frame.file, line: frame.line, function: frame.function } : null;
}

function serializeTags(tags: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(tags)) out[key] = serializeEventPayload(tags[key]);
  return out;
}

/** Entry tags are strings: `tagged('checkout')` gives `checkout: 'true'`, objects their JSON. */
function tagStrings(tags: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'object') {
      try {
        out[key] = JSON.stringify(value) ?? String(value);
      } catch {
        out[key] = String(value);
      }
    } else out[key] = String(value);
  }
  return out;
}
