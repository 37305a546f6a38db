import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { currentContext } from '../context/request-context.js';

/**
 * Notes which controller and handler serve the request (the middleware cannot know) and always
 * allows it. A guard rather than an interceptor: any global interceptor moves every route onto
 * Nest's RxJS pipeline, which cost ~10% of the demo's throughput in `bench/`; a guard that answers
 * `true` synchronously is the cheapest hook that sees the ExecutionContext. It never throws.
 */
@Injectable()
export class RouteCaptureGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    try {
      const ctx = currentContext();
      if (ctx && context.getType() === 'http') {
        ctx.route = { controller: context.getClass()?.name, handler: context.getHandler()?.name };
      }
    } catch {
      /* never deny because of the tracker */
    }
    return true;
  }
}
