import type { LoggerService } from '@nestjs/common';
import { ModulesContainer, type ModuleRef } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  InstrumentationBus,
  MemoryRepository,
  resolveOptions,
  type ActiveTrackerPlugin,
  type Batch,
  type EntryDraft,
  type EntryReader,
  type PluginHost,
} from '@active-tracker/nestjs';

/**
 * A PluginHost for unit specs, built from the public API only (a third-party plugin cannot reach
 * the library's own test/support/fake-host.ts). Drafts go to arrays; the batch hooks the plugin
 * registers are kept so a spec can run them.
 */
export interface TestHost {
  host: PluginHost;
  /** What `record` got, with its batch. */
  records: Array<{ draft: EntryDraft; batch: Batch | undefined }>;
  /** What `upsert` got (the draft called when lazy). */
  upserts: Array<{ key: string; draft: EntryDraft }>;
  endHooks: Array<(batch: Batch) => void>;
  startHooks: Array<(batch: Batch) => void>;
  warnings: string[];
  /** Tokens `resolve` was asked for. */
  resolved: unknown[];
  /** Runs the end hooks, as the tracker does when a response closes. */
  endBatch(batch: Batch): void;
}

export interface TestHostOptions {
  /** Controller classes the app "has" (what ModulesContainer lists). */
  controllers?: Function[];
  /** Providers `resolve` finds, by token. */
  providers?: Map<unknown, unknown>;
  bus?: InstrumentationBus;
  /** Make `moduleRef.get(ModulesContainer)` throw. */
  noContainer?: boolean;
}

export function testHost(plugin: ActiveTrackerPlugin, options: TestHostOptions = {}): TestHost {
  const warnings: string[] = [];
  const logger: LoggerService = {
    log: () => undefined,
    error: (message: unknown) => warnings.push(`error: ${String(message)}`),
    warn: (message: unknown) => warnings.push(String(message)),
  };
  const container = new Map([['AppModule', { controllers: new Map((options.controllers ?? []).map((c) => [c, { metatype: c }])) }]]);
  const moduleRef = {
    get(token: unknown) {
      if (token === ModulesContainer && !options.noContainer) return container;
      throw new Error(`no provider ${String((token as Function)?.name ?? token)}`);
    },
  } as unknown as ModuleRef;
  const records: TestHost['records'] = [];
  const upserts: TestHost['upserts'] = [];
  const endHooks: TestHost['endHooks'] = [];
  const startHooks: TestHost['startHooks'] = [];
  const resolved: unknown[] = [];
  const add = <T>(list: T[], item: T) => {
    list.push(item);
    return () => {
      const at = list.indexOf(item);
      if (at >= 0) list.splice(at, 1);
    };
  };
  const host: PluginHost = {
    bus: options.bus ?? new InstrumentationBus(),
    trackerId: 'tracker-1',
    options: resolveOptions({ plugins: [] }, () => []),
    logger,
    entries: new MemoryRepository({ maxAgeMs: 60_000, maxEntriesPerType: 1000 }) as EntryReader,
    moduleRef,
    resolve: <T>(token: unknown): T | undefined => {
      resolved.push(token);
      if (options.providers?.has(token)) return options.providers.get(token) as T;
      // What the real host does: one clear warning, no throw.
      warnings.push(`the app provides no provider ${typeof token === 'function' ? token.name : String(token)}; that capture is off`);
      return undefined;
    },
    record: (draft, batch) => void records.push({ draft, batch }),
    upsert: (key, draft) => void upserts.push({ key, draft: typeof draft === 'function' ? draft() : draft }),
    runInBatch: (_kind, fn) => fn(),
    onBatchStart: (hook) => add(startHooks, hook),
    onBatchEnd: (hook) => add(endHooks, hook),
    processBatch: () => () => undefined,
  };
  return {
    host,
    records,
    upserts,
    endHooks,
    startHooks,
    warnings,
    resolved,
    endBatch: (batch) => {
      for (const hook of [...endHooks]) hook(batch);
    },
  };
}

let nextBatch = 0;

/**
 * A request batch as the core builds it (TrackerContext is exported as a type only, so a plugin
 * spec shapes one by hand): the controller and handler the route hook stamped, and the exchange.
 */
export function requestBatch(init: {
  controller?: string;
  handler?: string;
  pattern?: string;
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  status?: number;
  tags?: Record<string, string>;
  startedAt?: number;
}): Batch {
  const req = { method: init.method ?? 'GET', url: init.url ?? '/', originalUrl: init.url ?? '/', headers: init.headers ?? {} } as unknown as IncomingMessage &
    Record<string, any>;
  const res = { statusCode: init.status ?? 200 } as unknown as ServerResponse;
  return {
    batchId: `01JBATCH${String(++nextBatch).padStart(18, '0')}`,
    trackerId: 'tracker-1',
    kind: 'request',
    startedAt: init.startedAt ?? Date.now(),
    tags: init.tags ?? {},
    redactions: [],
    log: [],
    eventContext: {},
    route: { controller: init.controller, handler: init.handler, pattern: init.pattern },
    http: { req, res },
    endedAt: null,
    state: 'open',
    drafts: [],
    droppedDrafts: 0,
    decision: null,
  } as unknown as Batch;
}
