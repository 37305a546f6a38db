import { parseEntry, ULID_LENGTH } from '../entry-query.js';
import { throwFirstError, type RedisClient } from './redis.client.js';
import { batchLink, escapeKeyPart, NUMERIC_FAMILY_ORDERS, FAMILY_FIELDS as FF, RedisKeys, unescapeKeyPart } from './redis.keys.js';
import type { RetentionPlan } from './redis.retention.js';

/** Most entries (and families) one prune() evicts per type: bounded work per call. */
export const PRUNE_MAX_PER_TYPE = 10_000;
/** Ids per MGET/DEL round. */
const CHUNK = 500;
/** Registry members whose expiry passed, checked per prune() call. */
const REGISTRY_CHECKS = 1000;
/** Index keys swept for dangling ids per prune() call (the sweep resumes where it stopped). */
const SWEEP_KEYS = 200;

/**
 * Which ids of a type to evict: the oldest ones, past the cutoff or beyond the cap (at most
 * `bound`). A type whose index is empty leaves the types set in the same step, atomically, so a
 * write adding the type again at that moment is never undone.
 * KEYS[1] = P types. ARGV: P, escaped type, cutoff id, max entries, bound.
 */
export const PRUNE_PLAN_LUA = `
local key = ARGV[1] .. 't:' .. ARGV[2]
local card = redis.call('ZCARD', key)
if card == 0 then
  redis.call('SREM', KEYS[1], ARGV[2])
  return {}
end
local old = redis.call('ZLEXCOUNT', key, '-', '(' .. ARGV[3])
local remove = math.min(tonumber(ARGV[5]), math.max(old, card - tonumber(ARGV[4])))
if remove <= 0 then return {} end
return redis.call('ZRANGE', key, 0, remove - 1)
`;

/**
 * Drops the least recently seen families of a type beyond the cap and those not seen since the
 * cutoff: their recency member, their place in every numeric order, their aggregate. Atomic, so a family seen again meanwhile is never half deleted; a recency member
 * left behind by a family that expired and came back only loses that member.
 * KEYS[1] = P Fo:<type>:lastSeen. ARGV: P, escaped type, cutoff id, max families, bound.
 */
export const TRIM_FAMILIES_LUA = `
local P, esc, key = ARGV[1], ARGV[2], KEYS[1]
local card = redis.call('ZCARD', key)
local old = redis.call('ZLEXCOUNT', key, '-', '(' .. ARGV[3])
local drop = math.min(tonumber(ARGV[5]), math.max(old, card - tonumber(ARGV[4])))
if drop <= 0 then return 0 end
local members = redis.call('ZRANGE', key, 0, drop - 1)
local base = P .. 'Fo:' .. esc .. ':'
for _, m in ipairs(members) do
  local lastId, hash = string.sub(m, 1, ${ULID_LENGTH}), string.sub(m, ${ULID_LENGTH + 1})
  redis.call('ZREM', key, m)
  local F = P .. 'F:' .. esc .. ':' .. hash
  local lid = redis.call('HGET', F, '${FF.lastId}')
  if (not lid) or lid == lastId then
    redis.call('DEL', F)
    for _, order in ipairs({ ${NUMERIC_FAMILY_ORDERS.map((o) => `'${o}'`).join(', ')} }) do redis.call('ZREM', base .. order, hash) end
  end
end
return #members
`;

/**
 * Registry upkeep and the dangling-id sweep, bounded.
 * 1. Members whose recorded expiry passed: dropped when their key is gone, else re-scored with
 *    the key's current expiry (writes register keys with ZADD NX, never re-scoring: no churn).
 * 2. A slice of the registry (by rank, resuming where the previous call stopped): tag and family
 *    indexes lose the ids past the longest retention. prune() removes evicted entries from their
 *    indexes precisely; this only catches ids whose entry expired before any prune() saw it
 *    (every instance stopped for longer than the grace period).
 * KEYS[1] = P r. ARGV: P, now, checks, sweep start rank, sweep count, cutoff id, fallback TTL.
 * Returns the rank to resume the sweep at (0 after the last slice).
 */
export const REGISTRY_LUA = `
local P, now = ARGV[1], tonumber(ARGV[2])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
for _, m in ipairs(due) do
  local ttl = redis.call('PTTL', P .. m)
  if ttl == -2 then
    redis.call('ZREM', KEYS[1], m)
  else
    if ttl < 0 then ttl = tonumber(ARGV[7]) end
    redis.call('ZADD', KEYS[1], 'XX', now + ttl, m)
  end
end
local start, count = tonumber(ARGV[4]), tonumber(ARGV[5])
local slice = redis.call('ZRANGE', KEYS[1], start, start + count - 1)
for _, m in ipairs(slice) do
  local kind = string.sub(m, 1, 2)
  if kind == 'g:' or kind == 'f:' then redis.call('ZREMRANGEBYLEX', P .. m, '-', '(' .. ARGV[6]) end
end
if #slice < count then return 0 end
return start + count
`;

interface PruneCommands {
  atPrunePlanV2(...args: string[]): Promise<string[]>;
  atTrimFamiliesV2(...args: string[]): Promise<number>;
  atRegistryV2(...args: string[]): Promise<number>;
}

