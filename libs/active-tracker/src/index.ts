/**
 * The public API of @active-tracker/nestjs. Curated: the recorder, the serializer and the Nest
 * hooks are internals and may change in any release. What plugins use (the built-in ones too) is
 * plugin-api.ts, re-exported here whole.
 */
// The module, its options and the service app code injects.
export { ActiveTrackerModule } from './active-tracker.module.js';
export { ActiveTracker } from './active-tracker.service.js';
export {
  ActiveTrackerOptionsError,
  DEFAULT_BUFFER_MAX_BYTES,
  DEFAULT_KEY_PREFIX,
  DEFAULT_MAX_AGE_MS,
  DEFAULT_MAX_ENTRIES_PER_TYPE,
  DEFAULT_MOUNTPOINT,
  resolveOptions,
} from './active-tracker.options.js';
export type { ActiveTrackerModuleOptions, AuthorizeFn, ResolvedActiveTrackerOptions } from './active-tracker.options.js';
export { ACTIVE_TRACKER_OPTIONS, ACTIVE_TRACKER_RUNTIME } from './active-tracker.constants.js';
export type { TrackerRuntime } from './active-tracker.runtime.js';

// Request and job context, usable outside dependency injection.
export { currentBatch, redactCurrent, tagCurrent } from './context/request-context.js';
export type { BatchDraft, ContextLogLine, TrackerContext } from './context/request-context.js';

// Entries and storage.
export type { Entry, EntryDraft, EntryFamily } from './entries/entry.js';
export { JsonText } from './entries/json-text.js';
export { EntryNotFoundError, EntryRepository, FAMILY_ORDERS, VersionConflictError } from './storage/entry-repository.js';
export type {
  AuditRecord,
  EntryPage,
  EntryFilter,
  EntryPatch,
  EntryQuery,
  FamilyOrder,
  FamilyPage,
  FamilyQuery,
  RetentionPolicy,
  TagFilter,
  TypeRetention,
  UpdateOptions,
  WriteNotice,
} from './storage/entry-repository.js';
export { prepareEntry } from './storage/prepared-entry.js';
export type { PreparedEntry } from './storage/prepared-entry.js';
export type { CounterBucket, CounterGranularity, CounterIncrement, CounterQuery, CounterSeries } from './storage/counters.js';
export { histogramBucket, quantiles } from './storage/histogram.js';
export { MemoryRepository } from './storage/memory/memory.repository.js';
export { RedisRepository } from './storage/redis/redis.repository.js';
export type { EncryptionOptions } from './recorder/entry-codec.js';
export { ENCRYPTED_PLACEHOLDER } from './recorder/entry-codec.js';
export { DEFAULT_SENSITIVE_KEYS, REDACTED } from './recorder/sensitive-keys.js';
export { START_PROCESSING_EVENT } from './http/route-hook.js';

// The instrumentation bus (ActiveSupport::Notifications and EventReporter).
export * from './bus/index.js';

// Plugins: the API (everything a plugin may use, built-in or not), and the built-in ones.
export * from './plugin-api.js';
export { defaultPlugins } from './plugins/default-plugins.js';
export { DEFAULT_QUERY_FILTERS, N_PLUS_ONE_COUNTER, QUERY_COUNTER, queries, QueriesPlugin, SQL_QUERY_EVENT } from './plugins/queries/queries.plugin.js';
export type { QueriesPluginOptions, QueryDriverModules, QueryEntryContent, QueryFilter, RequestQueries } from './plugins/queries/queries.plugin.js';
export { normalizeSql, sqlFamilyHash } from './plugins/queries/query-normalizer.js';
export type { SqlDialect } from './plugins/queries/query-normalizer.js';
export { recordQuery, startQuery } from './plugins/queries/query-capture.js';
export type { ReportedQuery, ReportedQueryEnd } from './plugins/queries/query-capture.js';
export * from './plugins/requests/requests.plugin.js';
export type { RequestFilter } from './plugins/requests/request-filters.js';
export * from './plugins/exceptions/exceptions.plugin.js';
export * from './plugins/logs/logs.plugin.js';
export * from './plugins/events/events.plugin.js';
export * from './plugins/http-client/http-client.plugin.js';
export { llm, LlmPlugin, LLM_BUS_EVENT, normalizeLlm, recordLlm } from './plugins/llm/llm.plugin.js';
export type { LlmAuthorizeFn, LlmPluginOptions } from './plugins/llm/llm.plugin.js';
export { trackedFetch } from './plugins/llm/llm-capture.js';
export { GENAI_PRICES_VERSION } from './plugins/llm/llm-pricing.js';
export type { LlmPricingRule } from './plugins/llm/llm-pricing.js';
export { LLM_DETECTORS } from './plugins/llm/llm-redaction.js';
export type { LlmDetector, LlmRedactor } from './plugins/llm/llm-redaction.js';
export type { LlmCallInfo, LlmEndpoint, LlmEndpointMatcher, LlmWireFormat } from './plugins/llm/llm-wire.recognizer.js';
export type { LlmMapper, LlmRawExchange, MappedInteraction } from './plugins/llm/llm.mappers.js';
export { LLM_COUNTERS, LLM_ENTRY_TYPE } from './plugins/llm/llm-interaction.builder.js';
export { LLM_ENCRYPTED_FIELDS, LLM_REVIEW_STATES, LLM_STATUSES } from './plugins/llm/llm.types.js';
export type {
  LlmAction,
  LlmBatchTotals,
  LlmCost,
  LlmEntryContent,
  LlmInteraction,
  LlmInteractionInput,
  LlmRecordResult,
  LlmReviewState,
  LlmStatus,
} from './plugins/llm/llm.types.js';
export { LOG_LEVELS, NEST_LOG_EVENT } from './context/logger-capture.js';
export type { LogLevel, NestLogEvent } from './context/logger-capture.js';
