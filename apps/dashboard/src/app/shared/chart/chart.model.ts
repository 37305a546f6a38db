/**
 * The data of a time chart as the chart component draws it: x in epoch seconds (uPlot's time
 * scale), one array of values per series (null: no data in that bucket, drawn as a gap), and
 * each series' colour as a CSS custom property so the chart follows the theme.
 */
export interface ChartSeries {
  label: string;
  values: Array<number | null>;
  /** A colour token of styles.css, e.g. `--accent`. */
  color: string;
  /** Fill under the line. */
  fill?: boolean;
}

export interface ChartData {
  x: number[];
  series: ChartSeries[];
}

/** A value formatter for the y axis and the legend. */
export type ChartFormat = 'count' | 'ms' | 'percent' | 'rate';

/** Epoch seconds of an ISO time (NaN stays NaN; the parsers guarantee strings). */
export function epochSeconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

/** A value as the axis and legend show it. */
export function formatChartValue(value: number | null | undefined, format: ChartFormat): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (format) {
    case 'ms':
      return value >= 1000 ? `${(value / 1000).toFixed(value >= 10_000 ? 0 : 1)} s` : `${Math.round(value)} ms`;
    case 'percent':
      return `${value >= 10 || value === 0 ? Math.round(value) : value.toFixed(1)}%`;
    case 'rate':
      return value >= 10 || value === 0 ? `${Math.round(value)}/min` : `${value.toFixed(1)}/min`;
    default:
      return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(1);
  }
}

/** True when every value of every series is null or 0: the chart says "no data" instead. */
export function isEmptyChart(data: ChartData): boolean {
  return data.series.every((s) => s.values.every((v) => v === null || v === 0));
}

/** `#rrggbb` (or `#rgb`) with an alpha, as canvas accepts it; other colours are returned as they are. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim())?.[1];
  if (!hex) return color;
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/**
 * Indices of values with no value on either side: a line cannot draw them (gaps are not spanned),
 * so the chart marks them with a dot (a single busy minute in a quiet hour).
 */
export function isolatedPoints(values: ArrayLike<number | null | undefined>): number[] {
  const has = (i: number): boolean => i >= 0 && i < values.length && values[i] !== null && values[i] !== undefined;
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (has(i) && !has(i - 1) && !has(i + 1)) out.push(i);
  return out;
}
