import type { IncomingMessage } from 'node:http';
import {
  ApiError,
  currentContext,
  isOwnedBy,
  SensitiveKeys,
  stringFilterProblems,
  UrlRedactor,
  type ActiveTrackerPlugin,
  type EntryReader,
  type InstrumentationEvent,
  type PluginHost,
  type PluginRoute,
  type PluginStatistic,
  type TrackerContext,
} from '../../plugin-api.js';
import { addToBatch, settleBatch } from './llm-batch.js';
import { LlmCapture } from './llm-capture.js';
import type { CompletedExchange } from './llm-exchange.js';
import { buildLlmContent, interactionProblems, LLM_ENTRY_TYPE, llmDraft, toInteraction } from './llm-interaction.builder.js';
import { LlmPricing, pricingRuleProblems, type DefaultPriceSource, type LlmPricingRule } from './llm-pricing.js';
import { SharedPricingRules } from './llm-pricing.shared.js';
import { LlmRedaction, redactionProblems, type LlmDetector, type LlmRedactor } from './llm-redaction.js';
import type { LlmEndpointMatcher } from './llm-wire.recognizer.js';
import { BUILT_IN_MAPPERS, fallbackMapper, type LlmMapper, type MappedInteraction } from './llm.mappers.js';
import { llmRoutes } from './llm.routes.js';
import { LLM_ENCRYPTED_FIELDS, type LlmAction, type LlmInteractionInput, type LlmRecordResult } from './llm.types.js';
import { LLM_VIEW } from './llm.view.js';

/** `authorize(user, action, resource, req)`: may this API user do `action`? false answers 403. */
export type LlmAuthorizeFn = (user: string | null, action: LlmAction, resource: Record<string, unknown>, req: IncomingMessage) => boolean | Promise<boolean>;

/** Options of the LLM plugin. */
export interface LlmPluginOptions {
  /** Zero-code capture from fetch's diagnostics channels (Node 22+). Default true. `trackedFetch` works either way. */
  capture?: boolean;
  /** URLs never captured: a string prefix or host, or a RegExp (as `httpClient()`'s filters). */
  filters?: (string | RegExp)[];
  /** More wire formats: functions recognizing a call as an LLM call (asked before the built-in rules). */
  endpoints?: LlmEndpointMatcher[];
  /** Custom mappers by provider name (a captured call of that provider, a bus event, `normalizeLlm`). */
  mappers?: Record<string, LlmMapper>;
  /** Most bytes kept of one request or answer body (default 4 MB); beyond, the payload is partial. */
  maxCaptureBytes?: number;
  /** Project recorded when an interaction names none. */
  project?: string;
  /** Record without waiting for the store (default true); false: `record()` resolves once stored (tests). */
  persistAsync?: boolean;
  /** Pricing rules (prices per 1M tokens); the most specific matching rule wins. */
  pricing?: LlmPricingRule[];
  /** Price calls no rule matches from the bundled @pydantic/genai-prices data. Default true. */
  defaultPrices?: boolean;
  /** PII redaction of payloads and texts before anything is stored. */
  redaction?: { detectors?: LlmDetector[] | false; redactors?: LlmRedactor[] };
  /** The bus event turned into interactions (TraceBook's notifications adapter). Default 'llm.request'; false: none. */
  busEvent?: string | false;
  /**
   * `authorize(user, action, resource, req)`, required when the review or export routes are on:
   * actions `read`, `review`, `export`, `record`. `user` is the API user (the `actor` option).
   */
  authorize?: LlmAuthorizeFn;
  /** Serve the review routes (single and bulk). Default true (then `authorize` is required). */
  review?: boolean;
  /** Serve the CSV/NDJSON export. Default true (then `authorize` is required). */
  export?: boolean;
  /**
   * In production the tracker's `encryption` option must encrypt the LLM fields
   * (`fields: { llm: [...LLM_ENCRYPTED_FIELDS] }`); `encryption: false` opts out, explicitly.
   */
  encryption?: false;
}

const KNOWN = new Set([
  'capture',
  'filters',
  'endpoints',
  'mappers',
  'maxCaptureBytes',
  'project',
  'persistAsync',
  'pricing',
  'defaultPrices',
  'redaction',
  'busEvent',
  'authorize',
  'review',
  'export',
  'encryption',
]);
/** The default bus event of the adapter. */
export const LLM_BUS_EVENT = 'llm.request';
const DEFAULT_MAX_CAPTURE_BYTES = 4 * 1024 * 1024;
/** Longest `record()` waits for the store when persisting inline. */
const INLINE_TIMEOUT_MS = 10_000;

