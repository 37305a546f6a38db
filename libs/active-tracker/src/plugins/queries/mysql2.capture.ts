import diagnosticsChannel from 'node:diagnostics_channel';
import { contextStorage, type TrackerContext } from '../../plugin-api.js';
import { beginQuery, captureSite, endQuery, isObservingQueries, rowsOf, type QueryHandle, type QuerySite } from './query-capture.js';

/**
 * mysql2 (3.x with lib/tracing.js) publishes TracingChannels; nothing of mysql2 is patched. Every
 * copy of mysql2 the host loads (CJS or ESM, hoisted or nested) publishes to the same named
 * channels, so no module needs to be found.
 * - `mysql2:query` / `mysql2:execute`: a query on a connection (callback, promise and event forms).
 * - `mysql2:pool:connect`: a pool's getConnection. `pool.query()` asks for a connection, then runs
 *   the query in the callback, maybe after a wait and in the async context of the request that
 *   released the connection: the site (batch, app frame) is taken at getConnection and set for
 *   that callback (`asyncStart`..`asyncEnd`), during which the pooled query starts.
 */
export const MYSQL2_CHANNELS = {
  query: 'mysql2:query',
  execute: 'mysql2:execute',
  poolConnect: 'mysql2:pool:connect',
} as const;

interface Mysql2QueryContext {
  query?: unknown;
  values?: unknown;
  database?: unknown;
  serverAddress?: unknown;
  serverPort?: unknown;
  result?: unknown;
  error?: unknown;
}

type TracingHandlers = Parameters<ReturnType<typeof diagnosticsChannel.tracingChannel>['subscribe']>[0];

/** Subscribes to mysql2's channels; returns the unsubscribe. Node without TracingChannel: nothing. */
export function observeMysql2(): () => void {
  if (typeof diagnosticsChannel.tracingChannel !== 'function') return () => undefined;
  const handles = new WeakMap<object, QueryHandle>();
  const poolSites = new WeakMap<object, QuerySite>();
  /** The site of the pool callback running now (a stack: callbacks may nest). */
  const running: Array<QuerySite | undefined> = [];

  const start = (message: unknown) => {
    try {
      const context = message as Mysql2QueryContext;
      if (!isObservingQueries() || typeof context?.query !== 'string') return;
      const site = running.length > 0 ? running[running.length - 1] : undefined;
      const port = typeof context.serverPort === 'number' ? `:${context.serverPort}` : '';
      const handle = beginQuery({
        driver: 'mysql2',
        sql: context.query,
        name: null,
        values: context.values,
        database: typeof context.database === 'string' && context.database ? context.database : null,
        server: typeof context.serverAddress === 'string' ? context.serverAddress + port : null,
        site: site ?? captureSite(context.query),
      });
      if (handle) handles.set(context, handle);
    } catch {
      /* capture never harms the host */
    }
  };
  const finish = (message: unknown) => {
    const context = message as Mysql2QueryContext;
    const handle = handles.get(context);
    if (!handle) return;
    handles.delete(context);
    endQuery(handle, context.error ? null : rowsOf(context.result), context.error || undefined);
  };
  const queryHandlers: TracingHandlers = {
    start,
    // A synchronous throw publishes `error` then `end`, with no async phase.
    end: (message: unknown) => {
      if ((message as Mysql2QueryContext)?.error) finish(message);
    },
    asyncStart: finish,
    asyncEnd: () => undefined,
    error: () => undefined,
  };
  const poolHandlers: TracingHandlers = {
    start: (message: unknown) => {
      try {
        if (isObservingQueries() && message && typeof message === 'object') poolSites.set(message, captureSite());
      } catch {
        /* capture never harms the host */
      }
    },
    end: () => undefined,
    asyncStart: (message: unknown) => running.push(message && typeof message === 'object' ? poolSites.get(message) : undefined),
    asyncEnd: () => void running.pop(),
    error: () => undefined,
  };
  const subscriptions: Array<[ReturnType<typeof diagnosticsChannel.tracingChannel>, TracingHandlers]> = [
    [diagnosticsChannel.tracingChannel(MYSQL2_CHANNELS.query), queryHandlers],
    [diagnosticsChannel.tracingChannel(MYSQL2_CHANNELS.execute), queryHandlers],
    [diagnosticsChannel.tracingChannel(MYSQL2_CHANNELS.poolConnect), poolHandlers],
  ];
  for (const [channel, handlers] of subscriptions) channel.subscribe(handlers);
  // Callbacks run in the batch that made the call (mysql2 calls them from its socket, in whatever
  // context that has): the batch is bound to the `asyncStart` phase, which wraps the callback.
  const storage = contextStorage();
  const batchOf = (site: QuerySite | undefined): TrackerContext | undefined => site?.ctx ?? storage.getStore();
  const bound = [
    [subscriptions[0][0].asyncStart, (message: unknown) => batchOf(handles.get(message as object)?.query.site)],
    [subscriptions[1][0].asyncStart, (message: unknown) => batchOf(handles.get(message as object)?.query.site)],
    [subscriptions[2][0].asyncStart, (message: unknown) => batchOf(poolSites.get(message as object))],
  ] as const;
  for (const [channel, transform] of bound) channel.bindStore(storage, transform as (message: unknown) => TrackerContext);
  return () => {
    for (const [channel, handlers] of subscriptions) channel.unsubscribe(handlers);
    for (const [channel] of bound) channel.unbindStore(storage);
  };
}
