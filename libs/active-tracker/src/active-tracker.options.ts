import type { Cluster, Redis, RedisOptions } from 'ioredis';
import type { ActiveTrackerPlugin } from './plugins/plugin.js';
import type { EntryDraft } from './entries/entry.js';
import type { TrackerContext, BatchDraft } from './context/request-context.js';
import { EncryptionOptions, encryptionProblems } from './recorder/entry-codec.js';
import { DEFAULT_SENSITIVE_KEYS } from './recorder/sensitive-keys.js';
import { isRedisClient } from './storage/redis/is-redis-client.js';
import { viewProblems } from './plugins/plugin-view.js';
import type { PluginRoute } from './plugins/plugin-route.js';
import type { TypeRetention } from './storage/entry-repository.js';

/** What `authorize` receives: the raw request of the platform (express `Request`). */
export type AuthorizeFn = (req: any) => boolean | Promise<boolean>;

/** Options of `ActiveTrackerModule.forRoot()`. Every field is optional. */
export interface ActiveTrackerModuleOptions {
  /** Master switch. When false nothing is captured and no route is served. Default true. */
  enabled?: boolean;
  /** Where the dashboard and API are served (under any global prefix). Default 'activetracker'. */
  mountpoint?: string;
  /**
   * Storage: a Redis URL, ioredis options, or an existing ioredis instance (its lifecycle stays
   * yours). Absent = the embedded, bounded in-memory store.
   */
  redis?: string | RedisOptions | Redis | Cluster;
  /**
   * Prefix of every Redis key. Default '{activetracker}:'. On Redis Cluster it must contain a hash
   * tag (`{...}`), so every key of the tracker lives in one slot.
   */
  keyPrefix?: string;
  /** Default page size of lists. Default 50. */
  perPage?: number;
  /** The live dashboard: the `api/stream` of new entries and the recording switch. */
  live?: {
    /** Interval of the stream's heartbeat comments (keeps proxies from closing it). Default 15 000 ms. */
    heartbeatMs?: number;
    /** Most open streams per app instance; more answer 429. Default 50. */
    maxConnections?: number;
    /** How often an instance reads the recording switch another instance may have changed. Default 5000 ms. */
    recordingRefreshMs?: number;
  };
  retention?: {
    /** Entries older than this disappear. Default 7 days. */
    maxAgeMs?: number;
    /** Per entry type, only the newest N are kept. Default 10 000. */
    maxEntriesPerType?: number;
    /** Overrides per entry type, e.g. `{ log: { maxAgeMs: 86_400_000 }, llm: { maxAgeMs: 30 * 86_400_000 } }`. */
    types?: Record<string, Partial<TypeRetention>>;
  };
  /** 'user:password' for HTTP Basic authentication of the dashboard and API. */
  authentication?: string;
  /** Predicate deciding access; false answers 404 so the dashboard's existence is not given away. */
  authorize?: AuthorizeFn;
  /** Capture plugins. Default: `[requests(), exceptions(), logs(), events(), httpClient(), queries()]`. */
  plugins?: ActiveTrackerPlugin[];
  /** Key fragments whose values are redacted everywhere (headers, bodies, payloads). */
  sensitiveKeys?: string[];
  /** Largest string/body kept in an entry before truncation. Default 64 KB. */
  maxPayloadBytes?: number;
  /** Recorder buffering: what waits to be written is bounded in entries and in bytes. */
  buffer?: {
    /** Entries kept while storage is slow or down; beyond that new entries are dropped and counted. Default 10 000. */
    maxEntries?: number;
    /** Bytes of serialized entries kept the same way. Default 8 MB. */
    maxBytes?: number;
    /** Longest wait before a write. Default 100 ms. */
    flushIntervalMs?: number;
    /** A write starts at once when this many entries wait. Default 500. */
    flushBatchSize?: number;
  };
  /** How a request's (or job's) entries are grouped before they are written. */
  batches?: {
    /** How long an ended batch waits for late entries (an outbound call whose body ends after the response). Default 20 ms. */
    graceMs?: number;
    /** Most entries one batch keeps; more are dropped and counted. Default 1000. */
    maxEntries?: number;
  };
  /**
   * Tail sampling, decided per batch: `rate` of ordinary batches are kept whole, the others dropped
   * whole; batches with an exception, a 5xx or slower than `keepSlowerThanMs` are always kept.
   * Statistics computed from sampled data say they are approximate.
   */
  sampling?: {
    /** 0..1, default 1 (keep everything). */
    rate?: number;
    /** Default 1000 ms; null disables the rule. */
    keepSlowerThanMs?: number | null;
    /** Your own rule: return true to always keep a batch. */
    keep?: (batch: TrackerContext, drafts: readonly BatchDraft[]) => boolean;
  };
  /** Encryption at rest (AES-256-GCM) of selected content fields per entry type. */
  encryption?: EncryptionOptions;
  /** Last word on what is recorded: return false to drop a draft. */
  filter?: (draft: EntryDraft) => boolean;
  /**
   * Who is using the dashboard or API (kept in audit trails of changed records, e.g. LLM reviews).
   * Default: the HTTP Basic user name when `authentication` is set, else null.
   */
  actor?: (req: any) => string | null | undefined | Promise<string | null | undefined>;
}

