import { GRANULARITY_MS, COUNTER_GRANULARITIES, validIncrement } from '../counters.js';
import { entryWeight } from '../family-aggregate.js';
import { ULID_LENGTH } from '../entry-query.js';
import { histogramBucket } from '../histogram.js';
import type { PreparedEntry } from '../prepared-entry.js';
import { escapeKeyPart, FAMILY_FIELDS as FF, COUNTER_APPROX_FIELD, RedisKeys } from './redis.keys.js';
import { LUA_CALL_CHUNKED, LUA_HELPERS } from './redis.lua.js';
import type { RetentionPlan } from './redis.retention.js';

/** Most entries per script call (a save of more is several calls in one pipeline). */
export const WRITE_CHUNK = 1000;

/**
 * Flags of an entry in the packed chunk, telling which optional fields follow. Most entries carry
 * few of them: a log line is flags, type, tag count, id, batch id, tag, JSON.
 */
const F_BATCH = 1;
/** Keep only the newest entry of the family ("latest one, counted"). */
const F_LATEST_ONLY = 2;
const F_FAMILY = 4;
/** occurredAt (ISO): sent only when the entry may become its family's first or last. */
const F_SEEN = 8;
const F_DURATION = 16;
/** Summary JSON: sent only for the newest entry of its family in the call. */
const F_SUMMARY = 32;
const F_WEIGHT = 64;
const F_COUNTERS = 128;
/** Lua returns every field of an entry from one unpack call: its C stack bounds how many. */
const MAX_FIELDS = 4000;

/**
 * The whole write path, one script call per chunk of entries. Per entry, `SET e:<id> NX` decides:
 * only an entry that was not stored yet is indexed, counted in its family and in counters, so a
 * retried or duplicated save (another instance, a retry after a timeout) changes nothing. The
 * indexes, aggregates and counters are accumulated in Lua tables first and written once per key
 * per call: one ZADD per index key with all its new members, one HINCRBYFLOAT per counter field,
 * one HMGET + HSET per family (its histogram included), one ZADD per family order set. Family
 * arithmetic is family-aggregate.ts's (the reference): entries are added one by one, in order, to
 * the stored figures, so both stores compute the same doubles. Key names are built once per key
 * and call, never per entry (building strings is what costs most in Lua).
 *
 * The per-entry data is one binary argument, read with Lua's struct library: one struct.unpack
 * per field group instead of one Redis argument per field. Measured: each argument costs about
 * 1 µs of ioredis encoding and 0.3 µs in Redis (an entry has 5 to 15 fields), an unpack call
 * a fraction of that, and numbers travel as doubles (exact, nothing to parse).
 *
 * KEYS[1] = P types (routing: a fixed key of the prefix; also the types set).
 * ARGV: P, now, sharedKeep, counter TTL minute/hour/day, nTypes, (raw type, escaped type, keep
 *   ms) per type, nCounterFields, (counter name, counter key) per field, then the entries, packed
 *   big-endian, each: flags u8 (F_*), type slot u16, tag count u16, increment count u16, id (u16 length
 *   + bytes), then [batch id], tag parts (`<escaped key>=<value>`)..., [family hash, [occurredAt
 *   ISO], [duration f64, histogram bucket i32], [summary JSON]], [weight f64], [occurredAt ms f64,
 *   (field slot u16, value f64)...], JSON; strings other than the id are u32 length + bytes.
 * Returns the number of entries inserted. Publishes `[[id, type, batchId|false], ...]` on
 * `P written` when at least one was inserted and the `P live` key exists (someone listens).
 */
