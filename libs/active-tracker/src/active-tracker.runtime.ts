import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { ACTIVE_TRACKER_NEST_HOOKS, ACTIVE_TRACKER_OPTIONS } from './active-tracker.constants.js';
import type { ResolvedActiveTrackerOptions } from './active-tracker.options.js';
import { InstrumentationBus, notifications } from './bus/instrumentation-bus.js';
import { useLogSensitiveKeys } from './context/logger-capture.js';
import { runInContext, TrackerContext } from './context/request-context.js';
import type { Entry, EntryDraft } from './entries/entry.js';
import type { HookState, NestHook } from './http/hook-state.js';
import { installHttpCapture } from './http/http-capture.js';
import type { ActiveTrackerPlugin, Batch, PluginHost, PluginStatistic, RunInBatchOptions } from './plugins/plugin.js';
import { decodeEntry, EntryCodec } from './recorder/entry-codec.js';
import { EntryRecorder } from './recorder/entry-recorder.js';
import { RecordingSwitch } from './recorder/recording-switch.js';
import { EntryStreamHub } from './live/entry-stream.hub.js';
import { EntryPatch, EntryRepository, UpdateOptions } from './storage/entry-repository.js';

/** The Nest internals hooked for this tracker, by hook (see http/hook-state.ts). */
export type NestHookStates = Record<NestHook, HookState>;

/**
 * One running tracker: its id, plugins, recorder and repository, and the batch lifecycle. HTTP
 * capture is installed on the adapter when the module is created (before routes are registered);
 * capture starts when the module initialises and stops, with a last bounded flush, at shutdown.
 */
