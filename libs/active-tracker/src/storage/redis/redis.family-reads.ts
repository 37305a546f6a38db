import type { EntryFamily } from '../../entries/entry.js';
import type { FamilyPage, FamilyQuery } from '../entry-repository.js';
import { clampLimit, ULID_LENGTH } from '../entry-query.js';
import { FamilyAggregate, numericFamilyCursor, parseNumericFamilyCursor, toEntryFamily } from '../family-aggregate.js';
import type { RedisClient } from './redis.client.js';
import { throwFirstError } from './redis.client.js';
import { escapeKeyPart, FAMILY_FIELDS as FF, RedisKeys } from './redis.keys.js';
import { LUA_HELPERS } from './redis.lua.js';

/**
 * One page of families with their aggregates and histograms, in one round trip.
 * KEYS[1] = the order set `Fo:<type>:<order>`. ARGV: P, escaped type, 'lex'|'score', limit,
 * cursor ('' = first page), cursor score, cursor hash (numeric orders).
 *
 * lastSeen (lex set of `<lastEntryId><hash>`): the cursor is the member itself, as in v1.
 * Numeric orders (score set of hashes, ties ordered by hash, descending): the cursor is
 * `<score>:<hash>`. When that member still has that score, the page starts right after its rank;
 * when it moved or left meanwhile, after every member scoring higher and the tied members whose
 * hash sorts at or after the cursor's, found by binary search over the ties (O(log ties) calls).
 * Returns { members (up to limit + 1, to tell whether more follow), scores, aggregates, histograms }.
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
local aggregates, histograms = {}, {}
for i = 1, math.min(limit, #members) do
  local hash = lex and string.sub(members[i], ${ULID_LENGTH + 1}) or members[i]
  aggregates[i] = redis.call('HGETALL', P .. 'F:' .. base .. ':' .. hash)
  histograms[i] = redis.call('HGETALL', P .. 'Fh:' .. base .. ':' .. hash)
end
return { members, scores, aggregates, histograms }
`;

function record(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

/** A family aggregate from its hash and histogram fields; null when the hash is gone. */
export function aggregateFromHash(fields: Record<string, string>, histogram: Record<string, string>): FamilyAggregate | null {
  if (fields[FF.count] === undefined) return null;
  let summary: Record<string, string> = {};
  try {
    summary = JSON.parse(fields[FF.summary] ?? '{}') as Record<string, string>;
  } catch {
    // A corrupt summary only loses the summary.
  }
  const buckets = new Map<number, number>();
  for (const [index, count] of Object.entries(histogram)) {
    const n = Number(count);
    if (n > 0) buckets.set(Number(index), n);
  }
  return {
    count: Number(fields[FF.count]),
    timed: Number(fields[FF.timed] ?? 0),
    totalMs: Number(fields[FF.total] ?? 0),
    maxMs: fields[FF.max] === undefined ? null : Number(fields[FF.max]),
    firstEntryId: fields[FF.firstId] ?? '',
    firstSeen: fields[FF.firstSeen] ?? '',
    lastEntryId: fields[FF.lastId] ?? '',
    lastSeen: fields[FF.lastSeen] ?? '',
    summary,
    buckets,
    approximate: fields[FF.approximate] === '1',
  };
}

type FamiliesReply = [string[], string[], string[][], string[][]];

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
    const [members, scores, aggregates, histograms] = (await (
      this.client as unknown as { atFamiliesV2(...args: string[]): Promise<FamiliesReply> }
    ).atFamiliesV2(
      this.keys.familyOrder(query.type, orderBy),
      this.keys.scriptPrefix,
      escapeKeyPart(query.type),
      lex ? 'lex' : 'score',
      String(limit),
      lex ? (query.before ?? '') : cursor ? 'cursor' : '',
      cursor ? String(cursor.score) : '',
      cursor ? cursor.familyHash : '',
    )) as FamiliesReply;
    const page = members.slice(0, limit);
    const data: EntryFamily[] = [];
    page.forEach((member, i) => {
      const hash = lex ? member.slice(ULID_LENGTH) : member;
      const aggregate = aggregateFromHash(record(aggregates[i] ?? []), record(histograms[i] ?? []));
      // Skip a family whose hash expired, and a stale recency member left by a re-created family.
      if (!aggregate || (lex && aggregate.lastEntryId !== member.slice(0, ULID_LENGTH))) return;
      data.push(toEntryFamily(query.type, hash, aggregate));
    });
    if (members.length <= limit || page.length === 0) return { data, next: null };
    const last = page.length - 1;
    return { data, next: lex ? page[last] : numericFamilyCursor(Number(scores[last]), page[last]) };
  }

  async family(type: string, familyHash: string): Promise<EntryFamily | null> {
    const results = await this.client
      .pipeline()
      .hgetall(this.keys.familyAggregate(type, familyHash))
      .hgetall(this.keys.familyHistogram(type, familyHash))
      .exec();
    const [fields, histogram] = throwFirstError(results) as [Record<string, string>, Record<string, string>];
    const aggregate = aggregateFromHash(fields, histogram);
    return aggregate ? toEntryFamily(type, familyHash, aggregate) : null;
  }
}
