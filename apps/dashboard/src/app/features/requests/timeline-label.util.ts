import type { Entry } from '@active-tracker/nestjs/contracts';
import { summaryOf } from '../../shared/entry-table/entry-summary.util';

/** One line describing an entry in the request's timeline, by type (any plugin's entry has a summary). */
export function timelineLabel(entry: Pick<Entry, 'type' | 'content'>): string {
  const c = entry.content;
  const text = (key: string): string => (typeof c[key] === 'string' ? (c[key] as string) : '');
  switch (entry.type) {
    case 'request':
      return `${text('method')} ${text('path') || text('url')}`.trim();
    case 'exception':
      return [text('class'), text('message')].filter(Boolean).join(': ');
    case 'http-client':
      return `${text('method')} ${text('url')}`.trim();
    case 'query':
      return text('sql') || summaryOf(entry);
    case 'llm':
      return [text('provider'), text('model')].filter(Boolean).join(' ') || summaryOf(entry);
    default:
      return summaryOf(entry);
  }
}
