import type { BatchDraft, TrackerContext } from '../context/request-context.js';

/** Tail sampling of batches (`sampling` option). */
export interface SamplingOptions {
  /** Share of ordinary batches kept, 0..1. Default 1 (keep everything). */
  rate: number;
  /** Batches that lasted at least this long are always kept. Default 1000 ms; null: no rule. */
  keepSlowerThanMs: number | null;
  /** Your own rule: return true to always keep a batch. */
  keep?: (batch: TrackerContext, drafts: readonly BatchDraft[]) => boolean;
}

export interface SamplingDecision {
  keep: boolean;
  /** How many batches a kept one stands for in aggregates: 1, or 1 / rate when kept by chance. */
  weight: number;
}

const KEEP: SamplingDecision = { keep: true, weight: 1 };
const DROP: SamplingDecision = { keep: false, weight: 0 };

/**
 * Decides per batch, so a request is kept or dropped whole with its logs, queries and calls.
 * Batches with an exception, a 5xx answer, a failure (a job that threw) or above the slow threshold
 * are always kept (weight 1); the
 * others are kept when a hash of the batch id falls under the rate, the same answer on every app
 * instance, and then count for 1 / rate in families and counters (which say they are approximate).
 */
export class BatchSampler {
  constructor(private readonly options: SamplingOptions) {}

  decide(batch: TrackerContext, drafts: readonly BatchDraft[]): SamplingDecision {
    const { rate, keepSlowerThanMs, keep } = this.options;
    if (rate >= 1) return KEEP;
    if (this.mustKeep(batch, drafts, keepSlowerThanMs, keep)) return KEEP;
    return unitHash(batch.batchId) < rate ? { keep: true, weight: 1 / rate } : DROP;
  }

  private mustKeep(batch: TrackerContext, drafts: readonly BatchDraft[], slowMs: number | null, keep: SamplingOptions['keep']): boolean {
    if (batch.failed) return true;
    // The batch's own answer: an outbound call that got a 503 is not a failed request.
    const status = batch.http?.res.statusCode ?? 0;
    if (status >= 500) return true;
    if (slowMs !== null && batch.endedAt !== null && batch.endedAt - batch.startedAt >= slowMs) return true;
    for (const { draft } of drafts) if (draft.type === 'exception') return true;
    try {
      return keep?.(batch, drafts) === true;
    } catch {
      return true; // a failing rule must not lose data
    }
  }
}

/** FNV-1a of the id's random part, mapped to [0, 1): deterministic across processes. */
export function unitHash(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = Math.max(0, id.length - 16); i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 0x1_0000_0000;
}
