import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ACTIVE_TRACKER_BUS, ACTIVE_TRACKER_OPTIONS } from './active-tracker.constants.js';
import type { ResolvedActiveTrackerOptions } from './active-tracker.options.js';
import { captureEventName, InstrumentationBus } from './bus/instrumentation-bus.js';
import type { EntryDraft } from './entries/entry.js';
import type { ActiveTrackerPlugin, PluginHost, PluginStatistic } from './plugins/plugin.js';
import { EntryRecorder } from './recorder/entry-recorder.js';
import { EntryRepository } from './storage/entry-repository.js';

/**
 * One running tracker: its id, plugins, recorder and repository. Starts capture when the module
 * initialises and stops it (with a last bounded flush) when the application shuts down.
 */
@Injectable()
export class TrackerRuntime implements OnModuleInit, OnApplicationShutdown {
  readonly id = randomUUID();
  readonly logger = new Logger('ActiveTracker');
  readonly recorder: EntryRecorder;
  private teardowns: Array<() => void> = [];
  private started = false;

  constructor(
    @Inject(ACTIVE_TRACKER_OPTIONS) readonly options: ResolvedActiveTrackerOptions,
    @Inject(EntryRepository) readonly repository: EntryRepository,
    @Inject(ACTIVE_TRACKER_BUS) readonly bus: InstrumentationBus,
  ) {
    this.recorder = new EntryRecorder(repository, {
      trackerId: this.id,
      maxBufferEntries: options.buffer.maxEntries,
      flushIntervalMs: options.buffer.flushIntervalMs,
      flushBatchSize: options.buffer.flushBatchSize,
      maxPayloadBytes: options.maxPayloadBytes,
      filter: options.filter,
    });
  }

  get plugins(): ActiveTrackerPlugin[] {
    return this.options.plugins;
  }

  plugin<T extends ActiveTrackerPlugin>(name: string): T | undefined {
    return this.options.plugins.find((p) => p.name === name) as T | undefined;
  }

  async onModuleInit(): Promise<void> {
    if (!this.options.enabled || this.started) return;
    // Give a Redis connection that is still being made a moment, so the first requests are not
    // answered "storage unavailable"; boot never waits longer than that when Redis is down.
    await this.repository.whenReady?.(3000);
    this.started = true;
    this.recorder.start(this.bus);
    const host: PluginHost = {
      bus: this.bus,
      trackerId: this.id,
      options: this.options,
      logger: this.logger,
      record: (draft: EntryDraft) => this.bus.instrument(captureEventName(draft.type), draft),
    };
    for (const plugin of this.options.plugins) {
      try {
        const teardown = plugin.register?.(host);
        if (typeof teardown === 'function') this.teardowns.push(teardown);
      } catch (error) {
        this.logger.error(`plugin "${plugin.name}" failed to start: ${(error as Error)?.message ?? error}`);
      }
    }
  }

  /** Sidebar statistics: one or more rows per plugin, plus the tracker's own health. */
  async statistics(): Promise<PluginStatistic[]> {
    // Independent O(1) reads: ask every plugin at once.
    const perPlugin = await Promise.all(
      this.options.plugins
        .filter((plugin) => plugin.statistics)
        .map((plugin) =>
          // then(): a plugin that throws synchronously is caught like one that rejects.
          Promise.resolve()
            .then(() => plugin.statistics!(this.repository))
            .catch((): PluginStatistic[] => [
            { plugin: plugin.name, label: plugin.nav?.title ?? plugin.name, value: 'unavailable', error: true },
          ]),
        ),
    );
    const rows: PluginStatistic[] = perPlugin.flat();
    const stats = this.recorder.stats();
    rows.push({
      plugin: 'storage',
      label: this.options.redis === undefined ? 'Storage (memory)' : 'Storage (redis)',
      value: stats.storageReady ? 'ok' : 'unavailable',
      ...(stats.storageReady ? {} : { error: true }),
    });
    rows.push({ plugin: 'storage', label: 'Buffered entries', value: stats.buffered });
    rows.push({ plugin: 'storage', label: 'Dropped entries', value: stats.dropped, ...(stats.dropped > 0 ? { error: true } : {}) });
    return rows;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const teardown of this.teardowns.splice(0)) {
      try {
        teardown();
      } catch {
        /* a plugin failing to stop must not block shutdown */
      }
    }
    if (this.started) await this.recorder.stop();
    this.started = false;
    await this.repository.close().catch(() => undefined);
  }
}
