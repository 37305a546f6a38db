import type { Redis, RedisOptions } from 'ioredis';
import type { ActiveTrackerPlugin } from './plugins/plugin.js';
import type { EntryDraft } from './entries/entry.js';
import { DEFAULT_SENSITIVE_KEYS } from './recorder/sensitive-keys.js';
import { isRedisClient } from './storage/redis/is-redis-client.js';

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
  redis?: string | RedisOptions | Redis;
  /** Prefix of every Redis key. Default 'activetracker:'. */
  keyPrefix?: string;
  /** Default page size of lists. Default 50. */
  perPage?: number;
  retention?: {
    /** Entries older than this disappear. Default 7 days. */
    maxAgeMs?: number;
    /** Per entry type, only the newest N are kept. Default 10 000. */
    maxEntriesPerType?: number;
  };
  /** 'user:password' for HTTP Basic authentication of the dashboard and API. */
  authentication?: string;
  /** Predicate deciding access; false answers 404 so the dashboard's existence is not given away. */
  authorize?: AuthorizeFn;
  /** Capture plugins. Default: `[requests(), exceptions(), logs(), events(), httpClient()]`. */
  plugins?: ActiveTrackerPlugin[];
  /** Key fragments whose values are redacted everywhere (headers, bodies, payloads). */
  sensitiveKeys?: string[];
  /** Largest string/body kept in an entry before truncation. Default 64 KB. */
  maxPayloadBytes?: number;
  /** Recorder buffering. */
  buffer?: {
    /** Entries kept while storage is slow or down; beyond that new entries are dropped and counted. Default 10 000. */
    maxEntries?: number;
    /** Flush period. Default 100 ms. */
    flushIntervalMs?: number;
    /** A flush starts early once this many entries wait. Default 500. */
    flushBatchSize?: number;
  };
  /** Last word on what is recorded: return false to drop a draft. */
  filter?: (draft: EntryDraft) => boolean;
}

/** Options after defaults; what the rest of the library reads. */
export interface ResolvedActiveTrackerOptions {
  enabled: boolean;
  mountpoint: string;
  redis: string | RedisOptions | Redis | undefined;
  keyPrefix: string;
  perPage: number;
  retention: { maxAgeMs: number; maxEntriesPerType: number };
  authentication: { user: string; password: string } | undefined;
  authorize: AuthorizeFn | undefined;
  plugins: ActiveTrackerPlugin[];
  sensitiveKeys: string[];
  maxPayloadBytes: number;
  buffer: { maxEntries: number; flushIntervalMs: number; flushBatchSize: number };
  filter: ((draft: EntryDraft) => boolean) | undefined;
}

export const DEFAULT_MOUNTPOINT = 'activetracker';
export const DEFAULT_KEY_PREFIX = 'activetracker:';
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
  'enabled', 'mountpoint', 'redis', 'keyPrefix', 'perPage', 'retention', 'authentication', 'authorize',
  'plugins', 'sensitiveKeys', 'maxPayloadBytes', 'buffer', 'filter',
]);

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/**
 * Applies defaults and validates. `defaultPlugins` is supplied by the module so this file does not
 * depend on every plugin. Throws one ActiveTrackerOptionsError listing every problem.
 */
export function resolveOptions(
  input: ActiveTrackerModuleOptions | undefined,
  defaultPlugins: () => ActiveTrackerPlugin[],
): ResolvedActiveTrackerOptions {
  const o = (input ?? {}) as ActiveTrackerModuleOptions & Record<string, unknown>;
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

  const retention = { maxAgeMs: DEFAULT_MAX_AGE_MS, maxEntriesPerType: DEFAULT_MAX_ENTRIES_PER_TYPE };
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
        pluginProblems = p.validate?.() ?? [];
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

  const buffer = { maxEntries: 10_000, flushIntervalMs: 100, flushBatchSize: 500 };
  if (o.buffer !== undefined) {
    if (typeof o.buffer !== 'object' || o.buffer === null) problems.push('"buffer" must be an object');
    else {
      for (const key of ['maxEntries', 'flushIntervalMs', 'flushBatchSize'] as const) {
        const v = o.buffer[key];
        if (v === undefined) continue;
        if (!isPositiveInt(v)) problems.push(`"buffer.${key}" must be a positive integer`);
        else buffer[key] = v;
      }
    }
  }
  if (o.filter !== undefined && typeof o.filter !== 'function') problems.push('"filter" must be a function (draft) => boolean');

  if (problems.length) throw new ActiveTrackerOptionsError(problems);
  return {
    enabled: o.enabled ?? true,
    mountpoint,
    redis: o.redis,
    keyPrefix: o.keyPrefix ?? DEFAULT_KEY_PREFIX,
    perPage: o.perPage ?? 50,
    retention,
    authentication,
    authorize: o.authorize,
    plugins,
    sensitiveKeys,
    maxPayloadBytes,
    buffer,
    filter: o.filter,
  };
}
