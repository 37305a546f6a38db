/**
 * The layout of a request's waterfall: every entry of its batch placed by its offset from the
 * request start and sized by its duration, as percentages of the span, with a few round ticks.
 * Pure, so the math is tested without a browser.
 */

/** One thing that happened during the request. */
export interface TimelineInput {
  id: string;
  type: string;
  /** One line: the SQL, the log message, the exception class, the outbound URL... */
  label: string;
  /** Ms from the request start (null: unknown, drawn at the start). */
  offsetMs: number | null;
  /** Ms it took (null or 0: a point in time, such as a log line). */
  durationMs: number | null;
}

export interface TimelineRow extends TimelineInput {
  /** Left edge, 0–100. */
  leftPct: number;
  /** Width, at least MIN_WIDTH_PCT so short spans stay visible; 0 for points. */
  widthPct: number;
  /** True for entries without a duration (drawn as a marker). */
  point: boolean;
  /** Offset clamped into the span, in ms. */
  startMs: number;
}

export interface TimelineTick {
  atMs: number;
  leftPct: number;
}

export interface TimelineLayout {
  /** The span drawn: the request's duration, or longer when something ran past its end. */
  spanMs: number;
  rows: TimelineRow[];
  ticks: TimelineTick[];
}

/** Narrowest bar drawn, in percent of the span. */
export const MIN_WIDTH_PCT = 0.5;

/** A round tick step (1, 2 or 5 × 10^n ms) giving about `target` intervals over `spanMs`. */
export function tickStep(spanMs: number, target = 5): number {
  if (!(spanMs > 0)) return 1;
  const raw = spanMs / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5, 10]) {
    if (raw <= factor * magnitude) return factor * magnitude;
  }
  return 10 * magnitude;
}

/**
 * Lays out `items` over a request that took `requestMs` (null: unknown). Rows keep start order
 * (ties in the given order); negative offsets (clock skew) are clamped to the start.
 */
export function timelineLayout(items: readonly TimelineInput[], requestMs: number | null): TimelineLayout {
  const startOf = (item: TimelineInput): number => Math.max(0, item.offsetMs ?? 0);
  const endOf = (item: TimelineInput): number => startOf(item) + Math.max(0, item.durationMs ?? 0);
  const spanMs = Math.max(requestMs ?? 0, ...items.map(endOf), 1);
  const pct = (ms: number): number => Math.min(100, (ms / spanMs) * 100);
  const rows = items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => startOf(a.item) - startOf(b.item) || a.index - b.index)
    .map(({ item }) => {
      const startMs = startOf(item);
      const point = !(item.durationMs && item.durationMs > 0);
      const leftPct = pct(startMs);
      const widthPct = point ? 0 : Math.min(100 - leftPct, Math.max(MIN_WIDTH_PCT, pct(item.durationMs ?? 0)));
      return { ...item, startMs, leftPct, widthPct, point };
    });
  const step = tickStep(spanMs);
  const ticks: TimelineTick[] = [];
  for (let atMs = 0; atMs <= spanMs + 1e-9; atMs += step) ticks.push({ atMs: round(atMs), leftPct: pct(atMs) });
  return { spanMs, rows, ticks };
}

/** Float noise out of tick values (0.30000000000000004 → 0.3). */
function round(ms: number): number {
  return Math.round(ms * 1e6) / 1e6;
}

/** Offset of `at` from `start` (ISO times) in ms, or null when either is unreadable. */
export function offsetBetween(start: string, at: string): number | null {
  const from = Date.parse(start);
  const to = Date.parse(at);
  return Number.isNaN(from) || Number.isNaN(to) ? null : to - from;
}

/** Where a row's "+offset · duration" note goes so that it never covers its bar. */
export type NotePlacement = 'after' | 'before' | 'inside';

/** After the bar while there is room, else before it, else (a bar across the span) inside it. */
export function notePlacement(row: Pick<TimelineRow, 'leftPct' | 'widthPct'>): NotePlacement {
  if (row.leftPct + row.widthPct <= 75) return 'after';
  return row.leftPct >= 25 ? 'before' : 'inside';
}
