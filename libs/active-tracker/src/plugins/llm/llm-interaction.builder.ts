import { histogramBucket, type CounterIncrement, type Entry, type EntryDraft, type TrackerContext } from '../../plugin-api.js';
import type { LlmPricing } from './llm-pricing.js';
import type { LlmRedaction } from './llm-redaction.js';
import { LLM_STATUSES, type LlmEntryContent, type LlmInteraction, type LlmInteractionInput } from './llm.types.js';

/** The entry type of LLM interactions. */
export const LLM_ENTRY_TYPE = 'llm';

/** Counters kept at write time per `provider|model|project` (rollups by day, KPIs). */
export const LLM_COUNTERS = {
  calls: 'llm.calls',
  errors: 'llm.errors',
  inputTokens: 'llm.input_tokens',
  outputTokens: 'llm.output_tokens',
  cacheReadTokens: 'llm.cache_read_tokens',
  cacheCreationTokens: 'llm.cache_creation_tokens',
  reasoningTokens: 'llm.reasoning_tokens',
  /** Key `provider|model|project|currency`: integer micro-units. */
  cost: 'llm.cost_micros',
  unpriced: 'llm.unpriced',
  latencySum: 'llm.latency_ms',
  latencyCalls: 'llm.latency_calls',
  /** Key `provider|model|project|h<bucket>`: a latency histogram (p95). */
  latencyHistogram: 'llm.latency_hist',
} as const;

/** Longest label (the first characters of the request, shown in lists). */
export const LABEL_LENGTH = 100;

/** A dimension value safe inside a `|`-separated counter key. */
export function dimension(value: string | null | undefined): string {
  return value ? value.replace(/\|/g, '/') : '-';
}

/** Problems with a programmatic record (the API validates with its DTO). */
export function interactionProblems(input: unknown): string[] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return ['the interaction must be an object { provider, model, ... }'];
  const i = input as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof i.provider !== 'string' || !i.provider) problems.push('provider must be a non-empty string');
  if (typeof i.model !== 'string' || !i.model) problems.push('model must be a non-empty string');
  for (const key of ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheCreationTokens', 'reasoningTokens', 'latencyMs', 'timeToFirstTokenMs']) {
    const v = i[key];
    if (v !== undefined && v !== null && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) problems.push(`${key} must be a number ≥ 0`);
  }
  if (i.status !== undefined && !LLM_STATUSES.includes(i.status as never)) problems.push(`status must be one of ${LLM_STATUSES.join(', ')}`);
  if (i.tags !== undefined && (!Array.isArray(i.tags) || i.tags.some((t) => typeof t !== 'string' || !t)))
    problems.push('tags must be an array of non-empty strings');
  for (const key of ['project', 'requestText', 'responseText', 'errorClass', 'errorMessage', 'user', 'sessionId', 'parentId', 'responseModel', 'operation']) {
    const v = i[key];
    if (v !== undefined && v !== null && typeof v !== 'string') problems.push(`${key} must be a string`);
  }
  if (i.metadata !== undefined && i.metadata !== null && (typeof i.metadata !== 'object' || Array.isArray(i.metadata)))
    problems.push('metadata must be an object');
  return problems;
}

export interface BuildDeps {
  redaction: LlmRedaction;
  pricing: LlmPricing;
  /** The plugin's `project` option, used when the interaction names none. */
  project: string | null;
}

const count = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : null);
const ms = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v * 1000) / 1000 : null);

