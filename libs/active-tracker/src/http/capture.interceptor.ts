import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { currentContext } from '../context/request-context.js';

/**
 * Notes which controller and handler served the request (the middleware cannot know). It does
 * nothing else: it never touches the response stream or errors (those reach the exception hook).
 */
@Injectable()
export class CaptureInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const ctx = currentContext();
    if (ctx && context.getType() === 'http') {
      ctx.route = { controller: context.getClass()?.name, handler: context.getHandler()?.name };
    }
    return next.handle();
  }
}
