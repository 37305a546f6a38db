import type { Entry, EntryFamily, ViewColumn, ViewFormat } from '@active-tracker/nestjs/contracts';
import { TableColumn } from '../../shared/entry-table/table-column.model';
import { ViewCell, formatCell } from './view-cell.model';
import { childOf, fieldValue } from './view-field.util';

/** Fixed widths per format; text and code columns share the rest. */
const WIDTHS: Partial<Record<ViewFormat, string>> = {
  time: '96px',
  duration: '84px',
  bytes: '80px',
  number: '84px',
  status: '70px',
  badge: '100px',
};
const RIGHT_ALIGNED = new Set<ViewFormat>(['number', 'duration', 'bytes']);
const WIDE = new Set<ViewFormat>(['text', 'code']);

/** The tooltip of a cell: its full text (cells are cut to one line). */
function titleOf(cell: ViewCell | null): string | null {
  return cell ? cell.text : null;
}

/** A table column drawing `read(row)` as `format`. */
function cellColumn<T>(label: string, format: ViewFormat, read: (row: T) => unknown, extra: Partial<TableColumn<T>> = {}): TableColumn<T> {
  return {
    label,
    kind: 'cell',
    value: (row) => formatCell(read(row), format),
    title: (row) => titleOf(formatCell(read(row), format)),
    end: RIGHT_ALIGNED.has(format),
    width: WIDTHS[format],
    ...extra,
  };
}

/** The first column links the row; the first text or code column takes the remaining width. */
function withLayout<T>(columns: TableColumn<T>[], formats: ViewFormat[]): TableColumn<T>[] {
  const grow = Math.max(
    0,
    formats.findIndex((format) => WIDE.has(format)),
  );
  return columns.map((column, i) => ({
    ...column,
    primary: i === 0,
    ...(i === grow ? { grow: true, width: undefined } : {}),
  }));
}

/** Table columns of an entry list (or a related-entries table) from a plugin's view columns. */
export function entryColumns(columns: readonly ViewColumn[]): TableColumn<Entry>[] {
  const formats = columns.map((c) => c.format ?? 'text');
  return withLayout(
    columns.map((c, i) => cellColumn<Entry>(c.label, formats[i], (entry) => fieldValue(entry, c.field))),
    formats,
  );
}

/** A family summary keeps the top-level scalar content fields: `content.<key>` columns read it. */
const SUMMARY_FIELD = /^content\.([^.]+)$/;

/**
 * Table columns of a families list: the view's `content.<key>` columns read from each family's
 * summary (or the family hash when none does), then count, durations, first and last seen.
 * Duration statistics hide themselves when no family has durations.
 */
export function familyColumns(columns: readonly ViewColumn[]): TableColumn<EntryFamily>[] {
  const described = columns.filter((c) => SUMMARY_FIELD.test(c.field));
  const formats: ViewFormat[] = described.length ? described.map((c) => c.format ?? 'text') : ['code'];
  const head = described.length
    ? described.map((c, i) => {
        const key = SUMMARY_FIELD.exec(c.field)![1];
        return cellColumn<EntryFamily>(c.label, formats[i], (f) => childOf(f.summary, key));
      })
    : [cellColumn<EntryFamily>('Family', 'code', (f) => f.familyHash)];
  const timed = (f: EntryFamily, value: number | null): number | null => (f.maxDurationMs === null ? null : value);
  return [
    ...withLayout(head, formats),
    {
      label: 'Count',
      kind: 'cell',
      // Sampled occurrences make the count an estimate.
      value: (f) => ({ kind: 'number', text: `${f.approximate ? '≈' : ''}${f.count.toLocaleString('en-US')}` }),
      end: true,
      width: '80px',
    },
    cellColumn<EntryFamily>('Avg', 'duration', (f) => f.avgDurationMs, { optional: true }),
    cellColumn<EntryFamily>('p95', 'duration', (f) => f.p95, { optional: true }),
    cellColumn<EntryFamily>('Max', 'duration', (f) => f.maxDurationMs, { optional: true }),
    cellColumn<EntryFamily>('Total', 'duration', (f) => timed(f, f.totalDurationMs), { optional: true }),
    cellColumn<EntryFamily>('First seen', 'time', (f) => f.firstSeen),
    cellColumn<EntryFamily>('Last seen', 'time', (f) => f.lastSeen),
  ];
}
