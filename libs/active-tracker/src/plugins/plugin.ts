import { Logger } from '@nestjs/common';
import { InstrumentationBus } from '../bus/instrumentation-bus.js';
import { EntryDraft } from '../entries/entry.js';
import { EntryRepository } from '../storage/entry-repository.js';
import type { ResolvedActiveTrackerOptions } from '../active-tracker.options.js';

/** A row of the sidebar statistics (`GET api/stats`): `error` flags bad news. */
export interface PluginStatistic {
  plugin: string;
  label: string;
  value: number | string;
  error?: boolean;
}

/** What a plugin gets when the tracker starts. */
export interface PluginHost {
  readonly bus: InstrumentationBus;
  /** Id of this tracker instance; stamp it on drafts produced outside a request context. */
  readonly trackerId: string;
  readonly options: ResolvedActiveTrackerOptions;
  readonly logger: Logger;
  /** Hands a draft to the recorder (same as publishing `<type>.active_tracker` on the bus). */
  record(draft: EntryDraft): void;
}

/** Dashboard navigation entry of a plugin. */
export interface PluginNav {
  /** Sidebar label, e.g. 'Requests'. */
  title: string;
  /** Dashboard route, e.g. 'requests'. */
  path: string;
}

/**
 * A capture plugin: a small object with a name, its capture hooks, its dashboard nav entry and its
 * statistics. Built by factories such as `requests({...})`, `exceptions({...})`.
 */
export interface ActiveTrackerPlugin {
  /** Unique plugin name, e.g. 'requests'. */
  readonly name: string;
  /** The Entry `type` this plugin records, e.g. 'request'. */
  readonly entryType: string;
  readonly nav?: PluginNav;
  /** Problems with the plugin's own options (reported at boot together with the module's). */
  validate?(): string[];
  /** Starts capturing; the returned function (if any) stops it at shutdown. */
  register?(host: PluginHost): void | (() => void);
  /** Sidebar statistics, computed from the repository (must be cheap: O(1) reads). */
  statistics?(repository: EntryRepository): Promise<PluginStatistic[]>;
}
