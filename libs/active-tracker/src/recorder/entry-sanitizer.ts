import { REDACTED } from './sensitive-keys.js';

const MAX_DEPTH = 12;
const MAX_ARRAY_ITEMS = 1000;

/** Result flags of one sanitize pass. */
export interface SanitizeState {
  truncated: boolean;
}

/**
 * One pass over a payload that makes it JSON-safe (cycles, BigInt, Errors, Buffers, Maps, Sets,
 * functions), replaces every literal `redactions` value by `[REDACTED]`, and cuts strings longer than
 * `maxString` characters (setting `state.truncated`). Never throws.
 */
export function sanitizeValue(
  value: unknown,
  redactions: readonly string[],
  maxString: number,
  state: SanitizeState,
  depth = 0,
  seen: WeakSet<object> = new WeakSet(),
): unknown {
  switch (typeof value) {
    case 'string':
      return cutString(redactString(value, redactions), maxString, state);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  const obj = value as object;
  if (depth >= MAX_DEPTH) {
    state.truncated = true;
    return '[Truncated: too deep]';
  }
  if (seen.has(obj)) return '[Circular]';
  seen.add(obj);
  try {
    if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
    if (Buffer.isBuffer(obj)) return `[Buffer ${obj.length} bytes]`;
    if (obj instanceof Error) {
      return sanitizeValue({ name: obj.name, message: obj.message }, redactions, maxString, state, depth + 1, seen);
    }
    if (obj instanceof Map) return sanitizeValue(Object.fromEntries(obj), redactions, maxString, state, depth + 1, seen);
    if (obj instanceof Set) return sanitizeValue([...obj], redactions, maxString, state, depth + 1, seen);
    if (Array.isArray(obj)) {
      const items = obj.length > MAX_ARRAY_ITEMS ? obj.slice(0, MAX_ARRAY_ITEMS) : obj;
      if (items !== obj) state.truncated = true;
      return items.map((v) => {
        const s = sanitizeValue(v, redactions, maxString, state, depth + 1, seen);
        return s === undefined ? null : s;
      });
    }
    const toJSON = (obj as { toJSON?: () => unknown }).toJSON;
    if (typeof toJSON === 'function') {
      return sanitizeValue(toJSON.call(obj), redactions, maxString, state, depth + 1, seen);
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj)) {
      let v: unknown;
      try {
        v = (obj as Record<string, unknown>)[key];
      } catch {
        continue; // a throwing getter must not break capture
      }
      const s = sanitizeValue(v, redactions, maxString, state, depth + 1, seen);
      if (s !== undefined) out[redactString(key, redactions)] = s;
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}

export function redactString(text: string, redactions: readonly string[]): string {
  let out = text;
  for (const secret of redactions) {
    if (secret && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

function cutString(text: string, max: number, state: SanitizeState): string {
  if (text.length <= max) return text;
  state.truncated = true;
  return `${text.slice(0, max)}… [truncated ${text.length - max} characters]`;
}