export const WRITE_LUA = `${LUA_HELPERS}${LUA_CALL_CHUNKED}
local P = ARGV[1]
local E = P .. 'e:'
local now = tonumber(ARGV[2])
local sharedKeep = tonumber(ARGV[3])
-- Numbers handed to redis.call are formatted with snprintf by Redis: constants go as strings.
local sharedKeepArg = ARGV[3]
local GRAN = {
  { 'minute', ${GRANULARITY_MS.minute}, tonumber(ARGV[4]) },
  { 'hour', ${GRANULARITY_MS.hour}, tonumber(ARGV[5]) },
  { 'day', ${GRANULARITY_MS.day}, tonumber(ARGV[6]) },
}
local types = {}
local a = 8
for t = 1, tonumber(ARGV[7]) do
  types[t] = { name = ARGV[a], esc = ARGV[a + 1], keep = tonumber(ARGV[a + 2]), keepArg = ARGV[a + 2], ids = {}, nIds = 0, fams = {}, famList = {} }
  a = a + 3
end
local fields = {}
local nFields = tonumber(ARGV[a])
a = a + 1
for i = 1, nFields do
  fields[i] = { name = ARGV[a], key = ARGV[a + 1] }
  a = a + 2
end

local live = redis.call('EXISTS', P .. 'live') == 1
local written, inserted = {}, 0
-- index members as ZADD arguments {'0', id, '0', id...}, per tag part / family hash
local tagIx, tagOrder = {}, {}
local famIx, famOrder = {}, {}
local links, nLinks = {}, 0
local function push(list, id)
  local k = list.n + 2
  list.n = k
  list[k - 1] = '0'
  list[k] = id
end
-- counter sums per field slot and minute (hours and days are summed from minutes at the end)
local cells, cellList = {}, {}
-- "Latest one, counted": ids inserted by this call, and ids dropped because a newer entry of their
-- family came. A dropped id inserted by this call is still only in the lists above (filtered out
-- when they are written); a stored one leaves every index it is in (read from its JSON).
local fresh, dropped, anyDropped = {}, {}, false
local function escapeKey(k)
  return (string.gsub(k, '[%%:=]', function(c) return string.format('%%%02X', string.byte(c)) end))
end
local function drop(t, fam, id)
  dropped[id] = true
  anyDropped = true
  if fresh[id] then
    redis.call('DEL', E .. id)
    return
  end
  local json = redis.call('GET', E .. id)
  redis.call('DEL', E .. id, P .. 'a:' .. id)
  redis.call('ZREM', P .. 't:' .. t.esc, id)
  redis.call('ZREM', P .. 'f:' .. fam, id)
  local ok, e = pcall(cjson.decode, json or '')
  if ok and type(e) == 'table' then
    if type(e.tags) == 'table' then
      for k, v in pairs(e.tags) do
        if type(v) == 'string' then redis.call('ZREM', P .. 'g:' .. escapeKey(k) .. '=' .. v, id) end
      end
    end
    if type(e.batchId) == 'string' then redis.call('ZREM', P .. 'b', e.batchId .. '\\0' .. id) end
  end
end
local blob = ARGV[a]
local size = #blob
local pos = 1
local read = struct.unpack
-- The layout of an entry's fields after its head depends only on its flags and counts: one
-- unpack format per layout (cached for the call) reads them all at once.
local layouts = {}
local function layout(flags, nTags, nIncs)
  local f = { '>' }
  if flags % 2 == 1 then f[#f + 1] = 'I4c0' end
  f[#f + 1] = string.rep('I4c0', nTags)
  if flags % 8 >= 4 then
    f[#f + 1] = 'I4c0'
    if flags % 16 >= 8 then f[#f + 1] = 'I4c0' end
    if flags % 32 >= 16 then f[#f + 1] = 'di4' end
    if flags % 64 >= 32 then f[#f + 1] = 'I4c0' end
  end
  if flags % 128 >= 64 then f[#f + 1] = 'd' end
  if flags >= 128 then f[#f + 1] = 'd' .. string.rep('I2d', nIncs) end
  f[#f + 1] = 'I4c0'
  return table.concat(f)
end
while pos <= size do
  local flags, slot, nTags, nIncs, id
  flags, slot, nTags, nIncs, id, pos = read('>BI2I2I2I2c0', blob, pos)
  local t = types[slot]
  local shape = flags + 256 * (nTags + 65536 * nIncs)
  local fmt = layouts[shape]
  if not fmt then
    fmt = layout(flags, nTags, nIncs)
    layouts[shape] = fmt
  end
  local v = { read(fmt, blob, pos) }
  local nv = #v
  pos = v[nv]
  local json = v[nv - 1]
  local j = 1
  local batch
  if flags % 2 == 1 then batch = v[1]; j = 2 end
  local tagsAt = j
  j = j + nTags
  local fam, seen, dur, bucket, summary
  if flags % 8 >= 4 then
    fam = v[j]; j = j + 1
    if flags % 16 >= 8 then seen = v[j]; j = j + 1 end
    if flags % 32 >= 16 then dur = v[j]; bucket = v[j + 1]; j = j + 2 end
    if flags % 64 >= 32 then summary = v[j]; j = j + 1 end
  end
  local weight = 1
  if flags % 128 >= 64 then weight = v[j]; j = j + 1 end
  local at, incsAt
  if flags >= 128 then at = v[j]; incsAt = j + 1 end
  if redis.call('SET', E .. id, json, 'PX', t.keepArg, 'NX') then
    inserted = inserted + 1
    fresh[id] = true
    if live then written[inserted] = { id, t.name, batch or false } end
    local k = t.nIds + 2
    t.nIds = k
    t.ids[k - 1] = '0'
    t.ids[k] = id
    for i = tagsAt, tagsAt + nTags - 1 do
      local part = v[i]
      local list = tagIx[part]
      if not list then list = { n = 0 }; tagIx[part] = list; tagOrder[#tagOrder + 1] = part end
      push(list, id)
    end
    if batch then
      nLinks = nLinks + 2
      links[nLinks - 1] = '0'
      links[nLinks] = batch .. '\\0' .. id
    end
    if fam then
      local list = famIx[fam]
      if not list then list = { n = 0 }; famIx[fam] = list; famOrder[#famOrder + 1] = fam end
      push(list, id)
      local f = t.fams[fam]
      if not f then
        local F = P .. 'F:' .. t.esc .. ':' .. fam
        local cur = redis.call('HMGET', F, '${FF.count}', '${FF.timed}', '${FF.total}', '${FF.max}', '${FF.firstId}', '${FF.lastId}', '${FF.approximate}', '${FF.histogram}')
        f = {
          hash = fam, F = F, packed = cur[8] or nil,
          n = tonumber(cur[1]) or 0, tn = tonumber(cur[2]) or 0, tot = tonumber(cur[3]) or 0,
          max = cur[4] and tonumber(cur[4]) or nil,
          fid = cur[5] or nil, lid = cur[6] or nil, oldLid = cur[6] or nil, ap = cur[7] == '1',
          isNew = not cur[1], oldTn = tonumber(cur[2]) or 0, oldMax = cur[4] and tonumber(cur[4]) or nil,
          hist = {}, histOrder = {},
        }
        t.fams[fam] = f
        t.famList[#t.famList + 1] = f
      end
      f.n = f.n + weight
      if weight ~= 1 then f.ap = true end
      if dur then
        f.tn = f.tn + weight
        f.tot = f.tot + dur * weight
        if f.max == nil or dur > f.max then f.max = dur end
        local c = f.hist[bucket]
        if c == nil then
          f.histOrder[#f.histOrder + 1] = bucket
          c = 0
        end
        f.hist[bucket] = c + weight
      end
      if f.fid == nil or less(id, f.fid) then
        f.fid = id
        f.fs = seen
      end
      local previous = f.lid
      if f.lid == nil or less(f.lid, id) then
        f.lid = id
        f.ls = seen
        f.sum = summary
      end
      if flags % 4 >= 2 and previous and previous ~= id then
        -- The older of the two goes: the family's previous newest, or this late occurrence.
        if less(previous, id) then drop(t, fam, previous) else drop(t, fam, id) end
      end
    end
    if at then
      local minute = at - at % ${GRANULARITY_MS.minute}
      for c = incsAt, incsAt + 2 * nIncs - 1, 2 do
        local slot = v[c]
        local byMinute = cells[slot]
        if not byMinute then byMinute = {}; cells[slot] = byMinute end
        local cell = byMinute[minute]
        if not cell then
          cell = { field = fields[slot], minute = minute, sum = 0, approx = false }
          byMinute[minute] = cell
          cellList[#cellList + 1] = cell
        end
        cell.sum = cell.sum + v[c + 1] * weight
        if weight ~= 1 then cell.approx = true end
      end
    end
  end
end

if inserted == 0 then return 0 end

-- Entries of this call dropped by a newer one of their family are not indexed.
if anyDropped then
  local function keep(list, linked)
    local out, n = { n = 0 }, 0
    for i = 2, #list, 2 do
      local member = list[i]
      if not dropped[linked and string.sub(member, -${ULID_LENGTH}) or member] then
        out[n + 1] = '0'
        out[n + 2] = member
        n = n + 2
      end
    end
    out.n = n
    return out
  end
  for _, t in ipairs(types) do
    t.ids = keep(t.ids)
    t.nIds = t.ids.n
  end
  for part, list in pairs(tagIx) do tagIx[part] = keep(list) end
  for fam, list in pairs(famIx) do famIx[fam] = keep(list) end
  links = keep(links, true)
  nLinks = links.n
end

-- registry: suffix -> expiry (ms); ZADD NX leaves members already registered alone
local registry = {}
local function register(suffix, expireAt)
  registry[#registry + 1] = expireAt
  registry[#registry + 1] = suffix
end
local sharedUntil = string.format('%.0f', now + sharedKeep)
for _, t in ipairs(types) do t.until_ = string.format('%.0f', now + t.keep) end
local function addIndex(suffix, members, keepArg, untilArg)
  callChunked('ZADD', P .. suffix, members)
  redis.call('PEXPIRE', P .. suffix, keepArg)
  register(suffix, untilArg)
end
for _, part in ipairs(tagOrder) do
  if #tagIx[part] > 0 then addIndex('g:' .. part, tagIx[part], sharedKeepArg, sharedUntil) end
end
for _, fam in ipairs(famOrder) do
  if #famIx[fam] > 0 then addIndex('f:' .. fam, famIx[fam], sharedKeepArg, sharedUntil) end
end
if nLinks > 0 then callChunked('ZADD', P .. 'b', links) end

local typeNames = {}
for _, t in ipairs(types) do
  if t.nIds > 0 then
    typeNames[#typeNames + 1] = t.esc
    addIndex('t:' .. t.esc, t.ids, t.keepArg, t.until_)
  end
  -- Families: one HSET each, then one ZADD per order set of the type.
  if #t.famList > 0 then
    local o = { lastSeen = {}, count = {}, total = {}, avg = {}, max = {}, p95 = {} }
    local gone = {}
    for _, f in ipairs(t.famList) do
      -- The histogram: the stored one plus this call's counts, written back with the aggregate in
      -- one HSET. Unchanged durations leave the p95 score alone.
      local p, packed
      if #f.histOrder > 0 then
        packed, p = mergeHistogram(f.packed, f.hist, f.histOrder)
      elseif f.tn == 0 then
        p = -1
      end
      local hset = { '${FF.count}', num(f.n), '${FF.timed}', num(f.tn), '${FF.total}', num(f.tot), '${FF.firstId}', f.fid, '${FF.lastId}', f.lid, '${FF.approximate}', f.ap and '1' or '0' }
      if f.max ~= nil then hset[#hset + 1] = '${FF.max}'; hset[#hset + 1] = num(f.max) end
      if f.fs then hset[#hset + 1] = '${FF.firstSeen}'; hset[#hset + 1] = f.fs end
      if f.ls then hset[#hset + 1] = '${FF.lastSeen}'; hset[#hset + 1] = f.ls end
      if f.sum then hset[#hset + 1] = '${FF.summary}'; hset[#hset + 1] = f.sum end
      if packed then hset[#hset + 1] = '${FF.histogram}'; hset[#hset + 1] = packed end
      redis.call('HSET', f.F, unpack(hset))
      redis.call('PEXPIRE', f.F, t.keepArg)
      register(string.sub(f.F, #P + 1), t.until_)
      if f.oldLid ~= f.lid then
        if f.oldLid then gone[#gone + 1] = f.oldLid .. f.hash end
        o.lastSeen[#o.lastSeen + 1] = '0'
        o.lastSeen[#o.lastSeen + 1] = f.lid .. f.hash
      end
      -- Scores that cannot have changed are not rewritten (durations drive all but the count).
      local h = f.hash
      local timed = f.isNew or f.tn ~= f.oldTn
      local c, tt, av, mx, pp = o.count, o.total, o.avg, o.max, o.p95
      c[#c + 1] = num(round3(f.n)); c[#c + 1] = h
      if timed then
        tt[#tt + 1] = num(round3(f.tot)); tt[#tt + 1] = h
        av[#av + 1] = f.tn > 0 and num(round3(f.tot / f.tn)) or '-1'; av[#av + 1] = h
      end
      if f.isNew or f.max ~= f.oldMax then
        mx[#mx + 1] = f.max ~= nil and num(round3(f.max)) or '-1'; mx[#mx + 1] = h
      end
      if p and (timed or f.isNew) then pp[#pp + 1] = num(p); pp[#pp + 1] = h end
    end
    local base = 'Fo:' .. t.esc .. ':'
    if #gone > 0 then callChunked('ZREM', P .. base .. 'lastSeen', gone) end
    -- Every order set of the type is kept alive, also those this call did not change.
    for _, order in ipairs({ 'lastSeen', 'count', 'total', 'avg', 'max', 'p95' }) do
      if #o[order] > 0 then
        addIndex(base .. order, o[order], t.keepArg, t.until_)
      else
        redis.call('PEXPIRE', P .. base .. order, t.keepArg)
      end
    end
  end
end

-- Counters: minute sums added up per bucket of each granularity, then one HMGET and one HSET per
-- bucket, the sums added in Lua (doubles, as the memory store adds): one HINCRBYFLOAT per field
-- cost a call each and long double parsing and printing (buckets already past their TTL are
-- skipped, as the memory store does).
local buckets = {}
for _, cell in ipairs(cellList) do
  for _, g in ipairs(GRAN) do
    local start = cell.minute - cell.minute % g[2]
    local expireAt = start + g[3]
    if expireAt > now then
      local suffix = 'c:' .. cell.field.name .. ':' .. g[1] .. ':' .. string.format('%.0f', start)
      local b = buckets[suffix]
      if not b then
        b = { expireAt = expireAt, approx = false, sums = {}, keys = {} }
        buckets[suffix] = b
        buckets[#buckets + 1] = suffix
      end
      local key = cell.field.key
      if b.sums[key] == nil then
        b.sums[key] = 0
        b.keys[#b.keys + 1] = key
      end
      b.sums[key] = b.sums[key] + cell.sum
      if cell.approx then b.approx = true end
    end
  end
end
for _, suffix in ipairs(buckets) do
  local b = buckets[suffix]
  local keys = b.keys
  local cur = callChunkedRead('HMGET', P .. suffix, keys)
  local hset = {}
  for i, key in ipairs(keys) do
    hset[2 * i - 1] = key
    hset[2 * i] = num((tonumber(cur[i]) or 0) + b.sums[key])
  end
  if b.approx then
    hset[#hset + 1] = '${COUNTER_APPROX_FIELD}'
    hset[#hset + 1] = '1'
  end
  callChunked('HSET', P .. suffix, hset)
  local at = string.format('%.0f', b.expireAt)
  redis.call('PEXPIREAT', P .. suffix, at)
  register(suffix, at)
end

if #typeNames > 0 then redis.call('SADD', P .. 'types', unpack(typeNames)) end
callChunked('ZADD', P .. 'r', registry, 'NX')
for _, shared in ipairs({ 'types', 'r', 'b' }) do redis.call('PEXPIRE', P .. shared, sharedKeepArg) end

if live then redis.call('PUBLISH', P .. 'written', cjson.encode(written)) end
return inserted
`;

