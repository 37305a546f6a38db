import { AsyncLocalStorage } from 'node:async_hooks';
import { isPlainObject, normalizeKeys } from './event-payload.js';

/**
 * What `tagged` accepts: a string (becomes `{ [string]: true }`), a plain object (its keys merge),
 * or a tag object, i.e. a class instance, kept as is under its class name (`{ GraphqlTag: tag }`).
 */
export type EventTag = string | Record<string, unknown> | object;
export type EventTags = Readonly<Record<string, unknown>>;

/**
 * One frame per `tagged` call, holding the merged tags of every enclosing call. It lives in its own
 * AsyncLocalStorage (shared by every reporter, like Rails' TagStack), so tags follow `await`,
 * timers and promise chains started inside `fn`, and concurrent requests never see each other's.
 */
const storage = new AsyncLocalStorage<EventTags>();
const EMPTY: EventTags = Object.freeze({});

/** Turns `tagged` arguments into one tags object (later arguments win on equal keys). */
export function resolveTags(tags: readonly EventTag[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const tag of tags) {
    if (tag === undefined || tag === null) continue;
    const t: unknown = tag;
    if (typeof t === 'string' || typeof t === 'number' || typeof t === 'boolean') {
      out[String(t)] = true;
    } else if (typeof t === 'symbol') {
      out[t.description ?? String(t)] = true;
    } else if (isPlainObject(tag)) {
      Object.assign(out, normalizeKeys(tag));
    } else if (typeof tag === 'object') {
      out[tag.constructor?.name || 'Object'] = tag;
    } else {
      throw new TypeError(`tagged() accepts strings, plain objects and tag objects; got ${typeof tag}`);
    }
  }
  return out;
}

/** The tags in effect here (a frozen object; do not rely on its identity). */
export function currentTags(): EventTags {
  return storage.getStore() ?? EMPTY;
}

/** Runs `fn` with `tags` stacked on top of the current ones (inner values win). */
export function withTags<R>(tags: readonly EventTag[], fn: () => R): R {
  const frame = Object.freeze(Object.assign({}, currentTags(), resolveTags(tags)));
  return storage.run(frame, fn);
}
