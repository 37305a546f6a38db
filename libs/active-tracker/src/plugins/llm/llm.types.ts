/** The outcome of an LLM call. */
export type LlmStatus = 'success' | 'error' | 'canceled';
export const LLM_STATUSES: readonly LlmStatus[] = ['success', 'error', 'canceled'];

/** Review states: every interaction starts `unreviewed`. */
export type LlmReviewState = 'unreviewed' | 'approved' | 'flagged' | 'rejected';
export const LLM_REVIEW_STATES: readonly LlmReviewState[] = ['unreviewed', 'approved', 'flagged', 'rejected'];

/** What `authorize(user, action, resource, req)` is asked about. */
export type LlmAction = 'read' | 'review' | 'export' | 'record' | 'clear';

/**
 * One LLM interaction as given to `tracker.llm.record({...})`, `POST api/llm/interactions` and the
 * `llm.request` bus adapter: TraceBook's `record!` fields in camelCase. Only `provider` and `model`
 * are required.
 */
export interface LlmInteractionInput {
  provider: string;
  /** The model asked for (request) or that answered (response); `responseModel` when they differ. */
  model: string;
  responseModel?: string | null;
  project?: string | null;
  /** What was called: 'chat', 'responses', 'messages', 'embeddings', 'generate'... */
  operation?: string | null;
  requestPayload?: unknown;
  responsePayload?: unknown;
  requestText?: string | null;
  responseText?: string | null;
  /** Every input token, cached ones included (OpenAI's prompt_tokens; Anthropic's input + cache read + cache creation). */
  inputTokens?: number | null;
  outputTokens?: number | null;
  /** Of inputTokens, read from the prompt cache. */
  cacheReadTokens?: number | null;
  /** Of inputTokens, written to the prompt cache. */
  cacheCreationTokens?: number | null;
  /** Of outputTokens, spent reasoning. */
  reasoningTokens?: number | null;
  latencyMs?: number | null;
  timeToFirstTokenMs?: number | null;
  status?: LlmStatus;
  errorClass?: string | null;
  errorMessage?: string | null;
  finishReasons?: string[] | null;
  tags?: string[];
  metadata?: Record<string, unknown> | null;
  /** Who the call was made for (an id or name). */
  user?: string | null;
  sessionId?: string | null;
  /** The id of the interaction that caused this one (agent chains). */
  parentId?: string | null;
  /** When it happened (default now). */
  occurredAt?: Date | string | number;
  /** Streamed answer (server-sent events / NDJSON). */
  streamed?: boolean;
  /** Where it was captured from: 'fetch', 'record', 'bus', 'api'. */
  source?: string;
  /** The URL called (credentials and secret query parameters redacted), when captured from fetch. */
  url?: string | null;
}

/** The cost of one call, in integer micro-units of `currency` (1 USD = 1 000 000). */
export interface LlmCost {
  micros: number;
  currency: string;
  /** What priced it: a rule id, or `genai-prices@<version>`. */
  rule: string;
  inputMicros: number;
  outputMicros: number;
}

/**
 * The content of an `llm` entry. `sessionId` is stored as `chain` (the tracker redacts keys
 * containing "session" everywhere; the API answers with `sessionId`).
 */
export interface LlmEntryContent {
  provider: string;
  model: string;
  responseModel: string | null;
  project: string | null;
  operation: string | null;
  source: string;
  url: string | null;
  requestPayload: unknown;
  responsePayload: unknown;
  requestText: string | null;
  responseText: string | null;
  /** First 100 characters of the request text: the list label (never encrypted). */
  label: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cacheReadTokens: number | null;
  cacheCreationTokens: number | null;
  reasoningTokens: number | null;
  totalTokens: number | null;
  latencyMs: number | null;
  timeToFirstTokenMs: number | null;
  streamed: boolean;
  status: LlmStatus;
  errorClass: string | null;
  errorMessage: string | null;
  finishReasons: string[];
  tags: string[];
  metadata: Record<string, unknown> | null;
  user: string | null;
  chain: string | null;
  parentId: string | null;
  /** null: unpriced (no rule and no default price matched), never 0 by default. */
  cost: LlmCost | null;
  priced: boolean;
  reviewState: LlmReviewState;
  reviewComment: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
}

/** An interaction as the API answers it: the entry's content with TraceBook's names. */
export interface LlmInteraction extends Omit<LlmEntryContent, 'chain'> {
  id: string | null;
  batchId: string | null;
  occurredAt: string;
  version: number;
  sessionId: string | null;
}

/** What `tracker.llm.record()` resolves to (TraceBook's result object). */
export interface LlmRecordResult {
  success: boolean;
  error: Error | null;
  /** The interaction: with its id, stored (inline) or on its way to the store (persistAsync). */
  interaction: LlmInteraction | null;
}

/**
 * Fields to list in the tracker's `encryption.fields.llm` (required in production): payloads,
 * texts, the label (the request's first characters) and review comments.
 */
export const LLM_ENCRYPTED_FIELDS = ['requestPayload', 'responsePayload', 'requestText', 'responseText', 'label', 'reviewComment'] as const;

/** An LLM-calling request's or job's totals, on its entry as `content.llm`. */
export interface LlmBatchTotals {
  calls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** Micro-units per currency. */
  cost: Record<string, number>;
  unpriced: number;
  /** Sum of the calls' latencies (they may overlap). */
  latencyMs: number;
}

/** Totals of a set of interactions. */
export interface LlmTotals {
  calls: number;
  errors: number;
  errorRate: number | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  /** Micro-units per currency. */
  cost: Record<string, number>;
  unpriced: number;
  avgLatencyMs: number | null;
  p95LatencyMs: number | null;
}

export interface LlmRollup extends LlmTotals {
  date: string;
  provider: string;
  model: string;
  project: string | null;
}

/** A node of a session's tree: an interaction and the ones it caused. */
export interface SessionNode {
  id: string;
  occurredAt: string;
  label: string | null;
  provider: string;
  model: string;
  status: string;
  parentId: string | null;
  children: SessionNode[];
}