/** Where each family of a chunk starts and ends (by id): only those entries send occurredAt / the summary. */
function familyEdges(entries: readonly PreparedEntry[]): Map<string, { first: string; last: string }> | null {
  let edges: Map<string, { first: string; last: string }> | null = null;
  for (const entry of entries) {
    if (!entry.familyHash) continue;
    edges ??= new Map();
    const key = `${entry.type}\u0000${entry.familyHash}`;
    const edge = edges.get(key);
    if (!edge) edges.set(key, { first: entry.id, last: entry.id });
    else if (entry.id < edge.first) edge.first = entry.id;
    else if (entry.id > edge.last) edge.last = entry.id;
  }
  return edges;
}

/** A growable big-endian byte writer for the packed entries. */
class Packer {
  private buf: Buffer;
  pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(value: number): void {
    this.room(1);
    this.buf[this.pos++] = value;
  }

  u16(value: number): void {
    if (value > 0xffff) throw new RangeError(`ActiveTracker: ${value} does not fit the Redis write format (at most 65535)`);
    this.room(2);
    this.pos = this.buf.writeUInt16BE(value, this.pos);
  }

  i32(value: number): void {
    this.room(4);
    this.pos = this.buf.writeInt32BE(value, this.pos);
  }

  f64(value: number): void {
    this.room(8);
    this.pos = this.buf.writeDoubleBE(value, this.pos);
  }

