import type { Cluster, Redis } from 'ioredis';
import { Entry, EntryFamily } from '../../entries/entry.js';
import {
  EntryPage,
  EntryQuery,
  EntryRepository,
  FamilyQuery,
  RetentionPolicy,
} from '../entry-repository.js';
import {
  IndexRef,
  MAX_BATCH_SIZE,
  ULID_LENGTH,
  clampLimit,
  familyDeltas,
  familySummary,
  parseEntry,
  retentionCutoffId,
  scanNewestFirst,
  selectIndex,
} from '../entry-filter.js';

/** An ioredis client. With Cluster, use a hash-tagged prefix (`{activetracker}:`) so keys share a slot. */
export type RedisClient = Redis | Cluster;

export interface RedisRepositoryOptions {
  /** Prepended to every key this repository touches, e.g. `activetracker:`. */
  keyPrefix: string;
  retention: RetentionPolicy;
  /** True when this repository created the client and must quit it on close(). Default false. */
  ownsClient?: boolean;
}

/** Most ids one prune() evicts per type (and families per type): bounded work per call. */
const PRUNE_MAX_PER_TYPE = 10_000;
/** Ids per MGET/DEL round in prune() and clear(). */
const CHUNK = 500;

/**
 * Updates one family aggregate (hash) and its place in the type's families order (a lex-ordered
 * sorted set of `lastEntryId + hash`). A script, not plain HSETs, so that saves arriving out of
 * order (several app instances flushing) never move firstSeen later or lastSeen/summary earlier.
 * KEYS: family hash, families order. ARGV: ttl, count, firstId, firstSeen, lastId, lastSeen,
 * summary JSON, family hash. Ids are fixed-width uppercase ULIDs, so string comparison is by time.
 */
const FAMILY_SCRIPT = `
local h, z = KEYS[1], KEYS[2]
redis.call('HINCRBY', h, 'count', ARGV[2])
local first = redis.call('HGET', h, 'firstEntryId')
if (not first) or ARGV[3] < first then
  redis.call('HSET', h, 'firstEntryId', ARGV[3], 'firstSeen', ARGV[4])
end
local last = redis.call('HGET', h, 'lastEntryId')
if (not last) or ARGV[5] > last then
  redis.call('HSET', h, 'lastEntryId', ARGV[5], 'lastSeen', ARGV[6], 'summary', ARGV[7])
  if last then redis.call('ZREM', z, last .. ARGV[8]) end
  redis.call('ZADD', z, 0, ARGV[5] .. ARGV[8])
end
redis.call('PEXPIRE', h, ARGV[1])
redis.call('PEXPIRE', z, ARGV[1])
return 0
`;

const enc = encodeURIComponent;

/** Member of the batches set: the (encoded) batch id, a NUL, the entry id. */
function batchLink(batchId: string, entryId: string): string {
  return `${enc(batchId)}\x00${entryId}`;
}

/**
 * The production store. Layout (P = keyPrefix):
 * - `P e:<id>`: the entry JSON, with a TTL of maxAgeMs; a page is one MGET.
 * - `P i:all`, `P i:type:<t>`, `P i:tag:<k>:<v>`, `P i:family:<hash>`: sorted sets, all scores 0
 *   and ULID members, so ZREVRANGEBYLEX `(before` pages newest-first in O(log N + page). Each is
 *   PEXPIRE'd to maxAgeMs on write, so an abandoned index dies.
 * - `P i:batches`: one sorted set for every batch, members `<batch id>\0<entry id>` (scores 0), so
 *   a batch is one ZRANGEBYLEX and a flush adds all its batch links with one ZADD (a set per batch
 *   cost two commands and a key per request). Batch ids are ULIDs, so prune() drops old links by
 *   lexicographic range.
 * - `P fam:<t>:<hash>`: family aggregate hash; `P fams:<t>`: families order (see FAMILY_SCRIPT).
 * - `P types`: set of types (what prune() walks); `P keys`: registry of every index and family
 *   key written, scored by last write, so clear() finds them without KEYS or SCAN.
 * save() is one pipeline; reads never write; nothing uses KEYS or SCAN.
 */