/** Running LLM plugins (one per tracker), newest last: what `recordLlm` outside DI uses. */
const running: LlmPlugin[] = [];

/** Raw request/response of a provider, normalized with the built-in or given mappers (for custom adapters). */
export function normalizeLlm(
  provider: string,
  raw: { request?: unknown; response?: unknown; operation?: string; meta?: Partial<LlmInteractionInput> },
  mappers: Record<string, LlmMapper> = {},
): LlmInteractionInput {
  const mapper = mappers[provider] ?? BUILT_IN_MAPPERS[provider] ?? fallbackMapper;
  const { firstTokenEnd: _, ...mapped }: MappedInteraction = mapper({
    operation: raw.operation ?? null,
    request: raw.request ?? null,
    response: raw.response ?? null,
  });
  const meta = Object.fromEntries(Object.entries(raw.meta ?? {}).filter(([, v]) => v !== undefined));
  const requested = (raw.request as { model?: unknown } | null)?.model;
  return {
    ...mapped,
    ...meta,
    provider,
    model: (meta.model as string) ?? mapped.model ?? (typeof requested === 'string' ? requested : 'unknown'),
  } as LlmInteractionInput;
}

/**
 * LLM interactions (TraceBook's feature set): captured with no code change from fetch (the
 * official OpenAI and Anthropic SDKs, the Vercel AI SDK, LangChain...), recorded with
 * `tracker.llm.record({...})` or the `llm.request` bus event, each in the batch of the request or
 * job that made it. Redacted, priced, encrypted at rest (the tracker's codec), reviewed with an
 * audit trail, rolled up per day at write time, exported as CSV/NDJSON.
 */
export class LlmPlugin implements ActiveTrackerPlugin {
  readonly name = 'llm';
  readonly entryType = LLM_ENTRY_TYPE;
  readonly nav = {
    title: 'LLM',
    path: 'llm',
    icon: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8"><path d="M4 5h16v10H8l-4 4z"/><path d="M8 9h8M8 12h5"/></svg>',
  };
  readonly view = LLM_VIEW;
  readonly routes: readonly PluginRoute[];
  readonly pricing: LlmPricing;
  /** Rule changes made through the API, shared by every instance through the store. */
  readonly pricingRules: SharedPricingRules;
  readonly reviewEnabled: boolean;
  readonly exportEnabled: boolean;
  private host: PluginHost | null = null;
  private redaction = new LlmRedaction();
  private encryptedComments = false;
  private readonly mappers: Record<string, LlmMapper>;
  /** `record()` calls waiting for their entry to be stored (persistAsync: false), by entry id. */
  private readonly waiters = new Map<string, () => void>();

  constructor(private readonly pluginOptions: LlmPluginOptions = {}) {
    const o = pluginOptions ?? {};
    this.reviewEnabled = o.review !== false;
    this.exportEnabled = o.export !== false;
    this.mappers = { ...BUILT_IN_MAPPERS, ...(o.mappers && typeof o.mappers === 'object' ? o.mappers : {}) };
    this.pricing = new LlmPricing(Array.isArray(o.pricing) && o.pricing.every((r, i) => pricingRuleProblems(r, `${i}`).length === 0) ? o.pricing : []);
    this.pricingRules = new SharedPricingRules(this.pricing, this.pricing.list());
    this.routes = llmRoutes(this);
  }

