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
 * - `p95(counts)`: the 95th percentile of a histogram (bucket index -> count), exactly as histogram.ts computes
 *   quantiles (nearest rank on (total - 1) * q, bucket value 2·γ^i / (1 + γ)), rounded to 3
 *   decimals; -1 for an empty histogram (families without durations sort last).
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
local function p95(counts)
  local indexes, total = {}, 0
  for index, c in pairs(counts) do
    if c > 0 then
      indexes[#indexes + 1] = index
      total = total + c
    end
  end
  if total <= 0 then return -1 end
  table.sort(indexes)
  local rank = 0.95 * (total - 1)
  local seen = 0
  local index = indexes[#indexes]
  for _, i in ipairs(indexes) do
    seen = seen + counts[i]
    if seen > rank then index = i; break end
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
