import { jest } from '@jest/globals';
import http from 'node:http';
import request from 'supertest';
import {
  CanActivate,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Injectable,
  Module,
  Post,
  UseGuards,
  type INestApplication,
  type LoggerService,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  ActiveTracker,
  ActiveTrackerModule,
  notifications,
  requests,
  type ActiveTrackerModuleOptions,
  type Entry,
  type EntryFamily,
} from '@active-tracker/nestjs';
import { Deprecated, DeprecatedHandlers, deprecations, DEPRECATIONS_ICON, type DeprecationReport } from '@active-tracker/plugin-deprecations';

const API = '/activetracker/api';

class NeverGuard implements CanActivate {
  canActivate(): boolean {
    throw new ForbiddenException('no access');
  }
}

@Injectable()
class PricingService {
  /** App code reporting a deprecated code path, ActiveSupport::Notifications style. */
  flatPrice(): number {
    notifications.instrument('deprecation.pricing', { feature: 'flat pricing', since: '3.0', replacement: 'PricingService.tiered' });
    return 10;
  }
}

@Controller('users')
class UsersController {
  constructor(private readonly pricing: PricingService) {}

  @Get()
  list(): string[] {
    return ['ada', 'grace'];
  }

  @Get('legacy')
  @Deprecated({ since: '2.0', replacement: 'GET /users', sunset: '2999-12-31' })
  legacy(): string[] {
    return ['ada', 'grace'];
  }

  @Get('ancient')
  @Deprecated({ since: '1.0', replacement: 'GET /users', sunset: '2020-06-30' })
  ancient(): string[] {
    return ['ada'];
  }

  @Get('locked')
  @UseGuards(NeverGuard)
  @Deprecated({ since: '2.1' })
  locked(): string {
    return 'never';
  }

  @Get('slow')
  @Deprecated({ since: '2.2' })
  async slow(): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return 'late';
  }

  @Get('price')
  price(): { price: number } {
    return { price: this.pricing.flatPrice() };
  }
}

/** Every handler of a controller deprecated at once. */
@Controller('v1')
@Deprecated({ since: '1.9', replacement: 'the /v2 API' })
class V1Controller {
  @Get('status')
  status(): { ok: boolean } {
    return { ok: true };
  }

  @Post('ping')
  @HttpCode(202)
  ping(): { pong: boolean } {
    return { pong: true };
  }
}

@Controller('health')
class HealthController {
  @Get()
  check(): { ok: boolean } {
    return { ok: true };
  }
}

class WarningLogger implements LoggerService {
  warnings: string[] = [];
  log(): void {}
  error(): void {}
  warn(message: unknown): void {
    this.warnings.push(String(message));
  }
}

async function createApp(
  tracker: ActiveTrackerModuleOptions | false,
  controllers: Function[] = [UsersController, V1Controller, HealthController],
  logger: LoggerService | false = false,
): Promise<INestApplication> {
  @Module({
    imports: tracker === false ? [] : [ActiveTrackerModule.forRoot(tracker)],
    controllers: controllers as never[],
    providers: [PricingService],
  })
  class DeprecationsAppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [DeprecationsAppModule] }).compile();
  const app = moduleRef.createNestApplication({ logger });
  await app.init();
  return app;
}

