import type { OverviewPoint, OverviewRange, OverviewResponse, OverviewRoute, OverviewTile } from '../contracts/api.js';
import type { ActiveTrackerPlugin, EntryReader, OverviewWindow } from '../plugins/plugin.js';
import { bucketStart, GRANULARITY_MS, type CounterSeries } from '../storage/counters.js';
import { REQUEST_COUNTERS } from '../storage/overview-counters.js';
import { quantiles } from '../storage/histogram.js';

/** Buckets of each range: an hour of minutes, a day of hours. */
const RANGES: Record<OverviewRange, { granularity: 'minute' | 'hour'; buckets: number }> = {
  hour: { granularity: 'minute', buckets: 60 },
  day: { granularity: 'hour', buckets: 24 },
};

/** Routes listed as the slowest. */
const SLOWEST_ROUTES = 10;

/** The window of a range ending now: `buckets` whole buckets, the last one the current. */
export function overviewWindow(range: OverviewRange, now = Date.now()): OverviewWindow {
  const { granularity, buckets } = RANGES[range];
  const from = bucketStart(now, granularity) - (buckets - 1) * GRANULARITY_MS[granularity];
  return { range, granularity, from, to: now };
}

/**
 * `GET overview`: request rate, p95 and error rate per bucket and the slowest routes, from the
 * counters the request plugin adds at write time (a few reads of one hash per bucket: the cost does
 * not grow with traffic), plus the tiles plugins contribute. A plugin whose tiles fail gives one
 * tile saying so instead of failing the overview.
 */
export async function buildOverview(entries: EntryReader, plugins: readonly ActiveTrackerPlugin[], range: OverviewRange): Promise<OverviewResponse['data']> {
  const window = overviewWindow(range);
  const read = (name: string) => entries.counters({ name, granularity: window.granularity, from: window.from, to: window.to });
  const [byStatus, durations, routes, routesMs, routes5xx, tiles] = await Promise.all([
    read(REQUEST_COUNTERS.byStatus),
    read(REQUEST_COUNTERS.duration),
    read(REQUEST_COUNTERS.routes),
    read(REQUEST_COUNTERS.routesMs),
    read(REQUEST_COUNTERS.routes5xx),
    pluginTiles(entries, plugins, window),
  ]);

  const merged: Record<string, number> = {};
  const series: OverviewPoint[] = byStatus.buckets.map((bucket, i) => {
    const histogram = durations.buckets[i]?.values ?? {};
    for (const [key, n] of Object.entries(histogram)) merged[key] = (merged[key] ?? 0) + n;
    const requests = sum(bucket.values);
    const errors = bucket.values['5xx'] ?? 0;
    return {
      at: bucket.at,
      requests,
      errors,
      clientErrors: bucket.values['4xx'] ?? 0,
      errorRate: requests > 0 ? errors / requests : null,
      p95Ms: quantiles(histogram, [0.95])[0],
    };
  });
  const requests = series.reduce((n, p) => n + p.requests, 0);
  const errors = series.reduce((n, p) => n + p.errors, 0);
  const minutes = Math.max(1, (window.to - window.from) / GRANULARITY_MS.minute);
  return {
    range,
    granularity: window.granularity,
    from: new Date(window.from).toISOString(),
    to: new Date(window.to).toISOString(),
    totals: {
      requests,
      errors,
      clientErrors: series.reduce((n, p) => n + p.clientErrors, 0),
      errorRate: requests > 0 ? errors / requests : null,
      p95Ms: quantiles(merged, [0.95])[0],
      perMinute: requests / minutes,
    },
    series,
    slowestRoutes: await slowestRoutes(entries, routes, routesMs, routes5xx),
    tiles,
    approximate: [byStatus, durations, routes, routesMs, routes5xx].some((s) => s.approximate),
  };
}

/** The routes with the highest average duration over the window, named from their families. */
async function slowestRoutes(entries: EntryReader, counts: CounterSeries, totalMs: CounterSeries, failures: CounterSeries): Promise<OverviewRoute[]> {
  const count = sumPerKey(counts);
  const ms = sumPerKey(totalMs);
  const errors = sumPerKey(failures);
  const ranked = Object.entries(count)
    .filter(([, n]) => n > 0)
    .map(([hash, n]) => ({ hash, n, avg: (ms[hash] ?? 0) / n }))
    .sort((a, b) => b.avg - a.avg || b.n - a.n)
    .slice(0, SLOWEST_ROUTES);
  const families = await Promise.all(ranked.map((r) => entries.family('request', r.hash).catch(() => null)));
  return ranked.map((r, i) => ({
    familyHash: r.hash,
    method: families[i]?.summary.method ?? null,
    route: families[i]?.summary.routePattern ?? null,
    count: r.n,
    errors: errors[r.hash] ?? 0,
    avgMs: Math.round(r.avg * 1000) / 1000,
    p95Ms: families[i]?.p95 ?? null,
  }));
}

async function pluginTiles(entries: EntryReader, plugins: readonly ActiveTrackerPlugin[], window: OverviewWindow): Promise<OverviewTile[]> {
  const perPlugin = await Promise.all(
    plugins
      .filter((plugin) => typeof plugin.overview === 'function')
      .map((plugin) =>
        Promise.resolve()
          .then(() => plugin.overview!(entries, window))
          .then((tiles) => (Array.isArray(tiles) ? tiles : []))
          .catch((): OverviewTile[] => [
            { plugin: plugin.name, key: 'unavailable', label: plugin.nav?.title ?? plugin.name, value: 'unavailable', error: true },
          ]),
      ),
  );
  return perPlugin.flat();
}

function sum(values: Record<string, number>): number {
  let total = 0;
  for (const n of Object.values(values)) total += n;
  return total;
}

function sumPerKey(series: CounterSeries): Record<string, number> {
  const out: Record<string, number> = {};
  for (const bucket of series.buckets) for (const [key, n] of Object.entries(bucket.values)) out[key] = (out[key] ?? 0) + n;
  return out;
}