/** Long-lived secondary indexes drop expired ids at most this often per key. */
const TRIM_INTERVAL_MS = 60_000;

export class RedisRepository implements EntryRepository {
  private readonly prefix: string;
  private readonly retention: RetentionPolicy;
  private readonly ownsClient: boolean;
  /** When each tag/family index last dropped its expired ids (see trimDue). */
  private readonly lastTrim = new Map<string, number>();

  constructor(
    private readonly client: RedisClient,
    options: RedisRepositoryOptions,
  ) {
    this.prefix = options.keyPrefix;
    this.retention = options.retention;
    this.ownsClient = options.ownsClient ?? false;
  }

  async save(entries: readonly Entry[]): Promise<void> {
    if (entries.length === 0) return;
    const now = Date.now();
    const ttl = this.retention.maxAgeMs;
    const cutoff = retentionCutoffId(ttl, now);
    const pipeline = this.client.pipeline();
    const members = new Map<string, string[]>();
    const types = new Set<string>();
    const batchLinks: string[] = [];
    for (const entry of entries) {
      pipeline.set(this.entryKey(entry.id), JSON.stringify(entry), 'PX', ttl);
      if (entry.batchId) batchLinks.push(batchLink(entry.batchId, entry.id));
      for (const key of this.indexKeysOf(entry)) {
        const ids = members.get(key);
        if (ids) ids.push(entry.id);
        else members.set(key, [entry.id]);
      }
      types.add(entry.type);
    }
    const touched: string[] = [];
    for (const [key, ids] of members) {
      // Tag, family and batch indexes drop their expired ids as they are written (type and 'all'
      // indexes are trimmed by prune(), which also deletes the entries they point to).
      if (this.isSecondaryIndex(key) && this.trimDue(key, now)) pipeline.zremrangebylex(key, '-', `(${cutoff}`);
      pipeline.zadd(key, ...ids.flatMap((id) => [0, id]));
      pipeline.pexpire(key, ttl);
      touched.push(key);
    }
    if (batchLinks.length > 0) {
      pipeline.zadd(this.batchesKey(), ...batchLinks.flatMap((link) => [0, link]));
      pipeline.pexpire(this.batchesKey(), ttl);
    }
    pipeline.sadd(this.typesKey(), ...types);
    pipeline.pexpire(this.typesKey(), ttl);
    for (const delta of familyDeltas(entries)) {
      const familyKey = this.familyKey(delta.type, delta.familyHash);
      const orderKey = this.familyOrderKey(delta.type);
      pipeline.eval(
        FAMILY_SCRIPT,
        2,
        familyKey,
        orderKey,
        ttl,
        delta.count,
        delta.oldest.id,
        delta.oldest.occurredAt,
        delta.newest.id,
        delta.newest.occurredAt,
        JSON.stringify(familySummary(delta.newest)),
        delta.familyHash,
      );
      touched.push(familyKey, orderKey);
    }
    pipeline.zadd(this.registryKey(), ...touched.flatMap((key) => [now, key]));
    pipeline.pexpire(this.registryKey(), ttl);
    throwFirstError(await pipeline.exec());
  }

  async find(id: string): Promise<Entry | null> {
    if (id < retentionCutoffId(this.retention.maxAgeMs)) return null;
    const json = await this.client.get(this.entryKey(id));
    return json === null ? null : parseEntry(json);
  }

