/**
 * Pure helpers of the Queries pages: the sort options of the families table, SQL split into
 * highlighted pieces, a sparkline of durations and duration bars. No Angular, so the dashboard
 * project's specs run them in Node.
 */

/** What the families table sorts by (the API's `sort`), with its column label. */
export const QUERY_SORTS = [
  { key: 'count', label: 'Count' },
  { key: 'total', label: 'Total' },
  { key: 'avg', label: 'Avg' },
  { key: 'max', label: 'Max' },
  { key: 'p95', label: 'p95' },
] as const;
export type QuerySort = (typeof QUERY_SORTS)[number]['key'];

/** The API's default order (where the database time goes). */
export const DEFAULT_QUERY_SORT: QuerySort = 'total';

/** The `sort` query parameter, or the default when it is missing or unknown. */
export function querySortOf(value: string | null | undefined): QuerySort {
  return QUERY_SORTS.some((s) => s.key === value) ? (value as QuerySort) : DEFAULT_QUERY_SORT;
}

/** A piece of highlighted SQL. */
export interface SqlPiece {
  text: string;
  kind: 'keyword' | 'string' | 'number' | 'param' | 'comment' | 'plain';
}

const KEYWORDS = new Set(
  (
    'select from where and or not in is null like ilike between join inner left right full outer cross on using group by order ' +
    'having limit offset insert into values update set delete returning as distinct union all exists case when then else end ' +
    'create table alter drop index primary key foreign references default begin commit rollback with asc desc any some true false'
  ).split(' '),
);

const SQL_TOKEN = /(--[^\n]*|\/\*[\s\S]*?\*\/)|('(?:[^']|'')*'?)|(\$\d+|\?)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_][\w$]*)|([\s\S])/g;

/** SQL split into pieces for highlighting (keywords, strings, numbers, placeholders, comments). */
export function highlightSql(sql: string): SqlPiece[] {
  const pieces: SqlPiece[] = [];
  const push = (text: string, kind: SqlPiece['kind']) => {
    const last = pieces[pieces.length - 1];
    if (last && last.kind === kind && kind === 'plain') last.text += text;
    else pieces.push({ text, kind });
  };
  for (const m of sql.matchAll(SQL_TOKEN)) {
    if (m[1]) push(m[1], 'comment');
    else if (m[2]) push(m[2], 'string');
    else if (m[3]) push(m[3], 'param');
    else if (m[4]) push(m[4], 'number');
    else if (m[5]) push(m[5], KEYWORDS.has(m[5].toLowerCase()) ? 'keyword' : 'plain');
    else push(m[0], 'plain');
  }
  return pieces;
}

/**
 * SVG polyline points of a sparkline of `values` (oldest first) in a `width`×`height` box, the
 * largest value at the top; '' when there is nothing to draw.
 */
export function sparklinePoints(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) return '';
  const max = Math.max(...values);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const y = (v: number) => (max > 0 ? height - (v / max) * height : height);
  const points =
    values.length === 1
      ? [
          [0, y(values[0])],
          [width, y(values[0])],
        ]
      : values.map((v, i) => [i * step, y(v)]);
  return points.map(([px, py]) => `${round(px)},${round(py)}`).join(' ');
}

/** Width (percent, at least 1 so a bar is always visible) of each duration against the longest. */
export function durationBars(durations: readonly (number | null)[]): number[] {
  const max = Math.max(0, ...durations.map((d) => d ?? 0));
  return durations.map((d) => (max > 0 && d !== null ? Math.max(1, round((d / max) * 100)) : 1));
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