  validate(moduleOptions: Readonly<Record<string, unknown>> = {}): string[] {
    const o = this.pluginOptions ?? {};
    const problems: string[] = [];
    for (const key of Object.keys(o)) if (!KNOWN.has(key)) problems.push(`unknown option "${key}"`);
    for (const key of ['capture', 'persistAsync', 'defaultPrices', 'review', 'export'] as const) {
      if (o[key] !== undefined && typeof o[key] !== 'boolean') problems.push(`"${key}" must be a boolean`);
    }
    if (o.filters !== undefined) {
      if (!Array.isArray(o.filters)) problems.push('"filters" must be an array of URL prefixes, hosts and RegExps');
      else problems.push(...stringFilterProblems('filters', o.filters));
    }
    if (o.endpoints !== undefined && (!Array.isArray(o.endpoints) || o.endpoints.some((f) => typeof f !== 'function')))
      problems.push('"endpoints" must be an array of functions (call) => { format, provider, operation } | null');
    if (o.mappers !== undefined && (o.mappers === null || typeof o.mappers !== 'object' || Object.values(o.mappers).some((m) => typeof m !== 'function'))) {
      problems.push('"mappers" must map provider names to functions ({ request, response, events }) => fields');
    }
    if (o.maxCaptureBytes !== undefined && !(Number.isInteger(o.maxCaptureBytes) && o.maxCaptureBytes > 0))
      problems.push('"maxCaptureBytes" must be a positive integer');
    if (o.project !== undefined && (typeof o.project !== 'string' || !o.project)) problems.push('"project" must be a non-empty string');
    if (o.pricing !== undefined) {
      if (!Array.isArray(o.pricing)) problems.push('"pricing" must be an array of pricing rules');
      else o.pricing.forEach((rule, i) => problems.push(...pricingRuleProblems(rule, `pricing[${i}]`)));
    }
    if (o.redaction !== undefined) {
      if (o.redaction === null || typeof o.redaction !== 'object') problems.push('"redaction" must be an object { detectors?, redactors? }');
      else problems.push(...redactionProblems(o.redaction.detectors, o.redaction.redactors));
    }
    if (o.busEvent !== undefined && o.busEvent !== false && (typeof o.busEvent !== 'string' || !o.busEvent))
      problems.push('"busEvent" must be an event name or false');
    if (o.authorize !== undefined && typeof o.authorize !== 'function')
      problems.push('"authorize" must be a function (user, action, resource, req) => boolean');
    if (o.authorize === undefined && (this.reviewEnabled || this.exportEnabled)) {
      problems.push(
        '"authorize" is required: authorize(user, action, resource, req) => boolean decides who may read, review, export and record LLM interactions (or set review: false and export: false)',
      );
    }
    if (o.encryption !== undefined && o.encryption !== false)
      problems.push('"encryption" can only be false (an explicit opt-out); keys are set in the tracker\'s "encryption" option');
    if (process.env.NODE_ENV === 'production' && o.encryption !== false) {
      const fields = (moduleOptions.encryption as { fields?: Record<string, unknown> } | undefined)?.fields?.[LLM_ENTRY_TYPE];
      const missing = LLM_ENCRYPTED_FIELDS.filter((f) => !Array.isArray(fields) || !fields.includes(f));
      if (missing.length) {
        problems.push(
          `in production LLM payloads must be encrypted at rest: set the tracker's "encryption" option with keys and fields: { llm: [${LLM_ENCRYPTED_FIELDS.map((f) => `'${f}'`).join(', ')}] } (missing: ${missing.join(', ')}), or opt out with llm({ encryption: false })`,
        );
      }
    }
    return problems;
  }

  async register(host: PluginHost): Promise<() => void> {
    this.host = host;
    const o = this.pluginOptions;
    this.encryptedComments = host.options.encryption?.fields?.[LLM_ENTRY_TYPE]?.includes('reviewComment') === true;
    let defaults: DefaultPriceSource | null = null;
    if (o.defaultPrices !== false) {
      try {
        // Loaded once, when the tracker starts: ~800 KB of bundled price data, offline.
        defaults = (await import('@pydantic/genai-prices')).calcPrice as unknown as DefaultPriceSource;
      } catch (error) {
        host.logger.warn(`default LLM prices are unavailable (@pydantic/genai-prices): ${(error as Error)?.message ?? error}`);
      }
    }
    this.pricing.setDefaults(defaults);
    await this.pricingRules.start(host.settings, host.options.live.recordingRefreshMs);
    this.redaction = new LlmRedaction(o.redaction?.detectors, o.redaction?.redactors ?? [], new SensitiveKeys(host.options.sensitiveKeys).matches);
    const capture = new LlmCapture(
      {
        trackerId: host.trackerId,
        urls: new UrlRedactor(host.options.sensitiveKeys),
        filters: o.filters ?? [],
        matchers: o.endpoints ?? [],
        maxBytes: o.maxCaptureBytes ?? DEFAULT_MAX_CAPTURE_BYTES,
      },
      (exchange) => this.fromExchange(exchange),
    );
    const stopCapture = capture.start(o.capture !== false);
    const busEvent = o.busEvent === undefined ? LLM_BUS_EVENT : o.busEvent;
    const subscription = busEvent ? host.bus.subscribe(busEvent, (event: InstrumentationEvent) => this.fromBusEvent(event)) : null;
    // Inline persistence waits for write notices: one subscription for the plugin's life.
    const stopNotices = o.persistAsync === false ? host.entries.subscribe((notice) => notice.entries.forEach((e) => this.waiters.get(e.id)?.())) : null;
    const removeProcessor = host.processBatch(settleBatch);
    running.push(this);
    return () => {
      this.pricingRules.stop();
      removeProcessor();
      stopCapture();
      stopNotices?.();
      if (subscription) host.bus.unsubscribe(subscription);
      const at = running.indexOf(this);
      if (at >= 0) running.splice(at, 1);
      this.host = null;
    };
  }

