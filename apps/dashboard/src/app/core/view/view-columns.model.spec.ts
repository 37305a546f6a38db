import type { Entry, EntryFamily } from '@active-tracker/nestjs/contracts';
import { aFamily, anEntry, cacheView } from '../../../testing/api.fixtures';
import { TableColumn } from '../../shared/entry-table/table-column.model';
import { entryColumns, familyColumns } from './view-columns.model';

const cells = <T>(columns: TableColumn<T>[], row: T): unknown[] => columns.map((c) => c.value(row));

describe('metadata-driven columns', () => {
  const entry = anEntry('cache-op', { key: 'user:1', hits: 1200, size: 2048, status: 200, note: { by: 'ada' } }, { durationMs: 1.5, tags: { op: 'hit' } });

  it('draw every view column from its field path and format', () => {
    const columns = entryColumns(cacheView.list.columns);
    expect(columns.map((c) => c.label)).toEqual(['Key', 'Op', 'Hits', 'Duration', 'Size', 'Status', 'When', 'Note']);
    expect(cells(columns, entry)).toEqual([
      { kind: 'code', text: 'user:1' },
      { kind: 'badge', text: 'hit', tone: 'tone-muted' },
      { kind: 'number', text: '1,200' },
      { kind: 'number', text: '1.5 ms' },
      { kind: 'number', text: '2.0 KB' },
      { kind: 'badge', text: '200', tone: 'tone-ok' },
      expect.objectContaining({ kind: 'time', iso: '2026-01-31T12:00:00.000Z' }),
      { kind: 'text', text: '{"by":"ada"}' },
    ]);
    expect(columns[0].title?.(entry)).toBe('user:1');
  });

  it('link the first column, give the first text/code column the width, right-align numbers', () => {
    const columns = entryColumns(cacheView.list.columns);
    expect(columns.map((c) => !!c.primary)).toEqual([true, false, false, false, false, false, false, false]);
    expect(columns.map((c) => !!c.grow)).toEqual([true, false, false, false, false, false, false, false]);
    expect(columns[0].width).toBeUndefined();
    expect(columns.filter((c) => c.end).map((c) => c.label)).toEqual(['Hits', 'Duration', 'Size']);
    const timeFirst = entryColumns([
      { field: 'occurredAt', label: 'When', format: 'time' },
      { field: 'content.key', label: 'Key' },
    ]);
    expect(timeFirst.map((c) => [!!c.primary, !!c.grow])).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it('show a dash for entries without the field', () => {
    expect(entryColumns([{ field: 'content.missing', label: 'X', format: 'duration' }])[0].value(anEntry('cache-op', {}))).toBeNull();
  });

  it('read families from their summary, then count and duration statistics', () => {
    const columns = familyColumns(cacheView.list.columns);
    expect(columns.map((c) => c.label)).toEqual(['Key', 'Hits', 'Size', 'Status', 'Note', 'Count', 'Avg', 'p95', 'Max', 'Total', 'First seen', 'Last seen']);
    const row: EntryFamily = aFamily();
    const values = cells(columns, row);
    expect(values.slice(0, 3)).toEqual([{ kind: 'code', text: 'user:1' }, null, { kind: 'number', text: '2.0 KB' }]);
    expect(values.slice(5, 10)).toEqual([
      { kind: 'number', text: '1,234' },
      { kind: 'number', text: '20 ms' },
      { kind: 'number', text: '38 ms' },
      { kind: 'number', text: '40 ms' },
      { kind: 'number', text: '100 ms' },
    ]);
    expect(columns[0].primary).toBe(true);
  });

  it('mark approximate counts and leave duration statistics empty (hidden) without durations', () => {
    const columns = familyColumns(cacheView.list.columns);
    const row = aFamily({ approximate: true, totalDurationMs: 0, maxDurationMs: null, avgDurationMs: null, p95: null });
    const byLabel = Object.fromEntries(columns.map((c) => [c.label, c.value(row)]));
    expect(byLabel['Count']).toEqual({ kind: 'number', text: '≈1,234' });
    expect([byLabel['Avg'], byLabel['p95'], byLabel['Max'], byLabel['Total']]).toEqual([null, null, null, null]);
    expect(columns.filter((c) => c.optional).map((c) => c.label)).toEqual(['Avg', 'p95', 'Max', 'Total']);
  });

  it('name families by their hash when no column reads the summary', () => {
    const columns = familyColumns([{ field: 'durationMs', label: 'Duration', format: 'duration' }]);
    expect(columns[0].label).toBe('Family');
    expect(columns[0].value(aFamily())).toEqual({ kind: 'code', text: 'user:1' });
  });

  it('type related-entry columns like list columns', () => {
    const related: TableColumn<Entry>[] = entryColumns([{ field: 'type', label: 'Type' }]);
    expect(related[0].value(entry)).toEqual({ kind: 'text', text: 'cache-op' });
  });
});
