import { REDACTED } from './sensitive-keys.js';

const MAX_DEPTH = 12;
const MAX_ARRAY_ITEMS = 1000;

/** Result flags of one sanitize pass. */
export interface SanitizeState {
  truncated: boolean;
  /** Keys whose values are replaced by `[REDACTED]` at any depth. */
  isSensitive?: (key: string) => boolean;
  /** Applied to every string value before the literal redactions (pattern redactors: e-mail addresses, card numbers...). */
  mapString?: (text: string) => string;
}

/**
 * The payload walker: every deep walk over captured values lives here. `sanitizeValue` copies a
 * value into its stored form, `isClean` is its read-only check (the serializer's fast path), and
 * `redactSensitiveKeys` is the by-reference variant the notification bus uses (see there why).
 */

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
      return cutString(redactString(state.mapString ? state.mapString(value) : value, redactions), maxString, state);
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
    // Other typed arrays would otherwise become one key per element.
    if (ArrayBuffer.isView(obj)) return `[${obj.constructor?.name ?? 'ArrayBufferView'} ${obj.byteLength} bytes]`;
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
      if (state.isSensitive?.(key)) {
        out[redactString(key, redactions)] = REDACTED;
        continue;
      }
      const s = sanitizeValue(v, redactions, maxString, state, depth + 1, seen);
      if (s !== undefined) out[redactString(key, redactions)] = s;
    }
    return out;
  } catch (error) {
    // A throwing toJSON, a hostile Proxy...: describe the value instead of losing the whole entry.
    return `[Unserializable: ${describeError(error)}]`;
  } finally {
    seen.delete(obj);
  }
}

function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unknown error';
  }
}

export function redactString(text: string, redactions: readonly string[]): string {
  let out = text;
  // Longest first: a secret containing a shorter one must not be left half visible ('[REDACTED]def').
  const ordered = redactions.length > 1 ? [...redactions].sort((a, b) => b.length - a.length) : redactions;
  for (const secret of ordered) {
    if (secret && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

function cutString(text: string, max: number, state: SanitizeState): string {
  if (text.length <= max) return text;
  state.truncated = true;
  return `${text.slice(0, max)}… [truncated ${text.length - max} characters]`;
}

/**
 * The fast path's test: true when `sanitizeValue` would change nothing, so that
 * `JSON.stringify(value)` is already what it would store. That is: only JSON values (plain objects
 * and arrays, finite numbers, strings, booleans, null, Dates), no key `isSensitive` matches, no
 * string longer than `maxString` or containing a literal of `redactions`, at most MAX_DEPTH deep
 * (which also stops on cycles) and MAX_ARRAY_ITEMS long. A read-only walk that allocates nothing:
 * several times cheaper than the copy, which only the values that fail it get.
 */
export function isClean(
  value: unknown,
  redactions: readonly string[],
  maxString: number,
  isSensitive: ((key: string) => boolean) | undefined,
  depth = 0,
): boolean {
  switch (typeof value) {
    case 'string':
      return value.length <= maxString && (redactions.length === 0 || !containsAny(value, redactions));
    case 'number':
      return Number.isFinite(value);
    case 'bigint':
      return false;
    case 'object':
      break;
    default:
      return true; // boolean; undefined, functions and symbols are left out by both
  }
  if (value === null) return true;
  if (depth >= MAX_DEPTH) return false;
  try {
    if (Array.isArray(value)) {
      if (value.length > MAX_ARRAY_ITEMS) return false;
      for (let i = 0; i < value.length; i++) if (!isClean(value[i], redactions, maxString, isSensitive, depth + 1)) return false;
      return true;
    }
    if (value instanceof Date) return true;
    if (ArrayBuffer.isView(value) || value instanceof Map || value instanceof Set || value instanceof Error) return false;
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
    const obj = value as Record<string, unknown>;
    for (const key in obj) {
      if (isSensitive?.(key) || (redactions.length > 0 && containsAny(key, redactions))) return false;
      if (!isClean(obj[key], redactions, maxString, isSensitive, depth + 1)) return false;
    }
    return true;
  } catch {
    return false; // a throwing getter or a hostile Proxy: the walker describes it
  }
}

function containsAny(text: string, literals: readonly string[]): boolean {
  for (const literal of literals) if (literal && text.includes(literal)) return true;
  return false;
}

/** True for `{...}` literals and `Object.create(null)`: "hash" payloads, as opposed to event/tag objects. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Depth at which the by-reference walk stops (it copies no leaf, so it can afford more than MAX_DEPTH). */
const MAX_REFERENCE_DEPTH = 100;

/**
 * The by-reference variant of the walk, for the notification bus (`filterPayload`, Rails'
 * ParameterFilter on hash payloads): the values of `isSensitive` keys become `[REDACTED]` at any
 * depth through plain objects and arrays, which are copied (shared and cyclic references kept as
 * such), so the caller's object is never changed. Every other value (Dates, Buffers, class
 * instances, event objects) is kept by reference, where `sanitizeValue` would JSON-shape it:
 * subscribers get the app's values, and the recorder shapes them when it stores them.
 * `copies` maps each container already copied to its copy.
 */
export function redactSensitiveKeys(value: unknown, isSensitive: (key: string) => boolean, depth = 0, copies?: Map<object, unknown>): unknown {
  if (!isWalked(value)) return value;
  copies ??= new Map();
  const existing = copies.get(value);
  if (existing !== undefined) return existing;
  if (depth > MAX_REFERENCE_DEPTH) return '[Truncated: too deep]';
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    copies.set(value, out);
    for (const item of value) out.push(redactSensitiveKeys(item, isSensitive, depth + 1, copies));
    return out;
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = Object.getPrototypeOf(source) === null ? Object.create(null) : {};
  copies.set(source, out);
  for (const k of Object.keys(source)) {
    out[k] = isSensitive(k) ? REDACTED : redactSensitiveKeys(source[k], isSensitive, depth + 1, copies);
  }
  return out;
}

/** Values the by-reference walk descends into (and so copies): plain objects and arrays. */
export function isWalked(value: unknown): value is object {
  return value !== null && typeof value === 'object' && (Array.isArray(value) || isPlainObject(value));
}
