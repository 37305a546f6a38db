/**
 * The plugin API: everything a plugin may use, built-in or third-party. Built-in plugins
 * (`plugins/<name>/`) import library code only from here (ESLint enforces it), and the package
 * exports all of it, so a plugin published on npm has the same footing. It imports no plugin.
 * See docs/writing-plugins.md.
 */

// What a plugin is, what its host gives it, and what it contributes (routes, views, statistics).
export type {
  ActiveTrackerPlugin,
  Batch,
  EntryReader,
  OverviewWindow,
  PluginHost,
  PluginNav,
  PluginSettings,
  PluginStatistic,
  RunInBatchOptions,
} from './plugins/plugin.js';
export { sse, StreamResponse } from './plugins/plugin-route.js';
export type { DtoClass, PluginRoute, PluginRouteContext, ServerSentEvent } from './plugins/plugin-route.js';
export type { PluginView, ViewColumn, ViewFilter, ViewFormat, ViewSection } from './plugins/plugin-view.js';
/** A route's 4xx answer: `throw new ApiError(404, 'no such entry')`. */
export { ApiError } from './http/api-error.js';
/** Entry ids are ULIDs: validate route parameters and DTO fields with this. */
export { ULID_PATTERN } from './http/dto/entries-query.dto.js';
/** The Nest hooks a plugin can ask for (`needs`). */
export type { NestHook } from './http/hook-state.js';
/** The path of a Node/Express/Fastify request, without its query string. */
export { pathOf } from './http/tracker-endpoint.js';

// The one `string | RegExp` filter matcher, and its boot-time option check.
export { isStringFilter, matchesAnyFilter, matchesFilter, stringFilterProblems } from './plugins/filter-match.js';
export type { StringFilter, StringFilterMode } from './plugins/filter-match.js';

// The batch (request or job) a capture belongs to, and the owner check: a plugin records only
// what its own tracker instance owns (`isOwnedBy(batch.owner, host.trackerId)`).
export { contextStorage, currentContext, isOwnedBy, runInContext } from './context/request-context.js';
export type { BatchDraft, TrackerContext } from './context/request-context.js';
/** Per-batch SQL totals: the queries plugin adds to them, anything can read the batch's database time. */
export { BatchQueryStats, batchQueryStats, batchQueryTimeMs } from './context/batch-query-stats.js';
/** Nest's log lines on the bus (the logs plugin records them). */
export { LOG_LEVELS, NEST_LOG_EVENT } from './context/logger-capture.js';
export type { LogLevel, NestLogEvent } from './context/logger-capture.js';
/** Nest's exceptions on the bus (the exceptions plugin records them). */
export { NEST_EXCEPTION_EVENT } from './http/exception-hook.js';

// Entries, and the content types of every built-in entry and API response (the dashboard's contracts).
export type { Entry, EntryDraft, EntryFamily } from './entries/entry.js';
export { JsonText } from './entries/json-text.js';
export type * from './contracts/entries.js';
export type * from './contracts/api.js';

// The one V8 stack parser: app frames are the host's own files (not node_modules, not the tracker).
export * from './entries/stack-frames.js';

// The one payload walker and the redaction rules every entry goes through.
export { sanitizeValue } from './recorder/entry-sanitizer.js';
export { DEFAULT_SENSITIVE_KEYS, REDACTED, SensitiveKeys, sensitiveKeyMatcher } from './recorder/sensitive-keys.js';
/** Redacts sensitive query parameters (and credentials) of a URL. */
export { UrlRedactor } from './recorder/url-redaction.js';

// Counters and histograms written with entries (`draft.counters`), read back for statistics.
export { bucketStart } from './storage/counters.js';
export type { CounterGranularity, CounterIncrement } from './storage/counters.js';
/** Log-scale duration buckets: count `h<histogramBucket(ms)>`, read percentiles with `quantiles`. */
export { histogramBucket, quantiles } from './storage/histogram.js';
export { EXCEPTION_COUNTER, REQUEST_COUNTERS } from './storage/overview-counters.js';
export { EntryNotFoundError, VersionConflictError } from './storage/entry-repository.js';
export type { AuditRecord, EntryPatch, TagFilter } from './storage/entry-repository.js';

// Outbound calls: the one fetch/undici subscription, shared by every plugin that watches them.
export { observeUndici, UNDICI_CHANNELS } from './outbound/undici-observer.js';
export type { UndiciObserver } from './outbound/undici-observer.js';
export { describeError, guard, hasUndiciHeader, hostOf, INTERNAL_REQUEST_HEADER, isFilteredCall, toSize, undiciHeader } from './outbound/outbound-call.js';
export type { Listener } from './outbound/outbound-call.js';

// The instrumentation bus and the structured event reporter.
export * from './bus/index.js';
