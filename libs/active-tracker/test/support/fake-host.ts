import { Logger } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { resolveOptions } from '../../src/active-tracker.options.js';
import { InstrumentationBus } from '../../src/bus/instrumentation-bus.js';
import type { BatchDraft } from '../../src/context/request-context.js';
import type { EntryDraft } from '../../src/entries/entry.js';
import type { ActiveTrackerPlugin, Batch, EntryReader, PluginHost } from '../../src/plugins/plugin.js';
import { MemoryRepository } from '../../src/storage/memory/memory.repository.js';

/** What a plugin recorded through a fake host, with the batch it passed (if any). */
export interface RecordedDraft {
  draft: EntryDraft;
  batch: Batch | undefined;
}

export interface FakeHost {
  host: PluginHost;
  /** Drafts recorded, in order. */
  drafts: EntryDraft[];
  /** The same, with the batch given to `record`. */
  records: RecordedDraft[];
  /** Runs the plugin's batch processors over `drafts`, as the recorder does at finalize. */
  processBatch(batch: Batch, drafts: BatchDraft[]): void;
}

/**
 * A PluginHost v1 for plugin unit specs: records into arrays, keeps the batch hooks and processors
 * the plugin registers so a spec can run them, reads from an empty memory store.
 */
export function fakeHost(
  plugin: ActiveTrackerPlugin,
  { trackerId = 'tracker-1', bus = new InstrumentationBus() }: { trackerId?: string; bus?: InstrumentationBus } = {},
): FakeHost {
  const drafts: EntryDraft[] = [];
  const records: RecordedDraft[] = [];
  const processors: Array<(batch: Batch, drafts: BatchDraft[]) => void> = [];
  const start: Array<(batch: Batch) => void> = [];
  const end: Array<(batch: Batch) => void> = [];
  const remove =
    <T>(list: T[], item: T) =>
    () => {
      const at = list.indexOf(item);
      if (at >= 0) list.splice(at, 1);
    };
  const host: PluginHost = {
    bus,
    trackerId,
    options: resolveOptions({ plugins: [plugin] }, () => []),
    logger: new Logger(`ActiveTracker:${plugin.name}`),
    entries: new MemoryRepository({ maxAgeMs: 60_000, maxEntriesPerType: 1000 }) as EntryReader,
    moduleRef: {} as ModuleRef,
    resolve: () => undefined,
    record: (draft, batch) => {
      drafts.push(draft);
      records.push({ draft, batch });
    },
    upsert: (key, draft) => {
      const value = typeof draft === 'function' ? draft() : draft;
      drafts.push({ ...value, familyHash: key });
      records.push({ draft: { ...value, familyHash: key }, batch: undefined });
    },
    runInBatch: (_kind, fn) => fn(),
    onBatchStart: (hook) => (start.push(hook), remove(start, hook)),
    onBatchEnd: (hook) => (end.push(hook), remove(end, hook)),
    processBatch: (processor) => (processors.push(processor), remove(processors, processor)),
  };
  return {
    host,
    drafts,
    records,
    processBatch: (batch, list) => {
      for (const processor of processors) processor(batch, list);
    },
  };
}
