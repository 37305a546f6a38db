import { GRANULARITY_MS, COUNTER_GRANULARITIES, validIncrement } from '../counters.js';
import { entryWeight } from '../family-aggregate.js';
import { histogramBucket } from '../histogram.js';
import type { PreparedEntry } from '../prepared-entry.js';
import { escapeKeyPart, FAMILY_FIELDS as FF, COUNTER_APPROX_FIELD, RedisKeys } from './redis.keys.js';
import { LUA_CALL_CHUNKED, LUA_HELPERS } from './redis.lua.js';
import type { RetentionPlan } from './redis.retention.js';

/** Most entries per script call (a save of more is several calls in one pipeline). */
export const WRITE_CHUNK = 1000;

/**
 * The whole write path, one script call per chunk of entries. Per entry, `SET e:<id> NX` decides:
 * only an entry that was not stored yet is indexed, counted in its family and in counters, so a
 * retried or duplicated save (another instance, a retry after a timeout) changes nothing. The
 * indexes, aggregates and counters are accumulated in Lua tables first and written once per key
 * per call: one ZADD per index key with all its new members, one HINCRBYFLOAT per counter field,
 * one HMGET + HSET per family, one ZADD per family order set. Family arithmetic is the same as
 * family-aggregate.ts (the reference): entries are added one by one, in order, to the stored
 * figures, so both stores compute the same doubles.
 *
 * KEYS[1] = P types (routing: a fixed key of the prefix; also the types set).
 * ARGV header: P, now, sharedKeep, counter TTL minute/hour/day, nTypes, then per type: raw name,
 *   escaped name, keep (TTL ms).
 * ARGV per entry: id, type index (1-based), batchId|'', familyHash|'', occurredAt ISO, occurredAt ms,
 *   duration|'', histogram bucket|'', weight, summary JSON|'', nTags, tag parts (`<escaped key>=<value>`)...,
 *   nCounters, (name, key, value)..., json.
 * Returns the number of entries inserted. Publishes `[[id, type, batchId|false], ...]` on
 * `P written` when at least one was inserted and the `P live` key exists (someone listens).
 */
