import type {
  Entry,
  EventEntryContent,
  ExceptionEntryContent,
  HttpClientEntryContent,
  LogEntryContent,
  RequestEntryContent,
} from '@active-tracker/nestjs/contracts';
import { contentOf } from '../../core/api/entry-content.util';
import { httpErrorText } from '../../features/http-client/http-error.util';
import { USER_TAGS } from '../tag-chips/tag-chips.component';
import { userOf } from '../user-badge/user-badge.component';
import { formatLocation, summaryOf } from './entry-summary.util';
import { TableColumn } from './table-column.model';

export { formatLocation, summaryOf };

/** Tags minus `user_*` (the user has its own column). */
function withoutUserTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags ?? {}).filter(([key]) => !USER_TAGS.has(key)));
}

const time: TableColumn<Entry> = { label: 'When', kind: 'time', value: (e) => e.occurredAt, width: '92px' };
const duration: TableColumn<Entry> = { label: 'Duration', kind: 'duration', value: (e) => e.durationMs, width: '84px', end: true };

/** Requests: method, path (route pattern below), status, duration, user, tags, time. */
export const REQUEST_COLUMNS: readonly TableColumn<Entry>[] = [
  { label: 'Method', kind: 'method', value: (e) => contentOf<RequestEntryContent>(e).method, width: '76px' },
  {
    label: 'Path',
    kind: 'mono',
    primary: true,
    grow: true,
    value: (e) => contentOf<RequestEntryContent>(e).path || contentOf<RequestEntryContent>(e).url,
    sub: (e) => {
      const c = contentOf<RequestEntryContent>(e);
      return c.routePattern && c.routePattern !== c.path ? c.routePattern : null;
    },
    title: (e) => contentOf<RequestEntryContent>(e).url,
  },
  { label: 'Status', kind: 'status', value: (e) => contentOf<RequestEntryContent>(e).status, width: '70px' },
  duration,
  { label: 'User', kind: 'user', value: (e) => userOf(e), width: '150px', optional: true },
  { label: 'Tags', kind: 'tags', value: (e) => withoutUserTags(e.tags), width: '220px', optional: true },
  time,
];

/** Exceptions (occurrences): class and message, location, status, time. */
export const EXCEPTION_COLUMNS: readonly TableColumn<Entry>[] = [
  {
    label: 'Exception',
    kind: 'strong',
    primary: true,
    grow: true,
    value: (e) => contentOf<ExceptionEntryContent>(e).class,
    sub: (e) => contentOf<ExceptionEntryContent>(e).message,
  },
  {
    label: 'Location',
    kind: 'mono',
    value: (e) => formatLocation(contentOf<ExceptionEntryContent>(e).location),
    title: (e) => formatLocation(contentOf<ExceptionEntryContent>(e).location, 100),
    width: '240px',
  },
  { label: 'Status', kind: 'status', value: (e) => contentOf<ExceptionEntryContent>(e).status ?? null, width: '70px' },
  time,
];

/** Log entries: level, message (context below), time. */
export const LOG_COLUMNS: readonly TableColumn<Entry>[] = [
  { label: 'Level', kind: 'level', value: (e) => contentOf<LogEntryContent>(e).level, width: '76px' },
  {
    label: 'Message',
    primary: true,
    grow: true,
    value: (e) => contentOf<LogEntryContent>(e).message,
    title: (e) => contentOf<LogEntryContent>(e).message,
  },
  { label: 'Context', kind: 'mono', value: (e) => contentOf<LogEntryContent>(e).context, width: '180px' },
  time,
];

/** Custom events: name, description, source location, tags, time. */
export const EVENT_COLUMNS: readonly TableColumn<Entry>[] = [
  {
    label: 'Event',
    kind: 'mono',
    primary: true,
    grow: true,
    value: (e) => contentOf<EventEntryContent>(e).name,
    sub: (e) => contentOf<EventEntryContent>(e).description,
  },
  {
    label: 'Source',
    kind: 'mono',
    value: (e) => formatLocation(contentOf<EventEntryContent>(e).source, 2),
    title: (e) => formatLocation(contentOf<EventEntryContent>(e).source, 100),
    width: '200px',
  },
  { label: 'Tags', kind: 'tags', value: (e) => e.tags, width: '200px', optional: true },
  time,
];

/** Outbound HTTP calls: method, URL, status (or error), duration, response size, time. */
export const HTTP_CLIENT_COLUMNS: readonly TableColumn<Entry>[] = [
  { label: 'Method', kind: 'method', value: (e) => contentOf<HttpClientEntryContent>(e).method, width: '76px' },
  {
    label: 'URL',
    kind: 'mono',
    primary: true,
    grow: true,
    value: (e) => contentOf<HttpClientEntryContent>(e).url,
    sub: (e) => httpErrorText(contentOf<HttpClientEntryContent>(e).error),
    title: (e) => contentOf<HttpClientEntryContent>(e).url,
  },
  {
    label: 'Status',
    kind: 'status',
    value: (e) => contentOf<HttpClientEntryContent>(e).status,
    error: (e) => httpErrorText(contentOf<HttpClientEntryContent>(e).error),
    width: '70px',
  },
  duration,
  { label: 'Size', kind: 'bytes', value: (e) => contentOf<HttpClientEntryContent>(e).responseSize, width: '80px', end: true },
  time,
];

/** Any other type: type, summary, duration, tags, time. */
export const GENERIC_COLUMNS: readonly TableColumn<Entry>[] = [
  { label: 'Type', kind: 'mono', value: (e) => e.type, width: '110px' },
  { label: 'Summary', primary: true, grow: true, value: (e) => summaryOf(e) },
  duration,
  { label: 'Tags', kind: 'tags', value: (e) => e.tags, width: '200px', optional: true },
  time,
];

const BY_TYPE: Record<string, readonly TableColumn<Entry>[]> = {
  request: REQUEST_COLUMNS,
  exception: EXCEPTION_COLUMNS,
  log: LOG_COLUMNS,
  event: EVENT_COLUMNS,
  'http-client': HTTP_CLIENT_COLUMNS,
};

/** The columns that describe entries of `type` best. */
export function columnsFor(type: string | null | undefined): readonly TableColumn<Entry>[] {
  return (type && BY_TYPE[type]) || GENERIC_COLUMNS;
}
