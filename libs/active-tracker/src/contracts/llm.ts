/**
 * The answers of the LLM plugin's routes (`api/llm/...`), for the dashboard and scripts.
 * Type-only: the shapes live with the plugin (llm.types.ts), these name its answers.
 */
import type { AuditRecord } from '../storage/entry-repository.js';
import type { LlmInteraction, LlmRollup, LlmTotals, SessionNode } from '../plugins/llm/llm.types.js';

export type {
  LlmAction,
  LlmBatchTotals,
  LlmCost,
  LlmInteraction,
  LlmReviewState,
  LlmRollup,
  LlmStatus,
  LlmTotals,
  SessionNode,
} from '../plugins/llm/llm.types.js';

/** `GET api/llm/interactions`: newest first, `next` is the `before` cursor of the next page. */
export interface LlmInteractionsResponse {
  data: LlmInteraction[];
  next: string | null;
}

/** A related interaction (parent, child, session member) as the detail lists it. */
export type LlmInteractionSummary = Omit<SessionNode, 'children'>;

/** `GET api/llm/interactions/:id`: decrypted for the reader, with its audit trail and relations. */
export interface LlmInteractionDetailResponse {
  data: LlmInteraction;
  audit: AuditRecord[];
  parent: LlmInteractionSummary | null;
  children: LlmInteractionSummary[];
  /** The session's interactions, oldest first. */
  session: LlmInteractionSummary[];
  /** The same, as trees through `parentId` (the agent chain). */
  sessionTree: SessionNode[];
}

/** `GET api/llm/kpis`: from the counters (approximate when a bucket was estimated) or from a bounded scan (truncated). */
export interface LlmKpisResponse {
  data: LlmTotals;
  source: 'counters' | 'entries';
  approximate?: boolean;
  truncated?: boolean;
}

/** `GET api/llm/rollups`: per day × provider × model × project. */
export interface LlmRollupsResponse {
  data: LlmRollup[];
  approximate: boolean;
}

/** `PATCH api/llm/interactions/:id/review`. */
export interface LlmReviewResponse {
  data: LlmInteraction;
}

/** `POST api/llm/interactions/review`: one result per id (each audited). */
export interface LlmBulkReviewResponse {
  data: Array<{ id: string; ok: boolean; version?: number; status?: number; message?: string }>;
  reviewed: number;
}

/** `DELETE api/llm/interactions`: how many interactions were deleted. */
export interface LlmClearResponse {
  data: { deleted: number };
}

/** `PATCH`/`POST` review bodies. */
export interface LlmReviewBody {
  state: 'unreviewed' | 'approved' | 'flagged' | 'rejected';
  comment?: string | null;
  expectedVersion?: number;
}