export const WRITE_LUA = `${LUA_HELPERS}${LUA_CALL_CHUNKED}
local P = ARGV[1]
local now = tonumber(ARGV[2])
local sharedKeep = tonumber(ARGV[3])
local GRAN = {
  { 'minute', ${GRANULARITY_MS.minute}, tonumber(ARGV[4]) },
  { 'hour', ${GRANULARITY_MS.hour}, tonumber(ARGV[5]) },
  { 'day', ${GRANULARITY_MS.day}, tonumber(ARGV[6]) },
}
local types = {}
local a = 8
for t = 1, tonumber(ARGV[7]) do
  types[t] = { name = ARGV[a], esc = ARGV[a + 1], keep = tonumber(ARGV[a + 2]), used = false, orders = nil }
  a = a + 3
end

-- index key suffix -> { keep = ttl, members = { score, member, ... } }
local indexes, indexOrder = {}, {}
local function index(suffix, keep, member)
  local ix = indexes[suffix]
  if not ix then
    ix = { keep = keep, members = {} }
    indexes[suffix] = ix
    indexOrder[#indexOrder + 1] = suffix
  end
  local m = ix.members
  m[#m + 1] = 0
  m[#m + 1] = member
end
-- registry: suffix -> expiry (ms); registered with ZADD NX (an existing member is left alone)
local registry = {}
local function register(suffix, expireAt)
  registry[#registry + 1] = expireAt
  registry[#registry + 1] = suffix
end

local families, familyList = {}, {}
local counters, counterList = {}, {}
local written = {}
local links = {}
local n = #ARGV
while a <= n do
  local id = ARGV[a]
  local t = types[tonumber(ARGV[a + 1])]
  local batch = ARGV[a + 2]
  local fam = ARGV[a + 3]
  local nTags = tonumber(ARGV[a + 10])
  local tagsAt = a + 11
  local nCounters = tonumber(ARGV[tagsAt + nTags])
  local countersAt = tagsAt + nTags + 1
  local jsonAt = countersAt + 3 * nCounters
  if redis.call('SET', P .. 'e:' .. id, ARGV[jsonAt], 'PX', t.keep, 'NX') then
    t.used = true
    written[#written + 1] = { id, t.name, batch ~= '' and batch or false }
    index('t:' .. t.esc, t.keep, id)
    for i = tagsAt, tagsAt + nTags - 1 do index('g:' .. ARGV[i], sharedKeep, id) end
    if batch ~= '' then
      links[#links + 1] = 0
      links[#links + 1] = batch .. '\\0' .. id
    end
    local weight = tonumber(ARGV[a + 8])
    if fam ~= '' then
      index('f:' .. fam, sharedKeep, id)
      local fk = t.esc .. ':' .. fam
      local f = families[fk]
      if not f then
        local cur = redis.call('HMGET', P .. 'F:' .. fk, '${FF.count}', '${FF.timed}', '${FF.total}', '${FF.max}', '${FF.firstId}', '${FF.lastId}', '${FF.approximate}')
        f = {
          t = t, hash = fam, fk = fk,
          n = tonumber(cur[1]) or 0, tn = tonumber(cur[2]) or 0, tot = tonumber(cur[3]) or 0,
          max = cur[4] and tonumber(cur[4]) or nil,
          fid = cur[5] or nil, lid = cur[6] or nil, oldLid = cur[6] or nil, ap = cur[7] == '1',
          hist = {}, histOrder = {},
        }
        families[fk] = f
        familyList[#familyList + 1] = f
      end
      f.n = f.n + weight
      if weight ~= 1 then f.ap = true end
      if ARGV[a + 6] ~= '' then
        local ms = tonumber(ARGV[a + 6])
        f.tn = f.tn + weight
        f.tot = f.tot + ms * weight
        if f.max == nil or ms > f.max then f.max = ms end
        local bucket = ARGV[a + 7]
        if f.hist[bucket] == nil then
          f.hist[bucket] = 0
          f.histOrder[#f.histOrder + 1] = bucket
        end
        f.hist[bucket] = f.hist[bucket] + weight
      end
      if f.fid == nil or before(id, f.fid) then
        f.fid = id
        f.fs = ARGV[a + 4]
      end
      if f.lid == nil or before(f.lid, id) then
        f.lid = id
        f.ls = ARGV[a + 4]
        f.sum = ARGV[a + 9]
      end
    end
    if nCounters > 0 then
      local at = tonumber(ARGV[a + 5])
      for _, g in ipairs(GRAN) do
        local start = math.floor(at / g[2]) * g[2]
        local expireAt = start + g[3]
        if expireAt > now then
          local ck = 'c:'
          for c = countersAt, jsonAt - 1, 3 do
            local suffix = ck .. ARGV[c] .. ':' .. g[1] .. ':' .. string.format('%.0f', start)
            local cell = counters[suffix]
            if not cell then
              cell = { sums = {}, fields = {}, approx = false, expireAt = expireAt }
              counters[suffix] = cell
              counterList[#counterList + 1] = suffix
            end
            local key = ARGV[c + 1]
            if cell.sums[key] == nil then
              cell.sums[key] = 0
              cell.fields[#cell.fields + 1] = key
            end
            cell.sums[key] = cell.sums[key] + tonumber(ARGV[c + 2]) * weight
            if weight ~= 1 then cell.approx = true end
          end
        end
      end
    end
  end
  a = jsonAt + 1
end

if #written == 0 then return 0 end

for _, suffix in ipairs(indexOrder) do
  local ix = indexes[suffix]
  callChunked('ZADD', P .. suffix, ix.members)
  redis.call('PEXPIRE', P .. suffix, ix.keep)
  register(suffix, now + ix.keep)
end
if #links > 0 then callChunked('ZADD', P .. 'b', links) end

-- Families: one HSET per family, then one ZADD per order set of each type.
for _, f in ipairs(familyList) do
  local t = f.t
  local F, H = P .. 'F:' .. f.fk, P .. 'Fh:' .. f.fk
  local fields = { '${FF.count}', num(f.n), '${FF.timed}', num(f.tn), '${FF.total}', num(f.tot), '${FF.firstId}', f.fid, '${FF.lastId}', f.lid, '${FF.approximate}', f.ap and '1' or '0' }
  if f.max ~= nil then fields[#fields + 1] = '${FF.max}'; fields[#fields + 1] = num(f.max) end
  if f.fs then fields[#fields + 1] = '${FF.firstSeen}'; fields[#fields + 1] = f.fs end
  if f.ls then fields[#fields + 1] = '${FF.lastSeen}'; fields[#fields + 1] = f.ls; fields[#fields + 1] = '${FF.summary}'; fields[#fields + 1] = f.sum end
  redis.call('HSET', F, unpack(fields))
  redis.call('PEXPIRE', F, t.keep)
  register('F:' .. f.fk, now + t.keep)
  local p = -1
  if #f.histOrder > 0 then
    for _, bucket in ipairs(f.histOrder) do redis.call('HINCRBYFLOAT', H, bucket, num(f.hist[bucket])) end
    redis.call('PEXPIRE', H, t.keep)
    register('Fh:' .. f.fk, now + t.keep)
  end
  if f.tn > 0 then p = p95(redis.call('HGETALL', H)) end
  if not t.orders then t.orders = { lastSeen = {}, lastSeenGone = {}, count = {}, total = {}, avg = {}, max = {}, p95 = {} } end
  local o = t.orders
  if f.oldLid ~= f.lid then
    if f.oldLid then o.lastSeenGone[#o.lastSeenGone + 1] = f.oldLid .. f.hash end
    o.lastSeen[#o.lastSeen + 1] = 0
    o.lastSeen[#o.lastSeen + 1] = f.lid .. f.hash
  end
  local function score(list, value) list[#list + 1] = value; list[#list + 1] = f.hash end
  score(o.count, round3(f.n))
  score(o.total, round3(f.tot))
  score(o.avg, f.tn > 0 and round3(f.tot / f.tn) or -1)
  score(o.max, f.max ~= nil and round3(f.max) or -1)
  score(o.p95, p)
end
for _, t in ipairs(types) do
  local o = t.orders
  if o then
    local base = 'Fo:' .. t.esc .. ':'
    if #o.lastSeenGone > 0 then callChunked('ZREM', P .. base .. 'lastSeen', o.lastSeenGone) end
    for _, order in ipairs({ 'lastSeen', 'count', 'total', 'avg', 'max', 'p95' }) do
      if #o[order] > 0 then
        for i = 1, #o[order], 2 do o[order][i] = num(o[order][i]) end
        callChunked('ZADD', P .. base .. order, o[order])
        redis.call('PEXPIRE', P .. base .. order, t.keep)
        register(base .. order, now + t.keep)
      end
    end
  end
end

-- Counters: one HINCRBYFLOAT per field of each bucket touched by this call.
for _, suffix in ipairs(counterList) do
  local cell = counters[suffix]
  local key = P .. suffix
  for _, field in ipairs(cell.fields) do redis.call('HINCRBYFLOAT', key, field, num(cell.sums[field])) end
  if cell.approx then redis.call('HSET', key, '${COUNTER_APPROX_FIELD}', '1') end
  redis.call('PEXPIREAT', key, string.format('%.0f', cell.expireAt))
  register(suffix, cell.expireAt)
end

local typeNames = {}
for _, t in ipairs(types) do if t.used then typeNames[#typeNames + 1] = t.esc end end
redis.call('SADD', P .. 'types', unpack(typeNames))
if #registry > 0 then callChunked('ZADD', P .. 'r', registry, 'NX') end
for _, shared in ipairs({ 'types', 'r', 'b' }) do redis.call('PEXPIRE', P .. shared, sharedKeep) end

if redis.call('EXISTS', P .. 'live') == 1 then
  redis.call('PUBLISH', P .. 'written', cjson.encode(written))
end
return #written
`;