  /** The tracker this plugin records into (for `recordLlm` outside DI). */
  get trackerId(): string | null {
    return this.host?.trackerId ?? null;
  }

  commentsEncrypted(): boolean {
    return this.encryptedComments;
  }

  async authorizeCall(actor: string | null, action: LlmAction, resource: Record<string, unknown>, req: IncomingMessage): Promise<void> {
    const authorize = this.pluginOptions.authorize;
    if (!authorize) return; // only possible with review and export off: reading is the dashboard's access rules
    let allowed = false;
    try {
      allowed = (await authorize(actor, action, resource, req)) === true;
    } catch {
      allowed = false;
    }
    if (!allowed) throw new ApiError(403, `not allowed to ${action} LLM interactions`);
  }

  /**
   * Records an interaction (TraceBook's `record!`): redacted, priced, in the current request's or
   * job's batch. Never throws. With `persistAsync: false` it resolves once stored, except inside a
   * running request or job, whose entries are written when it ends.
   */
  async record(input: LlmInteractionInput): Promise<LlmRecordResult> {
    try {
      const problems = interactionProblems(input);
      if (problems.length) return { success: false, error: new Error(`invalid LLM interaction: ${problems.join('; ')}`), interaction: null };
      const host = this.host;
      if (!host) return { success: false, error: new Error('the tracker is not running (the llm() plugin is not started)'), interaction: null };
      const ctx = ownContext(host);
      const inline = this.pluginOptions.persistAsync === false && (!ctx || ctx.state !== 'open');
      const occurredAt = input.occurredAt !== undefined ? new Date(input.occurredAt).getTime() : Date.now();
      const at = Number.isFinite(occurredAt) ? occurredAt : Date.now();
      const { id, content } = this.ingest({ source: 'record', ...input }, ctx, at);
      if (!id) return { success: false, error: new Error('the interaction was filtered out or dropped'), interaction: null };
      if (inline) await this.stored(host, id);
      return {
        success: true,
        error: null,
        interaction: toInteraction({ id, batchId: ctx?.batchId ?? null, occurredAt: new Date(at).toISOString(), version: 1, content: content as never }),
      };
    } catch (error) {
      return { success: false, error: error instanceof Error ? error : new Error(String(error)), interaction: null };
    }
  }

