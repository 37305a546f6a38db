/**
 * Keys whose values are never recorded (headers, body fields, query params, event payload keys).
 * A key matches when its normalized form (lower case, without `-`, `_`, `.` and spaces) contains
 * one of these fragments, so `X-Api-Key`, `api_key`, `apiKey` and `client_secret` all match.
 */
export const DEFAULT_SENSITIVE_KEYS: readonly string[] = [
  'authorization',
  'cookie',
  'password',
  'passwd',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'credential',
  'session',
];

export const REDACTED = '[REDACTED]';

export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '');
}

/** Builds a predicate for the given fragment list (normalized once). */
export function sensitiveKeyMatcher(fragments: readonly string[] = DEFAULT_SENSITIVE_KEYS): (key: string) => boolean {
  const normalized = fragments.map(normalizeKey).filter((f) => f.length > 0);
  const cache = new Map<string, boolean>();
  return (key: string) => {
    let hit = cache.get(key);
    if (hit === undefined) {
      const k = normalizeKey(key);
      hit = normalized.some((f) => k.includes(f));
      if (cache.size < 5000) cache.set(key, hit);
    }
    return hit;
  };
}

/**
 * Returns a deep copy of `value` in which the values of sensitive keys are replaced by
 * `[REDACTED]`. Cycles and depth beyond 10 are cut. Non-plain objects keep their JSON shape.
 */
export function filterSensitive(value: unknown, isSensitive: (key: string) => boolean, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 10) return '[Truncated: too deep]';
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => filterSensitive(v, isSensitive, depth + 1, seen));
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString(); // toISOString throws on Invalid Date
    if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = isSensitive(k) ? REDACTED : filterSensitive(v, isSensitive, depth + 1, seen);
    }
    return out;
  } finally {
    // Only ancestors count as cycles: an object referenced twice side by side is copied twice.
    seen.delete(value);
  }
}