  /** A string as u32 byte length + UTF-8 bytes (u16 length with `short`). */
  str(value: string, short = false): void {
    const head = short ? 2 : 4;
    this.room(head + value.length * 3);
    const bytes = this.buf.write(value, this.pos + head, 'utf8');
    if (short) this.u16(bytes);
    else this.pos = this.buf.writeUInt32BE(bytes, this.pos);
    this.pos += bytes;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/**
 * The arguments of one script call (after KEYS) for a chunk of entries: a few header strings and
 * the packed entries (see WRITE_LUA).
 */
export function writeArguments(entries: readonly PreparedEntry[], scriptPrefix: string, retention: RetentionPlan, now: number): Array<string | Buffer> {
  const slots = new Map<string, number>();
  const fieldSlots = new Map<string, Map<string, number>>();
  const fieldList: string[] = [];
  const edges = familyEdges(entries);
  let estimate = 0;
  for (const entry of entries) estimate += entry.json.length + 160;
  const out = new Packer(estimate);
  const tagParts: string[] = [];
  for (const entry of entries) {
    let slot = slots.get(entry.type);
    if (slot === undefined) slots.set(entry.type, (slot = slots.size + 1));
    const tags = entry.tags;
    tagParts.length = 0;
    for (const key in tags) tagParts.push(RedisKeys.tagPart(key, tags[key]));
    const edge = entry.familyHash ? edges!.get(`${entry.type}\u0000${entry.familyHash}`)! : null;
    const ms = entry.durationMs;
    const timed = edge !== null && typeof ms === 'number' && Number.isFinite(ms);
    const weight = entryWeight(entry);
    let increments = 0;
    for (const increment of entry.counters ?? []) if (validIncrement(increment)) increments++;
    const flags =
      (entry.batchId ? F_BATCH : 0) |
      (edge && entry.latestOnly ? F_LATEST_ONLY : 0) |
      (edge ? F_FAMILY : 0) |
      (edge && (entry.id === edge.first || entry.id === edge.last) ? F_SEEN : 0) |
      (timed ? F_DURATION : 0) |
      (edge && entry.id === edge.last ? F_SUMMARY : 0) |
      (weight !== 1 ? F_WEIGHT : 0) |
      (increments > 0 ? F_COUNTERS : 0);
    if (tagParts.length + 2 * increments > MAX_FIELDS) {
      throw new RangeError(`ActiveTracker: entry ${entry.id} has more than ${MAX_FIELDS} tags and counter increments (the Redis write format's limit)`);
    }
    out.u8(flags);
    out.u16(slot);
    out.u16(tagParts.length);
    out.u16(increments);
    out.str(entry.id, true);
    if (flags & F_BATCH) out.str(entry.batchId!);
    for (const part of tagParts) out.str(part);
    if (flags & F_FAMILY) {
      out.str(entry.familyHash!);
      if (flags & F_SEEN) out.str(entry.occurredAt);
      if (flags & F_DURATION) {
        out.f64(ms!);
        out.i32(histogramBucket(ms!));
      }
      if (flags & F_SUMMARY) out.str(JSON.stringify(entry.summary ?? {}));
    }
    if (flags & F_WEIGHT) out.f64(weight);
    if (flags & F_COUNTERS) {
      out.f64(Date.parse(entry.occurredAt) || 0);
      for (const increment of entry.counters!) {
        if (!validIncrement(increment)) continue;
        let byKey = fieldSlots.get(increment.name);
        if (!byKey) fieldSlots.set(increment.name, (byKey = new Map()));
        let field = byKey.get(increment.key);
        if (field === undefined) {
          byKey.set(increment.key, (field = fieldList.length / 2 + 1));
          fieldList.push(increment.name, increment.key);
        }
        out.u16(field);
        out.f64(increment.value);
      }
    }
    out.str(entry.json);
  }
  const args: Array<string | Buffer> = [scriptPrefix, String(now), String(retention.sharedKeepMs), ...retention.counterTtls.map(String), String(slots.size)];
  for (const type of slots.keys()) args.push(type, escapeKeyPart(type), String(retention.keepOf(type)));
  args.push(String(fieldList.length / 2), ...fieldList, out.bytes());
  return args;
}

// The header order of counter TTLs must match GRAN in the script.
if (COUNTER_GRANULARITIES.join() !== 'minute,hour,day') throw new Error('counter granularities changed: update WRITE_LUA');
