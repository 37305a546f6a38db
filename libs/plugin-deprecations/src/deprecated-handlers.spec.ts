import 'reflect-metadata';
import { Controller, Get } from '@nestjs/common';
import { Deprecated } from './deprecated.decorator.js';
import { DeprecatedHandlers } from './deprecated-handlers.js';

@Controller('users')
class UsersController {
  @Get()
  list(): string[] {
    return [];
  }

  @Get('legacy')
  @Deprecated({ since: '2.0', replacement: 'GET /users' })
  legacy(): string[] {
    return [];
  }
}

@Controller('v1')
@Deprecated({ since: '1.9', sunset: '2020-01-01' })
class V1Controller {
  @Get('a')
  a(): string {
    return 'a';
  }

  @Get('b')
  @Deprecated({ since: '1.5' })
  b(): string {
    return 'b';
  }
}

/** Inherits a deprecated handler. */
@Controller('v1-admin')
class V1AdminController extends V1Controller {
  @Get('c')
  c(): string {
    return 'c';
  }
}

@Controller('health')
class HealthController {
  @Get()
  check(): string {
    return 'ok';
  }
}

describe('DeprecatedHandlers', () => {
  it('finds deprecated handlers once, the method declaration overriding the controller one', () => {
    const index = DeprecatedHandlers.scan([UsersController, V1Controller, V1AdminController, HealthController]);
    expect(index.lookup('UsersController', 'legacy')).toMatchObject({ since: '2.0', replacement: 'GET /users' });
    expect(index.lookup('UsersController', 'list')).toBeUndefined();
    expect(index.lookup('V1Controller', 'a')).toMatchObject({ since: '1.9', sunset: '2020-01-01T00:00:00.000Z' });
    expect(index.lookup('V1Controller', 'b')).toMatchObject({ since: '1.5', sunset: null });
    // inherited handlers and the subclass's own (the class declaration is inherited too)
    expect(index.lookup('V1AdminController', 'b')).toMatchObject({ since: '1.5' });
    expect(index.lookup('V1AdminController', 'c')).toMatchObject({ since: '1.9' });
    expect(index.lookup('HealthController', 'check')).toBeUndefined();
    expect(index.lookup(undefined, 'legacy')).toBeUndefined();
    expect(index.lookup('UsersController', undefined)).toBeUndefined();
    expect(index.size).toBe(6);
    expect(
      index
        .list()
        .map((h) => `${h.controller}.${h.handler}`)
        .sort(),
    ).toEqual(['UsersController.legacy', 'V1AdminController.a', 'V1AdminController.b', 'V1AdminController.c', 'V1Controller.a', 'V1Controller.b']);
    expect(index.ambiguous).toEqual([]);
  });

  it('notes controller names shared by several classes when one has deprecated handlers', () => {
    const Other = (() => {
      @Controller('other')
      class UsersController {
        @Get()
        list(): string[] {
          return [];
        }
      }
      return UsersController;
    })();
    const index = DeprecatedHandlers.scan([UsersController, Other, HealthController, HealthController]);
    expect(index.ambiguous).toEqual(['UsersController']);
  });

  it('costs a Map miss for a controller without deprecated handlers', () => {
    const index = DeprecatedHandlers.scan([UsersController, V1Controller, HealthController]);
    const rounds = 1_000_000;
    let found = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) if (index.lookup('HealthController', 'check')) found++;
    const nsPerLookup = Number(process.hrtime.bigint() - t0) / rounds;
    expect(found).toBe(0);
    // Generous bound (a few ns on a laptop): this guards against an accidental scan per request.
    expect(nsPerLookup).toBeLessThan(1000);
  });
});
