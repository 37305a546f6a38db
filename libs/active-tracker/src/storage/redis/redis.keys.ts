import { isCluster } from './redis.client.js';

/**
 * Key layout of the v2 store. P is the key prefix (default `{activetracker}:`): every key starts
 * with it, so its hash tag puts the whole store in one Cluster slot and one script can touch any
 * of them. Names are short on purpose: there are several keys and index members per entry.
 *
 *   e:<id>               entry JSON; TTL = its type's keep time (retention + prune grace)
 *   a:<id>               audit trail (list of JSON records); TTL = the entry's remaining TTL
 *   t:<type>             ids of a type (sorted set, score 0, ordered by id = ULID = time)
 *   g:<key>=<value>      ids carrying a tag (the key escaped, so '=' cannot collide)
 *   f:<familyHash>       ids of a family
 *   b                    batch links `<batchId>\0<entryId>` (lex sorted set; a batch is one range)
 *   F:<type>:<hash>      family aggregate hash (FAMILY_FIELDS), its duration histogram packed in
 *                        one field (binary: bucket index i32 + weighted count f64, ascending)
 *   Fo:<type>:lastSeen   families by recency: lex sorted set of `<lastEntryId><hash>`
 *   Fo:<type>:<order>    families by count|total|avg|max|p95 (score sets, member = hash)
 *   c:<name>:<granularity>:<bucketStartMs>   counter bucket: key -> sum (+ `~approx`)
 *   types                escaped names of the types written (what prune and clear walk)
 *   r                    registry: suffix of every index/aggregate/counter key -> the time by which
 *                        it may have expired (clear() and prune() need no KEYS or SCAN)
 *   s:<name>             a setting shared by instances (the recording switch); no TTL, not in the
 *                        registry, so clear() and retention keep it
 *   live                 exists while some instance listens to write notices
 *   written              pub/sub channel of write notices
 * Types are escaped in key names (`%`, `:` and `=`), so `F:<type>:<hash>` cannot be ambiguous.
 */
export const NUMERIC_FAMILY_ORDERS = ['count', 'total', 'avg', 'max', 'p95'] as const;

/** Short field names of the family aggregate hash `F:<type>:<hash>`. */
export const FAMILY_FIELDS = {
  count: 'n',
  timed: 'tn',
  total: 'tot',
  max: 'max',
  firstId: 'fid',
  firstSeen: 'fs',
  lastId: 'lid',
  lastSeen: 'ls',
  summary: 'sum',
  approximate: 'ap',
  /** The histogram, packed (see redis.lua.ts): read and rewritten whole once per family and write. */
  histogram: 'h',
} as const;

/** Counter hash field set when weighted (sampled) entries contributed to the bucket. */
export const COUNTER_APPROX_FIELD = '~approx';

const ESCAPED = /[%:=]/g;
const NEEDS_ESCAPE = /[%:=]/;

/** Escapes `%`, `:` and `=` (percent-encoding), the separators of key names. */
export function escapeKeyPart(part: string): string {
  return NEEDS_ESCAPE.test(part) ? part.replace(ESCAPED, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : part;
}

export function unescapeKeyPart(part: string): string {
  return part.includes('%') ? part.replace(/%(25|3A|3D)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : part;
}

/** True when Redis Cluster would hash `prefix`-ed keys by a hash tag: a `{`, then a non-empty tag and `}`. */
export function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  if (open < 0) return false;
  const close = prefix.indexOf('}', open + 1);
  return close > open + 1;
}

/** Throws the configuration error a Cluster client with a tag-less prefix must get (CROSSSLOT otherwise). */
export function assertClusterPrefix(client: unknown, keyPrefix: string): void {
  if (isCluster(client) && !hasHashTag(keyPrefix)) {
    throw new Error(
      `ActiveTracker: keyPrefix must contain a hash tag such as {activetracker}: on Redis Cluster (got "${keyPrefix}"), ` +
        'so that every key of the store hashes to one slot',
    );
  }
}

/**
 * Key names of one store. `prefix` is for commands sent through ioredis (which adds the client's
 * own `keyPrefix` option, if any); `scriptPrefix` is what Lua scripts prepend to the keys they
 * build themselves, so it includes that client prefix.
 */
export class RedisKeys {
  readonly scriptPrefix: string;

  constructor(
    readonly prefix: string,
    clientPrefix = '',
  ) {
    this.scriptPrefix = clientPrefix + prefix;
  }

  entry(id: string): string {
    return `${this.prefix}e:${id}`;
  }

  audit(id: string): string {
    return `${this.prefix}a:${id}`;
  }

  /** Suffix (key without prefix) of a type index, from an escaped type name. */
  static typeSuffix(escapedType: string): string {
    return `t:${escapedType}`;
  }

  type(type: string): string {
    return this.prefix + RedisKeys.typeSuffix(escapeKeyPart(type));
  }

  /** What follows `g:` in a tag index key: the escaped tag key, `=`, the value. */
  static tagPart(key: string, value: string): string {
    return `${escapeKeyPart(key)}=${value}`;
  }

  tag(key: string, value: string): string {
    return `${this.prefix}g:${RedisKeys.tagPart(key, value)}`;
  }

  family(familyHash: string): string {
    return `${this.prefix}f:${familyHash}`;
  }

  get batches(): string {
    return `${this.prefix}b`;
  }

  familyAggregate(type: string, familyHash: string): string {
    return `${this.prefix}F:${escapeKeyPart(type)}:${familyHash}`;
  }

  familyOrder(type: string, order: string): string {
    return `${this.prefix}Fo:${escapeKeyPart(type)}:${order}`;
  }

  counter(name: string, granularity: string, bucketStartMs: number): string {
    return `${this.prefix}c:${name}:${granularity}:${bucketStartMs}`;
  }

  get types(): string {
    return `${this.prefix}types`;
  }

  get registry(): string {
    return `${this.prefix}r`;
  }

  setting(name: string): string {
    return `${this.prefix}s:${name}`;
  }

  get live(): string {
    return `${this.prefix}live`;
  }

  /** Pub/sub channel (channels get no client keyPrefix: use the script prefix, as the script publishes on it). */
  get channel(): string {
    return `${this.scriptPrefix}written`;
  }
}

/** Member of the batch links set: batch id, NUL, entry id. */
export function batchLink(batchId: string, entryId: string): string {
  return `${batchId}\u0000${entryId}`;
}