describe('deprecations plugin end to end (memory store)', () => {
  let app: INestApplication;
  afterEach(async () => {
    jest.restoreAllMocks();
    await app?.close();
  });

  const get = (path: string) => request(app.getHttpServer()).get(path);
  async function api<T = any>(path: string, query: Record<string, string | number> = {}): Promise<T> {
    await app.get(ActiveTracker).flush();
    return (await get(`${API}/${path}`).query(query).expect(200)).body as T;
  }
  const deprecationEntries = async (query: Record<string, string> = {}): Promise<Entry[]> =>
    (await api<{ data: Entry[] }>('entries', { type: 'deprecation', limit: 200, ...query })).data;

  it('records every use of a decorated endpoint, linked to its request, and counts it by endpoint family', async () => {
    app = await createApp({ plugins: [requests(), deprecations({ clientHeader: 'x-api-client' })] });
    await get('/users/legacy').set('User-Agent', 'legacy-sdk/1.2').set('X-Api-Client', 'mobile').expect(200);
    await get('/users/legacy').set('User-Agent', 'legacy-sdk/1.3').expect(200);
    await get('/v1/status').expect(200);
    await request(app.getHttpServer()).post('/v1/ping').expect(202);
    await get('/users/locked').expect(403); // a guard's answer is a use too

    const uses = await deprecationEntries();
    expect(uses.map((e) => e.content.subject).sort()).toEqual([
      'GET /users/legacy',
      'GET /users/legacy',
      'GET /users/locked',
      'GET /v1/status',
      'POST /v1/ping',
    ]);
    const [latest] = uses.filter((e) => e.content.subject === 'GET /users/legacy');
    expect(latest.content).toMatchObject({
      kind: 'endpoint',
      method: 'GET',
      route: '/users/legacy',
      path: '/users/legacy',
      controller: 'UsersController',
      handler: 'legacy',
      since: '2.0',
      replacement: 'GET /users',
      sunset: '2999-12-31T00:00:00.000Z',
      pastSunset: false,
      status: 200,
      userAgent: 'legacy-sdk/1.3',
    });
    const first = uses.find((e) => e.content.userAgent === 'legacy-sdk/1.2')!;
    expect(first.content.client).toBe('mobile');
    expect(first.tags).toMatchObject({ deprecation: 'endpoint', client: 'mobile' });
    expect(uses.find((e) => e.content.subject === 'GET /users/locked')!.content).toMatchObject({ status: 403, since: '2.1' });
    expect(uses.find((e) => e.content.subject === 'POST /v1/ping')!.content).toMatchObject({
      status: 202,
      since: '1.9',
      replacement: 'the /v2 API',
      controller: 'V1Controller',
    });

    // linked to the request batch: the entry's batch holds the request entry of that call
    const detail = await api<{ data: Entry; batch: Entry[] }>(`entries/${first.id}`);
    expect(detail.batch.map((e) => e.type).sort()).toEqual(['deprecation', 'request']);
    expect(detail.batch.find((e) => e.type === 'request')!.content).toMatchObject({ path: '/users/legacy', controller: 'UsersController', handler: 'legacy' });

    // latest-one-counted: one family per endpoint with its count, first and last seen
    const families = (await api<{ data: EntryFamily[] }>('families', { type: 'deprecation' })).data;
    const legacy = families.find((f) => f.familyHash === 'deprecation:GET /users/legacy')!;
    expect(legacy).toMatchObject({ count: 2, lastEntryId: latest.id, approximate: false });
    expect(legacy.firstSeen <= legacy.lastSeen).toBe(true);
    expect(legacy.summary).toMatchObject({ subject: 'GET /users/legacy', since: '2.0', sunset: '2999-12-31T00:00:00.000Z', userAgent: 'legacy-sdk/1.3' });
    const familyUses = await deprecationEntries({ family: 'deprecation:GET /users/legacy' });
    expect(familyUses.map((e) => e.content.userAgent)).toEqual(['legacy-sdk/1.3', 'legacy-sdk/1.2']);
  });

  it('links the use to its request also when the client went away before the answer', async () => {
    app = await createApp({ plugins: [requests(), deprecations()] });
    await app.listen(0);
    const { port } = app.getHttpServer().address() as { port: number };
    const aborted = http.get(`http://127.0.0.1:${port}/users/slow`);
    aborted.on('error', () => undefined);
    setTimeout(() => aborted.destroy(), 50);
    let uses: Entry[] = [];
    for (const deadline = Date.now() + 3000; uses.length === 0 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      uses = await deprecationEntries();
    }
    expect(uses.map((e) => e.content.subject)).toEqual(['GET /users/slow']);
    const detail = await api<{ data: Entry; batch: Entry[] }>(`entries/${uses[0].id}`);
    const req = detail.batch.find((e) => e.type === 'request')!;
    expect(req.content).toMatchObject({ path: '/users/slow', aborted: true });
    expect(uses[0].batchId).toBe(req.batchId);
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the handler finish before closing the app
  });

  it('records nothing for undecorated endpoints, which cost one Map miss (none when the app deprecates nothing)', async () => {
    const lookup = jest.spyOn(DeprecatedHandlers.prototype, 'lookup');
    app = await createApp({ plugins: [requests(), deprecations()] });
    await get('/users').expect(200);
    await get('/health').expect(200);
    await get('/nowhere').expect(404);
    expect(await deprecationEntries()).toEqual([]);
    expect((await api<{ data: Entry[] }>('entries', { type: 'request' })).data).toHaveLength(3);
    expect(lookup).toHaveBeenCalledTimes(3);
    for (const result of lookup.mock.results) expect(result.value).toBeUndefined();
    await app.close();

    // an app without any @Deprecated() handler: no batch hook at all
    lookup.mockClear();
    app = await createApp({ plugins: [requests(), deprecations()] }, [HealthController]);
    await get('/health').expect(200);
    expect(lookup).not.toHaveBeenCalled();
    expect(await deprecationEntries()).toEqual([]);
  });

  it('keeps every use under sampling when the app keeps the batches that have one', async () => {
    const keep = (_batch: unknown, drafts: readonly { draft: { type: string } }[]) => drafts.some((d) => d.draft.type === 'deprecation');
    app = await createApp({ plugins: [requests(), deprecations()], sampling: { rate: 0.000001, keepSlowerThanMs: null, keep } });
    for (let i = 0; i < 5; i++) {
      await get('/users/legacy').expect(200);
      await get('/users').expect(200);
    }
    const families = (await api<{ data: EntryFamily[] }>('families', { type: 'deprecation' })).data;
    expect(families.map((f) => [f.familyHash, f.count, f.approximate])).toEqual([['deprecation:GET /users/legacy', 5, false]]);
    // the other requests were sampled out (one in a million kept)
    const kept = (await api<{ data: Entry[] }>('entries', { type: 'request' })).data.map((e) => e.content.path);
    expect(kept.filter((path) => path === '/users/legacy')).toHaveLength(5);
    expect(kept.filter((path) => path === '/users').length).toBeLessThan(5);
  });

  it('records deprecation.* notifications of app code latest-one-counted, linked to the request that raised them', async () => {
    app = await createApp({ plugins: [requests(), deprecations()] });
    await get('/users/price').expect(200, { price: 10 });
    await get('/users/price').expect(200, { price: 10 });
    // Latest one, counted: only the newest notice of the family is kept, the family counts both.
    const notices = await deprecationEntries({ tag: 'deprecation:notice' });
    expect(notices).toHaveLength(1);
    expect(notices[0].familyHash).toBe('deprecation:deprecation.pricing:flat pricing');
    expect(notices[0].content).toMatchObject({
      kind: 'notice',
      subject: 'flat pricing',
      event: 'deprecation.pricing',
      origin: 'instrument',
      since: '3.0',
      replacement: 'PricingService.tiered',
    });
    const detail = await api<{ data: Entry; batch: Entry[] }>(`entries/${notices[0].id}`);
    expect(detail.batch.find((e) => e.type === 'request')!.content).toMatchObject({ path: '/users/price' });
    const family = (await api<{ data: EntryFamily[] }>('families', { type: 'deprecation' })).data;
    expect(family.map((f) => [f.familyHash, f.count])).toEqual([['deprecation:deprecation.pricing:flat pricing', 2]]);
  });

  it('answers GET api/deprecations/report per endpoint, and validates its query (400 on bad input)', async () => {
    app = await createApp({ plugins: [requests(), deprecations()] });
    await get('/users/legacy').expect(200);
    await get('/users/ancient').expect(200);
    await get('/users/legacy').expect(200);
    await get('/users').expect(200);

    const report = await api<DeprecationReport>('deprecations/report');
    expect(report.data.map((r) => [r.subject, r.count, r.pastSunset, r.sunset])).toEqual([
      ['GET /users/legacy', 2, false, '2999-12-31T00:00:00.000Z'],
      ['GET /users/ancient', 1, true, '2020-06-30T00:00:00.000Z'],
    ]);
    for (const row of report.data) {
      expect(Date.parse(row.firstSeen)).toBeLessThanOrEqual(Date.parse(row.lastSeen));
      expect(row).toMatchObject({ kind: 'endpoint', controller: 'UsersController', replacement: 'GET /users' });
    }
    expect(report.declared.map((d) => `${d.controller}.${d.handler}`).sort()).toEqual([
      'UsersController.ancient',
      'UsersController.legacy',
      'UsersController.locked',
      'UsersController.slow',
      'V1Controller.ping',
      'V1Controller.status',
    ]);
    expect((await api<DeprecationReport>('deprecations/report', { pastSunset: 'true' })).data.map((r) => r.subject)).toEqual(['GET /users/ancient']);
    expect((await api<DeprecationReport>('deprecations/report', { pastSunset: 'false', limit: 5 })).data.map((r) => r.subject)).toEqual(['GET /users/legacy']);
    expect((await api<DeprecationReport>('deprecations/report', { kind: 'notice' })).data).toEqual([]);

    const bad = async (query: string, message: string) => {
      const res = await get(`${API}/deprecations/report?${query}`).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toContain(message);
    };
    await bad('pastSunset=maybe', 'pastSunset must be true or false');
    await bad('limit=0', 'limit must be at least 1');
    await bad('limit=abc', 'limit must be an integer');
    await bad('kind=route', 'kind must be endpoint or notice');
    await bad('pastSunset=true&pastSunset=false', 'pastSunset must be given once');
    await bad('since=2.0', 'property since should not exist');
    await request(app.getHttpServer()).post(`${API}/deprecations/report`).expect(405);
  });

  it('flags uses after a sunset as bad news in the statistics', async () => {
    app = await createApp({ plugins: [requests(), deprecations()] });
    const stats = async () => {
      await app.get(ActiveTracker).flush();
      const rows = (await get(`${API}/stats`).expect(200)).body.data as Array<{ plugin: string; label: string; value: number; error?: boolean }>;
      return rows.filter((r) => r.plugin === 'deprecations');
    };
    await get('/users/legacy').expect(200);
    expect(await stats()).toEqual([
      { plugin: 'deprecations', label: 'Deprecated calls', value: 1 },
      { plugin: 'deprecations', label: 'Used after sunset (24 h)', value: 0 },
    ]);
    await get('/users/ancient').expect(200);
    expect(await stats()).toEqual([
      { plugin: 'deprecations', label: 'Deprecated calls', value: 2 },
      { plugin: 'deprecations', label: 'Used after sunset (24 h)', value: 1, error: true },
    ]);
    expect((await deprecationEntries({ tag: 'pastSunset:true' })).map((e) => e.content.subject)).toEqual(['GET /users/ancient']);
  });

  it('is listed by GET api/meta with its view, icon and route', async () => {
    app = await createApp({ plugins: [requests(), deprecations()] });
    const meta = await api<{ data: { plugins: Array<Record<string, any>> } }>('meta');
    const plugin = meta.data.plugins.find((p) => p.name === 'deprecations')!;
    expect(plugin).toMatchObject({
      name: 'deprecations',
      entryType: 'deprecation',
      title: 'Deprecations',
      path: 'deprecations',
      icon: DEPRECATIONS_ICON,
      routes: [{ method: 'GET', path: 'deprecations/report' }],
    });
    expect(plugin.icon).toContain('currentColor');
    expect(plugin.view.list).toMatchObject({ families: true });
    expect(plugin.view.list.columns[0]).toEqual({ field: 'content.subject', label: 'Deprecated', format: 'code' });
    expect(plugin.view.detail.sections.map((s: { kind: string; relation?: string }) => s.relation ?? s.kind)).toEqual([
      'fields',
      'fields',
      'fields',
      'batch',
      'family',
    ]);
  });

  it('boots with a warning, not a crash, when an optional provider resolved through host.resolve is missing', async () => {
    const logger = new WarningLogger();
    app = await createApp({ plugins: [requests(), deprecations({ clientResolver: 'API_CLIENTS', clientHeader: 'x-api-client' })] }, undefined, logger);
    expect(logger.warnings.filter((w) => w.includes('API_CLIENTS'))).toEqual([
      'plugin "deprecations": the app provides no provider "API_CLIENTS"; that capture is off',
    ]);
    await get('/users/legacy').set('X-Api-Client', 'web').expect(200);
    const [use] = await deprecationEntries();
    expect(use.content).toMatchObject({ subject: 'GET /users/legacy', client: 'web' });
  });

  it('lists bad plugin options at boot', async () => {
    await expect(createApp({ plugins: [deprecations({ alarmWindowHours: 0, clientHeader: '' })] })).rejects.toThrow(
      /plugin "deprecations": "clientHeader" must be an HTTP header name[\s\S]*plugin "deprecations": "alarmWindowHours" must be an integer from 1 to 720/,
    );
  });

  it('leaves @Deprecated() endpoints alone without the plugin, and without the tracker', async () => {
    app = await createApp({ plugins: [requests()] });
    await get('/users/legacy').expect(200, ['ada', 'grace']);
    expect(await deprecationEntries()).toEqual([]);
    await app.close();

    app = await createApp(false);
    await get('/users/legacy').expect(200, ['ada', 'grace']);
    await get('/v1/status').expect(200, { ok: true });
    await get('/users/price').expect(200, { price: 10 });
  });
});