  async list(query: EntryQuery): Promise<EntryPage> {
    const ref = selectIndex(query);
    const cutoff = retentionCutoffId(this.retention.maxAgeMs);
    const floor = `[${cutoff}`;
    let batchIds: Promise<string[]> | undefined;
    const ids =
      ref.kind === 'batch'
        ? async (before: string | undefined, count: number) => {
            // A batch holds at most MAX_BATCH_SIZE links: read them once, page in memory.
            batchIds ??= this.batchIds(ref.batchId, cutoff).then((found) => found.reverse());
            return (await batchIds).filter((id) => before === undefined || id < before).slice(0, count);
          }
        : (before: string | undefined, count: number) => {
            const key = this.indexKey(ref);
            return this.client.zrevrangebylex(key, before === undefined ? '+' : `(${before}`, floor, 'LIMIT', 0, count);
          };
    return scanNewestFirst(
      {
        ids,
        load: (ids) => (ids.length === 0 ? [] : this.client.mget(ids.map((id) => this.entryKey(id)))),
      },
      query,
    );
  }

  async batch(batchId: string): Promise<Entry[]> {
    const ids = await this.batchIds(batchId, retentionCutoffId(this.retention.maxAgeMs));
    if (ids.length === 0) return [];
    const rows = await this.client.mget(ids.map((id) => this.entryKey(id)));
    return rows.flatMap((json) => {
      const entry = json === null ? null : parseEntry(json);
      return entry ? [entry] : [];
    });
  }

  /** Ids of a batch within retention, oldest first (at most MAX_BATCH_SIZE). */
  private async batchIds(batchId: string, cutoff: string): Promise<string[]> {
    const start = batchLink(batchId, '');
    const links = await this.client.zrangebylex(this.batchesKey(), `[${start}`, `(${enc(batchId)}\x01`, 'LIMIT', 0, MAX_BATCH_SIZE);
    return links.map((link) => link.slice(start.length)).filter((id) => id >= cutoff);
  }

  async families(query: FamilyQuery): Promise<{ data: EntryFamily[]; next: string | null }> {
    const limit = clampLimit(query.limit);
    const orderKeys = await this.client.zrevrangebylex(
      this.familyOrderKey(query.type),
      query.before ? `(${query.before}` : '+',
      '-',
      'LIMIT',
      0,
      limit + 1,
    );
    const page = orderKeys.slice(0, limit);
    if (page.length === 0) return { data: [], next: null };
    const pipeline = this.client.pipeline();
    for (const orderKey of page) pipeline.hgetall(this.familyKey(query.type, orderKey.slice(ULID_LENGTH)));
    const results = throwFirstError(await pipeline.exec());
    const data: EntryFamily[] = [];
    page.forEach((orderKey, i) => {
      const family = toFamily(query.type, orderKey.slice(ULID_LENGTH), results[i] as Record<string, string>);
      // Skip families whose hash expired, and stale order keys left behind by a re-created family.
      if (family && family.lastEntryId === orderKey.slice(0, ULID_LENGTH)) data.push(family);
    });
    return { data, next: orderKeys.length > limit ? page[page.length - 1] : null };
  }

  async family(type: string, familyHash: string): Promise<EntryFamily | null> {
    return toFamily(type, familyHash, await this.client.hgetall(this.familyKey(type, familyHash)));
  }

  async count(type: string): Promise<number> {
    return this.client.zcard(this.indexKey({ kind: 'type', type }));
  }

  async clear(): Promise<void> {
    // Entries are found through the global index, every other key through the registry.
    await this.forEachMember(this.indexKey({ kind: 'all' }), (ids) => ids.map((id) => this.entryKey(id)));
    await this.forEachMember(this.registryKey(), (keys) => keys);
    await this.client.del(this.indexKey({ kind: 'all' }), this.registryKey(), this.typesKey(), this.batchesKey());
  }

