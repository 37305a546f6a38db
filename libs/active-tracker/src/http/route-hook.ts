import { notifications } from '../bus/instrumentation-bus.js';
import { currentContext } from '../context/request-context.js';
import type { HookState } from './hook-state.js';

const PATCHED = Symbol.for('activeTracker.routeHookInstalled');

/**
 * Published when a controller handler starts (Rails' `start_processing.action_controller`), after
 * routing and before guards: `{ controller, handler, method, path, route, request }`.
 */
export const START_PROCESSING_EVENT = 'start_processing.nest';
/** Nest's own file: not part of its public API, hence the guarded dynamic import. */
const MODULE = '@nestjs/core/router/router-execution-context.js';

let state: Promise<HookState> | null = null;

/**
 * Notes which controller and handler serve each request. Nest's public `setOnRouteTriggered` hook
 * gives the route pattern but not the controller class and method, so this wraps the one place
 * that knows both: Nest builds one handler function per route (`RouterExecutionContext.create`)
 * while it registers routes; the wrapper made here stamps `{ controller, handler }` on the request
 * context and calls Nest's handler with the same arguments. It runs before guards, so requests a
 * guard rejects know their handler too. Loaded dynamically: when a Nest release moves the file,
 * requests are still captured, without controller and handler, and a warning says why.
 * Must be installed before the app registers its routes (the module does it while it is created).
 */
export function installRouteHook(): Promise<HookState> {
  state ??= import(MODULE).then(
    (mod: { RouterExecutionContext?: { prototype: Record<PropertyKey, unknown> } }) => {
      const proto = mod.RouterExecutionContext?.prototype;
      if (!proto || typeof proto.create !== 'function') return 'unavailable: RouterExecutionContext.create not found in this Nest version';
      if (proto[PATCHED]) return 'installed';
      const original = proto.create as (...args: unknown[]) => unknown;
      proto.create = function patchedCreate(this: unknown, instance: unknown, callback: unknown, methodName: unknown, ...rest: unknown[]) {
        const handler = original.call(this, instance, callback, methodName, ...rest);
        if (typeof handler !== 'function') return handler;
        const controllerClass = (instance as { constructor?: Function } | null)?.constructor;
        const controller = controllerClass?.name;
        const method = typeof methodName === 'string' ? methodName : undefined;
        return function routeCapture(this: unknown, ...args: unknown[]) {
          const ctx = currentContext();
          if (ctx) {
            ctx.route.controller = controller;
            ctx.route.controllerClass = controllerClass;
            ctx.route.handler = method;
          }
          if (notifications.isListening(START_PROCESSING_EVENT)) publishStart(controller, method, args[0], ctx?.route.pattern);
          return (handler as (...a: unknown[]) => unknown).apply(this, args);
        };
      };
      proto[PATCHED] = true;
      return 'installed';
    },
    (error: unknown) => `unavailable: ${MODULE} could not be loaded (${(error as Error)?.message ?? error})` as HookState,
  );
  return state;
}

function publishStart(controller: string | undefined, handler: string | undefined, req: unknown, route: string | undefined): void {
  try {
    const request = req as { method?: string; originalUrl?: string; url?: string } | undefined;
    const url = String(request?.originalUrl ?? request?.url ?? '');
    const q = url.indexOf('?');
    notifications.instrument(START_PROCESSING_EVENT, {
      controller: controller ?? null,
      handler: handler ?? null,
      method: request?.method ?? null,
      path: q < 0 ? url : url.slice(0, q),
      route: route ?? null,
      request: req,
    });
  } catch {
    /* a subscriber's failure never reaches the request */
  }
}
