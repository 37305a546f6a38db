/**
 * `@active-tracker/nestjs/contracts`: the entry shapes and API answers, type-only and free of Node
 * imports, for the dashboard and for scripts and plugins that read the API.
 */
export type * from './entries.js';
export type * from './api.js';
export type { LogLevel } from './log-level.js';
export type { Entry, EntryFamily } from '../entries/entry.js';
export type { PluginView, ViewColumn, ViewFilter, ViewFormat, ViewSection } from '../plugins/plugin-view.js';
export type { CounterBucket, CounterGranularity, CounterSeries } from '../storage/counters.js';
export type { AuditRecord, EntryPatch, FamilyOrder } from '../storage/entry-repository.js';
export type * from './llm.js';