@Injectable()
export class TrackerRuntime implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  readonly id = randomUUID();
  readonly logger = new Logger('ActiveTracker');
  readonly bus: InstrumentationBus = notifications;
  readonly recorder: EntryRecorder;
  readonly codec: EntryCodec | undefined;
  /** True while capture runs (between module init and shutdown). */
  capturing = false;
  /** The dashboard's pause/resume, shared through the store (see RecordingSwitch). */
  readonly recording: RecordingSwitch;
  /** The `api/stream` clients of this instance. */
  readonly live: EntryStreamHub;
  readonly hookStates: NestHookStates & { http: HookState };
  private readonly adapterHost: HttpAdapterHost | undefined;
  private readonly startHooks: Array<(batch: Batch) => void> = [];
  private readonly endHooks: Array<(batch: Batch) => void> = [];
  private teardowns: Array<() => void> = [];
  private readonly warned = new Set<unknown>();
  private mountPath: string | null = null;

  constructor(
    @Inject(ACTIVE_TRACKER_OPTIONS) readonly options: ResolvedActiveTrackerOptions,
    @Inject(EntryRepository) readonly repository: EntryRepository,
    @Inject(ACTIVE_TRACKER_NEST_HOOKS) nestHooks: NestHookStates,
    private readonly moduleRef: ModuleRef,
    @Optional() adapterHost?: HttpAdapterHost,
    @Optional() private readonly appConfig?: ApplicationConfig,
  ) {
    this.codec = options.encryption ? new EntryCodec(options.encryption) : undefined;
    this.recorder = new EntryRecorder(repository, {
      trackerId: this.id,
      maxPayloadBytes: options.maxPayloadBytes,
      sensitiveKeys: options.sensitiveKeys,
      buffer: options.buffer,
      batches: options.batches,
      sampling: options.sampling,
      codec: this.codec,
      filter: options.filter,
    });
    this.recording = new RecordingSwitch(repository, options.live.recordingRefreshMs, (on) => (this.recorder.paused = !on));
    this.live = new EntryStreamHub(repository, options.live.maxConnections, this.logger);
    this.adapterHost = adapterHost;
    this.hookStates = { ...nestHooks, http: 'not needed' };
    for (const [hook, state] of Object.entries(this.hookStates)) {
      if (state.startsWith('unavailable')) this.logger.warn(`${hook} capture is disabled: ${state.slice('unavailable: '.length)}`);
    }
  }

  /**
   * Installs HTTP capture on the app's adapter. Called from the module's `configure()`: the
   * adapter exists by then (also with @nestjs/testing, which creates it after compiling the
   * module) and routes are not registered yet. A standalone or microservice app never calls it.
   */
  installHttp(): void {
    if (!this.options.enabled || this.hookStates.http !== 'not needed') return;
    this.hookStates.http = installHttpCapture(this.adapterHost?.httpAdapter, this, () => this.getMountPath());
    if (this.hookStates.http.startsWith('unavailable')) this.logger.warn(`HTTP capture is disabled: ${this.hookStates.http.slice('unavailable: '.length)}`);
  }

  get plugins(): ActiveTrackerPlugin[] {
    return this.options.plugins;
  }

  plugin<T extends ActiveTrackerPlugin>(name: string): T | undefined {
    return this.options.plugins.find((p) => p.name === name) as T | undefined;
  }

  /** `/<global prefix>/<mountpoint>`, computed once the app is configured. */
  getMountPath(): string {
    if (this.mountPath === null) {
      const prefix = (this.appConfig?.getGlobalPrefix() ?? '').replace(/^\/+|\/+$/g, '');
      this.mountPath = '/' + [prefix, this.options.mountpoint].filter(Boolean).join('/');
    }
    return this.mountPath;
  }

  async onModuleInit(): Promise<void> {
    if (!this.options.enabled || this.capturing) return;
    // Give a Redis connection that is still being made a moment, so the first requests are not
    // answered "storage unavailable"; boot never waits longer than that when Redis is down.
    await this.repository.whenReady?.(3000);
    useLogSensitiveKeys(this.options.sensitiveKeys);
    await this.recording.start();
    this.recorder.start(this.bus);
    for (const plugin of this.options.plugins) {
      try {
        const teardown = await plugin.register?.(this.hostFor(plugin));
        if (typeof teardown === 'function') this.teardowns.push(teardown);
      } catch (error) {
        this.logger.error(`plugin "${plugin.name}" failed to start: ${(error as Error)?.message ?? error}`);
      }
    }
    this.capturing = true;
  }

  /** Starts a batch: the plugins' start hooks run (in its context). */
  startBatch(batch: TrackerContext): void {
    for (const hook of this.startHooks) {
      try {
        hook(batch);
      } catch (error) {
        this.warnOnce(hook, `a batch start hook failed: ${(error as Error)?.message ?? error}`);
      }
    }
  }

  /** Ends a batch: the plugins' end hooks run (they may still record), then the recorder takes it. */
  endBatch(batch: TrackerContext): void {
    if (batch.state !== 'open') return;
    batch.endedAt = Date.now();
    for (const hook of this.endHooks) {
      try {
        hook(batch);
      } catch (error) {
        this.warnOnce(hook, `a batch end hook failed: ${(error as Error)?.message ?? error}`);
      }
    }
    this.recorder.batchEnded(batch);
  }

  /** Runs `fn` in a batch of its own (jobs, scheduled tasks, scripts); see PluginHost.runInBatch. */
  runInBatch<T>(kind: string, fn: () => T, options: RunInBatchOptions = {}): T {
    if (!this.capturing || !this.recording.on) return fn();
    const batch = new TrackerContext(this.id, undefined, kind);
    if (options.name) batch.name = options.name;
    if (options.tags) Object.assign(batch.tags, options.tags);
    runInContext(batch, () => this.startBatch(batch));
    let result: T;
    try {
      result = runInContext(batch, fn);
    } catch (error) {
      batch.failed = true;
      this.endBatch(batch);
      throw error;
    }
    if (result !== null && typeof (result as { then?: unknown })?.then === 'function') {
      (result as unknown as Promise<unknown>).then(
        () => this.endBatch(batch),
        () => {
          batch.failed = true;
          this.endBatch(batch);
        },
      );
      return result;
    }
    this.endBatch(batch);
    return result;
  }

  /** An entry as a reader of the API sees it: encrypted fields decrypted when allowed. */
  decode(entry: Entry, mayDecrypt: boolean): Entry {
    return decodeEntry(entry, this.codec, mayDecrypt);
  }

  /** Updates a stored entry (mutable records): encrypted fields of the patch are encrypted first. */
  update(id: string, patch: EntryPatch, options: UpdateOptions, type?: string): Promise<Entry> {
    const content = patch.content && this.codec && type ? this.codec.encodeFields(type, patch.content) : patch.content;
    return this.repository.update(id, { ...patch, ...(content ? { content } : {}) }, options);
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
            .catch((): PluginStatistic[] => [{ plugin: plugin.name, label: plugin.nav?.title ?? plugin.name, value: 'unavailable', error: true }]),
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
    if (this.options.sampling.rate < 1) rows.push({ plugin: 'storage', label: 'Sampled out', value: stats.sampledOut });
    const labels: Record<string, string> = {
      http: 'HTTP capture',
      'route-handlers': 'Controller/handler capture',
      exceptions: 'Exception capture',
      logger: 'Logger capture',
    };
    for (const [hook, state] of Object.entries(this.hookStates)) {
      if (state === 'not needed') continue;
      rows.push({ plugin: 'hooks', label: labels[hook] ?? hook, value: state, ...(state === 'installed' ? {} : { error: true }) });
    }
    return rows;
  }

  /** Ends the live streams before the HTTP server closes (an open response would hold it). */
  beforeApplicationShutdown(): void {
    this.live.close();
  }

  async onApplicationShutdown(): Promise<void> {
    this.capturing = false;
    this.live.close();
    this.recording.stop();
    for (const teardown of this.teardowns.splice(0)) {
      try {
        teardown();
      } catch {
        /* a plugin failing to stop must not block shutdown */
      }
    }
    await this.recorder.stop();
    await this.repository.close().catch(() => undefined);
  }

  private hostFor(plugin: ActiveTrackerPlugin): PluginHost {
    const logger = new Logger(`ActiveTracker:${plugin.name}`);
    const add = <H>(list: H[], hook: H) => {
      list.push(hook);
      return () => {
        const at = list.indexOf(hook);
        if (at >= 0) list.splice(at, 1);
      };
    };
    return {
      bus: this.bus,
      trackerId: this.id,
      options: this.options,
      logger,
      entries: this.repository,
      settings: {
        read: async (name) => (await this.repository.readSetting?.(`${plugin.name}.${name}`)) ?? null,
        write: async (name, value) => {
          await this.repository.writeSetting?.(`${plugin.name}.${name}`, value);
        },
      },
      moduleRef: this.moduleRef,
      resolve: <T>(token: unknown): T | undefined => {
        try {
          return this.moduleRef.get(token as string, { strict: false }) as T;
        } catch {
          this.warnOnce(token, `plugin "${plugin.name}": the app provides no ${describeToken(token)}; that capture is off`, logger);
          return undefined;
        }
      },
      record: (draft: EntryDraft, batch?: Batch) => this.recorder.record(draft, batch),
      upsert: (key, draft, batch) => {
        try {
          const value = typeof draft === 'function' ? draft() : draft;
          this.recorder.record({ ...value, familyHash: key, latestOnly: true }, batch);
        } catch (error) {
          this.warnOnce(plugin, `plugin "${plugin.name}": upsert failed: ${(error as Error)?.message ?? error}`, logger);
        }
      },
      runInBatch: (kind, fn, options) => this.runInBatch(kind, fn, options),
      onBatchStart: (hook) => add(this.startHooks, hook),
      onBatchEnd: (hook) => add(this.endHooks, hook),
      processBatch: (processor) => this.recorder.addProcessor(processor),
    };
  }

  private warnOnce(key: unknown, message: string, logger: { warn(message: string): void } = this.logger): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    logger.warn(message);
  }
}

function describeToken(token: unknown): string {
  if (typeof token === 'function') return `provider ${token.name || 'class'}`;
  if (typeof token === 'symbol') return `provider ${token.toString()}`;
  return `provider "${String(token)}"`;
}
