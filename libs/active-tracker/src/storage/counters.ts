/**
 * Counters by dimension × time bucket, kept at write time for rollups and overview charts
 * (requests per minute by status class, LLM tokens per day by model, a latency histogram per
 * minute...). An entry contributes increments; a store sums them per (name, granularity, bucket
 * start, key), once per entry id.
 */
export type CounterGranularity = 'minute' | 'hour' | 'day';

export const COUNTER_GRANULARITIES: readonly CounterGranularity[] = ['minute', 'hour', 'day'];

export const GRANULARITY_MS: Readonly<Record<CounterGranularity, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

const DAY_MS = GRANULARITY_MS.day;

/** One increment: counter `name`, dimension `key` (e.g. '5xx', 'openai|gpt-4o'), by `value`. */
export interface CounterIncrement {
  name: string;
  key: string;
  value: number;
}

export interface CounterQuery {
  name: string;
  granularity: CounterGranularity;
  /** Epoch ms: the bucket containing it is the first returned. */
  from: number;
  /** Epoch ms: the bucket containing it is the last returned. */
  to: number;
}

export interface CounterBucket {
  /** ISO-8601 start of the bucket. */
  at: string;
  /** Sum per key; keys never incremented in the bucket are absent. */
  values: Record<string, number>;
}

export interface CounterSeries {
  name: string;
  granularity: CounterGranularity;
  /** Every bucket from `from` to `to`, oldest first (empty buckets have `values: {}`). */
  buckets: CounterBucket[];
  /** True when sampled (weighted) entries contributed: the sums are estimates. */
  approximate: boolean;
}

/** Most buckets one counters() call returns (a day of minutes plus margin). */
export const MAX_COUNTER_BUCKETS = 1500;

export function bucketStart(ms: number, granularity: CounterGranularity): number {
  const size = GRANULARITY_MS[granularity];
  return Math.floor(ms / size) * size;
}

/**
 * How long buckets are kept: minutes for a day, hours and days for the retention period (at least
 * a day). One bucket of margin so the bucket containing the cutoff is complete.
 */
export function counterTtlMs(granularity: CounterGranularity, maxAgeMs: number): number {
  const keep = granularity === 'minute' ? DAY_MS : Math.max(maxAgeMs, DAY_MS);
  return keep + GRANULARITY_MS[granularity];
}

/** Bucket starts covered by a query, oldest first, capped at MAX_COUNTER_BUCKETS (the newest kept). */
export function bucketStarts(query: Pick<CounterQuery, 'granularity' | 'from' | 'to'>): number[] {
  const size = GRANULARITY_MS[query.granularity];
  const last = bucketStart(query.to, query.granularity);
  let first = bucketStart(query.from, query.granularity);
  if (first > last) return [];
  first = Math.max(first, last - (MAX_COUNTER_BUCKETS - 1) * size);
  const out: number[] = [];
  for (let at = first; at <= last; at += size) out.push(at);
  return out;
}

/** True for a well-formed increment (stores skip the others rather than fail a whole save). */
export function validIncrement(increment: CounterIncrement): boolean {
  return (
    typeof increment?.name === 'string' &&
    increment.name.length > 0 &&
    typeof increment.key === 'string' &&
    typeof increment.value === 'number' &&
    Number.isFinite(increment.value)
  );
}
