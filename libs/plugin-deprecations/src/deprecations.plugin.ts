import type { IncomingMessage } from 'node:http';
import {
  EventReporter,
  eventReporter,
  type ActiveTrackerPlugin,
  type Batch,
  type CounterIncrement,
  type EntryDraft,
  type EntryFamily,
  type EntryReader,
  type EventSubscriber,
  type InstrumentationEvent,
  type NestHook,
  type PluginHost,
  type PluginRoute,
  type PluginStatistic,
  type StructuredEvent,
} from '@active-tracker/nestjs';
import { deprecatedDeclarationProblems, type DeprecationMetadata } from './deprecated.decorator.js';
import { DeprecatedHandlers } from './deprecated-handlers.js';
import { DEPRECATION_COUNTER, DEPRECATION_ENTRY_TYPE, deprecationKey, text, type DeprecationEntryContent, type DeprecationKind } from './deprecation-entry.js';
import { DEPRECATIONS_NAV, DEPRECATIONS_VIEW } from './deprecations.view.js';
import { DeprecationsReportQueryDto } from './report-query.dto.js';

/** A provider of the host app that names the API client of a request (an API key's owner, an OAuth client...). */
export interface DeprecationClientResolver {
  clientOf(request: IncomingMessage & Record<string, any>): string | null | undefined;
}

/** Options of `deprecations()`. */
export interface DeprecationsPluginOptions {
  /**
   * Record `deprecation.*` events of the instrumentation bus (ActiveSupport::Notifications style:
   * `notifications.instrument('deprecation.billing', { message, since, replacement, sunset })`).
   * Default true; it costs nothing to events of other names.
   */
  instrumentation?: boolean;
  /**
   * Also record `deprecation.*` EventReporter events (`notify('deprecation.used', {...})`).
   * Default false: with a reporter subscriber, every `notify()` of the app builds its event (its
   * caller's stack included) before filters run; free when another subscriber (the events plugin's
   * `recordNotify`) listens already.
   */
  recordNotify?: boolean;
  /** The reporter `recordNotify` listens to. Default: the process-wide `eventReporter`. */
  reporter?: EventReporter;
  /** A request header naming the API client (e.g. 'x-api-client'), recorded as `client`. */
  clientHeader?: string;
  /**
   * A provider of the app (class or injection token) implementing DeprecationClientResolver, looked
   * up through the tracker (`host.resolve`). Optional: when the app does not provide it, a warning
   * says so at boot and uses are recorded without it.
   */
  clientResolver?: Function | string | symbol;
  /** The statistic "Used after sunset" counts the uses of the last N hours (default 24, at most 720). */
  alarmWindowHours?: number;
}

/** A row of `GET <mountpoint>/api/deprecations/report`: one deprecated endpoint (or notice). */
export interface DeprecationReportRow {
  kind: DeprecationKind;
  subject: string;
  method: string | null;
  route: string | null;
  controller: string | null;
  handler: string | null;
  since: string | null;
  replacement: string | null;
  sunset: string | null;
  /** Whether the sunset has passed (now, not at the last use). */
  pastSunset: boolean;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** The newest use (an entry id, for `GET entries/:id`). */
  lastEntryId: string;
  /** True when sampled requests contributed, so `count` is an estimate. */
  approximate: boolean;
  familyHash: string;
}

export interface DeprecationReport {
  data: DeprecationReportRow[];
  /** Deprecated handlers of the running app (used or not). */
  declared: Array<{ controller: string; handler: string; since: string; replacement: string | null; sunset: string | null }>;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const DEPRECATION_EVENT = /^deprecation\./;
/** Capture events of the tracker (`<type>.active_tracker`) carry drafts, never notices. */
const CAPTURE_EVENT = /\.active_tracker$/;
/** Most families the report reads (pages of 1000). */
const REPORT_SCAN_MAX = 10_000;

/**
 * Records the uses of deprecated things, the first and the latest of each counted:
 * - endpoints marked `@Deprecated()`, found once at boot (Reflector over the app's controllers)
 *   and matched per request by the controller and handler the core puts on the batch, in a batch
 *   end hook: a request to a non-deprecated handler costs one Map miss, and nothing is recorded;
 * - `deprecation.*` notifications of app code (instrumentation bus, optionally EventReporter).
 * Every use is one `deprecation` entry linked to its request; its family is the endpoint, so the
 * family aggregate holds the count, first and last seen (the dashboard's list, the report route).
 */
export class DeprecationsPlugin implements ActiveTrackerPlugin {
  readonly name = 'deprecations';
  readonly entryType = DEPRECATION_ENTRY_TYPE;
  readonly nav = DEPRECATIONS_NAV;
  readonly view = DEPRECATIONS_VIEW;
  /** The core's route hook puts the controller and handler of each request on its batch. */
  readonly requires: readonly NestHook[] = ['route-handlers'];
  readonly routes: readonly PluginRoute[];
  private host: PluginHost | null = null;
  private handlers = new DeprecatedHandlers();
  private clientResolver: DeprecationClientResolver | null = null;
  private readonly clientHeader: string | null;
  private readonly reporter: EventReporter;

