import { currentContext, runInContext } from '../../plugin-api.js';
import { beginQuery, captureSite, endQuery, isObservingQueries, rowsOf, type QueryHandle, type QuerySite } from './query-capture.js';

/**
 * node-postgres publishes no diagnostics channel (8.x), so its query method is wrapped, once per
 * copy of the module, on the prototypes: `Client.prototype.query` (every query, also those a Pool
 * runs on its clients) and the Pool's `query` (to take the caller's site before the pool hands the
 * query to a client, maybe after a wait and in another request's async context).
 *
 * The wrappers change nothing the app can see: the same arguments reach pg, the same value comes
 * back (the promise form is built as pg builds it, `Error.captureStackTrace` included), callbacks
 * get the same arguments, and nothing is listened to on the app's objects. With no tracker
 * observing, they call pg at once.
 */
const PATCHED = Symbol.for('activeTracker.queries.patched');
const ORIGINAL = Symbol.for('activeTracker.queries.original');

/** Sites taken by Pool.query, handed to the client.query it makes (keyed by the query config object). */
const poolSites = new WeakMap<object, QuerySite>();

type AnyFunction = (this: any, ...args: any[]) => any;

/** Wraps `target[key]` once (idempotent across calls and tracker instances). */
function wrapMethod(target: any, key: string, wrap: (original: AnyFunction) => AnyFunction): boolean {
  const original = target?.[key];
  if (typeof original !== 'function') return false;
  if (original[PATCHED]) return true;
  const wrapper = wrap(original);
  Object.defineProperty(wrapper, PATCHED, { value: true });
  Object.defineProperty(wrapper, ORIGINAL, { value: original });
  Object.defineProperty(wrapper, 'name', { value: original.name });
  Object.defineProperty(target, key, { value: wrapper, writable: true, configurable: true, enumerable: false });
  return true;
}

/** True when `pg` (a loaded copy of the module) is already wrapped. */
export function isPgPatched(pg: any): boolean {
  return Boolean(pg?.Client?.prototype?.query?.[PATCHED]);
}

/** Wraps a loaded copy of `pg` (the module object: `require('pg')` or the ESM default export). */
export function patchPg(pg: any): boolean {
  const Client = pg?.Client;
  if (typeof Client?.prototype?.query !== 'function') return false;
  wrapMethod(Client.prototype, 'query', wrapClientQuery);
  // pg.Pool is pg-pool's Pool bound to this Client; its query hands the text to client.query.
  if (typeof pg.Pool?.prototype?.query === 'function') wrapMethod(pg.Pool.prototype, 'query', wrapPoolQuery);
  return true;
}

function wrapPoolQuery(original: AnyFunction): AnyFunction {
  return function query(this: any, ...args: any[]) {
    const text = args[0];
    if (!isObservingQueries() || text === null || text === undefined || typeof text === 'function') return original.apply(this, args);
    let config = text;
    try {
      // A string becomes the equivalent config object, so the site can travel with it.
      if (typeof text === 'string') config = { text };
      if (typeof config === 'object') poolSites.set(config, captureSite(typeof config.text === 'string' ? config.text : undefined));
      else config = text;
    } catch {
      config = text;
    }
    // The same arguments, the text replaced by its config object.
    return original.apply(this, [config, ...args.slice(1)]);
  };
}

function wrapClientQuery(original: AnyFunction): AnyFunction {
  return function query(this: any, ...args: any[]) {
    const [config, values, callback] = args;
    if (!isObservingQueries() || config === null || config === undefined) return original.apply(this, args);
    let handle: QueryHandle | null = null;
    try {
      handle = beginPg(this, config, values);
    } catch {
      handle = null;
    }
    if (!handle) return original.apply(this, args);
    const h = handle;
    // Submittable (pg-query-stream, pg-cursor, custom): the client calls its handlers when done.
    if (typeof config.submit === 'function') {
      observeSubmittable(config, h);
      return original.apply(this, args);
    }
    if (typeof values === 'function') return original.call(this, config, wrapCallback(values, h));
    if (typeof callback === 'function') return original.call(this, config, values, wrapCallback(callback, h));
    if (typeof config.callback === 'function') {
      // pg writes the callback onto the config it is given: wrap it on a copy, never on the app's object.
      const copy = Object.assign(Object.create(Object.getPrototypeOf(config)), config, { callback: wrapCallback(config.callback, h) });
      return original.call(this, copy, values);
    }
    // The promise form, as pg builds it (its Promise, its stack trace rewrite).
    const PromiseClass: PromiseConstructor = this._Promise ?? Promise;
    let settle!: (err: unknown, res: unknown) => void;
    const result = new PromiseClass((resolve, reject) => {
      settle = (err, res) => (err ? reject(err) : resolve(res));
    }).catch((err: unknown) => {
      // pg: "replace the stack trace that leads to `TCP.onStreamRead` with one that leads back to the application"
      if (err !== null && typeof err === 'object') Error.captureStackTrace(err);
      throw err;
    });
    original.call(this, config, values, (err: unknown, res: unknown) => {
      endQuery(h, err ? null : rowsOf(res), err || undefined);
      settle(err, res);
    });
    return result;
  };
}

function beginPg(client: any, config: any, values: unknown): QueryHandle | null {
  const isObject = typeof config === 'object';
  // A Submittable keeps its text itself (pg-cursor) or on its cursor (pg-query-stream).
  const source = isObject && typeof config.text !== 'string' && typeof config.cursor?.text === 'string' ? config.cursor : config;
  const sql = typeof config === 'string' ? config : isObject && typeof source.text === 'string' ? source.text : null;
  if (sql === null) return null;
  let site = isObject ? poolSites.get(config) : undefined;
  if (site) poolSites.delete(config);
  else site = captureSite(sql);
  const params = Array.isArray(values) ? values : isObject && source.values !== undefined ? source.values : values;
  const cp = client?.connectionParameters ?? {};
  const server = cp.host ? (String(cp.host).startsWith('/') ? String(cp.host) : `${cp.host}:${cp.port ?? 5432}`) : null;
  return beginQuery({
    driver: 'pg',
    sql,
    name: isObject && typeof config.name === 'string' ? config.name : null,
    values: typeof params === 'function' ? undefined : params,
    database: typeof cp.database === 'string' ? cp.database : null,
    server,
    site,
  });
}

/**
 * The callback ends the query, then runs in the batch that made the call: pg calls it from its
 * socket, in whatever async context that has (the tracker's own context only; nothing else changes).
 */
function wrapCallback(callback: AnyFunction, handle: QueryHandle): AnyFunction {
  return function (this: unknown, ...args: unknown[]) {
    const [err, res] = args;
    endQuery(handle, err ? null : rowsOf(res), err || undefined);
    const ctx = handle.query.site.ctx;
    if (!ctx || ctx === currentContext()) return callback.apply(this, args);
    return runInContext(ctx, () => callback.apply(this, args));
  };
}

/**
 * A submittable's end: the client calls `handleReadyForQuery` (done) or `handleError` on it. Both
 * are wrapped on the instance (own properties shadow the class's; QueryStream sets its own already).
 */
function observeSubmittable(submittable: any, handle: QueryHandle): void {
  for (const key of ['handleReadyForQuery', 'handleError'] as const) {
    const method = submittable[key];
    if (typeof method !== 'function') continue;
    submittable[key] = function (this: unknown, ...args: unknown[]) {
      endQuery(handle, key === 'handleError' ? null : rowsOf(submittable._result ?? submittable.cursor?._result), key === 'handleError' ? args[0] : undefined);
      return method.apply(this, args);
    };
  }
}
