import type { ExceptionFamilyDetailResponse } from '@active-tracker/nestjs/contracts';
import { ChartData, epochSeconds } from '../../shared/chart/chart.model';

/** What the exception family section shows, from `GET exceptions/families/:hash`. Pure. */
export type FamilyDetail = ExceptionFamilyDetailResponse['data'];

/** Occurrences per bucket (a minute over the last hour, an hour over the last day), as a bar chart. */
export function occurrencesChart(detail: Pick<FamilyDetail, 'occurrences'>): ChartData {
  const points = detail.occurrences.points;
  return {
    x: points.map((p) => epochSeconds(p.at)),
    series: [{ label: 'Occurrences', values: points.map((p) => p.count), color: '--danger' }],
  };
}

/** `12`, or `≈12` when sampling made it an estimate. */
export function familyCount(detail: Pick<FamilyDetail, 'family'>): string {
  return `${detail.family.approximate ? '≈' : ''}${detail.family.count.toLocaleString('en-US')}`;
}

/** Occurrences in the chart's range, e.g. `3 in the last day`. */
export function rangeTotal(detail: Pick<FamilyDetail, 'occurrences'>): string {
  const total = detail.occurrences.points.reduce((sum, p) => sum + p.count, 0);
  return `${detail.occurrences.approximate ? '≈' : ''}${total.toLocaleString('en-US')} in the last ${detail.occurrences.range}`;
}