  constructor(private readonly pluginOptions: DeprecationsPluginOptions = {}) {
    this.clientHeader = typeof pluginOptions.clientHeader === 'string' ? pluginOptions.clientHeader.toLowerCase() : null;
    this.reporter = pluginOptions.reporter ?? eventReporter;
    const report: PluginRoute<DeprecationsReportQueryDto> = {
      method: 'GET',
      path: 'report',
      query: DeprecationsReportQueryDto,
      handle: ({ query, entries }) => this.report(entries, query),
    };
    this.routes = [report];
  }

  validate(): string[] {
    const o = this.pluginOptions;
    const problems: string[] = [];
    for (const key of ['instrumentation', 'recordNotify'] as const) {
      if (o[key] !== undefined && typeof o[key] !== 'boolean') problems.push(`"${key}" must be a boolean`);
    }
    if (o.reporter !== undefined && !(o.reporter instanceof EventReporter)) problems.push('"reporter" must be an EventReporter');
    if (o.reporter !== undefined && o.recordNotify !== true) problems.push('"reporter" has no effect without "recordNotify: true"');
    if (o.clientHeader !== undefined && !(typeof o.clientHeader === 'string' && HEADER_NAME.test(o.clientHeader))) {
      problems.push('"clientHeader" must be an HTTP header name such as "x-api-client"');
    }
    if (o.clientResolver !== undefined && !['function', 'string', 'symbol'].includes(typeof o.clientResolver)) {
      problems.push('"clientResolver" must be a provider class or an injection token (string or symbol)');
    }
    if (o.alarmWindowHours !== undefined && !(Number.isInteger(o.alarmWindowHours) && o.alarmWindowHours >= 1 && o.alarmWindowHours <= 720)) {
      problems.push('"alarmWindowHours" must be an integer from 1 to 720');
    }
    // Declarations are checked here too, so a bad sunset date is listed at boot with the rest.
    return [...problems, ...deprecatedDeclarationProblems()];
  }

  register(host: PluginHost): () => void {
    this.host = host;
    const teardowns: Array<() => void> = [];
    this.handlers = this.scanHandlers(host);
    if (this.pluginOptions.clientResolver !== undefined) this.clientResolver = this.resolveClientResolver(host, this.pluginOptions.clientResolver);
    // No deprecated handler in the app: no hook at all, requests cost nothing.
    if (this.handlers.size > 0) teardowns.push(host.onBatchEnd((batch) => this.onBatchEnd(batch)));
    if (this.pluginOptions.instrumentation !== false) {
      const subscription = host.bus.subscribe(DEPRECATION_EVENT, (event: InstrumentationEvent<Record<string, unknown>>) => {
        if (!CAPTURE_EVENT.test(event.name)) this.recordNotice(event.name, event.payload, 'instrument');
      });
      teardowns.push(() => host.bus.unsubscribe(subscription));
    }
    if (this.pluginOptions.recordNotify === true) {
      const subscriber: EventSubscriber = { emit: (event: StructuredEvent) => this.recordNotice(event.name, event.payload, 'notify') };
      this.reporter.subscribe(subscriber, (event) => DEPRECATION_EVENT.test(event.name));
      teardowns.push(() => this.reporter.unsubscribe(subscriber));
    }
    return () => {
      for (const teardown of teardowns) teardown();
      this.host = null;
      this.clientResolver = null;
    };
  }

  /** The deprecated handlers found at boot. */
  get deprecatedHandlers(): DeprecatedHandlers {
    return this.handlers;
  }

  private scanHandlers(host: PluginHost): DeprecatedHandlers {
    let handlers: DeprecatedHandlers;
    try {
      handlers = DeprecatedHandlers.scan(DeprecatedHandlers.controllersOf(host.moduleRef));
    } catch (error) {
      host.logger.warn(
        `could not read the app's controllers (${(error as Error)?.message ?? error}); @Deprecated() endpoints are not recorded, deprecation.* notifications are`,
      );
      return new DeprecatedHandlers();
    }
    for (const name of handlers.ambiguous) {
      host.logger.warn(
        `several controllers are named ${name}: the uses of their @Deprecated() handlers are matched by class and method name, so a same-named handler of the other class counts too`,
      );
    }
    return handlers;
  }

