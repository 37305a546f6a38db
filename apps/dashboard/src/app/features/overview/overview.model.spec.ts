import type { OverviewResponse } from '@active-tracker/nestjs/contracts';
import { formatChartValue, isEmptyChart } from '../../shared/chart/chart.model';
import { errorRateChart, headlineTiles, latencyChart, rateChart, routeLabel, sparklinePoints, tileValue } from './overview.model';

const hour = {
  range: 'hour',
  granularity: 'minute',
  from: '2026-01-31T11:00:00.000Z',
  to: '2026-01-31T11:02:00.000Z',
  totals: { requests: 12, errors: 3, clientErrors: 1, errorRate: 0.25, p95Ms: 1234, perMinute: 0.2 },
  series: [
    { at: '2026-01-31T11:00:00.000Z', requests: 0, errors: 0, clientErrors: 0, errorRate: null, p95Ms: null },
    { at: '2026-01-31T11:01:00.000Z', requests: 12, errors: 3, clientErrors: 1, errorRate: 0.25, p95Ms: 1234 },
  ],
  slowestRoutes: [],
  tiles: [],
  approximate: false,
} satisfies OverviewResponse['data'];

describe('overview charts and figures', () => {
  it('charts requests and errors per minute, at epoch seconds', () => {
    expect(rateChart(hour)).toEqual({
      x: [Date.parse('2026-01-31T11:00:00.000Z') / 1000, Date.parse('2026-01-31T11:01:00.000Z') / 1000],
      series: [
        { label: 'Requests/min', values: [0, 12], color: '--accent', fill: true },
        { label: '5xx/min', values: [0, 3], color: '--danger' },
      ],
    });
  });

  it('averages hourly buckets per minute over a day', () => {
    const day = { ...hour, range: 'day' as const, granularity: 'hour' as const, series: [{ ...hour.series[1], requests: 120, errors: 60 }] };
    expect(rateChart(day).series.map((s) => s.values)).toEqual([[2], [1]]);
  });

  it('leaves gaps where no request ran, and error rates in percent', () => {
    expect(latencyChart(hour).series[0].values).toEqual([null, 1234]);
    expect(errorRateChart(hour).series[0].values).toEqual([null, 25]);
    expect(isEmptyChart(latencyChart({ ...hour, series: [hour.series[0]] }))).toBe(true);
    expect(isEmptyChart(rateChart(hour))).toBe(false);
  });

  it('gives the headline figures, marking estimates and errors', () => {
    expect(headlineTiles(hour)).toEqual([
      { key: 'rate', label: 'Request rate', value: '0.2/min' },
      { key: 'p95', label: 'p95 latency', value: '1.2 s' },
      { key: 'errors', label: 'Error rate (5xx)', value: '25%', error: true },
      { key: 'requests', label: 'Requests, last hour', value: '12' },
    ]);
    const quiet = headlineTiles({ ...hour, approximate: true, totals: { ...hour.totals, errors: 0, errorRate: null, p95Ms: null } });
    expect(quiet.map((t) => t.value)).toEqual(['≈0.2/min', '—', '—', '≈12']);
    expect(quiet[2].error).toBe(false);
  });

  it('formats values for axes, legends and tiles', () => {
    expect(formatChartValue(12.4, 'ms')).toBe('12 ms');
    expect(formatChartValue(12_500, 'ms')).toBe('13 s');
    expect(formatChartValue(2.345, 'percent')).toBe('2.3%');
    expect(formatChartValue(0, 'percent')).toBe('0%');
    expect(formatChartValue(1234, 'count')).toBe('1,234');
    expect(formatChartValue(null, 'count')).toBe('—');
    expect(tileValue(1.2, '$')).toBe('$1.2');
    expect(tileValue(42, 'ms')).toBe('42 ms');
    expect(tileValue('3 of 4')).toBe('3 of 4');
    expect(tileValue(7.5, '%')).toBe('7.5%');
  });

  it('names routes by method and pattern', () => {
    expect(routeLabel({ familyHash: 'h', method: 'GET', route: '/users/:id', count: 1, errors: 0, avgMs: 1, p95Ms: null })).toBe('GET /users/:id');
    expect(routeLabel({ familyHash: 'h', method: null, route: null, count: 1, errors: 0, avgMs: 1, p95Ms: null })).toBe('h');
  });

  it('draws sparklines with the highest value at the top', () => {
    expect(sparklinePoints([0, 5, 10], 100, 20)).toBe('0,20 50,10 100,0');
    expect(sparklinePoints([0, 0], 10, 4)).toBe('0,4 10,4');
    expect(sparklinePoints([3], 10, 4)).toBe('0,0');
    expect(sparklinePoints([], 10, 4)).toBe('');
  });
});
