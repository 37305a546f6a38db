import type { OverviewResponse, OverviewRoute } from '@active-tracker/nestjs/contracts';
import { ChartData, epochSeconds, formatChartValue } from '../../shared/chart/chart.model';

/** The overview's charts and headline figures from `GET overview`. Pure. */
export type Overview = OverviewResponse['data'];

/** Minutes per bucket of a range's series. */
function bucketMinutes(overview: Pick<Overview, 'granularity'>): number {
  return overview.granularity === 'hour' ? 60 : 1;
}

/** Requests and 5xx errors per minute, per bucket (a day's hourly buckets are averaged per minute). */
export function rateChart(overview: Overview): ChartData {
  const per = bucketMinutes(overview);
  return {
    x: overview.series.map((p) => epochSeconds(p.at)),
    series: [
      { label: 'Requests/min', values: overview.series.map((p) => p.requests / per), color: '--accent', fill: true },
      { label: '5xx/min', values: overview.series.map((p) => p.errors / per), color: '--danger' },
    ],
  };
}

/** p95 latency per bucket, in ms (gaps where no request ran). */
export function latencyChart(overview: Overview): ChartData {
  return {
    x: overview.series.map((p) => epochSeconds(p.at)),
    series: [{ label: 'p95', values: overview.series.map((p) => p.p95Ms), color: '--warn', fill: true }],
  };
}

/** Share of requests answered 5xx per bucket, in percent (gaps where no request ran). */
export function errorRateChart(overview: Overview): ChartData {
  return {
    x: overview.series.map((p) => epochSeconds(p.at)),
    series: [{ label: 'Error rate', values: overview.series.map((p) => (p.errorRate === null ? null : p.errorRate * 100)), color: '--danger', fill: true }],
  };
}

/** The headline tiles: request rate, p95, error rate, requests in the range. */
export function headlineTiles(overview: Overview): Array<{ key: string; label: string; value: string; error?: boolean }> {
  const t = overview.totals;
  const approx = overview.approximate ? '≈' : '';
  return [
    { key: 'rate', label: 'Request rate', value: `${approx}${formatChartValue(t.perMinute, 'rate')}` },
    { key: 'p95', label: 'p95 latency', value: formatChartValue(t.p95Ms, 'ms') },
    {
      key: 'errors',
      label: 'Error rate (5xx)',
      value: formatChartValue(t.errorRate === null ? null : t.errorRate * 100, 'percent'),
      error: t.errors > 0,
    },
    {
      key: 'requests',
      label: overview.range === 'hour' ? 'Requests, last hour' : 'Requests, last day',
      value: `${approx}${t.requests.toLocaleString('en-US')}`,
    },
  ];
}

/** A plugin tile's value with its unit (`$1.20`, `12 ms`, `3`). */
export function tileValue(value: number | string, unit?: string): string {
  const text = typeof value === 'number' ? value.toLocaleString('en-US', { maximumFractionDigits: 2 }) : value;
  if (!unit) return text;
  return unit === '$' || unit === '€' || unit === '£' ? `${unit}${text}` : unit === '%' ? `${text}%` : `${text} ${unit}`;
}

/** Query parameters of the request list showing a route's requests. */
export function routeLink(route: OverviewRoute): Record<string, string> {
  return { family: route.familyHash };
}

/** `GET /users/:id`, or the family hash when the route is unknown. */
export function routeLabel(route: OverviewRoute): string {
  return [route.method, route.route].filter(Boolean).join(' ') || route.familyHash;
}

/** SVG polyline points of a sparkline of `values` in a `width`×`height` box (max at the top). */
export function sparklinePoints(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) return '';
  const max = Math.max(...values, 0);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values
    .map((v, i) => {
      const y = max > 0 ? height - (Math.max(0, v) / max) * height : height;
      return `${round(i * step)},${round(y)}`;
    })
    .join(' ');
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
