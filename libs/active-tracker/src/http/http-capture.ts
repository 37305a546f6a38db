import type { AbstractHttpAdapter } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TrackerRuntime } from '../active-tracker.runtime.js';
import { currentContext, runInContext, TrackerContext } from '../context/request-context.js';
import type { HookState } from './hook-state.js';
import { pathOf, TrackerEndpoint } from './tracker-endpoint.js';

type Req = IncomingMessage & Record<string, any>;

/** The batch of a response, for the shared 'close' listener. */
const BATCH = Symbol('activeTracker.batch');
type RequestHook = (this: unknown, req: Req, res: ServerResponse, done: (error?: unknown) => void) => unknown;
type RouteTriggered = (method: unknown, path: string) => void;

/** The adapter's single-slot hook fields (public in Nest 12's ExpressAdapter, not in its types). */
interface HookedAdapter {
  onRequestHook?: RequestHook;
  setOnRequestHook(hook: RequestHook): void;
  getOnRouteTriggered?(): RouteTriggered | undefined;
  setOnRouteTriggered?(hook: RouteTriggered): void;
  getType?(): string;
}

/**
 * HTTP capture through Nest's public instrumentation hooks on the HTTP adapter:
 * - `setOnRequestHook` runs first for every request, before the host's middleware and body
 *   parsing: it answers the dashboard and API itself, and starts every other request's batch
 *   (its AsyncLocalStorage context), which ends when the response closes ('close' also covers a
 *   client that went away, which `setOnResponseHook`'s 'finish' does not);
 * - `setOnRouteTriggered` gives the route pattern of the matched handler.
 * Both are single-slot, so any callback already set is chained, not replaced. Express only: the
 * Fastify adapter's hooks hand over Fastify's own request objects (see the README).
 */
export function installHttpCapture(adapter: AbstractHttpAdapter | undefined, runtime: TrackerRuntime, mountPath: () => string): HookState {
  const hooked = adapter as unknown as HookedAdapter | undefined;
  if (!hooked || typeof hooked.setOnRequestHook !== 'function') return 'unavailable: no HTTP adapter (a standalone or microservice app)';
  const type = hooked.getType?.();
  if (type !== 'express') return `unavailable: HTTP capture supports the Express adapter, not "${type}"`;
  const endpoint = new TrackerEndpoint(runtime, mountPath);
  // One 'close' listener function for every response (the batch rides on the response): no
  // closure and no once-wrapper per request.
  const onClose = function (this: ServerResponse & { [BATCH]?: TrackerContext }): void {
    const batch = this[BATCH];
    if (batch) runtime.endBatch(batch);
  };

  const previousRequestHook = hooked.onRequestHook;
  hooked.setOnRequestHook(function trackerRequestHook(this: unknown, req, res, done) {
    const path = pathOf(req);
    if (endpoint.owns(path)) return void endpoint.serve(req, res, path);
    const next = previousRequestHook ? () => previousRequestHook.call(this, req, res, done) : done;
    // Paused from the dashboard: no batch at all, the cheapest way to capture nothing.
    if (!runtime.capturing || !runtime.recording.on) return next();
    let ctx: TrackerContext;
    try {
      ctx = new TrackerContext(runtime.id);
      ctx.http = { req, res };
      (res as ServerResponse & { [BATCH]?: TrackerContext })[BATCH] = ctx;
      res.on('close', onClose);
    } catch {
      return next(); // capture never harms the host
    }
    return runInContext(ctx, () => {
      runtime.startBatch(ctx); // in the batch's context, so start hooks and their events see it
      return next();
    });
  });

  const previousRouteHook = hooked.getOnRouteTriggered?.();
  hooked.setOnRouteTriggered?.((method, path) => {
    const ctx = currentContext();
    if (ctx) ctx.route.pattern = path;
    previousRouteHook?.(method, path);
  });
  return 'installed';
}
