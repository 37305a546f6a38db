import type { ArgumentsHost } from '@nestjs/common';
import { notifications } from '../bus/instrumentation-bus.js';
import type { HookState } from './hook-state.js';

/** The event the HTTP exception hook publishes on the bus for every error reaching Nest's exception layer. */
export const NEST_EXCEPTION_EVENT = 'handle_exception.nest';

const PATCHED = Symbol.for('activeTracker.exceptionsHandlerPatched');
/** Nest's own file: not part of its public API, hence the guarded dynamic import. */
const MODULE = '@nestjs/core/exceptions/exceptions-handler.js';

let state: Promise<HookState> | null = null;

/**
 * Every error that reaches Nest's HTTP exception layer (from middleware, guards, pipes,
 * interceptors, handlers, body parsing and the 404 handler) passes through
 * `ExceptionsHandler.next`, before the host's exception filters run (sync or, since Nest 12,
 * async ones). No public hook sees them all, so this one method is wrapped: the wrapper publishes
 * `handle_exception.nest` and calls the original with the same arguments, so responses stay
 * byte-identical. The class is loaded dynamically: if a Nest release moves it, exception capture
 * is disabled with a warning (shown in `api/stats`) instead of breaking the import of the library.
 */
export function installExceptionHook(): Promise<HookState> {
  state ??= import(MODULE).then(
    (mod: { ExceptionsHandler?: { prototype: Record<PropertyKey, unknown> } }) => {
      const proto = mod.ExceptionsHandler?.prototype;
      if (!proto || typeof proto.next !== 'function') return 'unavailable: ExceptionsHandler.next not found in this Nest version';
      if (proto[PATCHED]) return 'installed';
      const original = proto.next as (exception: unknown, host: ArgumentsHost) => unknown;
      proto.next = function patchedNext(this: unknown, exception: unknown, host: ArgumentsHost) {
        try {
          if (notifications.isListening(NEST_EXCEPTION_EVENT)) {
            const http = host.switchToHttp();
            notifications.instrument(NEST_EXCEPTION_EVENT, { exception, request: http.getRequest(), response: http.getResponse() });
          }
        } catch {
          /* never interfere with the host's error handling */
        }
        return original.call(this, exception, host);
      };
      proto[PATCHED] = true;
      return 'installed';
    },
    (error: unknown) => `unavailable: ${MODULE} could not be loaded (${(error as Error)?.message ?? error})` as HookState,
  );
  return state;
}