/** Options after defaults; what the rest of the library reads. */
export interface ResolvedActiveTrackerOptions {
  enabled: boolean;
  mountpoint: string;
  redis: string | RedisOptions | Redis | Cluster | undefined;
  keyPrefix: string;
  perPage: number;
  live: { heartbeatMs: number; maxConnections: number; recordingRefreshMs: number };
  retention: { maxAgeMs: number; maxEntriesPerType: number; types: Record<string, Partial<TypeRetention>> };
  authentication: { user: string; password: string } | undefined;
  authorize: AuthorizeFn | undefined;
  plugins: ActiveTrackerPlugin[];
  sensitiveKeys: string[];
  maxPayloadBytes: number;
  buffer: { maxEntries: number; maxBytes: number; flushIntervalMs: number; flushBatchSize: number; flushBytes: number };
  batches: { graceMs: number; maxDrafts: number };
  sampling: { rate: number; keepSlowerThanMs: number | null; keep?: (batch: TrackerContext, drafts: readonly BatchDraft[]) => boolean };
  encryption: EncryptionOptions | undefined;
  filter: ((draft: EntryDraft) => boolean) | undefined;
  actor: ((req: any) => string | null | undefined | Promise<string | null | undefined>) | undefined;
}

export const DEFAULT_MOUNTPOINT = 'activetracker';
export const DEFAULT_KEY_PREFIX = '{activetracker}:';
/** Default byte bound of the write buffer. */
export const DEFAULT_BUFFER_MAX_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
export const DEFAULT_MAX_ENTRIES_PER_TYPE = 10_000;

/** Thrown at boot when options are invalid; lists every problem at once. */
export class ActiveTrackerOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid ActiveTracker options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ActiveTrackerOptionsError';
  }
}

const KNOWN_KEYS = new Set([
  'enabled',
  'mountpoint',
  'redis',
  'keyPrefix',
  'perPage',
  'live',
  'retention',
  'authentication',
  'authorize',
  'plugins',
  'sensitiveKeys',
  'maxPayloadBytes',
  'buffer',
  'batches',
  'sampling',
  'encryption',
  'filter',
  'actor',
]);

