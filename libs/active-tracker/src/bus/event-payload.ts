import { REDACTED } from '../recorder/sensitive-keys.js';

/** True for `{...}` literals and `Object.create(null)`: "hash" payloads, as opposed to event/tag objects. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function keyToString(key: unknown): string {
  return typeof key === 'symbol' ? (key.description ?? String(key)) : String(key);
}

/**
 * Key normalization of payloads, tags and context (Rails symbolizes keys; JS keys are strings
 * already): returns a fresh plain object with the own enumerable entries of `value`, symbol keys
 * turned into their description and `Map` keys stringified. Spelling is kept as written (no case
 * conversion, no trimming): the payload is the app's schema. The copy also means later mutation
 * of the caller's object does not change an event already emitted. Shallow, like Rails.
 */
export function normalizeKeys(value: Record<PropertyKey, unknown> | Map<unknown, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (value instanceof Map) {
    for (const [k, v] of value) out[keyToString(k)] = v;
    return out;
  }
  for (const k of Object.keys(value)) out[k] = value[k];
  for (const s of Object.getOwnPropertySymbols(value)) {
    if (Object.prototype.propertyIsEnumerable.call(value, s)) out[keyToString(s)] = value[s];
  }
  return out;
}

const MAX_FILTER_DEPTH = 100;

/**
 * Replaces the values of sensitive keys by `[REDACTED]` in a hash payload, at any depth through
 * plain objects and arrays (Rails' ParameterFilter on hash payloads). Other values (Dates, Buffers,
 * class instances, event objects) are kept by reference, unlike the recorder's `filterSensitive`
 * which also JSON-shapes them: subscribers get the app's values, storage shapes them later.
 * Plain objects and arrays are copied (cycles preserved), so the caller's object is never changed.
 */
export function filterPayload<T>(value: T, isSensitive: (key: string) => boolean): T {
  return filterValue(value, isSensitive, 0, undefined) as T;
}

/**
 * `normalizeKeys` and `filterPayload` in one pass (what `notify` does to hash payloads): a fresh
 * object with normalized keys, sensitive values redacted at any depth.
 */
export function normalizePayload(value: Record<PropertyKey, unknown> | Map<unknown, unknown>, isSensitive: (key: string) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const copies = new Map<object, unknown>([[value, out]]);
  const put = (key: string, v: unknown) => {
    out[key] = isSensitive(key) ? REDACTED : isCopied(v) ? filterValue(v, isSensitive, 1, copies) : v;
  };
  if (value instanceof Map) {
    for (const [k, v] of value) put(keyToString(k), v);
    return out;
  }
  for (const k of Object.keys(value)) put(k, value[k]);
  const symbols = Object.getOwnPropertySymbols(value);
  for (let i = 0; i < symbols.length; i++) {
    if (Object.prototype.propertyIsEnumerable.call(value, symbols[i])) put(keyToString(symbols[i]), value[symbols[i]]);
  }
  return out;
}

/** Values the filter descends into (and so copies): plain objects and arrays. */
function isCopied(value: unknown): value is object {
  return value !== null && typeof value === 'object' && (Array.isArray(value) || isPlainObject(value));
}

function filterValue(value: unknown, isSensitive: (key: string) => boolean, depth: number, copies: Map<object, unknown> | undefined): unknown {
  if (!isCopied(value)) return value;
  copies ??= new Map();
  const existing = copies.get(value);
  if (existing !== undefined) return existing;
  if (depth > MAX_FILTER_DEPTH) return '[Truncated: too deep]';
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    copies.set(value, out);
    for (const item of value) out.push(filterValue(item, isSensitive, depth + 1, copies));
    return out;
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = Object.getPrototypeOf(source) === null ? Object.create(null) : {};
  copies.set(source, out);
  for (const k of Object.keys(source)) {
    out[k] = isSensitive(k) ? REDACTED : filterValue(source[k], isSensitive, depth + 1, copies);
  }
  return out;
}

/** An event object that knows its stored form (Rails' convention: `#serialize`). */
export interface SerializableEvent {
  serialize(): unknown;
}

/**
 * The storable form of a payload: an event object's `serialize()` result, or the payload itself
 * (hash payloads are already plain data). Subscribers that encode events call this, as Rails'
 * subscribers call `payload.serialize`.
 */
export function serializeEventPayload(payload: unknown): unknown {
  if (payload !== null && typeof payload === 'object' && typeof (payload as Partial<SerializableEvent>).serialize === 'function') {
    return (payload as SerializableEvent).serialize();
  }
  return payload;
}
