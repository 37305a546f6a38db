import type { LoggerService } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { ResolvedActiveTrackerOptions } from '../active-tracker.options.js';
import type { InstrumentationBus } from '../bus/instrumentation-bus.js';
import type { BatchDraft, TrackerContext } from '../context/request-context.js';
import type { Entry, EntryDraft } from '../entries/entry.js';
import type { NestHook } from '../http/hook-state.js';
import type { EntryRepository } from '../storage/entry-repository.js';
import type { PluginRoute } from './plugin-route.js';
import type { PluginView } from './plugin-view.js';
import type { OverviewRange, OverviewTile } from '../contracts/api.js';
import type { CounterGranularity } from '../storage/counters.js';

/** A row of the sidebar statistics (`GET api/stats`): `error` flags bad news. */
export interface PluginStatistic {
  plugin: string;
  label: string;
  value: number | string;
  error?: boolean;
}

/** The time window of `GET overview`, for plugins' tiles: read counters over it. */
export interface OverviewWindow {
  range: OverviewRange;
  /** 'minute' for an hour, 'hour' for a day. */
  granularity: Extract<CounterGranularity, 'minute' | 'hour'>;
  /** Epoch ms: start of the first bucket, and now. */
  from: number;
  to: number;
}

/** The read side of the repository, what plugins and their routes may use. */
export type EntryReader = Pick<EntryRepository, 'find' | 'list' | 'scan' | 'batch' | 'families' | 'family' | 'counters' | 'count' | 'audit' | 'subscribe'>;

/** A batch (a request, a job, a scheduled run): see TrackerContext. */
export type Batch = TrackerContext;

/** Options of `runInBatch`. */
export interface RunInBatchOptions {
  /** A name shown with the batch (job name, command...). */
  name?: string;
  /** Tags of the batch (added to every entry recorded in it, as `tagCurrent` does). */
  tags?: Record<string, string>;
}

/**
 * Small named values of one plugin, shared by every instance using the store (kept through clear()
 * and retention), e.g. rules changed through its API. Stored as `<plugin name>.<name>`. With a
 * store that keeps no settings, `read` answers null and `write` keeps nothing.
 */
export interface PluginSettings {
  read(name: string): Promise<string | null>;
  write(name: string, value: string): Promise<void>;
}

/** What a plugin gets when the tracker starts. */
export interface PluginHost {
  readonly bus: InstrumentationBus;
  /** Id of this tracker instance; stamp it on drafts produced outside a request context. */
  readonly trackerId: string;
  readonly options: ResolvedActiveTrackerOptions;
  /** A logger whose context names the plugin. */
  readonly logger: LoggerService;
  /** The repository's read side (pages, families, counters, audit trails, write notifications). */
  readonly entries: EntryReader;
  /** The plugin's settings shared through the store (absent in hosts without a store, such as unit-spec fakes). */
  readonly settings?: PluginSettings;
  /** Nest's ModuleRef of the tracker module, to reach the host's providers (see `resolve`). */
  readonly moduleRef: ModuleRef;
  /**
   * A provider of the host app (a TypeORM DataSource, a BullMQ queue, a mail transport...), looked
   * up lazily and non-strictly; undefined with one clear warning when the app does not provide it.
   */
  resolve<T = unknown>(token: unknown): T | undefined;
  /**
   * Records every occurrence: hands a draft to the recorder. `batch` is the request or job it
   * belongs to when it is recorded outside that batch's async context (a callback of a later tick).
   * Returns the id the entry will have when it is stored (undefined when it is filtered or dropped).
   */
  record(draft: EntryDraft, batch?: Batch): string | void;
  /**
   * Records the latest occurrence of `key`, counted (the gem's `find_or_create`): the store keeps
   * only the newest entry of the family `key`, and the family aggregate counts every occurrence,
   * with first and last seen. `draft` may be a function, only called when it is recorded. Do not
   * also `record` the same occurrence (it would count twice).
   */
  upsert(key: string, draft: EntryDraft | (() => EntryDraft), batch?: Batch): void;
  /**
   * Runs `fn` in a batch of its own (a job, a scheduled task, a script): what it records is grouped
   * and linked like a request's. The batch ends when `fn` returns or its promise settles.
   */
  runInBatch<T>(kind: string, fn: () => T, options?: RunInBatchOptions): T;
  /** Called when a batch starts (a request: before any middleware), in its context. */
  onBatchStart(hook: (batch: Batch) => void): () => void;
  /**
   * Called when a batch ends (a request: when its response closes); it may still record drafts.
   * It may run outside the batch's async context (a client that went away): pass the batch to
   * `record(draft, batch)`.
   */
  onBatchEnd(hook: (batch: Batch) => void): () => void;
  /**
   * A batch processor: called with the batch and all its drafts once it has ended and its grace
   * period passed, off the request's tick and before sampling. It may change the drafts and record
   * new ones (`record(draft, batch)`), or remove some from the array: N+1 detection, per-request totals, cost per request.
   */
  processBatch(processor: (batch: Batch, drafts: BatchDraft[]) => void): () => void;
}

/** Dashboard navigation entry of a plugin. */
export interface PluginNav {
  /** Sidebar label, e.g. 'Requests'. */
  title: string;
  /** Dashboard route, e.g. 'requests'. */
  path: string;
  /** A monochrome SVG icon (`currentColor` strokes/fills, viewBox 0 0 24 24), as the gem's plugins had. */
  icon?: string;
}

/**
 * A capture plugin: a small object with a name, its capture hooks, its dashboard nav entry and its
 * statistics. Built by factories such as `requests({...})`, `exceptions({...})`. Built-in plugins
 * use only this API, so a plugin published on npm stands on the same footing.
 */
export interface ActiveTrackerPlugin {
  /** Unique plugin name, e.g. 'requests'. */
  readonly name: string;
  /** The Entry `type` this plugin records, e.g. 'request'. */
  readonly entryType: string;
  readonly nav?: PluginNav;
  /** How the dashboard shows this plugin's entries (list columns, detail sections, filters). */
  readonly view?: PluginView;
  /** API routes under `/<mountpoint>/api/<name>/...`. */
  readonly routes?: readonly PluginRoute[];
  /** Nest internals this plugin needs hooked; nothing is patched that no plugin asks for. */
  readonly requires?: readonly NestHook[];
  /**
   * Problems with the plugin's own options (reported at boot together with the module's). It gets
   * the module's options as given, for checks that span both (e.g. an encryption key in production).
   */
  validate?(moduleOptions: Readonly<Record<string, unknown>>): string[];
  /** Starts capturing; the returned function (if any) stops it at shutdown. */
  register?(host: PluginHost): void | (() => void) | Promise<void | (() => void)>;
  /** Sidebar statistics, computed from the repository (must be cheap: O(1) reads); `error` flags bad news. */
  statistics?(entries: EntryReader): Promise<PluginStatistic[]>;
  /**
   * Tiles of the dashboard's overview over `window` (exceptions, slow queries, N+1, LLM cost...),
   * computed from counters or families: a few bounded reads, never a scan.
   */
  overview?(entries: EntryReader, window: OverviewWindow): Promise<OverviewTile[]>;
}

/** An entry as plugins read it (re-exported for plugin authors). */
export type { Entry, EntryDraft };
