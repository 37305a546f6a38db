/**
 * A log-bucketed duration histogram, mergeable by adding counts: bucket `i` holds durations in
 * (γ^(i-1), γ^i] milliseconds with γ = 1.04, so any quantile read from it is within 2% of the true
 * value (DDSketch's mapping). Both stores keep one counter per bucket (a Redis hash field `h<i>`
 * incremented by the write script, a Map in memory), so families and time buckets aggregate it at
 * write time and merge it on read. A library's opaque encoding could not be incremented in Lua.
 */
export const HISTOGRAM_GAMMA = 1.04;
const LOG_GAMMA = Math.log(HISTOGRAM_GAMMA);
/** Durations at or below 1 µs share the lowest bucket. */
const MIN_MS = 0.001;
export const MIN_BUCKET = Math.ceil(Math.log(MIN_MS) / LOG_GAMMA);

/** Bucket index of a duration in ms. */
export function histogramBucket(ms: number): number {
  if (!(ms > MIN_MS)) return MIN_BUCKET;
  return Math.ceil(Math.log(ms) / LOG_GAMMA);
}

/** The value a bucket stands for: the point of least relative error within it. */
export function bucketValue(index: number): number {
  return (2 * HISTOGRAM_GAMMA ** index) / (1 + HISTOGRAM_GAMMA);
}

/** Bucket counts keyed by bucket index (a Map, or a record of `h<i>`/`<i>` fields). */
export type BucketCounts = ReadonlyMap<number, number> | Readonly<Record<string, number | string>>;

function entriesOf(buckets: BucketCounts): Array<[number, number]> {
  if (buckets instanceof Map) return [...buckets.entries()];
  const out: Array<[number, number]> = [];
  for (const [key, raw] of Object.entries(buckets)) {
    const index = Number(key.startsWith('h') ? key.slice(1) : key);
    const count = Number(raw);
    if (Number.isFinite(index) && count > 0) out.push([index, count]);
  }
  return out;
}

/**
 * Quantiles (0..1) of a histogram, in ms, rounded to 3 decimals; null for an empty histogram.
 * Several quantiles in one call sort the buckets once.
 */
export function quantiles(buckets: BucketCounts, qs: readonly number[]): Array<number | null> {
  const sorted = entriesOf(buckets).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, count]) => sum + count, 0);
  if (total <= 0) return qs.map(() => null);
  return qs.map((q) => {
    // Rank of the quantile among `total` values (nearest-rank, as DDSketch does).
    const rank = Math.max(0, Math.min(1, q)) * (total - 1);
    let seen = 0;
    for (const [index, count] of sorted) {
      seen += count;
      if (seen > rank) return Math.round(bucketValue(index) * 1000) / 1000;
    }
    return Math.round(bucketValue(sorted[sorted.length - 1][0]) * 1000) / 1000;
  });
}
