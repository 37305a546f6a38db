/**
 * Counter names the core's pages read (the overview, an exception family's chart) and the request
 * and exception plugins write: declared here so the core imports no plugin.
 */

/** Counters every request entry adds (see the README's overview section). */
export const REQUEST_COUNTERS = {
  /** Requests per status class ('2xx', '4xx', '5xx'...). */
  byStatus: 'requests',
  /** Histogram of request durations (keys `h<bucket>`, see storage/histogram.ts): p95 over time. */
  duration: 'requests.duration',
  /** Requests per route (key: the route's family hash): the overview's slowest routes. */
  routes: 'requests.routes',
  /** Total duration in ms per route (key: family hash): average = routesMs / routes. */
  routesMs: 'requests.routes.ms',
  /** 5xx answers per route (key: family hash). */
  routes5xx: 'requests.routes.5xx',
} as const;

/** Exceptions per time bucket, keyed by family hash: the overview tile and a family's chart. */
export const EXCEPTION_COUNTER = 'exceptions';
