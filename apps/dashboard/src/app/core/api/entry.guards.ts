import type {
  Entry,
  EventEntryContent,
  ExceptionEntryContent,
  HttpClientEntryContent,
  LogEntryContent,
  LogLevel,
  RequestEntryContent,
  RequestLogLine,
  RequestQueries,
  StackFrame,
} from '@active-tracker/nestjs/contracts';
import { Guard, Shape, any, arrayOf, at, bool, members, nullable, num, object, oneOf, optional, recordOf, str } from './json.guard.js';

/**
 * What a reader not allowed to decrypt sees in place of an encrypted content field (the
 * library's ENCRYPTED_PLACEHOLDER, a runtime constant the type-only contracts cannot carry).
 */
export const ENCRYPTED = '[encrypted]';

/**
 * Entry content: like `object()`, but any field may hold the encryption placeholder, since field
 * encryption is configured per entry type by the host. Views check arrays and objects before use.
 */
function content<T>(shape: Shape<T>): Guard<T> {
  const sealed = {} as Record<string, Guard<unknown>>;
  for (const [key, guard] of Object.entries(shape) as Array<[string, Guard<unknown>]>) {
    sealed[key] = (v, p) => (v === ENCRYPTED ? v : guard(v, p));
  }
  return object(sealed as Shape<T>);
}

const LOG_LEVELS = members<LogLevel>()(['verbose', 'debug', 'log', 'warn', 'error', 'fatal']);

export const stackFrame = object<StackFrame>({
  function: nullable(str),
  file: nullable(str),
  line: nullable(num),
  column: nullable(num),
  app: bool,
});

const requestLogLine = object<RequestLogLine>({ level: str, message: str, context: optional(str), at: str });
const where = object<{ file: string | null; line: number | null; function: string | null }>({
  file: nullable(str),
  line: nullable(num),
  function: nullable(str),
});
const flag = optional(oneOf(true));

export const requestContent = content<RequestEntryContent>({
  method: str,
  url: str,
  path: str,
  routePattern: nullable(str),
  controller: nullable(str),
  handler: nullable(str),
  status: num,
  ip: nullable(str),
  requestHeaders: recordOf(any),
  query: any,
  body: any,
  bodyTruncated: flag,
  responseHeaders: recordOf(any),
  responseBody: any,
  responseBodyTruncated: flag,
  responseSize: num,
  log: arrayOf(requestLogLine),
  logTruncated: flag,
  user: optional(object({ name: optional(str), email: optional(str), avatarUrl: optional(str) })),
  aborted: flag,
  queries: optional(
    object<RequestQueries>({
      count: num,
      totalMs: num,
      slowCount: num,
      nPlusOne: arrayOf(object({ familyHash: str, sql: str, count: num })),
      duplicates: arrayOf(object({ sql: str, count: num })),
    }),
  ),
});

export const exceptionContent = content<ExceptionEntryContent>({
  class: str,
  message: str,
  stack: nullable(str),
  frames: arrayOf(stackFrame),
  location: nullable(where),
  status: nullable(num),
  origin: oneOf('http', 'unhandledRejection', 'uncaughtException', 'manual'),
  request: optional(object({ method: str, path: str })),
  locationLabel: optional(nullable(str)),
});

export const logContent = content<LogEntryContent>({
  level: oneOf(...LOG_LEVELS),
  message: str,
  context: optional(str),
  stack: optional(str),
});

export const eventContent = content<EventEntryContent>({
  name: str,
  origin: oneOf('event', 'notify'),
  description: nullable(str),
  data: any,
  eventTags: recordOf(any),
  context: recordOf(any),
  source: nullable(where),
  backtrace: arrayOf(stackFrame),
  timestamp: optional(num),
});

export const httpClientContent = content<HttpClientEntryContent>({
  client: oneOf('fetch', 'http'),
  method: str,
  url: str,
  host: str,
  status: nullable(num),
  durationMs: num,
  requestSize: nullable(num),
  responseSize: nullable(num),
  error: optional(object({ name: str, message: str, code: optional(str) })),
});

/** Content guards of the built-in types; other types' content is any object. */
const CONTENT: Readonly<Record<string, Guard<unknown>>> = {
  request: requestContent,
  exception: exceptionContent,
  log: logContent,
  event: eventContent,
  'http-client': httpClientContent,
};

const entryFields = object<Entry>({
  id: str,
  type: str,
  batchId: nullable(str),
  occurredAt: str,
  durationMs: nullable(num),
  familyHash: nullable(str),
  tags: recordOf(str),
  content: recordOf(any),
  version: num,
});

/** An Entry, with the content of built-in types checked against their contracts. */
export const entry: Guard<Entry> = (v, p) => {
  const checked = entryFields(v, p);
  if (Object.hasOwn(CONTENT, checked.type)) CONTENT[checked.type](checked.content, at(p, 'content'));
  return checked;
};
