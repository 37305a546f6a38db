import { Body, Controller, Get, Headers, Logger, Module, NotFoundException, Post, Query, type DynamicModule, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { ActiveTrackerModule, tagCurrent, type ActiveTrackerModuleOptions } from '@active-tracker/nestjs';

/** An error of the app's own (a 500). */
export class ItemsExploded extends Error {}

@Controller('items')
class ItemsController {
  private readonly logger = new Logger('Items');

  @Get()
  list(@Headers('x-tenant') tenant?: string) {
    if (tenant) tagCurrent({ tenant, plan: tenant === 'acme' ? 'pro' : 'free' });
    this.logger.log('listing items');
    return [{ id: 1 }];
  }

  @Post()
  create(@Body() body: unknown) {
    this.logger.warn('item created without a check');
    return { created: body };
  }

  @Get('fail')
  fail() {
    throw new ItemsExploded('items exploded');
  }

  @Get('missing')
  missing() {
    throw new NotFoundException('no such item');
  }

  /** Waits `ms` milliseconds: a slow route. */
  @Get('wait')
  async wait(@Query('ms') ms = '0') {
    await new Promise((resolve) => setTimeout(resolve, Number(ms)));
    return { waited: Number(ms) };
  }

  /** An HTML response the tracker must never change (and never give its own headers). */
  @Get('page')
  page() {
    return '<p>host page</p>';
  }
}

export interface LiveAppOptions {
  tracker: ActiveTrackerModuleOptions | false;
  globalPrefix?: string;
}

/**
 * A small host app for the live dashboard's e2e tests: a list (tags by tenant, a log line), a
 * create (a warn line), a 500, a 404, a slow route. Listening on a free port of 127.0.0.1, so
 * streams are read by a real HTTP client.
 */
export async function createLiveApp(options: LiveAppOptions): Promise<{ app: INestApplication; url: string }> {
  const imports: DynamicModule[] = options.tracker === false ? [] : [ActiveTrackerModule.forRoot(options.tracker)];
  @Module({ imports, controllers: [ItemsController] })
  class LiveAppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [LiveAppModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  if (options.globalPrefix) app.setGlobalPrefix(options.globalPrefix);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}