  async prune(): Promise<void> {
    const now = Date.now();
    const cutoff = retentionCutoffId(this.retention.maxAgeMs, now);
    for (const type of await this.client.smembers(this.typesKey())) {
      await this.pruneType(type, cutoff);
      await this.pruneFamilies(type, cutoff);
    }
    // Batch ids are ULIDs: links of batches older than the cutoff sort before it.
    await this.client.zremrangebylex(this.batchesKey(), '-', `(${cutoff}`);
    // Registered keys not written for maxAgeMs have expired by themselves.
    await this.client.zremrangebyscore(this.registryKey(), '-inf', now - this.retention.maxAgeMs);
  }

  isReady(): boolean {
    return this.client.status === 'ready';
  }

  /** Waits for a connection that is being made ('ready'), at most `timeoutMs`; never rejects. */
  whenReady(timeoutMs: number): Promise<void> {
    if (this.isReady() || this.client.status === 'end') return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.client.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref?.();
      this.client.once('ready', done);
    });
  }

  /** Quits the client only when this repository owns it, and waits until its socket is closed. */
  async close(): Promise<void> {
    if (!this.ownsClient || this.client.status === 'end') return;
    const ended = new Promise<void>((resolve) => {
      this.client.once('end', () => resolve());
      setTimeout(resolve, 2000).unref();
    });
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
    await ended;
  }

  /** Evicts entries of a type past the age cutoff or beyond maxEntriesPerType (oldest first). */
  private async pruneType(type: string, cutoff: string): Promise<void> {
    const key = this.indexKey({ kind: 'type', type });
    const [card, old] = throwFirstError(
      await this.client.pipeline().zcard(key).zlexcount(key, '-', `(${cutoff}`).exec(),
    ) as [number, number];
    if (card === 0) {
      await this.client.srem(this.typesKey(), type);
      return;
    }
    const remove = Math.min(PRUNE_MAX_PER_TYPE, Math.max(old, card - this.retention.maxEntriesPerType));
    if (remove <= 0) return;
    // One ZRANGE for the whole set: instances pruning concurrently evict the same ids.
    const ids = await this.client.zrange(key, 0, String(remove - 1));
    for (let i = 0; i < ids.length; i += CHUNK) await this.evict(ids.slice(i, i + CHUNK), key);
  }

  /** Deletes entries and their references from every index they are in. */
  private async evict(ids: string[], typeKey: string): Promise<void> {
    const rows = await this.client.mget(ids.map((id) => this.entryKey(id)));
    const pipeline = this.client.pipeline();
    const refs = new Map<string, string[]>();
    const links: string[] = [];
    rows.forEach((json, i) => {
      const entry = json === null ? null : parseEntry(json);
      if (!entry) return;
      if (entry.batchId) links.push(batchLink(entry.batchId, ids[i]));
      for (const key of this.indexKeysOf(entry)) {
        if (!this.isSecondaryIndex(key)) continue;
        const list = refs.get(key);
        if (list) list.push(ids[i]);
        else refs.set(key, [ids[i]]);
      }
    });
    pipeline.del(...ids.map((id) => this.entryKey(id)));
    pipeline.zrem(typeKey, ...ids);
    pipeline.zrem(this.indexKey({ kind: 'all' }), ...ids);
    for (const [key, list] of refs) pipeline.zrem(key, ...list);
    if (links.length > 0) pipeline.zrem(this.batchesKey(), ...links);
    throwFirstError(await pipeline.exec());
  }

  /** Drops families not seen since the cutoff and the least recently seen beyond maxEntriesPerType. */
  private async pruneFamilies(type: string, cutoff: string): Promise<void> {
    const key = this.familyOrderKey(type);
    const [card, old] = throwFirstError(
      await this.client.pipeline().zcard(key).zlexcount(key, '-', `(${cutoff}`).exec(),
    ) as [number, number];
    const drop = Math.min(PRUNE_MAX_PER_TYPE, Math.max(old, card - this.retention.maxEntriesPerType));
    if (drop <= 0) return;
    const orderKeys = await this.client.zrange(key, 0, String(drop - 1));
    for (let i = 0; i < orderKeys.length; i += CHUNK) {
      const chunk = orderKeys.slice(i, i + CHUNK);
      const pipeline = this.client.pipeline();
      pipeline.del(...chunk.map((orderKey) => this.familyKey(type, orderKey.slice(ULID_LENGTH))));
      pipeline.zrem(key, ...chunk);
      throwFirstError(await pipeline.exec());
    }
  }

  /** Walks a sorted set in rank chunks, deleting the keys `toKeys` maps each chunk to. */
  private async forEachMember(key: string, toKeys: (members: string[]) => string[]): Promise<void> {
    for (let start = 0; ; start += CHUNK) {
      const members = await this.client.zrange(key, start, String(start + CHUNK - 1));
      if (members.length > 0) await this.client.del(...toKeys(members));
      if (members.length < CHUNK) return;
    }
  }

  private entryKey(id: string): string {
    return `${this.prefix}e:${id}`;
  }

  private indexKey(ref: IndexRef): string {
    switch (ref.kind) {
      case 'batch':
        throw new Error('batches live in one set: read them with batchIds()');
      case 'family':
        return `${this.prefix}i:family:${enc(ref.familyHash)}`;
      case 'tag':
        return `${this.prefix}i:tag:${enc(ref.key)}:${enc(ref.value)}`;
      case 'type':
        return `${this.prefix}i:type:${enc(ref.type)}`;
      case 'all':
        return `${this.prefix}i:all`;
    }
  }

  /** Tag, family and batch indexes (as opposed to the type and global ones). */
  /**
   * Whether a tag or family index should drop its expired ids in this write: at most once a
   * minute per key (per process), not on every flush.
   */
  private trimDue(key: string, now: number): boolean {
    const last = this.lastTrim.get(key);
    if (last !== undefined && now - last < TRIM_INTERVAL_MS) return false;
    if (this.lastTrim.size >= 10_000) this.lastTrim.clear();
    this.lastTrim.set(key, now);
    return true;
  }

  private isSecondaryIndex(key: string): boolean {
    return !key.startsWith(`${this.prefix}i:type:`) && key !== `${this.prefix}i:all`;
  }

  private indexKeysOf(entry: Entry): string[] {
    const keys = [this.indexKey({ kind: 'all' }), this.indexKey({ kind: 'type', type: entry.type })];
    for (const [key, value] of Object.entries(entry.tags ?? {})) keys.push(this.indexKey({ kind: 'tag', key, value }));
    if (entry.familyHash) keys.push(this.indexKey({ kind: 'family', familyHash: entry.familyHash }));
    return keys;
  }

  private familyKey(type: string, familyHash: string): string {
    return `${this.prefix}fam:${enc(type)}:${enc(familyHash)}`;
  }

  private familyOrderKey(type: string): string {
    return `${this.prefix}fams:${enc(type)}`;
  }

  private batchesKey(): string {
    return `${this.prefix}i:batches`;
  }

  private typesKey(): string {
    return `${this.prefix}types`;
  }

  private registryKey(): string {
    return `${this.prefix}keys`;
  }
}

/** Pipeline results without their error slots; throws the first error. */
function throwFirstError(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new Error('Redis pipeline was aborted');
  for (const [error] of results) if (error) throw error;
  return results.map(([, value]) => value);
}

function toFamily(type: string, familyHash: string, hash: Record<string, string>): EntryFamily | null {
  if (!hash || hash.count === undefined) return null;
  let summary: Record<string, string> = {};
  try {
    summary = JSON.parse(hash.summary ?? '{}') as Record<string, string>;
  } catch {
    // A corrupt summary only loses the summary.
  }
  return {
    type,
    familyHash,
    count: Number(hash.count),
    firstSeen: hash.firstSeen ?? '',
    lastSeen: hash.lastSeen ?? '',
    lastEntryId: hash.lastEntryId ?? '',
    summary,
  };
}
