import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { currentContext, runInContext, TrackerContext } from '../context/request-context.js';
import { RouteCaptureGuard } from './route-capture.guard.js';

class UsersController {
  list() {}
}

describe('RouteCaptureGuard (fallback when the route hook is unavailable)', () => {
  it('stamps controller and handler on the request context and always allows', () => {
    const host = new ExecutionContextHost([{}, {}, () => undefined], UsersController, UsersController.prototype.list);
    host.setType('http');
    const ctx = new TrackerContext('t');
    const allowed = runInContext(ctx, () => new RouteCaptureGuard().canActivate(host));
    expect(allowed).toBe(true);
    expect(ctx.route).toEqual({ controller: 'UsersController', handler: 'list' });
  });

  it('allows outside a request context and when the context cannot be read', () => {
    expect(currentContext()).toBeUndefined();
    expect(new RouteCaptureGuard().canActivate({ getType: () => { throw new Error('x'); } } as any)).toBe(true);
  });
});
