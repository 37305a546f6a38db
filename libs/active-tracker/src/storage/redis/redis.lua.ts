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
 *   per-family cost of the write script). `mergeHistogram` adds a call's counts in one pass over
 *   flat (index, count) pairs and returns the packed result with its p95: the 95th percentile
 *   exactly as histogram.ts computes quantiles (nearest rank on (total - 1) * q over ascending
 *   buckets, bucket value 2·γ^i / (1 + γ)), rounded to 3 decimals; -1 for an empty histogram
 *   (families without durations sort last).
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
-- The stored histogram (packed) plus this call's counts (bucket -> count, and the list of those
-- buckets), merged in one pass over flat (index, count) pairs: returns the packed result and its p95.
local function mergeHistogram(packed, added, buckets)
  table.sort(buckets)
  local out, n, total = {}, 0, 0
  local j, b = 1, buckets[1]
  local stored, pos = packed and math.floor(#packed / 12) or 0, 1
  for first = 1, stored, 1000 do
    local m = math.min(1000, stored - first + 1)
    local v = { struct.unpack(pairFormat(m), packed, pos) }
    pos = v[2 * m + 1]
    for k = 1, 2 * m, 2 do
      local a, c = v[k], v[k + 1]
      while b ~= nil and b < a do
        local w = added[b]
        out[n + 1] = b; out[n + 2] = w; n = n + 2; total = total + w
        j = j + 1; b = buckets[j]
      end
      if b == a then c = c + added[b]; j = j + 1; b = buckets[j] end
      out[n + 1] = a; out[n + 2] = c; n = n + 2; total = total + c
    end
  end
  while b ~= nil do
    local w = added[b]
    out[n + 1] = b; out[n + 2] = w; n = n + 2; total = total + w
    j = j + 1; b = buckets[j]
  end
  local parts = {}
  for first = 1, n, 2000 do
    local last = math.min(first + 1999, n)
    parts[#parts + 1] = struct.pack(pairFormat((last - first + 1) / 2), unpack(out, first, last))
  end
  if total <= 0 then return table.concat(parts), -1 end
  local rank = 0.95 * (total - 1)
  local seen, index = 0, out[n - 1]
  for k = 2, n, 2 do
    seen = seen + out[k]
    if seen > rank then index = out[k - 1]; break end
  end
  return table.concat(parts), round3(2 * GAMMA ^ index / (1 + GAMMA))
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
-- The same for a read whose reply lists one value per argument (HMGET): the replies, concatenated.
local function callChunkedRead(cmd, key, args)
  if #args <= 4000 then return redis.call(cmd, key, unpack(args)) end
  local out = {}
  for i = 1, #args, 4000 do
    local part = redis.call(cmd, key, unpack(args, i, math.min(i + 3999, #args)))
    for k = 1, #part do out[#out + 1] = part[k] end
  end
  return out
end
`;
