import type { Entry, PluginView, StackFrame, ViewSection } from '@active-tracker/nestjs/contracts';
import { stackFrame } from '../api/entry.guards';
import { arrayOf } from '../api/json.guard';
import { QueryParams } from '../api/query-params';
import { summaryOf } from '../../shared/entry-table/entry-summary.util';
import { TableColumn } from '../../shared/entry-table/table-column.model';
import { ViewCell, formatCell, toText } from './view-cell.model';
import { entryColumns } from './view-columns.model';
import { fieldName, fieldValue } from './view-field.util';

/** One section of a metadata-driven detail page, ready to draw. */
export type SectionView =
  | { kind: 'fields'; title: string; rows: Array<{ label: string; cell: ViewCell | null }> }
  | { kind: 'json'; title: string; value: unknown }
  | { kind: 'code'; title: string; language: 'sql' | 'json' | 'text'; text: string }
  | { kind: 'backtrace'; title: string; frames: StackFrame[]; stack: string | null }
  | {
      kind: 'related';
      title: string;
      relation: 'batch' | 'family';
      columns: TableColumn<Entry>[];
      /** The rows of a batch relation (already loaded with the entry). */
      rows: Entry[] | null;
      /** The `GET entries` query of a family relation; null when the entry has no family. */
      query: QueryParams | null;
      empty: string;
    };

const frames = arrayOf(stackFrame);

/** Frames when `value` is a parsed stack, else none (and the raw text when it is one). */
function backtraceOf(value: unknown): { frames: StackFrame[]; stack: string | null } {
  if (typeof value === 'string') return { frames: [], stack: value };
  try {
    return { frames: frames(value, ''), stack: null };
  } catch {
    return { frames: [], stack: value === undefined || value === null ? null : toText(value) };
  }
}

/** Code as text: strings as they are, JSON pretty-printed for `json`, nothing for nothing. */
function codeOf(value: unknown, language: 'sql' | 'json' | 'text'): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return language === 'json' ? JSON.stringify(value, null, 2) : toText(value);
}

function sectionView(section: ViewSection, entry: Entry, batch: readonly Entry[]): SectionView {
  switch (section.kind) {
    case 'fields':
      return {
        kind: 'fields',
        title: section.title ?? 'Details',
        rows: section.fields.map((field) => ({ label: field.label, cell: formatCell(fieldValue(entry, field.field), field.format) })),
      };
    case 'json':
      return { kind: 'json', title: section.title ?? fieldName(section.field), value: fieldValue(entry, section.field) };
    case 'code': {
      const language = section.language ?? 'text';
      return { kind: 'code', title: section.title ?? fieldName(section.field), language, text: codeOf(fieldValue(entry, section.field), language) };
    }
    case 'backtrace':
      return { kind: 'backtrace', title: section.title ?? 'Backtrace', ...backtraceOf(fieldValue(entry, section.field)) };
    case 'related': {
      const type = section.type ?? entry.type;
      const columns = entryColumns(section.columns);
      if (section.relation === 'batch') {
        const rows = batch.filter((e) => e.id !== entry.id && (!section.type || e.type === section.type));
        return {
          kind: 'related',
          title: section.title ?? 'Same batch',
          relation: 'batch',
          columns,
          rows,
          query: null,
          empty: 'Nothing else was recorded in this batch.',
        };
      }
      const query = entry.familyHash ? { type, family: entry.familyHash } : null;
      return {
        kind: 'related',
        title: section.title ?? 'Same family',
        relation: 'family',
        columns,
        rows: null,
        query,
        empty: entry.familyHash ? 'No other occurrence.' : 'This entry has no family.',
      };
    }
  }
}

/** The sections of a detail page, in the plugin's order. */
export function buildSections(view: PluginView, entry: Entry, batch: readonly Entry[]): SectionView[] {
  return view.detail.sections.map((section) => sectionView(section, entry, batch));
}

/** The heading of a detail page: the `detail.title` field, or the entry's summary. */
export function detailTitle(view: PluginView, entry: Entry): string {
  const value = view.detail.title ? fieldValue(entry, view.detail.title) : undefined;
  return value === undefined || value === null || value === '' ? summaryOf(entry) : toText(value);
}