/** Retention enforcement (prune) and clear(), both without KEYS or SCAN. */
export class RedisPruner {
  /** Where the next dangling-id sweep starts in the registry (per process; any instance may sweep). */
  private sweepAt = 0;

  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
    private readonly retention: RetentionPlan,
  ) {
    client.defineCommand('atPrunePlanV2', { numberOfKeys: 1, lua: PRUNE_PLAN_LUA });
    client.defineCommand('atTrimFamiliesV2', { numberOfKeys: 1, lua: TRIM_FAMILIES_LUA });
    client.defineCommand('atRegistryV2', { numberOfKeys: 1, lua: REGISTRY_LUA });
  }

  private get commands(): PruneCommands {
    return this.client as unknown as PruneCommands;
  }

  async prune(): Promise<void> {
    const now = Date.now();
    const P = this.keys.scriptPrefix;
    for (const escaped of await this.client.smembers(this.keys.types)) {
      const type = unescapeKeyPart(escaped);
      const { maxEntriesPerType } = this.retention.of(type);
      const cutoff = this.retention.cutoff(type, now);
      const ids = await this.commands.atPrunePlanV2(this.keys.types, P, escaped, cutoff, String(maxEntriesPerType), String(PRUNE_MAX_PER_TYPE));
      for (let i = 0; i < ids.length; i += CHUNK) await this.evict(type, ids.slice(i, i + CHUNK));
      await this.commands.atTrimFamiliesV2(this.keys.familyOrder(type, 'lastSeen'), P, escaped, cutoff, String(maxEntriesPerType), String(PRUNE_MAX_PER_TYPE));
    }
    const longest = this.retention.cutoff(undefined, now);
    // Batch ids are ULIDs (the recorder's): links of batches begun before the cutoff sort before it.
    await this.client.zremrangebylex(this.keys.batches, '-', `(${longest}`);
    this.sweepAt = await this.commands.atRegistryV2(
      this.keys.registry,
      P,
      String(now),
      String(REGISTRY_CHECKS),
      String(this.sweepAt),
      String(SWEEP_KEYS),
      longest,
      String(this.retention.sharedKeepMs),
    );
  }

  /**
   * Deletes entries and their audit trails, and removes them from every index they are in (read
   * from their JSON). Returns how many were still stored.
   */
  private async evict(type: string, ids: string[]): Promise<number> {
    const rows = await this.client.mget(ids.map((id) => this.keys.entry(id)));
    const refs = new Map<string, string[]>();
    const links: string[] = [];
    const ref = (key: string, id: string): void => {
      const list = refs.get(key);
      if (list) list.push(id);
      else refs.set(key, [id]);
    };
    let stored = 0;
    rows.forEach((json, i) => {
      const entry = json === null ? null : parseEntry(json);
      if (!entry) return;
      stored++;
      const id = ids[i];
      for (const key in entry.tags ?? {}) ref(this.keys.tag(key, entry.tags[key]), id);
      if (entry.familyHash) ref(this.keys.family(entry.familyHash), id);
      if (entry.batchId) links.push(batchLink(entry.batchId, id));
    });
    const pipeline = this.client.pipeline();
    pipeline.del(...ids.flatMap((id) => [this.keys.entry(id), this.keys.audit(id)]));
    pipeline.zrem(this.keys.type(type), ...ids);
    for (const [key, list] of refs) pipeline.zrem(key, ...list);
    if (links.length > 0) pipeline.zrem(this.keys.batches, ...links);
    throwFirstError(await pipeline.exec());
    return stored;
  }

  /**
   * Deletes every key of this prefix: entries (and audit trails) through the type indexes, every
   * other key through the registry. Keys of other prefixes are never touched.
   */
  async clear(): Promise<void> {
    const types = await this.client.smembers(this.keys.types);
    for (const escaped of types) {
      const index = this.keys.prefix + `t:${escaped}`;
      await this.walk(index, (ids) => ids.flatMap((id) => [this.keys.entry(id), this.keys.audit(id)]));
    }
    await this.walk(this.keys.registry, (suffixes) => suffixes.map((suffix) => this.keys.prefix + suffix));
    await this.client.del(this.keys.types, this.keys.registry, this.keys.batches, ...types.map((escaped) => this.keys.prefix + `t:${escaped}`));
    this.sweepAt = 0;
  }

  /**
   * Deletes the entries of one type through its index (each chunk evicted like prune() does, so
   * tag, family and batch indexes lose them too), then, in one walk of the registry, the type's
   * family aggregates and orders and the buckets of the named counters.
   */
  async clearType(type: string, counters: readonly string[]): Promise<number> {
    const index = this.keys.type(type);
    // Bounded by what the index held when the clear began: entries written meanwhile may stay.
    let rounds = Math.ceil((await this.client.zcard(index)) / CHUNK);
    let deleted = 0;
    while (rounds-- > 0) {
      const ids = await this.client.zrange(index, 0, String(CHUNK - 1));
      if (ids.length === 0) break;
      deleted += await this.evict(type, ids);
    }
    const escaped = escapeKeyPart(type);
    const prefixes = [`F:${escaped}:`, `Fo:${escaped}:`, ...counters.map((name) => `c:${name}:`)];
    for (let start = 0; ;) {
      const members = await this.client.zrange(this.keys.registry, start, String(start + CHUNK - 1));
      const matched = members.filter((m) => prefixes.some((p) => m.startsWith(p)));
      if (matched.length > 0) {
        const pipeline = this.client.pipeline();
        pipeline.del(...matched.map((suffix) => this.keys.prefix + suffix));
        pipeline.zrem(this.keys.registry, ...matched);
        throwFirstError(await pipeline.exec());
      }
      if (members.length < CHUNK) return deleted;
      start += members.length - matched.length;
    }
  }

  /** Walks a sorted set by rank in chunks, deleting the keys each chunk maps to (the set itself is not changed). */
  private async walk(key: string, toKeys: (members: string[]) => string[]): Promise<void> {
    for (let start = 0; ; start += CHUNK) {
      const members = await this.client.zrange(key, start, String(start + CHUNK - 1));
      if (members.length > 0) await this.client.del(...toKeys(members));
      if (members.length < CHUNK) return;
    }
  }
}
