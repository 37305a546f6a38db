/**
 * The REST API's answers (`/<mountpoint>/api/...`), shared with the dashboard. Type-only.
 */
import type { Entry, EntryFamily } from '../entries/entry.js';
import type { PluginView } from '../plugins/plugin-view.js';
import type { CounterSeries } from '../storage/counters.js';
import type { AuditRecord } from '../storage/entry-repository.js';

/** `GET entries`: newest first with `before`, oldest first with `after`. */
export interface EntriesResponse {
  data: Entry[];
  next: string | null;
}

/** `GET entries/:id`: the entry and every entry of its batch, oldest first. */
export interface EntryDetailResponse {
  data: Entry;
  batch: Entry[];
}

/** A row of `GET exceptions/families`. */
export interface ExceptionFamilyRow {
  familyHash: string;
  class: string | null;
  message: string | null;
  location: string | null;
  count: number;
  firstSeen: string;
  lastSeen: string;
  lastEntryId: string;
  approximate: boolean;
}

export interface ExceptionFamiliesResponse {
  data: ExceptionFamilyRow[];
  next: string | null;
}

/** `GET families?type=`: the aggregates of any type. */
export interface FamiliesResponse {
  data: EntryFamily[];
  next: string | null;
}

/** `GET counters?name=&granularity=&from=&to=`. */
export interface CountersResponse {
  data: CounterSeries;
}

/** `GET entries/:id/audit`. */
export interface AuditResponse {
  data: AuditRecord[];
}

/** A row of `GET stats`. `error` flags bad news. */
export interface StatisticRow {
  plugin: string;
  label: string;
  value: number | string;
  error?: boolean;
}

export interface StatsResponse {
  data: StatisticRow[];
}

/** A plugin as `GET meta` describes it to the dashboard. */
export interface PluginMeta {
  name: string;
  entryType: string;
  title: string;
  path: string;
  /** A monochrome SVG (currentColor), or null. */
  icon: string | null;
  /** How to render its pages; null: the generic views. */
  view: PluginView | null;
  /** The routes it contributes, as `<plugin>/<path>` under `api/`. */
  routes: Array<{ method: string; path: string }>;
}

export interface MetaResponse {
  data: { version: string; perPage: number; plugins: PluginMeta[] };
}

/** Every error answer: `{ statusCode, message, error }`. */
export interface ApiErrorBody {
  statusCode: number;
  message: string | string[];
  error: string;
}