/** Per-type slot of the header: entries name their type by its 1-based position. */
interface TypeSlot {
  index: number;
  type: string;
}

/**
 * The arguments of one script call (after KEYS) for a chunk of entries. Strings only: ioredis
 * would otherwise convert every number itself, and a flat array is the cheapest it encodes.
 */
export function writeArguments(entries: readonly PreparedEntry[], scriptPrefix: string, retention: RetentionPlan, now: number): string[] {
  const slots = new Map<string, TypeSlot>();
  const body: string[] = [];
  for (const entry of entries) {
    let slot = slots.get(entry.type);
    if (!slot) slots.set(entry.type, (slot = { index: slots.size + 1, type: entry.type }));
    const ms = entry.durationMs;
    const timed = typeof ms === 'number' && Number.isFinite(ms);
    const weight = entryWeight(entry);
    body.push(
      entry.id,
      String(slot.index),
      entry.batchId ?? '',
      entry.familyHash ?? '',
      entry.occurredAt,
      String(Date.parse(entry.occurredAt) || 0),
      timed ? String(ms) : '',
      timed ? String(histogramBucket(ms)) : '',
      String(weight),
      entry.familyHash ? JSON.stringify(entry.summary ?? {}) : '',
    );
    const tags = entry.tags;
    let nTags = 0;
    const tagsAt = body.push('0') - 1;
    for (const key in tags) {
      body.push(RedisKeys.tagPart(key, tags[key]));
      nTags++;
    }
    body[tagsAt] = String(nTags);
    const increments = entry.counters;
    if (increments && increments.length > 0) {
      const countAt = body.push('0') - 1;
      let nCounters = 0;
      for (const increment of increments) {
        if (!validIncrement(increment)) continue;
        body.push(increment.name, increment.key, String(increment.value));
        nCounters++;
      }
      body[countAt] = String(nCounters);
    } else {
      body.push('0');
    }
    body.push(entry.json);
  }
  const header = [
    scriptPrefix,
    String(now),
    String(retention.sharedKeepMs),
    ...retention.counterTtls.map(String),
    String(slots.size),
  ];
  for (const { type } of slots.values()) header.push(type, escapeKeyPart(type), String(retention.keepOf(type)));
  return header.concat(body);
}

// The header order of counter TTLs must match GRAN in the script.
if (COUNTER_GRANULARITIES.join() !== 'minute,hour,day') throw new Error('counter granularities changed: update WRITE_LUA');
