import type {
  Entry,
  EntryFamily,
  EventEntryContent,
  ExceptionEntryContent,
  HttpClientEntryContent,
  LogEntryContent,
  PluginMeta,
  PluginView,
  RequestEntryContent,
} from '@active-tracker/nestjs/contracts';

/**
 * API answers as the contracts describe them, for the dashboard's specs. Typed with `satisfies`:
 * a contract change makes these fail to compile (the dashboard project type-checks its specs).
 */

let sequence = 0;

/** A fresh ULID-looking id (sortable within a spec). */
export function nextId(): string {
  sequence++;
  return `01JAAAAAAAAAAAAAAAAAAA${String(sequence).padStart(4, '0')}`;
}

export function anEntry(type: string, content: Record<string, unknown>, extra: Partial<Entry> = {}): Entry {
  return {
    id: nextId(),
    type,
    batchId: null,
    occurredAt: '2026-01-31T12:00:00.000Z',
    durationMs: null,
    familyHash: null,
    tags: {},
    content,
    version: 1,
    ...extra,
  };
}

const frame = { function: 'CheckoutService.checkout', file: 'src/checkout.service.ts', line: 12, column: 5, app: true };

export const requestContent = {
  method: 'POST',
  url: '/checkout?token=[REDACTED]',
  path: '/checkout',
  routePattern: '/checkout',
  controller: 'CheckoutController',
  handler: 'checkout',
  status: 201,
  ip: '127.0.0.1',
  requestHeaders: { 'content-type': 'application/json' },
  query: { token: '[REDACTED]' },
  body: { item: 'kettle' },
  responseHeaders: { 'content-type': 'application/json' },
  responseBody: { ok: true },
  responseSize: 11,
  log: [{ level: 'log', message: 'Checking out', context: 'CheckoutService', at: '2026-01-31T12:00:00.004Z' }],
} satisfies RequestEntryContent;

export const exceptionContent = {
  class: 'BoomError',
  message: 'boom',
  stack: 'BoomError: boom\n    at CheckoutService.checkout (src/checkout.service.ts:12:5)',
  frames: [frame, { function: null, file: 'node:internal/process', line: null, column: null, app: false }],
  location: { file: 'src/checkout.service.ts', line: 12, function: 'CheckoutService.checkout' },
  status: 500,
  origin: 'http',
  request: { method: 'POST', path: '/checkout' },
  locationLabel: 'src/checkout.service.ts:12',
} satisfies ExceptionEntryContent;

export const logContent = { level: 'warn', message: 'Slow payment', context: 'PaymentsClient' } satisfies LogEntryContent;

export const eventContent = {
  name: 'order.placed',
  origin: 'event',
  description: '1 x kettle',
  data: { item: 'kettle' },
  eventTags: { channel: 'web', checkout: true },
  context: { tenant: 'acme' },
  source: { file: 'src/checkout.service.ts', line: 20, function: 'CheckoutService.checkout' },
  backtrace: [frame],
} satisfies EventEntryContent;

export const failedCallContent = {
  client: 'fetch',
  method: 'POST',
  url: 'http://127.0.0.1:9/charge',
  host: '127.0.0.1:9',
  status: null,
  durationMs: 3.2,
  requestSize: 20,
  responseSize: null,
  error: { name: 'TypeError', message: 'fetch failed', code: 'ECONNREFUSED' },
} satisfies HttpClientEntryContent;

/** One entry of every built-in type. */
export function builtInEntries(): Entry[] {
  return [
    anEntry('request', requestContent, { durationMs: 12.5, tags: { user_name: 'Ada' } }),
    anEntry('exception', exceptionContent, { familyHash: 'f1' }),
    anEntry('log', logContent, { tags: { level: 'warn' } }),
    anEntry('event', eventContent, { familyHash: 'order.placed', tags: { channel: 'web', checkout: 'true' } }),
    anEntry('http-client', failedCallContent, { durationMs: 3.2, tags: { host: '127.0.0.1:9', status: 'error' } }),
  ];
}

/** A cache plugin's view, using every format and section kind. */
export const cacheView = {
  list: {
    columns: [
      { field: 'content.key', label: 'Key', format: 'code' },
      { field: 'tags.op', label: 'Op', format: 'badge' },
      { field: 'content.hits', label: 'Hits', format: 'number' },
      { field: 'durationMs', label: 'Duration', format: 'duration' },
      { field: 'content.size', label: 'Size', format: 'bytes' },
      { field: 'content.status', label: 'Status', format: 'status' },
      { field: 'occurredAt', label: 'When', format: 'time' },
      { field: 'content.note', label: 'Note' },
    ],
    filters: [
      { kind: 'tag', key: 'op', label: 'Operation', options: ['hit', 'miss'] },
      { kind: 'tag', key: 'store', label: 'Store' },
      { kind: 'text', label: 'Search keys' },
    ],
  },
  detail: {
    title: 'content.key',
    sections: [
      {
        kind: 'fields',
        title: 'Operation',
        fields: [
          { field: 'tags.op', label: 'Op', format: 'badge' },
          { field: 'content.size', label: 'Size', format: 'bytes' },
        ],
      },
      { kind: 'code', field: 'content.command', language: 'text' },
      { kind: 'code', title: 'Value (JSON)', field: 'content.value', language: 'json' },
      { kind: 'json', field: 'content.value' },
      { kind: 'backtrace', field: 'content.frames' },
      { kind: 'related', relation: 'batch', columns: [{ field: 'type', label: 'Type' }] },
      { kind: 'related', title: 'Same key', relation: 'family', type: 'cache-op', columns: [{ field: 'occurredAt', label: 'When', format: 'time' }] },
    ],
  },
} satisfies PluginView;

export const cachePlugin = {
  name: 'cache',
  entryType: 'cache-op',
  title: 'Cache',
  path: 'cache',
  icon: '<svg viewBox="0 0 24 24"><path d="M4 6h16M4 12h16" fill="none" stroke="currentColor"/></svg>',
  view: cacheView,
  routes: [{ method: 'GET', path: 'cache/keys' }],
} satisfies PluginMeta;

export function aFamily(extra: Partial<EntryFamily> = {}): EntryFamily {
  return {
    type: 'cache-op',
    familyHash: 'user:1',
    count: 1234,
    firstSeen: '2026-01-31T11:00:00.000Z',
    lastSeen: '2026-01-31T12:00:00.000Z',
    lastEntryId: nextId(),
    summary: { key: 'user:1', size: '2048' },
    totalDurationMs: 100,
    maxDurationMs: 40,
    avgDurationMs: 20,
    p50: 15,
    p95: 38,
    p99: 40,
    approximate: false,
    ...extra,
  };
}
