import type { Entry } from '../../entries/entry.js';
import { IndexRef, IndexSource, MAX_BATCH_SIZE, parseEntry, retentionCutoffId, ULID_LENGTH } from '../entry-query.js';
import type { RedisClient } from './redis.client.js';
import { escapeKeyPart, RedisKeys } from './redis.keys.js';
import { LUA_HELPERS } from './redis.lua.js';
import type { RetentionPlan } from './redis.retention.js';

/**
 * Ids of one index in one direction, and the JSON of the first `getCount` of them, in one round
 * trip: scanPage() asks for ids and then loads them, and a page costs one call instead of two.
 * KEYS[1] = index key. ARGV: P, 'desc'|'asc', first bound, second bound (in the order the range
 * command takes them), count, getCount, bytes to strip from members (batch links: `<batch>\0`).
 */
export const RANGE_LUA = `
local P = ARGV[1]
local cmd = ARGV[2] == 'desc' and 'ZREVRANGEBYLEX' or 'ZRANGEBYLEX'
local members = redis.call(cmd, KEYS[1], ARGV[3], ARGV[4], 'LIMIT', 0, tonumber(ARGV[5]))
local getCount = tonumber(ARGV[6])
local strip = tonumber(ARGV[7])
local ids, rows = {}, {}
for i, m in ipairs(members) do
  local id = strip > 0 and string.sub(m, strip + 1) or m
  ids[i] = id
  if i <= getCount then rows[i] = redis.call('GET', P .. 'e:' .. id) end
end
return { ids, rows }
`;

/**
 * The type-less list: there is no index of all entries (it would cost ~100 bytes per entry), so
 * the newest (or oldest) ids of every type index are merged here, each type with its own
 * retention floor, then the first `getCount` are loaded. One round trip.
 * KEYS[1] = P types. ARGV: P, 'desc'|'asc', cursor ('' = none), count, getCount, default floor,
 * nOverrides, (escaped type, floor)...
 */
export const MERGE_LUA = `${LUA_HELPERS}
local P = ARGV[1]
local desc = ARGV[2] == 'desc'
local cursor = ARGV[3]
local count = tonumber(ARGV[4])
local getCount = tonumber(ARGV[5])
local floors = {}
for i = 8, 7 + 2 * tonumber(ARGV[7]), 2 do floors[ARGV[i]] = ARGV[i + 1] end
local lists = {}
for _, esc in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local floor = floors[esc] or ARGV[6]
  local key = P .. 't:' .. esc
  local ids
  if desc then
    ids = redis.call('ZREVRANGEBYLEX', key, cursor == '' and '+' or '(' .. cursor, '[' .. floor, 'LIMIT', 0, count)
  else
    local low = before(cursor, floor) and ('[' .. floor) or ('(' .. cursor)
    ids = redis.call('ZRANGEBYLEX', key, low, '+', 'LIMIT', 0, count)
  end
  if #ids > 0 then lists[#lists + 1] = { ids = ids, at = 1 } end
end
local out, rows = {}, {}
while #out < count do
  local best, bestId = nil, nil
  for _, l in ipairs(lists) do
    local id = l.ids[l.at]
    if id and (bestId == nil or (desc and before(bestId, id)) or ((not desc) and before(id, bestId))) then
      best, bestId = l, id
    end
  end
  if not best then break end
  out[#out + 1] = bestId
  best.at = best.at + 1
end
for i = 1, math.min(getCount, #out) do rows[i] = redis.call('GET', P .. 'e:' .. out[i]) end
return { out, rows }
`;

