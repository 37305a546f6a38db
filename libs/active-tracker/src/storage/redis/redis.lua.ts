import { HISTOGRAM_GAMMA } from '../histogram.js';

/**
 * Lua helpers shared by the scripts (prepended to their source).
 * - `num(x)`: a number as Redis should store it. Lua would format it with 14 significant digits
 *   (losing precision); 17 round-trip exactly to the same double in JavaScript. Integers below
 *   1e14 are exact either way and are left as numbers (cheaper).
 * - `round3(x)`: JavaScript's Math.round(x * 1000) / 1000, as family-aggregate.ts rounds.
 * - `before(a, b)`: byte-wise a < b. Lua's `<` on strings uses strcoll(), which follows the
 *   server's locale; Redis orders members byte-wise, and so must the scripts. `less` is `<` when
 *   the server's collation is byte order (checked once per call), `before` otherwise.
 * - Family histograms are kept packed in one field of the family hash (see FAMILY_FIELDS): one
 *   string read and written per family and call, decoded by one struct call, where a hash field
 *   per bucket cost an HGETALL and a tonumber per field (measured: more than half of the
 *   per-family cost of the write script). `mergeHistogram` adds a call's counts, `p95(idx, cnt)`
 *   is the 95th percentile exactly as histogram.ts computes quantiles (nearest rank on
 *   (total - 1) * q over ascending buckets, bucket value 2·γ^i / (1 + γ)), rounded to 3 decimals;
 *   -1 for an empty histogram (families without durations sort last).
 */
export const LUA_HELPERS = `
local function num(x)
  -- Integers below 1e14 already convert exactly (and cheaper) when handed to redis.call.
  if x % 1 == 0 and x > -1e14 and x < 1e14 then return x end
  return string.format('%.17g', x)
end
local function round3(x) return math.floor(x * 1000 + 0.5) / 1000 end
local function before(a, b)
  if a == b then return false end
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
-- Lua's own < where the collation is byte order (C/POSIX locales): much cheaper than before().
local less = before
if ('0' < 'A') and ('A' < 'Z') and ('Z' < '_') and ('_' < 'a') and ('B' < 'a') and ('a' < '~') then
  less = function(x, y) return x < y end
end
local GAMMA = ${HISTOGRAM_GAMMA}
-- Packed histograms: (bucket index i32, weighted count f64) pairs ascending by index, big-endian.
local pairFormats = {}
local function pairFormat(n)
  local f = pairFormats[n]
  if not f then f = '>' .. string.rep('i4d', n); pairFormats[n] = f end
  return f
end
local function unpackHistogram(packed)
  local idx, cnt = {}, {}
  if not packed then return idx, cnt end
  local n, pos = math.floor(#packed / 12), 1
  for first = 1, n, 1000 do
    local v = { struct.unpack(pairFormat(math.min(1000, n - first + 1)), packed, pos) }
    pos = v[#v]
    for k = 1, #v - 1, 2 do
      idx[#idx + 1] = v[k]
      cnt[#cnt + 1] = v[k + 1]
    end
  end
  return idx, cnt
end
local function packHistogram(idx, cnt)
  local parts = {}
  for first = 1, #idx, 1000 do
    local flat = {}
    for k = first, math.min(first + 999, #idx) do
      flat[#flat + 1] = idx[k]
      flat[#flat + 1] = cnt[k]
    end
    parts[#parts + 1] = struct.pack(pairFormat(#flat / 2), unpack(flat))
  end
  return table.concat(parts)
end
-- The stored histogram plus this call's counts (bucket -> count, and the list of those buckets).
local function mergeHistogram(packed, added, buckets)
  local idx, cnt = unpackHistogram(packed)
  table.sort(buckets)
  local outIdx, outCnt = {}, {}
  local i, j, n = 1, 1, 0
  while i <= #idx or j <= #buckets do
    local a, b = idx[i], buckets[j]
    n = n + 1
    if b == nil or (a ~= nil and a < b) then
      outIdx[n] = a; outCnt[n] = cnt[i]; i = i + 1
    elseif a == nil or b < a then
      outIdx[n] = b; outCnt[n] = added[b]; j = j + 1
    else
      outIdx[n] = a; outCnt[n] = cnt[i] + added[b]; i = i + 1; j = j + 1
    end
  end
  return outIdx, outCnt
end
local function p95(idx, cnt)
  local total = 0
  for k = 1, #cnt do total = total + cnt[k] end
  if total <= 0 then return -1 end
  local rank = 0.95 * (total - 1)
  local seen, index = 0, idx[#idx]
  for k = 1, #idx do
    seen = seen + cnt[k]
    if seen > rank then index = idx[k]; break end
  end
  return round3(2 * GAMMA ^ index / (1 + GAMMA))
end
`;

/** Lua's unpack() is bounded by the C stack (8000 values): variadic commands are sent in slices. */
export const LUA_CALL_CHUNKED = `
local function callChunked(cmd, key, args, extra)
  local step = 4000
  for i = 1, #args, step do
    local last = math.min(i + step - 1, #args)
    if extra then
      redis.call(cmd, key, extra, unpack(args, i, last))
    else
      redis.call(cmd, key, unpack(args, i, last))
    end
  end
end
`;
