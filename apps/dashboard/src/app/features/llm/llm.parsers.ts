import type {
  AuditRecord,
  EntryPatch,
  LlmBulkReviewResponse,
  LlmClearResponse,
  LlmCost,
  LlmInteraction,
  LlmInteractionDetailResponse,
  LlmInteractionSummary,
  LlmInteractionsResponse,
  LlmKpisResponse,
  LlmReviewResponse,
  LlmReviewState,
  LlmRollup,
  LlmRollupsResponse,
  LlmStatus,
  LlmTotals,
  SessionNode,
} from '@active-tracker/nestjs/contracts';
import { Guard, Shape, any, arrayOf, bool, members, nullable, num, object, oneOf, optional, parser, recordOf, str } from '../../core/api/json.guard.js';

/** The parsers of the LLM plugin's routes (`api/llm/...`): a drifted answer is an error, not half a page. */

export const LLM_STATUSES = members<LlmStatus>()(['success', 'error', 'canceled']);
export const LLM_REVIEW_STATES = members<LlmReviewState>()(['unreviewed', 'approved', 'flagged', 'rejected']);

const count = nullable(num);
const text = nullable(str);

const cost = object<LlmCost>({ micros: num, currency: str, rule: str, inputMicros: num, outputMicros: num });

export const interaction = object<LlmInteraction>({
  id: text,
  batchId: text,
  occurredAt: str,
  version: num,
  sessionId: text,
  provider: str,
  model: str,
  responseModel: text,
  project: text,
  operation: text,
  source: str,
  url: text,
  requestPayload: any,
  responsePayload: any,
  requestText: text,
  responseText: text,
  label: text,
  inputTokens: count,
  outputTokens: count,
  cacheReadTokens: count,
  cacheCreationTokens: count,
  reasoningTokens: count,
  totalTokens: count,
  latencyMs: count,
  timeToFirstTokenMs: count,
  streamed: bool,
  status: oneOf(...LLM_STATUSES),
  errorClass: text,
  errorMessage: text,
  finishReasons: arrayOf(str),
  tags: arrayOf(str),
  metadata: nullable(recordOf(any)),
  user: text,
  parentId: text,
  cost: nullable(cost),
  priced: bool,
  reviewState: oneOf(...LLM_REVIEW_STATES),
  reviewComment: text,
  reviewedBy: text,
  reviewedAt: text,
});

const summaryShape = { id: str, occurredAt: str, label: text, provider: str, model: str, status: str, parentId: text };
const summary = object<LlmInteractionSummary>(summaryShape);

const sessionNode: Guard<SessionNode> = (v, p) => object<SessionNode>({ ...summaryShape, children: arrayOf(sessionNode) })(v, p);

const patch = object<EntryPatch>({ content: optional(recordOf(any)), tags: optional(recordOf(nullable(str))) });
const audit = object<AuditRecord>({ entryId: str, version: num, at: str, actor: text, comment: text, from: patch, to: patch });

const totalsShape: Shape<LlmTotals> = {
  calls: num,
  errors: num,
  errorRate: count,
  inputTokens: num,
  outputTokens: num,
  cacheReadTokens: num,
  cacheCreationTokens: num,
  reasoningTokens: num,
  totalTokens: num,
  cost: recordOf(num),
  unpriced: num,
  avgLatencyMs: count,
  p95LatencyMs: count,
};
const totals = object<LlmTotals>(totalsShape);
const rollup = object<LlmRollup>({ ...totalsShape, date: str, provider: str, model: str, project: text });

export const parseLlmInteractions = parser(object<LlmInteractionsResponse>({ data: arrayOf(interaction), next: text }));

export const parseLlmInteractionDetail = parser(
  object<LlmInteractionDetailResponse>({
    data: interaction,
    audit: arrayOf(audit),
    parent: nullable(summary),
    children: arrayOf(summary),
    session: arrayOf(summary),
    sessionTree: arrayOf(sessionNode),
  }),
);

export const parseLlmKpis = parser(
  object<LlmKpisResponse>({ data: totals, source: oneOf('counters', 'entries'), approximate: optional(bool), truncated: optional(bool) }),
);

export const parseLlmRollups = parser(object<LlmRollupsResponse>({ data: arrayOf(rollup), approximate: bool }));

export const parseLlmReview = parser(object<LlmReviewResponse>({ data: interaction }));

export const parseLlmClear = parser(object<LlmClearResponse>({ data: object({ deleted: num }) }));

export const parseLlmBulkReview = parser(
  object<LlmBulkReviewResponse>({
    data: arrayOf(object({ id: str, ok: bool, version: optional(num), status: optional(num), message: optional(str) })),
    reviewed: num,
  }),
);
