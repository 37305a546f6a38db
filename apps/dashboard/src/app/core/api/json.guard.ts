/**
 * A tiny runtime validator for API answers: guards check a value where it was found (`path`) and
 * return it typed, or throw an ApiShapeError saying what differs. A few hundred bytes instead of
 * a schema library; `object<T>()` takes one guard per key of T, so a contract change that the
 * guards do not follow fails to compile.
 */

/** An API answer that does not have the shape of its contract. */
export class ApiShapeError extends Error {
  override readonly name = 'ApiShapeError';

  constructor(
    /** Where in the answer, e.g. `data[2].content.eventTags`. */
    readonly path: string,
    readonly problem: string,
  ) {
    super(`unexpected answer from the API: ${path ? `${path} ` : ''}${problem}`);
  }
}

/** Checks `value`, found at `path` of an answer, and returns it typed; throws ApiShapeError. */
export type Guard<T> = (value: unknown, path: string) => T;

/** One guard per key of T (optional keys take guards that accept `undefined`). */
export type Shape<T> = { [K in keyof T]-?: Guard<T[K]> };

/** A short description of what was found, for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

export function fail(path: string, expected: string, value: unknown): never {
  throw new ApiShapeError(path, `should be ${expected}, got ${describe(value)}`);
}

/** Path of `key` under `path`. */
export function at(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export const str: Guard<string> = (v, p) => (typeof v === 'string' ? v : fail(p, 'a string', v));
export const num: Guard<number> = (v, p) => (typeof v === 'number' && Number.isFinite(v) ? v : fail(p, 'a number', v));
export const bool: Guard<boolean> = (v, p) => (typeof v === 'boolean' ? v : fail(p, 'a boolean', v));
/** Anything: fields the contract types `unknown` (bodies, payloads). */
export const any: Guard<unknown> = (v) => v;

/** One of a few literal values. */
export function oneOf<const V extends string | number | boolean>(...values: readonly V[]): Guard<V> {
  return (v, p) => (values.includes(v as V) ? (v as V) : fail(p, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, v));
}

/** A string that matches `pattern` (`what` names it in errors). */
export function matching(pattern: RegExp, what: string): Guard<string> {
  return (v, p) => (typeof v === 'string' && pattern.test(v) ? v : fail(p, what, v));
}

export function nullable<T>(guard: Guard<T>): Guard<T | null> {
  return (v, p) => (v === null ? null : guard(v, p));
}

/** An optional key: absent (`undefined`) or valid. */
export function optional<T>(guard: Guard<T>): Guard<T | undefined> {
  return (v, p) => (v === undefined ? undefined : guard(v, p));
}

/** The first guard that accepts the value (`what` names the union in errors). */
export function either<A, B>(a: Guard<A>, b: Guard<B>, what: string): Guard<A | B> {
  return (v, p) => {
    try {
      return a(v, p);
    } catch {
      try {
        return b(v, p);
      } catch {
        return fail(p, what, v);
      }
    }
  };
}

export function arrayOf<T>(guard: Guard<T>): Guard<T[]> {
  return (v, p) => {
    if (!Array.isArray(v)) return fail(p, 'an array', v);
    let out = v;
    v.forEach((item, i) => {
      const checked = guard(item, `${p}[${i}]`);
      if (checked !== item) (out = out === v ? [...v] : out)[i] = checked;
    });
    return out as T[];
  };
}

export function recordOf<T>(guard: Guard<T>): Guard<Record<string, T>> {
  return (v, p) => {
    if (!isRecord(v)) return fail(p, 'an object', v);
    return checkKeys(v, Object.keys(v), () => guard, p) as Record<string, T>;
  };
}

/**
 * An object with (at least) the keys of `shape`. Extra keys are kept: a newer server may add
 * fields; only missing or mistyped ones are drift.
 */
export function object<T>(shape: Shape<T>): Guard<T> {
  const keys = Object.keys(shape) as Array<keyof T & string>;
  return (v, p) => {
    if (!isRecord(v)) return fail(p, 'an object', v);
    return checkKeys(v, keys, (key) => shape[key as keyof T] as Guard<unknown>, p) as T;
  };
}

/**
 * Checks `keys` of `v`. Guards that normalize a value (return another one) get a copy of `v` with
 * it, so parents propagate it; the answer is never mutated.
 */
function checkKeys(v: Record<string, unknown>, keys: readonly string[], guardOf: (key: string) => Guard<unknown>, p: string) {
  let out = v;
  for (const key of keys) {
    const checked = guardOf(key)(v[key], at(p, key));
    if (checked !== v[key]) (out = out === v ? { ...v } : out)[key] = checked;
  }
  return out;
}

/** A union told apart by a string key such as `kind`: one guard per value. */
export function variant<T extends Record<K, string>, K extends keyof T & string>(key: K, cases: { [V in T[K]]: Guard<Extract<T, Record<K, V>>> }): Guard<T> {
  const guards = cases as Record<string, Guard<T>>;
  return (v, p) => {
    const tag = isRecord(v) ? v[key] : undefined;
    const guard = typeof tag === 'string' && Object.hasOwn(guards, tag) ? guards[tag] : undefined;
    if (!guard) return fail(at(p, key), `one of ${Object.keys(guards).join(', ')}`, tag);
    return guard(v, p);
  };
}

/** Runs `guard` on a whole answer: what `httpResource`'s `parse` and one-off reads call. */
export function parser<T>(guard: Guard<T>): (raw: unknown) => T {
  return (raw) => guard(raw, '');
}

/**
 * Every member of a string union, checked at compile time: a member missing from `values` is a
 * type error naming it. For unions the contracts export only as types (log levels, orders).
 */
export function members<T extends string>() {
  return <const A extends readonly T[]>(values: A & ([T] extends [A[number]] ? unknown : { missing: Exclude<T, A[number]> })): A => values;
}
