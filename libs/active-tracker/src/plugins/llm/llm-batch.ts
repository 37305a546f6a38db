import type { BatchDraft, EntryDraft, TrackerContext } from '../../plugin-api.js';
import type { LlmBatchTotals, LlmEntryContent } from './llm.types.js';

/** Where a batch's LLM totals live on it (a property: the batch is one object per request or job). */
const SLOT = Symbol.for('activeTracker.llm.batch');

/**
 * Adds one interaction to its batch's totals, as it is recorded (not from the drafts at the end:
 * a long batch is written as it goes, so its drafts are not all there then).
 */
export function addToBatch(batch: TrackerContext, c: LlmEntryContent): void {
  const slot = batch as unknown as Record<symbol, LlmBatchTotals | undefined>;
  const t = (slot[SLOT] ??= { calls: 0, errors: 0, inputTokens: 0, outputTokens: 0, cost: {}, unpriced: 0, latencyMs: 0 });
  t.calls++;
  if (c.status === 'error') t.errors++;
  t.inputTokens += c.inputTokens ?? 0;
  t.outputTokens += c.outputTokens ?? 0;
  if (c.cost) t.cost[c.cost.currency] = (t.cost[c.cost.currency] ?? 0) + c.cost.micros;
  else t.unpriced++;
  t.latencyMs = Math.round((t.latencyMs + (c.latencyMs ?? 0)) * 1000) / 1000;
}

/**
 * Batch processor: the batch's LLM totals on its entry (the request, or the entry of the job's
 * kind) as `content.llm`: calls, errors, tokens, cost per currency, time spent waiting for models.
 * Calls that end after the batch was processed are in the batch, not in these totals.
 */
export function settleBatch(batch: TrackerContext, drafts: BatchDraft[]): void {
  const totals = (batch as unknown as Record<symbol, LlmBatchTotals | undefined>)[SLOT];
  if (!totals) return;
  const rootType = batch.http ? 'request' : batch.kind;
  let root: EntryDraft | undefined;
  for (let i = drafts.length - 1; i >= 0 && !root; i--) if (drafts[i].draft.type === rootType) root = drafts[i].draft;
  if (root) root.content.llm = { ...totals, cost: { ...totals.cost } };
}
