import { isPlainObject, isWalked, redactSensitiveKeys } from '../recorder/entry-sanitizer.js';
import { REDACTED } from '../recorder/sensitive-keys.js';

export { isPlainObject };

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

/**
 * Replaces the values of sensitive keys by `[REDACTED]` in a hash payload, at any depth through
 * plain objects and arrays (Rails' ParameterFilter on hash payloads), with the payload walker's
 * by-reference variant: other values (Dates, Buffers, class instances, event objects) are kept by
 * reference, unlike the recorder's `sanitizeValue` which also JSON-shapes them: subscribers get the
 * app's values, storage shapes them later. Plain objects and arrays are copied (cycles preserved),
 * so the caller's object is never changed.
 */
export function filterPayload<T>(value: T, isSensitive: (key: string) => boolean): T {
  return redactSensitiveKeys(value, isSensitive) as T;
}

/**
 * `normalizeKeys` and `filterPayload` in one pass (what `notify` does to hash payloads): a fresh
 * object with normalized keys, sensitive values redacted at any depth.
 */
export function normalizePayload(value: Record<PropertyKey, unknown> | Map<unknown, unknown>, isSensitive: (key: string) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const copies = new Map<object, unknown>([[value, out]]);
  const put = (key: string, v: unknown) => {
    out[key] = isSensitive(key) ? REDACTED : isWalked(v) ? redactSensitiveKeys(v, isSensitive, 1, copies) : v;
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