/** The `type` of stored JSON: read from its start when it is in the usual place, else parsed. */
const TYPE_AT_START = /^\{"id":"[^"\\]*","type":"([^"\\]*)"/;
function typeOfJson(json: string): string | undefined {
  return TYPE_AT_START.exec(json)?.[1] ?? parseEntry(json)?.type;
}

interface ReadCommands {
  atRangeV2(key: string, ...args: string[]): Promise<[string[], (string | null)[]]>;
  atMergeV2(key: string, ...args: string[]): Promise<[string[], (string | null)[]]>;
}

/** Entry reads (list pages, batches, find): index ranges with their JSON, and retention checks. */
export class RedisEntryReads {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
    private readonly retention: RetentionPlan,
  ) {
    client.defineCommand('atRangeV2', { numberOfKeys: 1, lua: RANGE_LUA });
    client.defineCommand('atMergeV2', { numberOfKeys: 1, lua: MERGE_LUA });
  }

  private get commands(): ReadCommands {
    return this.client as unknown as ReadCommands;
  }

  async find(id: string): Promise<Entry | null> {
    if (id < this.retention.cutoff()) return null;
    const json = await this.client.get(this.keys.entry(id));
    const entry = json === null ? null : parseEntry(json);
    return entry && id >= this.retention.cutoff(entry.type) ? entry : null;
  }

  /** The entries of a batch within retention, oldest first, at most MAX_BATCH_SIZE. */
  async batch(batchId: string): Promise<Entry[]> {
    const source = this.source({ kind: 'batch', batchId });
    const ids = await source.idsAfter('', MAX_BATCH_SIZE + 1);
    const rows = await source.load(ids.slice(0, MAX_BATCH_SIZE));
    const out: Entry[] = [];
    for (const json of rows) {
      const entry = json === null ? null : parseEntry(json);
      if (entry) out.push(entry);
    }
    return out;
  }

  /**
   * An IndexSource for scanPage(): every ids() / idsAfter() call is one script call that also
   * returns the JSON of all but the last id (scanPage asks for one more id than it loads, to know
   * whether the index goes on), which load() then serves from memory.
   */
  source(ref: IndexRef): IndexSource {
    const loaded = new Map<string, string | null>();
    const now = Date.now();
    const fetch = async (forward: boolean, cursor: string | undefined, count: number): Promise<string[]> => {
      const [ids, rows] = await this.range(ref, forward, cursor, count, count - 1, now);
      loaded.clear();
      const out: string[] = [];
      for (let i = 0; i < ids.length; i++) {
        // A batch link of another batch whose id contains a NUL could fall in the range: skip it.
        if (ref.kind === 'batch' && ids[i].length !== ULID_LENGTH) continue;
        out.push(ids[i]);
        if (i < rows.length) loaded.set(ids[i], rows[i]);
      }
      return out;
    };
    // Indexes shared by types need each entry checked against its own type's retention.
    const shared = ref.kind !== 'type' && ref.kind !== 'all' && this.retention.perTypeCutoffs;
    const cutoffs = new Map<string, string>();
    const live = (id: string, json: string | null): string | null => {
      if (json === null || !shared) return json;
      const type = typeOfJson(json);
      if (type === undefined) return null;
      let cutoff = cutoffs.get(type);
      if (cutoff === undefined) cutoffs.set(type, (cutoff = this.retention.cutoff(type, now)));
      return id >= cutoff ? json : null;
    };
    return {
      ids: (before, count) => fetch(false, before, count),
      idsAfter: (after, count) => fetch(true, after, count),
      load: async (ids) => {
        const missing = ids.filter((id) => !loaded.has(id));
        if (missing.length > 0) {
          const rows = await this.client.mget(missing.map((id) => this.keys.entry(id)));
          missing.forEach((id, i) => loaded.set(id, rows[i]));
        }
        return ids.map((id) => live(id, loaded.get(id) ?? null));
      },
    };
  }

  /** One script call: `count` ids of the index after/before the cursor, and the JSON of the first `getCount`. */
  private range(
    ref: IndexRef,
    forward: boolean,
    cursor: string | undefined,
    count: number,
    getCount: number,
    now: number,
  ): Promise<[string[], (string | null)[]]> {
    const P = this.keys.scriptPrefix;
    const dir = forward ? 'asc' : 'desc';
    if (ref.kind === 'all') {
      const overrides = Object.keys(this.retention.policy.types ?? {}).flatMap((type) => [escapeKeyPart(type), this.retention.cutoff(type, now)]);
      return this.commands.atMergeV2(
        this.keys.types,
        P,
        dir,
        cursor ?? '',
        String(count),
        String(getCount),
        retentionCutoffId(this.retention.policy.maxAgeMs, now),
        String(overrides.length / 2),
        ...overrides,
      );
    }
    let key: string;
    let floor: string;
    let prefix = '';
    let end = '+';
    switch (ref.kind) {
      case 'type':
        key = this.keys.type(ref.type);
        floor = this.retention.cutoff(ref.type, now);
        break;
      case 'tag':
        key = this.keys.tag(ref.key, ref.value);
        floor = this.retention.cutoff(undefined, now);
        break;
      case 'family':
        key = this.keys.family(ref.familyHash);
        floor = this.retention.cutoff(undefined, now);
        break;
      case 'batch':
        key = this.keys.batches;
        floor = this.retention.cutoff(undefined, now);
        prefix = `${ref.batchId}\u0000`;
        // Every link of the batch sorts before `<batch>\u0001`.
        end = `(${ref.batchId}\u0001`;
        break;
    }
    const low = forward && cursor !== undefined && cursor >= floor ? `(${prefix}${cursor}` : `[${prefix}${floor}`;
    const high = !forward && cursor !== undefined ? `(${prefix}${cursor}` : end;
    const strip = prefix ? String(Buffer.byteLength(prefix)) : '0';
    return forward
      ? this.commands.atRangeV2(key, P, dir, low, high, String(count), String(getCount), strip)
      : this.commands.atRangeV2(key, P, dir, high, low, String(count), String(getCount), strip);
  }
}