  /**
   * Resolves once entry `id` is stored: on the store's write notice (any instance sharing it), or
   * when a lookup finds it (a notice can be missed while a Redis subscriber is still connecting).
   */
  private stored(host: PluginHost, id: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + INLINE_TIMEOUT_MS;
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(id);
        resolve();
      };
      this.waiters.set(id, done);
      const poll = async () => {
        if (!this.waiters.has(id)) return;
        if (await host.entries.find(id).catch(() => null)) return done();
        if (Date.now() > deadline) {
          this.waiters.delete(id);
          return reject(new Error(`the interaction was not stored within ${INLINE_TIMEOUT_MS} ms`));
        }
        timer = setTimeout(poll, 50);
      };
      timer = setTimeout(poll, 50);
    });
  }

  /** Builds and records one interaction; returns the id it will have. */
  private ingest(input: LlmInteractionInput, ctx: TrackerContext | undefined, at: number) {
    const host = this.host!;
    const content = buildLlmContent(input, { redaction: this.redaction, pricing: this.pricing, project: this.pluginOptions.project ?? null }, at);
    const id = host.record(llmDraft(content, at, ctx, host.trackerId), ctx) || undefined;
    if (id && ctx) addToBatch(ctx, content);
    return { id, content };
  }

  /** A call captured from fetch, once it ended. */
  private fromExchange(exchange: CompletedExchange): void {
    if (!this.host) return;
    const { endpoint, raw } = exchange;
    const mapper = this.mappers[endpoint.provider] ?? this.mappers[endpoint.format] ?? fallbackMapper;
    const { firstTokenEnd, ...mapped } = mapper(raw);
    const request = raw.request as { model?: unknown } | null;
    const input: LlmInteractionInput = {
      ...mapped,
      provider: endpoint.provider,
      model: mapped.model ?? (typeof request?.model === 'string' ? request.model : 'unknown'),
      operation: mapped.operation ?? endpoint.operation,
      source: 'fetch',
      url: exchange.url,
      streamed: exchange.streamed,
      // The wall time of the call, as the caller saw it (Ollama's own durations are replaced).
      latencyMs: exchange.latencyMs,
      timeToFirstTokenMs: exchange.streamed && firstTokenEnd !== undefined ? exchange.timeAt(firstTokenEnd) : null,
      metadata: exchange.truncated ? { captureTruncated: true } : null,
    };
    if (exchange.error) {
      input.status = exchange.error.canceled ? 'canceled' : 'error';
      input.errorClass = exchange.error.name;
      input.errorMessage = exchange.error.message;
    }
    this.ingest(input, exchange.ctx, exchange.startedAt);
  }

  /** The bus adapter: `instrument('llm.request', { provider, request, response, meta })` or the fields themselves. */
  private fromBusEvent(event: InstrumentationEvent): void {
    const host = this.host;
    if (!host) return;
    try {
      const p = (event.payload ?? {}) as Record<string, any>;
      const provider = typeof p.provider === 'string' && p.provider ? p.provider : 'unknown';
      const base: LlmInteractionInput =
        p.request !== undefined || p.response !== undefined
          ? normalizeLlm(provider, { request: p.request, response: p.response, operation: p.operation, meta: p.meta }, this.mappers)
          : ({ ...p } as LlmInteractionInput);
      const input: LlmInteractionInput = { ...base, provider, model: base.model ?? 'unknown', source: 'bus' };
      delete (input as unknown as Record<string, unknown>).exception;
      delete (input as unknown as Record<string, unknown>).exceptionObject;
      input.latencyMs ??= event.duration;
      if (Array.isArray(p.exception)) {
        input.status ??= 'error';
        input.errorClass ??= String(p.exception[0]);
        input.errorMessage ??= String(p.exception[1]);
      }
      const problems = interactionProblems(input);
      if (problems.length) return void host.logger.warn(`${event.name}: invalid LLM interaction (${problems.join('; ')})`);
      this.ingest(input, ownContext(host), event.start || Date.now());
    } catch (error) {
      host.logger.warn(`${event.name}: could not record the LLM interaction: ${(error as Error)?.message ?? error}`);
    }
  }

  /** LLM calls stored; flagged when a failed call is among them. */
  async statistics(entries: EntryReader): Promise<PluginStatistic[]> {
    const [count, failed, flagged] = await Promise.all([
      entries.count(this.entryType),
      entries.list({ type: this.entryType, tags: [{ key: 'status', value: 'error' }], limit: 1 }),
      entries.list({ type: this.entryType, tags: [{ key: 'review', value: 'flagged' }], limit: 1 }),
    ]);
    return [
      { plugin: this.name, label: 'LLM calls', value: count, ...(failed.data.length > 0 ? { error: true } : {}) },
      { plugin: this.name, label: 'LLM flagged', value: flagged.data.length > 0 ? 'yes' : 'none', ...(flagged.data.length > 0 ? { error: true } : {}) },
    ];
  }
}

/** The current batch when it belongs to this tracker. */
function ownContext(host: PluginHost): TrackerContext | undefined {
  const ctx = currentContext();
  return ctx && isOwnedBy(ctx.trackerId, host.trackerId) ? ctx : undefined;
}

/** The LLM plugin: `llm({ authorize: (user, action) => user === 'admin', pricing: [...] })`. */
export function llm(options: LlmPluginOptions = {}): LlmPlugin {
  return new LlmPlugin(options);
}

/**
 * `tracker.llm.record({...})` outside dependency injection: records with the LLM plugin of the
 * current request's tracker (or the newest running one).
 */
export function recordLlm(input: LlmInteractionInput): Promise<LlmRecordResult> {
  const trackerId = currentContext()?.trackerId;
  for (let i = running.length - 1; i >= 0; i--) {
    if (!trackerId || running[i].trackerId === trackerId) return running[i].record(input);
  }
  return Promise.resolve({ success: false, error: new Error('no tracker with the llm() plugin is running'), interaction: null });
}
