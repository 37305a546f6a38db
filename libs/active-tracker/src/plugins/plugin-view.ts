/**
 * Dashboard view metadata a plugin contributes through `GET api/meta`: the prebuilt dashboard
 * renders a plugin's list and detail pages from it, so a plugin published on npm gets real pages
 * without any Angular code. Field paths address an Entry: `durationMs`, `occurredAt`, `tags.level`,
 * `content.sql`, `content.request.method`.
 */

/** How a value is shown. */
export type ViewFormat =
  | 'text'
  | 'number'
  /** Milliseconds: "12.3 ms", "1.2 s". */
  | 'duration'
  /** A byte count: "1.5 KB". */
  | 'bytes'
  /** An HTTP status, colored by class. */
  | 'status'
  /** An ISO time or epoch ms: relative in lists, absolute in details. */
  | 'time'
  /** A short label in a pill (a level, a state). */
  | 'badge'
  /** Monospace (SQL, identifiers). */
  | 'code';

export interface ViewColumn {
  /** Field path (see above). */
  field: string;
  label: string;
  format?: ViewFormat;
}

/** One section of a detail page. */
export type ViewSection =
  /** Key–value rows. */
  | { kind: 'fields'; title?: string; fields: ViewColumn[] }
  /** A value as pretty-printed JSON. */
  | { kind: 'json'; title?: string; field: string }
  /** A value as code (SQL, text), monospace and copyable. */
  | { kind: 'code'; title?: string; field: string; language?: 'sql' | 'json' | 'text' }
  /** A V8 stack (frames `{ file, line, column, function, app }`), app frames highlighted. */
  | { kind: 'backtrace'; title?: string; field: string }
  /** A table of related entries: those of the same batch, or the same family. */
  | { kind: 'related'; title?: string; relation: 'batch' | 'family'; type?: string; columns: ViewColumn[] };

/** A list filter the dashboard offers (values go to `GET entries` as `tag=key:value` or `q`). */
export type ViewFilter = { kind: 'tag'; key: string; label: string; options?: string[] } | { kind: 'text'; label: string };

export interface PluginView {
  /** The list page. `families: true` lists the plugin's families (count, p95...) instead of entries. */
  list: { columns: ViewColumn[]; filters?: ViewFilter[]; families?: boolean };
  /** The detail page of one entry. `title` is a field path shown as the heading. */
  detail: { title?: string; sections: ViewSection[] };
}

const FORMATS = new Set<ViewFormat>(['text', 'number', 'duration', 'bytes', 'status', 'time', 'badge', 'code']);
const FIELD = /^(id|type|batchId|occurredAt|durationMs|familyHash|version|tags\.[^.\s]+|content(\.[^.\s]+)+)$/;

/** Problems with a plugin's view metadata (reported at boot with the module's options). */
export function viewProblems(view: unknown): string[] {
  const problems: string[] = [];
  if (view === null || typeof view !== 'object') return ['"view" must be an object { list, detail }'];
  const v = view as Partial<PluginView>;
  const columns = (where: string, list: unknown): void => {
    if (!Array.isArray(list)) return void problems.push(`${where} must be an array of { field, label, format? }`);
    list.forEach((c: Partial<ViewColumn>, i) => {
      if (!c || typeof c.field !== 'string' || !FIELD.test(c.field))
        problems.push(`${where}[${i}].field must be a field path such as "content.sql" or "durationMs"`);
      if (!c || typeof c.label !== 'string' || !c.label) problems.push(`${where}[${i}].label must be a non-empty string`);
      if (c?.format !== undefined && !FORMATS.has(c.format)) problems.push(`${where}[${i}].format must be one of ${[...FORMATS].join(', ')}`);
    });
  };
  if (!v.list || typeof v.list !== 'object') problems.push('"view.list" must be an object { columns, filters?, families? }');
  else {
    columns('"view.list.columns"', v.list.columns);
    if (v.list.families !== undefined && typeof v.list.families !== 'boolean') problems.push('"view.list.families" must be a boolean');
    if (v.list.filters !== undefined) {
      if (!Array.isArray(v.list.filters))
        problems.push('"view.list.filters" must be an array of { kind: "tag", key, label, options? } or { kind: "text", label }');
      else {
        v.list.filters.forEach((f: any, i: number) => {
          const where = `"view.list.filters[${i}]"`;
          if (f?.kind === 'tag') {
            if (typeof f.key !== 'string' || !f.key) problems.push(`${where}.key must be a tag key`);
            if (f.options !== undefined && (!Array.isArray(f.options) || f.options.some((o: unknown) => typeof o !== 'string')))
              problems.push(`${where}.options must be an array of strings`);
          } else if (f?.kind !== 'text') problems.push(`${where}.kind must be "tag" or "text"`);
          if (typeof f?.label !== 'string' || !f.label) problems.push(`${where}.label must be a non-empty string`);
        });
      }
    }
  }
  if (!v.detail || typeof v.detail !== 'object' || !Array.isArray(v.detail.sections))
    problems.push('"view.detail" must be an object { title?, sections: [...] }');
  else {
    if (v.detail.title !== undefined && (typeof v.detail.title !== 'string' || !FIELD.test(v.detail.title)))
      problems.push('"view.detail.title" must be a field path such as "content.name"');
    v.detail.sections.forEach((section: any, i: number) => {
      const where = `"view.detail.sections[${i}]"`;
      if (section?.title !== undefined && typeof section.title !== 'string') problems.push(`${where}.title must be a string`);
      switch (section?.kind) {
        case 'fields':
          columns(`${where}.fields`, section.fields);
          break;
        case 'code':
        case 'json':
        case 'backtrace':
          if (typeof section.field !== 'string' || !FIELD.test(section.field)) problems.push(`${where}.field must be a field path`);
          if (section.kind === 'code' && section.language !== undefined && !['sql', 'json', 'text'].includes(section.language)) {
            problems.push(`${where}.language must be sql, json or text`);
          }
          break;
        case 'related':
          if (section.relation !== 'batch' && section.relation !== 'family') problems.push(`${where}.relation must be "batch" or "family"`);
          if (section.type !== undefined && (typeof section.type !== 'string' || !section.type)) problems.push(`${where}.type must be an entry type`);
          columns(`${where}.columns`, section.columns);
          break;
        default:
          problems.push(`${where}.kind must be fields, json, code, backtrace or related`);
      }
    });
  }
  return problems;
}