  private resolveClientResolver(host: PluginHost, token: unknown): DeprecationClientResolver | null {
    // host.resolve warns once ("the app provides no ...") and returns undefined: capture goes on without it.
    const resolver = host.resolve<Partial<DeprecationClientResolver>>(token);
    if (resolver === undefined || resolver === null) return null;
    if (typeof resolver.clientOf !== 'function') {
      host.logger.warn(`"clientResolver" ${describeToken(token)} has no clientOf(request) method; uses are recorded without a client`);
      return null;
    }
    return resolver as DeprecationClientResolver;
  }

  /** The hot path, run at the end of every request: two Map lookups unless the handler is deprecated. */
  private onBatchEnd(batch: Batch): void {
    const deprecation = this.handlers.lookup(batch.route.controller, batch.route.handler);
    if (deprecation === undefined || !batch.http) return;
    const host = this.host;
    if (!host) return;
    host.record(this.endpointDraft(batch, deprecation), batch);
  }

  private endpointDraft(batch: Batch, deprecation: DeprecationMetadata): EntryDraft {
    const { req, res } = batch.http!;
    const method = String(req.method ?? 'GET');
    const url = String(req.originalUrl ?? req.url ?? '');
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const route = batch.route.pattern ?? null;
    const subject = `${method} ${route ?? `${batch.route.controller}.${batch.route.handler}`}`;
    const pastSunset = deprecation.sunsetMs !== null && batch.startedAt >= deprecation.sunsetMs;
    const client = this.clientOf(req);
    const content: DeprecationEntryContent = {
      kind: 'endpoint',
      subject,
      since: deprecation.since,
      sunset: deprecation.sunset,
      replacement: deprecation.replacement,
      pastSunset,
      message: deprecation.message,
      method,
      route,
      path,
      controller: batch.route.controller ?? null,
      handler: batch.route.handler ?? null,
      status: res.statusCode,
      userAgent: text(req.headers['user-agent']),
      client,
      event: null,
      origin: null,
      horizon: null,
    };
    return {
      type: DEPRECATION_ENTRY_TYPE,
      occurredAt: batch.startedAt,
      durationMs: null,
      familyHash: deprecationKey('endpoint', subject),
      tags: this.tags(batch.tags, 'endpoint', pastSunset, client),
      content: content as unknown as Record<string, unknown>,
      counters: counters('endpoint', pastSunset),
      trackerId: batch.trackerId,
    };
  }

  /**
   * A `deprecation.*` notification: recorded latest-one-counted under its key (`upsert`), in the
   * notifier's async context, so a notice raised while serving a request is linked to it.
   */
  private recordNotice(name: string, payload: unknown, origin: 'instrument' | 'notify'): void {
    const host = this.host;
    if (!host) return;
    try {
      const p: Record<string, unknown> = payload !== null && typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
      const message = text(p.message, 1000);
      const subject = text(p.feature) ?? text(p.subject) ?? text(p.message) ?? name;
      const sunsetMs = sunsetOf(p.sunset);
      const pastSunset = sunsetMs !== null && Date.now() >= sunsetMs;
      const content: DeprecationEntryContent = {
        kind: 'notice',
        subject,
        since: text(p.since),
        sunset: sunsetMs === null ? null : new Date(sunsetMs).toISOString(),
        replacement: text(p.replacement),
        pastSunset,
        message,
        method: null,
        route: null,
        path: null,
        controller: null,
        handler: null,
        status: null,
        userAgent: null,
        client: text(p.client, 200),
        event: name,
        origin,
        horizon: text(p.deprecationHorizon ?? p.deprecation_horizon ?? p.horizon),
      };
      // Lazy draft: built only if the recorder takes it. batchId and trackerId are left to the
      // recorder, which uses the batch running now (if any).
      host.upsert(deprecationKey('notice', subject, name), () => ({
        type: DEPRECATION_ENTRY_TYPE,
        durationMs: null,
        tags: this.tags({}, 'notice', pastSunset, content.client),
        content: content as unknown as Record<string, unknown>,
        counters: counters('notice', pastSunset),
      }));
    } catch (error) {
      host.logger.warn(`could not record a ${name} notice: ${(error as Error)?.message ?? error}`);
    }
  }