/** The stored content of an interaction: redacted, priced, review state `unreviewed`. */
export function buildLlmContent(input: LlmInteractionInput, deps: BuildDeps, at: number): LlmEntryContent {
  const { redaction } = deps;
  const text = (v: string | null | undefined) => (typeof v === 'string' ? redaction.text(v) : null);
  const requestText = text(input.requestText);
  const responseText = text(input.responseText);
  const inputTokens = count(input.inputTokens);
  const outputTokens = count(input.outputTokens);
  const usage = { inputTokens, outputTokens, cacheReadTokens: count(input.cacheReadTokens), cacheCreationTokens: count(input.cacheCreationTokens) };
  const cost = input.status === 'canceled' && inputTokens === null ? null : deps.pricing.price(input.provider, input.model, at, usage);
  const errorMessage = text(input.errorMessage);
  return {
    provider: input.provider,
    model: input.model,
    responseModel: input.responseModel && input.responseModel !== input.model ? input.responseModel : null,
    project: input.project ?? deps.project,
    operation: input.operation ?? null,
    source: input.source ?? 'record',
    url: input.url ?? null,
    requestPayload: redaction.value(input.requestPayload),
    responsePayload: redaction.value(input.responsePayload),
    requestText,
    responseText,
    label: requestText ? requestText.replace(/\s+/g, ' ').trim().slice(0, LABEL_LENGTH) : null,
    ...usage,
    reasoningTokens: count(input.reasoningTokens),
    totalTokens: inputTokens === null && outputTokens === null ? null : (inputTokens ?? 0) + (outputTokens ?? 0),
    latencyMs: ms(input.latencyMs),
    timeToFirstTokenMs: ms(input.timeToFirstTokenMs),
    streamed: input.streamed === true,
    status: input.status ?? (input.errorClass || input.errorMessage ? 'error' : 'success'),
    errorClass: input.errorClass ?? null,
    errorMessage,
    finishReasons: Array.isArray(input.finishReasons) ? input.finishReasons.filter((r) => typeof r === 'string') : [],
    tags: Array.isArray(input.tags) ? [...new Set(input.tags)] : [],
    metadata: input.metadata ? (redaction.value(input.metadata) as Record<string, unknown>) : null,
    user: input.user ?? null,
    chain: input.sessionId ?? null,
    parentId: input.parentId ?? null,
    cost,
    priced: cost !== null,
    reviewState: 'unreviewed',
    reviewComment: null,
    reviewedBy: null,
    reviewedAt: null,
  };
}

/** Counter increments of one interaction (rollups per day × provider × model × project). */
export function llmCounters(c: LlmEntryContent): CounterIncrement[] {
  const dims = `${dimension(c.provider)}|${dimension(c.model)}|${dimension(c.project)}`;
  const out: CounterIncrement[] = [{ name: LLM_COUNTERS.calls, key: dims, value: 1 }];
  const add = (name: string, value: number | null) => {
    if (value) out.push({ name, key: dims, value });
  };
  if (c.status === 'error') add(LLM_COUNTERS.errors, 1);
  add(LLM_COUNTERS.inputTokens, c.inputTokens);
  add(LLM_COUNTERS.outputTokens, c.outputTokens);
  add(LLM_COUNTERS.cacheReadTokens, c.cacheReadTokens);
  add(LLM_COUNTERS.cacheCreationTokens, c.cacheCreationTokens);
  add(LLM_COUNTERS.reasoningTokens, c.reasoningTokens);
  if (c.cost) out.push({ name: LLM_COUNTERS.cost, key: `${dims}|${dimension(c.cost.currency)}`, value: c.cost.micros });
  else add(LLM_COUNTERS.unpriced, 1);
  if (c.latencyMs !== null) {
    out.push({ name: LLM_COUNTERS.latencySum, key: dims, value: c.latencyMs });
    out.push({ name: LLM_COUNTERS.latencyCalls, key: dims, value: 1 });
    out.push({ name: LLM_COUNTERS.latencyHistogram, key: `${dims}|h${histogramBucket(c.latencyMs)}`, value: 1 });
  }
  return out;
}

/** Entry tags: what lists filter on (each of the interaction's tags as `tag.<name>`). */
export function llmTags(c: LlmEntryContent): Record<string, string> {
  const tags: Record<string, string> = { provider: c.provider, model: c.model, status: c.status, review: c.reviewState };
  if (c.project) tags.project = c.project;
  if (c.user) tags.user = c.user;
  if (c.chain) tags.chain = c.chain;
  if (c.parentId) tags.parent = c.parentId;
  if (c.cost === null) tags.priced = 'no';
  for (const t of c.tags) tags[`tag.${t}`] = '1';
  return tags;
}

/** The draft of an interaction, in `ctx`'s batch (the request or job that made the call) when given. */
export function llmDraft(content: LlmEntryContent, occurredAt: number, ctx: TrackerContext | undefined | null, trackerId: string): EntryDraft {
  return {
    type: LLM_ENTRY_TYPE,
    batchId: ctx?.batchId ?? null,
    occurredAt,
    durationMs: content.latencyMs,
    familyHash: null,
    tags: llmTags(content),
    content: content as unknown as Record<string, unknown>,
    counters: llmCounters(content),
    trackerId: ctx?.trackerId ?? trackerId,
  };
}

/** An interaction as the API answers it (TraceBook's names: `sessionId`). */
export function toInteraction(entry: Pick<Entry, 'id' | 'batchId' | 'occurredAt' | 'version' | 'content'>): LlmInteraction {
  const { chain, ...rest } = entry.content as unknown as LlmEntryContent;
  return { id: entry.id, batchId: entry.batchId, occurredAt: entry.occurredAt, version: entry.version, ...rest, sessionId: chain ?? null };
}
