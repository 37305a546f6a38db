import type { Entry } from '@active-tracker/nestjs/contracts';

/** A source position as entries carry it (exception location, event source, stack frame). */
export interface SourcePosition {
  file: string | null;
  line: number | null;
}

/** `file:line` of a location, shortened to its last path segments (full path in tooltips). */
export function formatLocation(location: SourcePosition | string | null | undefined, segments = 3): string {
  if (!location) return '';
  if (typeof location === 'string') return location;
  if (typeof location !== 'object' || !location.file) return '';
  const file = location.file.split(/[\\/]/).slice(-segments).join('/');
  return location.line === null ? file : `${file}:${location.line}`;
}

/** A one-line description of any entry, for generic lists and batch rows of unknown types. */
export function summaryOf(entry: Pick<Entry, 'content'>): string {
  const c = entry.content;
  for (const key of ['message', 'name', 'description', 'sql', 'query', 'url', 'path', 'key', 'subject', 'command']) {
    const value = c[key];
    if (typeof value === 'string' && value) return value;
  }
  const json = JSON.stringify(c);
  return json.length > 160 ? `${json.slice(0, 160)}…` : json;
}