  private clientOf(req: IncomingMessage & Record<string, any>): string | null {
    if (this.clientResolver) {
      try {
        const client = text(this.clientResolver.clientOf(req), 200);
        if (client !== null) return client;
      } catch {
        /* the app's resolver failing never loses the use */
      }
    }
    if (this.clientHeader !== null) {
      const value = req.headers[this.clientHeader];
      return text(Array.isArray(value) ? value[0] : value, 200);
    }
    return null;
  }

  private tags(base: Record<string, string>, kind: DeprecationKind, pastSunset: boolean, client: string | null): Record<string, string> {
    const tags: Record<string, string> = { ...base, deprecation: kind };
    if (pastSunset) tags.pastSunset = 'true';
    if (client !== null) tags.client = client;
    return tags;
  }

  /** Per endpoint (and notice): count, first and last seen from the family aggregates, sunset state now. */
  async report(entries: EntryReader, query: DeprecationsReportQueryDto = new DeprecationsReportQueryDto()): Promise<DeprecationReport> {
    const limit = query.limit ?? 100;
    const now = Date.now();
    const data: DeprecationReportRow[] = [];
    let before: string | undefined;
    let scanned = 0;
    while (data.length < limit && scanned < REPORT_SCAN_MAX) {
      const page = await entries.families({ type: DEPRECATION_ENTRY_TYPE, limit: 1000, before, orderBy: 'lastSeen' });
      scanned += page.data.length;
      for (const family of page.data) {
        const row = reportRow(family, now);
        if (query.pastSunset !== undefined && row.pastSunset !== query.pastSunset) continue;
        if (query.kind !== undefined && row.kind !== query.kind) continue;
        data.push(row);
        if (data.length >= limit) break;
      }
      if (!page.next || page.data.length === 0) break;
      before = page.next;
    }
    const declared = this.handlers.list().map(({ controller, handler, deprecation }) => ({
      controller,
      handler,
      since: deprecation.since,
      replacement: deprecation.replacement,
      sunset: deprecation.sunset,
    }));
    return { data, declared };
  }

  /**
   * Sidebar statistics, from O(1) reads: the number of recorded uses, and the uses after a sunset
   * in the last `alarmWindowHours` (hourly counter buckets), flagged as bad news when not zero.
   */
  async statistics(entries: EntryReader): Promise<PluginStatistic[]> {
    const hours = this.pluginOptions.alarmWindowHours ?? 24;
    const now = Date.now();
    const [count, series] = await Promise.all([
      entries.count(DEPRECATION_ENTRY_TYPE),
      entries.counters({ name: DEPRECATION_COUNTER, granularity: 'hour', from: now - (hours - 1) * 3_600_000, to: now }),
    ]);
    let past = 0;
    for (const bucket of series.buckets) past += bucket.values.pastSunset ?? 0;
    past = Math.round(past);
    return [
      { plugin: this.name, label: 'Deprecated calls', value: count },
      { plugin: this.name, label: `Used after sunset (${hours} h)`, value: past, ...(past > 0 ? { error: true } : {}) },
    ];
  }
}

/** The deprecations plugin: `deprecations({ clientHeader: 'x-api-client' })`. */
export function deprecations(options: DeprecationsPluginOptions = {}): DeprecationsPlugin {
  return new DeprecationsPlugin(options);
}

function counters(kind: DeprecationKind, pastSunset: boolean): CounterIncrement[] {
  const out: CounterIncrement[] = [{ name: DEPRECATION_COUNTER, key: kind, value: 1 }];
  if (pastSunset) out.push({ name: DEPRECATION_COUNTER, key: 'pastSunset', value: 1 });
  return out;
}

function sunsetOf(value: unknown): number | null {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.getTime() : null;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value.trim())) return null;
  const ms = Date.parse(value.trim());
  return Number.isFinite(ms) ? ms : null;
}

function reportRow(family: EntryFamily, now: number): DeprecationReportRow {
  const s = family.summary;
  const sunset = s.sunset || null;
  const sunsetMs = sunset === null ? NaN : Date.parse(sunset);
  return {
    kind: s.kind === 'notice' ? 'notice' : 'endpoint',
    subject: s.subject ?? family.familyHash,
    method: s.method || null,
    route: s.route || null,
    controller: s.controller || null,
    handler: s.handler || null,
    since: s.since || null,
    replacement: s.replacement || null,
    sunset,
    pastSunset: Number.isFinite(sunsetMs) && now >= sunsetMs,
    count: family.count,
    firstSeen: family.firstSeen,
    lastSeen: family.lastSeen,
    lastEntryId: family.lastEntryId,
    approximate: family.approximate,
    familyHash: family.familyHash,
  };
}

function describeToken(token: unknown): string {
  if (typeof token === 'function') return token.name || 'class';
  return String(token);
}
