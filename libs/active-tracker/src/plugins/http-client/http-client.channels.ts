/**
 * The `node:diagnostics_channel` channels used (all present in Node 20.19+; undici publishes the
 * same names whether it is Node's bundled copy behind `fetch` or the npm package).
 */
export const HTTP_CLIENT_CHANNELS = {
  /** fetch/undici request created (in the caller's async context). */
  undiciCreate: 'undici:request:create',
  /** fetch/undici response headers received: status, content-length. */
  undiciHeaders: 'undici:request:headers',
  /** fetch/undici response body complete (published even when there are no trailers). */
  undiciTrailers: 'undici:request:trailers',
  /** fetch/undici failure (connect error, abort, timeout), before or after the headers. */
  undiciError: 'undici:request:error',
  /** http/https ClientRequest created (in the caller's async context). */
  httpStart: 'http.client.request.start',
  /** http/https response headers parsed (despite its name, before the body is read). */
  httpResponse: 'http.client.response.finish',
  /** http/https request failure. */
  httpError: 'http.client.request.error',
} as const;
