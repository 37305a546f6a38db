import { ExceptionsHandler } from '@nestjs/core/exceptions/exceptions-handler.js';
import type { ArgumentsHost } from '@nestjs/common';
import { notifications } from '../bus/instrumentation-bus.js';
import { NEST_EXCEPTION_EVENT } from '../plugins/exceptions/exceptions.plugin.js';

const PATCHED = Symbol.for('activeTracker.exceptionsHandlerPatched');

/**
 * Every error that reaches Nest's HTTP exception layer (from middleware, guards, pipes,
 * interceptors, handlers, body parsing and the 404 handler) passes through
 * `ExceptionsHandler.next`, before the host's own exception filters run. Wrapping it is the one
 * place that sees them all without registering a filter of our own (which would compete with the
 * host's global filter and could change its responses). The wrapper only publishes an event and
 * then calls the original with the same arguments, so responses stay byte-identical.
 */
export function installExceptionHook(): void {
  const proto = ExceptionsHandler.prototype as ExceptionsHandler & { [PATCHED]?: boolean };
  if (proto[PATCHED]) return;
  const original = proto.next;
  proto.next = function patchedNext(this: ExceptionsHandler, exception: unknown, host: ArgumentsHost) {
    try {
      if (notifications.isListening(NEST_EXCEPTION_EVENT)) {
        const http = host.switchToHttp();
        notifications.instrument(NEST_EXCEPTION_EVENT, { exception, request: http.getRequest(), response: http.getResponse() });
      }
    } catch {
      /* never interfere with the host's error handling */
    }
    return original.call(this, exception as Error, host);
  };
  proto[PATCHED] = true;
}