const ROUTE_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** Problems with a plugin's contributed routes. */
function routeProblems(routes: readonly PluginRoute[] | undefined): string[] {
  if (routes === undefined) return [];
  if (!Array.isArray(routes)) return ['"routes" must be an array of { method, path, handle }'];
  const problems: string[] = [];
  const seen = new Set<string>();
  routes.forEach((route, i) => {
    if (!route || !ROUTE_METHODS.has(route.method)) problems.push(`"routes[${i}].method" must be GET, POST, PUT, PATCH or DELETE`);
    if (!route || typeof route.path !== 'string' || !/^[A-Za-z0-9_.~:-]+(\/[A-Za-z0-9_.~:-]+)*$/.test(route.path)) {
      problems.push(`"routes[${i}].path" must be a relative path such as "families" or "entries/:id/review"`);
    }
    if (!route || typeof route.handle !== 'function') problems.push(`"routes[${i}].handle" must be a function`);
    for (const dto of ['query', 'body'] as const) {
      if (route?.[dto] !== undefined && typeof route[dto] !== 'function') problems.push(`"routes[${i}].${dto}" must be a class-validator DTO class`);
    }
    const key = `${route?.method} ${route?.path}`;
    if (seen.has(key)) problems.push(`"routes[${i}]": ${key} is declared twice`);
    seen.add(key);
  });
  return problems;
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/**
 * Applies defaults and validates. `defaultPlugins` is supplied by the module so this file does not
 * depend on every plugin. Throws one ActiveTrackerOptionsError listing every problem.
 */
export function resolveOptions(input: ActiveTrackerModuleOptions | undefined, defaultPlugins: () => ActiveTrackerPlugin[]): ResolvedActiveTrackerOptions {
  const given = (input ?? {}) as ActiveTrackerModuleOptions & Record<string, unknown>;
  // An empty environment variable (`redis: process.env.REDIS_URL` with `REDIS_URL=`) means "not set".
  const o =
    given && typeof given === 'object' && (given.redis === '' || given.authentication === '')
      ? { ...given, ...(given.redis === '' ? { redis: undefined } : {}), ...(given.authentication === '' ? { authentication: undefined } : {}) }
      : given;
  const problems: string[] = [];
  if (typeof o !== 'object' || Array.isArray(o)) throw new ActiveTrackerOptionsError(['options must be an object']);

  for (const key of Object.keys(o)) {
    if (!KNOWN_KEYS.has(key) && o[key] !== undefined) problems.push(`unknown option "${key}"`);
  }
  if (o.enabled !== undefined && typeof o.enabled !== 'boolean') problems.push('"enabled" must be a boolean');

  let mountpoint = DEFAULT_MOUNTPOINT;
  if (o.mountpoint !== undefined) {
    // '.' and '..' segments are rejected: clients resolve them away, so the routes would be unreachable.
    if (
      typeof o.mountpoint !== 'string' ||
      !/^\/?[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*\/?$/.test(o.mountpoint) ||
      o.mountpoint.split('/').some((segment) => segment === '.' || segment === '..')
    ) {
      problems.push('"mountpoint" must be a non-empty URL path such as "activetracker" or "admin/tracker"');
    } else {
      mountpoint = o.mountpoint.replace(/^\/+|\/+$/g, '');
    }
  }

  if (o.redis !== undefined && !(typeof o.redis === 'string' || (typeof o.redis === 'object' && o.redis !== null))) {
    problems.push('"redis" must be a redis:// URL, ioredis options or an ioredis instance');
  } else if (typeof o.redis === 'string' && !/^rediss?:\/\//.test(o.redis) && !o.redis.startsWith('/')) {
    problems.push(`"redis" URL must start with redis:// or rediss:// (got "${o.redis}")`);
  } else if (o.redis && typeof o.redis === 'object' && !isRedisClient(o.redis) && typeof (o.redis as any).then === 'function') {
    problems.push('"redis" must not be a promise; use forRootAsync to create the client first');
  }

  if (o.keyPrefix !== undefined && (typeof o.keyPrefix !== 'string' || o.keyPrefix.length === 0)) {
    problems.push('"keyPrefix" must be a non-empty string');
  }
  if (o.perPage !== undefined && !(isPositiveInt(o.perPage) && o.perPage <= 1000)) {
    problems.push('"perPage" must be an integer between 1 and 1000');
  }

  const live = { heartbeatMs: 15_000, maxConnections: 50, recordingRefreshMs: 5000 };
  if (o.live !== undefined) {
    if (typeof o.live !== 'object' || o.live === null) problems.push('"live" must be an object { heartbeatMs?, maxConnections?, recordingRefreshMs? }');
    else {
      const limits = {
        heartbeatMs: [10, 3_600_000, 'milliseconds'],
        maxConnections: [1, 10_000, 'streams'],
        recordingRefreshMs: [10, 3_600_000, 'milliseconds'],
      } as const;
      for (const [key, [min, max, unit]] of Object.entries(limits) as Array<[keyof typeof live, readonly [number, number, string]]>) {
        const v = o.live[key];
        if (v === undefined) continue;
        if (!(Number.isInteger(v) && v >= min && v <= max)) problems.push(`"live.${key}" must be an integer from ${min} to ${max} (${unit})`);
        else live[key] = v;
      }
      const unknown = Object.keys(o.live).filter((k) => !(k in limits));
      if (unknown.length) problems.push(`"live": unknown option(s) ${unknown.map((k) => `"${k}"`).join(', ')}`);
    }
  }

  const retention: ResolvedActiveTrackerOptions['retention'] = { maxAgeMs: DEFAULT_MAX_AGE_MS, maxEntriesPerType: DEFAULT_MAX_ENTRIES_PER_TYPE, types: {} };
  if (o.retention !== undefined) {
    if (typeof o.retention !== 'object' || o.retention === null) problems.push('"retention" must be an object');
    else {
      if (o.retention.maxAgeMs !== undefined) {
        if (!isPositiveInt(o.retention.maxAgeMs)) problems.push('"retention.maxAgeMs" must be a positive integer (milliseconds)');
        else retention.maxAgeMs = o.retention.maxAgeMs;
      }
      if (o.retention.maxEntriesPerType !== undefined) {
        if (!isPositiveInt(o.retention.maxEntriesPerType)) problems.push('"retention.maxEntriesPerType" must be a positive integer');
        else retention.maxEntriesPerType = o.retention.maxEntriesPerType;
      }
      const types = o.retention.types;
      if (types !== undefined) {
        if (types === null || typeof types !== 'object' || Array.isArray(types))
          problems.push('"retention.types" must map entry types to { maxAgeMs?, maxEntriesPerType? }');
        else {
          for (const [type, own] of Object.entries(types)) {
            if (own === null || typeof own !== 'object') {
              problems.push(`"retention.types.${type}" must be an object { maxAgeMs?, maxEntriesPerType? }`);
              continue;
            }
            for (const key of ['maxAgeMs', 'maxEntriesPerType'] as const) {
              if (own[key] !== undefined && !isPositiveInt(own[key])) problems.push(`"retention.types.${type}.${key}" must be a positive integer`);
            }
            const unknown = Object.keys(own).filter((k) => k !== 'maxAgeMs' && k !== 'maxEntriesPerType');
            if (unknown.length) problems.push(`"retention.types.${type}": unknown option(s) ${unknown.map((k) => `"${k}"`).join(', ')}`);
            retention.types[type] = { ...own };
          }
        }
      }
    }
  }

  let authentication: ResolvedActiveTrackerOptions['authentication'];
  if (o.authentication !== undefined) {
    const idx = typeof o.authentication === 'string' ? o.authentication.indexOf(':') : -1;
    if (idx <= 0 || idx === (o.authentication as string).length - 1) {
      problems.push('"authentication" must be "user:password" (both parts non-empty)');
    } else {
      authentication = { user: o.authentication.slice(0, idx), password: o.authentication.slice(idx + 1) };
    }
  }
  if (o.authorize !== undefined && typeof o.authorize !== 'function') {
    problems.push('"authorize" must be a function (req) => boolean | Promise<boolean>');
  }

  let plugins: ActiveTrackerPlugin[] = [];
  if (o.plugins !== undefined && !Array.isArray(o.plugins)) problems.push('"plugins" must be an array of plugins');
  else {
    plugins = o.plugins ?? defaultPlugins();
    const seen = new Set<string>();
    plugins.forEach((p, i) => {
      if (!p || typeof p !== 'object' || typeof p.name !== 'string' || typeof p.entryType !== 'string') {
        problems.push(`"plugins[${i}]" is not a plugin (expected an object with name and entryType, e.g. requests())`);
        return;
      }
      if (seen.has(p.name)) problems.push(`"plugins[${i}]": plugin "${p.name}" is listed twice`);
      seen.add(p.name);
      let pluginProblems: string[];
      try {
        pluginProblems = [...(p.validate?.(o) ?? []), ...(p.view !== undefined ? viewProblems(p.view) : []), ...routeProblems(p.routes)];
      } catch (error) {
        // A crashing validate() is one more problem to list, not a reason to hide the others.
        pluginProblems = [`validate() threw: ${(error as Error)?.message ?? String(error)}`];
      }
      for (const problem of pluginProblems) problems.push(`plugin "${p.name}": ${problem}`);
    });
  }

  let sensitiveKeys = [...DEFAULT_SENSITIVE_KEYS];
  if (o.sensitiveKeys !== undefined) {
    if (!Array.isArray(o.sensitiveKeys) || o.sensitiveKeys.some((k) => typeof k !== 'string' || !k)) {
      problems.push('"sensitiveKeys" must be an array of non-empty strings');
    } else sensitiveKeys = o.sensitiveKeys;
  }

  let maxPayloadBytes = 64 * 1024;
  if (o.maxPayloadBytes !== undefined) {
    if (!isPositiveInt(o.maxPayloadBytes)) problems.push('"maxPayloadBytes" must be a positive integer');
    else maxPayloadBytes = o.maxPayloadBytes;
  }

  const buffer = { maxEntries: 10_000, maxBytes: DEFAULT_BUFFER_MAX_BYTES, flushIntervalMs: 100, flushBatchSize: 500, flushBytes: 512 * 1024 };
  if (o.buffer !== undefined) {
    if (typeof o.buffer !== 'object' || o.buffer === null) problems.push('"buffer" must be an object');
    else {
      for (const key of ['maxEntries', 'maxBytes', 'flushIntervalMs', 'flushBatchSize'] as const) {
        const v = o.buffer[key];
        if (v === undefined) continue;
        if (!isPositiveInt(v)) problems.push(`"buffer.${key}" must be a positive integer`);
        else buffer[key] = v;
      }
      if (buffer.maxBytes < 64 * 1024) problems.push('"buffer.maxBytes" must be at least 65536 (64 KB)');
      // Start a write well before the byte bound is reached.
      buffer.flushBytes = Math.min(buffer.flushBytes, Math.floor(buffer.maxBytes / 4));
    }
  }

  const batches = { graceMs: 20, maxDrafts: 1000 };
  if (o.batches !== undefined) {
    if (typeof o.batches !== 'object' || o.batches === null) problems.push('"batches" must be an object { graceMs?, maxEntries? }');
    else {
      const { graceMs, maxEntries } = o.batches;
      if (graceMs !== undefined) {
        if (!(Number.isInteger(graceMs) && graceMs >= 0 && graceMs <= 10_000))
          problems.push('"batches.graceMs" must be an integer from 0 to 10000 (milliseconds)');
        else batches.graceMs = graceMs;
      }
      if (maxEntries !== undefined) {
        if (!(isPositiveInt(maxEntries) && maxEntries <= 100_000)) problems.push('"batches.maxEntries" must be an integer from 1 to 100000');
        else batches.maxDrafts = maxEntries;
      }
    }
  }

  const sampling: ResolvedActiveTrackerOptions['sampling'] = { rate: 1, keepSlowerThanMs: 1000 };
  if (o.sampling !== undefined) {
    if (typeof o.sampling !== 'object' || o.sampling === null) problems.push('"sampling" must be an object { rate?, keepSlowerThanMs?, keep? }');
    else {
      const { rate, keepSlowerThanMs, keep } = o.sampling;
      if (rate !== undefined) {
        if (!(typeof rate === 'number' && rate > 0 && rate <= 1)) problems.push('"sampling.rate" must be a number greater than 0 and at most 1');
        else sampling.rate = rate;
      }
      if (keepSlowerThanMs !== undefined) {
        if (keepSlowerThanMs !== null && !isPositiveInt(keepSlowerThanMs))
          problems.push('"sampling.keepSlowerThanMs" must be a positive integer (milliseconds) or null');
        else sampling.keepSlowerThanMs = keepSlowerThanMs;
      }
      if (keep !== undefined) {
        if (typeof keep !== 'function') problems.push('"sampling.keep" must be a function (batch, drafts) => boolean');
        else sampling.keep = keep;
      }
    }
  }

  if (o.encryption !== undefined) for (const problem of encryptionProblems(o.encryption)) problems.push(problem);

  const keyPrefix = o.keyPrefix ?? DEFAULT_KEY_PREFIX;
  if (o.redis && typeof o.redis === 'object' && (o.redis as { isCluster?: boolean }).isCluster === true && !/\{[^}]+\}/.test(keyPrefix)) {
    problems.push(`"keyPrefix" must contain a hash tag such as {activetracker}: on Redis Cluster (got "${keyPrefix}")`);
  }
  if (o.filter !== undefined && typeof o.filter !== 'function') problems.push('"filter" must be a function (draft) => boolean');
  if (o.actor !== undefined && typeof o.actor !== 'function') problems.push('"actor" must be a function (req) => string | null');

  if (problems.length) throw new ActiveTrackerOptionsError(problems);
  return {
    enabled: o.enabled ?? true,
    mountpoint,
    redis: o.redis,
    keyPrefix,
    perPage: o.perPage ?? 50,
    live,
    retention,
    authentication,
    authorize: o.authorize,
    plugins,
    sensitiveKeys,
    maxPayloadBytes,
    buffer,
    batches,
    sampling,
    encryption: o.encryption,
    filter: o.filter,
    actor: o.actor,
  };
}
