import { RouterExecutionContext } from '@nestjs/core/router/router-execution-context.js';
import { currentContext } from '../context/request-context.js';

const PATCHED = Symbol.for('activeTracker.routeHookInstalled');

/**
 * Notes which controller and handler serve each request, at no per-request cost beyond one call:
 * Nest builds one handler function per route (`RouterExecutionContext.create`) while it registers
 * routes; the wrapper made here stamps `{ controller, handler }` on the request context and calls
 * Nest's handler with the same arguments. It runs before guards, so requests a guard rejects know
 * their handler too. (A global interceptor or guard would see the same ExecutionContext, but either
 * moves every route onto a slower path in Nest: ~10% of the demo's throughput in `bench/`.)
 *
 * Returns false when this Nest version has no such hook; the module then uses RouteCaptureGuard.
 */
export function installRouteHook(): boolean {
  const proto = RouterExecutionContext?.prototype as unknown as Record<PropertyKey, unknown> | undefined;
  if (!proto || typeof proto.create !== 'function') return false;
  if (proto[PATCHED]) return true;
  const original = proto.create as (...args: unknown[]) => (...handlerArgs: unknown[]) => unknown;
  proto.create = function patchedCreate(this: unknown, instance: unknown, callback: unknown, methodName: unknown, ...rest: unknown[]) {
    const handler = original.call(this, instance, callback, methodName, ...rest);
    if (typeof handler !== 'function') return handler;
    const route = {
      controller: (instance as { constructor?: { name?: string } } | null)?.constructor?.name,
      handler: typeof methodName === 'string' ? methodName : undefined,
    };
    return function routeCapture(this: unknown, ...args: unknown[]) {
      const ctx = currentContext();
      if (ctx) ctx.route = route;
      return handler.apply(this, args);
    };
  };
  proto[PATCHED] = true;
  return true;
}
