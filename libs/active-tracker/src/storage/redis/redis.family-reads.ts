import type { EntryFamily } from '../../entries/entry.js';
import type { FamilyPage, FamilyQuery } from '../entry-repository.js';
import { clampLimit, ULID_LENGTH } from '../entry-query.js';
import { FamilyAggregate, numericFamilyCursor, parseNumericFamilyCursor, toEntryFamily } from '../family-aggregate.js';
import type { RedisClient } from './redis.client.js';
import { escapeKeyPart, FAMILY_FIELDS as FF, RedisKeys } from './redis.keys.js';
import { LUA_HELPERS } from './redis.lua.js';

/**
 * One page of families with their aggregates, in one round trip.
 * KEYS[1] = the order set `Fo:<type>:<order>`. ARGV: P, escaped type, 'lex'|'score', limit,
 * cursor ('' = first page), cursor score, cursor hash (numeric orders).
 *
 * lastSeen (lex set of `<lastEntryId><hash>`): the cursor is the member itself, as in v1.
 * Numeric orders (score set of hashes, ties ordered by hash, descending): the cursor is
 * `<score>:<hash>`. When that member still has that score, the page starts right after its rank;
 * when it moved or left meanwhile, after every member scoring higher and the tied members whose
 * hash sorts at or after the cursor's, found by binary search over the ties (O(log ties) calls).
 * Returns { members (up to limit + 1, to tell whether more follow), scores, aggregates }.
 */
export const FAMILIES_LUA = `${LUA_HELPERS}
local P = ARGV[1]
local base = ARGV[2]
local lex = ARGV[3] == 'lex'
local limit = tonumber(ARGV[4])
local key = KEYS[1]
local members, scores = {}, {}
if lex then
  members = redis.call('ZREVRANGEBYLEX', key, ARGV[5] == '' and '+' or '(' .. ARGV[5], '-', 'LIMIT', 0, limit + 1)
else
  local start = 0
  if ARGV[5] ~= '' then
    local s, h = ARGV[6], ARGV[7]
    local current = redis.call('ZSCORE', key, h)
    if current and tonumber(current) == tonumber(s) then
      start = redis.call('ZREVRANK', key, h) + 1
    else
      local above = redis.call('ZCOUNT', key, '(' .. s, '+inf')
      local lo, hi = 0, redis.call('ZCOUNT', key, s, s)
      while lo < hi do
        local mid = math.floor((lo + hi) / 2)
        local m = redis.call('ZREVRANGE', key, above + mid, above + mid)[1]
        if before(m, h) then hi = mid else lo = mid + 1 end
      end
      start = above + lo
    end
  end
  local flat = redis.call('ZREVRANGE', key, start, start + limit, 'WITHSCORES')
  for i = 1, #flat, 2 do
    members[#members + 1] = flat[i]
    scores[#scores + 1] = flat[i + 1]
  end
end
local aggregates = {}
for i = 1, math.min(limit, #members) do
  local hash = lex and string.sub(members[i], ${ULID_LENGTH + 1}) or members[i]
  aggregates[i] = redis.call('HGETALL', P .. 'F:' .. base .. ':' .. hash)
end
return { members, scores, aggregates }
`;

/** A packed histogram (bucket index i32 + weighted count f64, big-endian) as bucket -> count. */
export function decodeHistogram(packed: Buffer | undefined): Map<number, number> {
  const buckets = new Map<number, number>();
  if (!packed) return buckets;
  // A DataView (big-endian by default) reads much faster than Buffer's readXxxBE methods.
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  for (let at = 0; at + 12 <= packed.byteLength; at += 12) {
    const count = view.getFloat64(at + 4);
    if (count > 0) buckets.set(view.getInt32(at), count);
  }
  return buckets;
}

/**
 * A family aggregate from its hash (read as Buffers: the histogram field is binary); null when the
 * hash is gone.
 */
export function aggregateFromHash(hash: Record<string, Buffer>): FamilyAggregate | null {
  const field = (name: string): string | undefined => hash[name]?.toString('utf8');
  if (hash[FF.count] === undefined) return null;
  let summary: Record<string, string> = {};
  try {
    summary = JSON.parse(field(FF.summary) ?? '{}') as Record<string, string>;
  } catch {
    // A corrupt summary only loses the summary.
  }
  const max = field(FF.max);
  return {
    count: Number(field(FF.count)),
    timed: Number(field(FF.timed) ?? 0),
    totalMs: Number(field(FF.total) ?? 0),
    maxMs: max === undefined ? null : Number(max),
    firstEntryId: field(FF.firstId) ?? '',
    firstSeen: field(FF.firstSeen) ?? '',
    lastEntryId: field(FF.lastId) ?? '',
    lastSeen: field(FF.lastSeen) ?? '',
    summary,
    buckets: decodeHistogram(hash[FF.histogram]),
    approximate: field(FF.approximate) === '1',
  };
}

function record(flat: Buffer[]): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i].toString('utf8')] = flat[i + 1];
  return out;
}

type FamiliesReply = [Buffer[], Buffer[], Buffer[][]];

/** Family reads: pages in any order (one script call) and single families (one pipeline). */
export class RedisFamilyReads {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
  ) {
    client.defineCommand('atFamiliesV2', { numberOfKeys: 1, lua: FAMILIES_LUA });
  }

  async families(query: FamilyQuery): Promise<FamilyPage> {
    const limit = clampLimit(query.limit);
    const orderBy = query.orderBy ?? 'lastSeen';
    const lex = orderBy === 'lastSeen';
    const cursor = lex ? null : parseNumericFamilyCursor(query.before);
    // The Buffer variant of the script: the histogram field is binary.
    const [rawMembers, scores, aggregates] = (await (
      this.client as unknown as { atFamiliesV2Buffer(...args: string[]): Promise<FamiliesReply> }
    ).atFamiliesV2Buffer(
      this.keys.familyOrder(query.type, orderBy),
      this.keys.scriptPrefix,
      escapeKeyPart(query.type),
      lex ? 'lex' : 'score',
      String(limit),
      lex ? (query.before ?? '') : cursor ? 'cursor' : '',
      cursor ? String(cursor.score) : '',
      cursor ? cursor.familyHash : '',
    )) as FamiliesReply;
    const members = rawMembers.map((member) => member.toString('utf8'));
    const page = members.slice(0, limit);
    const data: EntryFamily[] = [];
    page.forEach((member, i) => {
      const hash = lex ? member.slice(ULID_LENGTH) : member;
      const aggregate = aggregateFromHash(record(aggregates[i] ?? []));
      // Skip a family whose hash expired, and a stale recency member left by a re-created family.
      if (!aggregate || (lex && aggregate.lastEntryId !== member.slice(0, ULID_LENGTH))) return;
      data.push(toEntryFamily(query.type, hash, aggregate));
    });
    if (members.length <= limit || page.length === 0) return { data, next: null };
    const last = page.length - 1;
    return { data, next: lex ? page[last] : numericFamilyCursor(Number(scores[last].toString('utf8')), page[last]) };
  }

  async family(type: string, familyHash: string): Promise<EntryFamily | null> {
    const aggregate = aggregateFromHash(await this.client.hgetallBuffer(this.keys.familyAggregate(type, familyHash)));
    return aggregate ? toEntryFamily(type, familyHash, aggregate) : null;
  }
}
