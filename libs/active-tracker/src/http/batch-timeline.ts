import type { TimelineItem } from '../contracts/api.js';
import type { Entry } from '../entries/entry.js';

/**
 * A batch as a waterfall: each entry placed by its `occurredAt` (its start: a request's, a
 * query's, an outbound call's) relative to the batch start, the request entry's start when the
 * batch has one, else its earliest entry's. Entries without a duration are instants.
 */
export function batchTimeline(batch: readonly Entry[]): { startedAt: string; timeline: TimelineItem[] } {
  if (batch.length === 0) return { startedAt: new Date(0).toISOString(), timeline: [] };
  const times = batch.map((e) => Date.parse(e.occurredAt));
  const root = batch.findIndex((e) => e.type === 'request');
  let start = root >= 0 ? times[root] : Infinity;
  if (root < 0) for (const t of times) if (t < start) start = t;
  if (!Number.isFinite(start)) start = 0;
  return {
    startedAt: new Date(start).toISOString(),
    timeline: batch.map((e, i) => ({
      id: e.id,
      type: e.type,
      // Clock steps aside, nothing of a request starts before it; never draw a bar left of zero.
      offsetMs: Number.isFinite(times[i]) ? Math.max(0, times[i] - start) : 0,
      durationMs: typeof e.durationMs === 'number' ? e.durationMs : null,
    })),
  };
}
