import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { ActiveTrackerOptionsError, defaultPlugins, type ActiveTrackerModuleOptions } from '@active-tracker/nestjs';
import { startRedisServer, type RedisServer } from '../libs/active-tracker/test/support/redis-server.js';
import { createScenarioApp, ScenarioError, type ScenarioOptions } from './support/scenario-app.js';
import { TrackerClient } from './support/tracker-client.js';

let redis: RedisServer;
let prefixCounter = 0;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => redis?.stop());

const stores: Array<[string, () => ActiveTrackerModuleOptions]> = [
  ['memory', () => ({})],
  ['redis', () => ({ redis: redis.url, keyPrefix: `spine${++prefixCounter}:` })],
];

describe.each(stores)('spine API on the %s store', (_name, storeOptions) => {
  let app: INestApplication;
  let client: TrackerClient;

  async function boot(opts: ScenarioOptions = {}, tracker: ActiveTrackerModuleOptions = {}) {
    // supertest's own requests are outbound HTTP of this very process: leave that plugin out here
    // (e2e/bus-plugins.e2e-spec.ts covers it) so these tests see only what the host app did.
    const plugins = tracker.plugins ?? defaultPlugins().filter((p) => p.name !== 'http-client');
    app = await createScenarioApp({ ...opts, tracker: { ...storeOptions(), plugins, ...tracker } });
    client = new TrackerClient(app, `${opts.globalPrefix ? `/${opts.globalPrefix}` : ''}/${tracker.mountpoint ?? 'activetracker'}/api`);
    return app.getHttpServer();
  }

  afterEach(async () => {
    await app?.close();
  });

  it('captures a request with its route, controller, handler, tags, user, log lines and query', async () => {
    const server = await boot();
    await request(server).get('/things?q=hello').set('x-api-key', 'k-123').set('authorization', 'Bearer s3cr3t').expect(200);
    const entry = await client.request('/things');
    expect(entry.type).toBe('request');
    expect(entry.batchId).toMatch(/^[0-9A-Z]{26}$/);
    expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    const c = entry.content as any;
    expect(c).toMatchObject({ method: 'GET', url: '/things?q=hello', routePattern: '/things', controller: 'ThingsController', handler: 'list', status: 200 });
    expect(c.query).toEqual({ q: 'hello' });
    expect(c.responseBody).toEqual([{ id: 1, name: 'one' }]);
    expect(c.requestHeaders.authorization).toBe('[REDACTED]');
    expect(c.requestHeaders['x-api-key']).toBe('[REDACTED]');
    expect(c.log.map((l: any) => l.message)).toContain('listing things q=hello');
    expect(c.log[0].context).toBe('Things');
    expect(entry.tags).toMatchObject({ user_name: 'Test McPerson', user_email: 'test@example.com', plan: 'pro' });
    expect(c.user).toEqual({ name: 'Test McPerson', email: 'test@example.com' });
    // The per-request heap delta was noise from concurrent requests: it is no longer recorded.
    expect(c).not.toHaveProperty('memoryDeltaBytes');
    expect(c.ip).toBeTruthy();
  });

  it('redacts redactCurrent values and sensitive fields everywhere in the request', async () => {
    const server = await boot();
    const res = await request(server).post('/things/login').send({ user: 'ann', password: 'hunter22' }).expect(201);
    expect(res.body.echoed).toBe('hunter22'); // the host's response is untouched
    const entry = await client.request('/things/login');
    const json = JSON.stringify(entry);
    expect(json).not.toContain('hunter22');
    expect((entry.content as any).body.password).toBe('[REDACTED]');
    expect((entry.content as any).responseBody.echoed).toBe('[REDACTED]');
    expect((entry.content as any).responseBody.token).toBe('[REDACTED]');
    expect((entry.content as any).log.map((l: any) => l.message)).toContain('login ann with [REDACTED]');
  });

  it('records an unhandled exception with class, message, frames, app location and the request batch', async () => {
    const server = await boot();
    await request(server).get('/things/boom').expect(500);
    const req = await client.request('/things/boom');
    const { data, batch } = await client.entry(req.id);
    expect(data.id).toBe(req.id);
    const exception = batch.find((e) => e.type === 'exception')!;
    expect(exception).toBeDefined();
    expect(exception.batchId).toBe(req.batchId);
    const c = exception.content as any;
    expect(c).toMatchObject({ class: ScenarioError.name, message: 'scenario exploded', status: 500, origin: 'http' });
    expect(c.location.file).toMatch(/e2e\/support\/scenario-app\.ts$/);
    expect(c.frames.length).toBeGreaterThan(1);
    expect(c.frames[0].app).toBe(true);
    expect(c.frames.some((f: any) => !f.app && /node_modules/.test(f.file))).toBe(true);
    expect(exception.familyHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('records errors from every stage of the Nest pipeline: middleware, guards, pipes, interceptors', async () => {
    const server = await boot();
    for (const stage of ['middleware', 'guard', 'pipe', 'interceptor']) {
      const res = await request(server).get(`/things/stage/${stage}`);
      expect([stage, res.status]).toEqual([stage, 500]);
    }
    const exceptions = (await client.entries({ type: 'exception' })).data;
    const byClass = Object.fromEntries(exceptions.map((e) => [e.content.class, e]));
    for (const [cls, stage] of [
      ['MiddlewareFailure', 'middleware'],
      ['GuardFailure', 'guard'],
      ['PipeFailure', 'pipe'],
      ['InterceptorFailure', 'interceptor'],
    ]) {
      const e = byClass[cls];
      expect([cls, e?.content.message]).toEqual([cls, `${stage} exploded`]);
      const req = await client.request(`/things/stage/${stage}`);
      expect([cls, e.batchId]).toEqual([cls, req.batchId]);
      expect((e.content.location as any).file).toMatch(/scenario-app\.ts$/);
    }
  });

  it('groups exceptions by family with count, first seen and last seen', async () => {
    const server = await boot();
    await request(server).get('/things/boom').expect(500);
    await client.flush();
    await request(server).get('/things/boom').expect(500);
    await request(server).get('/things/boom').expect(500);
    await client.flush();
    const res = await request(server).get(`${client.base}/exceptions/families`).expect(200);
    expect(res.body.data).toHaveLength(1);
    const family = res.body.data[0];
    expect(family).toMatchObject({ class: 'ScenarioError', message: 'scenario exploded', count: 3 });
    expect(family.location).toMatch(/scenario-app\.ts:\d+$/);
    expect(Date.parse(family.lastSeen)).toBeGreaterThan(Date.parse(family.firstSeen));
    const occurrences = await client.entries({ type: 'exception', family: family.familyHash });
    expect(occurrences.data).toHaveLength(3);
  });

  it('skips 4xx HttpExceptions as exceptions but keeps their requests', async () => {
    const server = await boot();
    await request(server).get('/things/bad').expect(400);
    const req = await client.request('/things/bad');
    expect((req.content as any).status).toBe(400);
    expect((await client.entries({ type: 'exception' })).data).toHaveLength(0);
  });

  it('captures requests that never reach a handler: unknown routes, guard rejections, body-parser errors', async () => {
    const server = await boot();
    await request(server).get('/nowhere/at/all').expect(404);
    await request(server).get('/things/guarded').expect(403);
    await request(server).post('/things/login').set('content-type', 'application/json').send('{not json').expect(400);
    expect((await client.request('/nowhere/at/all')).content).toMatchObject({ status: 404, routePattern: null, controller: null, handler: null });
    const guarded = await client.request('/things/guarded');
    expect(guarded.content).toMatchObject({ status: 403, controller: 'ThingsController', handler: 'guarded', routePattern: '/things/guarded' });
    expect((await client.request('/things/login')).content.status).toBe(400);
  });

  it('never captures its own routes', async () => {
    const server = await boot();
    await request(server).get(`${client.base}/entries`).expect(200);
    await request(server)
      .get('/activetracker/')
      .expect((r) => expect([200, 503]).toContain(r.status));
    const page = await client.entries({ type: 'request' });
    expect(page.data.filter((e) => String(e.content.path).includes('activetracker'))).toHaveLength(0);
  });

  it('applies request filters (string prefix, RegExp on the whole path) and exception filters', async () => {
    const { requests, exceptions } = await import('@active-tracker/nestjs');
    const server = await boot({}, { plugins: [requests({ filters: ['/things/guarded', /login$/] }), exceptions({ filters: ['ScenarioError'] })] });
    await request(server).get('/things/guarded').expect(403);
    await request(server).post('/things/login').send({ user: 'a', password: 'abcd' }).expect(201);
    await request(server).get('/things/boom').expect(500);
    await request(server).get('/things').expect(200);
    const paths = (await client.entries({ type: 'request' })).data.map((e) => e.content.path);
    expect([...paths].sort()).toEqual(['/things', '/things/boom']);
    expect(paths).not.toContain('/things/guarded');
    expect(paths).not.toContain('/things/login');
    expect((await client.entries({ type: 'exception' })).data).toHaveLength(0);
  });

  it('caps large bodies and marks them truncated', async () => {
    const server = await boot({}, { plugins: [(await import('@active-tracker/nestjs')).requests({ maxBodyBytes: 1024 })] });
    const big = { text: 'x'.repeat(5000) };
    const res = await request(server).post('/things/echo').send(big).expect(201);
    expect(res.body.text).toHaveLength(5000);
    const entry = await client.request('/things/echo');
    const c = entry.content as any;
    expect(c.bodyTruncated).toBe(true);
    expect(c.responseBodyTruncated).toBe(true);
    expect(String(c.body).length).toBeLessThanOrEqual(1024);
    expect(c.responseSize).toBe(Buffer.byteLength(JSON.stringify(big)));
  });

  it('pages newest first with a cursor and filters by type, tag, batch and text', async () => {
    const server = await boot({}, { perPage: 3 });
    for (let i = 0; i < 7; i++) await request(server).get(`/things?q=n${i}`).expect(200);
    await request(server).get('/things/boom').expect(500);
    const seen: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const page: { data: any[]; next: string | null } = await client.entries({ type: 'request', ...(next ? { before: next } : {}) });
      expect(page.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.data.map((e) => e.id));
      next = page.next;
      pages++;
    } while (next && pages < 10);
    expect(seen).toHaveLength(8);
    expect([...seen].sort().reverse()).toEqual(seen);
    expect(new Set(seen).size).toBe(8);
    const tagged = await client.entries({ tag: 'plan:pro', limit: 50 });
    expect(tagged.data).toHaveLength(7);
    const text = await client.entries({ type: 'request', q: 'q=n3' });
    expect(text.data.map((e) => e.content.url)).toEqual(['/things?q=n3']);
    const boom = await client.request('/things/boom');
    const batch = await client.entries({ batch: boom.batchId! });
    // Nest's ExceptionsHandler logs the error: that log line belongs to the batch too.
    expect(batch.data.map((e) => e.type).sort()).toEqual(['exception', 'log', 'request']);
  });

  it('answers 400 with a message for bad query parameters, 404 for unknown ids and routes', async () => {
    const server = await boot();
    for (const query of ['limit=abc', 'limit=0', 'limit=5000', 'before=nope', 'batch=123', 'tag=novalue', 'type=a%20b', 'unknown=1', 'limit=1&limit=2']) {
      const res = await request(server).get(`${client.base}/entries?${query}`);
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.body.statusCode).toBe(400);
      expect(res.body.message).toBeTruthy();
    }
    expect((await request(server).get(`${client.base}/entries/not-a-ulid`)).status).toBe(400);
    expect((await request(server).get(`${client.base}/entries/01ARZ3NDEKTSV4RRFFQ69G5FAV`)).status).toBe(404);
    expect((await request(server).get(`${client.base}/nothing`)).status).toBe(404);
    expect((await request(server).post(`${client.base}/entries`)).status).toBe(405);
  });

  it('serves stats per plugin, meta for the sidebar, and clears everything', async () => {
    const server = await boot();
    await request(server).get('/things').expect(200);
    await request(server).get('/things/boom').expect(500);
    await client.flush();
    const stats = (await request(server).get(`${client.base}/stats`).expect(200)).body.data;
    expect(stats).toEqual(
      expect.arrayContaining([
        { plugin: 'requests', label: 'Requests', value: 2 },
        { plugin: 'exceptions', label: 'Exceptions', value: 1, error: true },
      ]),
    );
    const meta = (await request(server).get(`${client.base}/meta`).expect(200)).body.data;
    expect(meta.perPage).toBe(50);
    expect(meta.plugins.map((p: any) => p.name)).toEqual(expect.arrayContaining(['requests', 'exceptions']));
    await request(server).delete(`${client.base}/entries`).expect(200);
    expect((await client.entries()).data).toHaveLength(0);
    expect((await request(server).get(`${client.base}/exceptions/families`).expect(200)).body.data).toHaveLength(0);
  });

  it('works under a global prefix, URI versioning, a strict global ValidationPipe and a reshaping interceptor', async () => {
    const server = await boot({ globalPrefix: 'api', versioning: true, hostPipeline: true });
    expect((await request(server).get('/api/v1/things').expect(200)).body).toEqual({ wrapped: [{ id: 1, name: 'one' }] });
    const page = await client.entries({ type: 'request', limit: 5 });
    expect(page.data[0].content.path).toBe('/api/v1/things');
    expect((await request(server).get(`${client.base}/entries?limit=nope`)).status).toBe(400);
    const index = await request(server).get('/api/activetracker/requests/01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(index.text).toContain('<base href="/api/activetracker/">');
    expect((await client.entries({ type: 'request' })).data.some((e) => String(e.content.path).includes('activetracker'))).toBe(false);
  });

  it('supports forRootAsync and a custom mountpoint', async () => {
    const base = storeOptions();
    app = await createScenarioApp({ trackerAsync: async () => ({ ...base, mountpoint: 'admin/tracker' }) });
    client = new TrackerClient(app, '/admin/tracker/api');
    await request(app.getHttpServer()).get('/things').expect(200);
    expect((await client.entries({ type: 'request' })).data).toHaveLength(1);
    expect((await request(app.getHttpServer()).get('/activetracker/api/entries')).status).toBe(404);
  });
});

describe('host safety and access', () => {
  let apps: INestApplication[] = [];
  afterEach(async () => {
    await Promise.all(apps.map((a) => a.close()));
    apps = [];
    delete process.env.NODE_ENV_OVERRIDE;
  });

  async function make(opts: ScenarioOptions) {
    const app = await createScenarioApp(opts);
    apps.push(app);
    return app.getHttpServer();
  }

  it('leaves responses byte-identical with and without the module, also with a host global filter', async () => {
    for (const hostFilter of [false, true]) {
      const bare = await make({ tracker: false, hostFilter });
      const tracked = await make({ tracker: {}, hostFilter });
      const calls: Array<[string, string, unknown?]> = [
        ['get', '/things?q=1'],
        ['get', '/things/boom'],
        ['get', '/things/bad'],
        ['get', '/nowhere'],
        ['get', '/things/guarded'],
        ['post', '/things/login', { user: 'a', password: 'abcdef' }],
        ['post', '/things/login', { user: 'a' }],
      ];
      for (const [method, path, body] of calls) {
        const send = (server: any) => {
          const r = (request(server) as any)[method](path);
          return body ? r.send(body) : r;
        };
        const [a, b] = [await send(bare), await send(tracked)];
        const strip = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== 'date'));
        expect([path, b.status, strip(b.headers), b.text]).toEqual([path, a.status, strip(a.headers), a.text]);
      }
    }
  });

  it('protects the dashboard and API with HTTP Basic credentials', async () => {
    const server = await make({ tracker: { authentication: 'admin:pa:ss' } });
    const denied = await request(server).get('/activetracker/api/entries');
    expect(denied.status).toBe(401);
    expect(denied.headers['www-authenticate']).toMatch(/^Basic realm="ActiveTracker"/);
    expect((await request(server).get('/activetracker/api/entries').auth('admin', 'wrong')).status).toBe(401);
    expect((await request(server).get('/activetracker/api/entries').auth('admin', 'pa:ss')).status).toBe(200);
  });

  it('answers 404 when the authorize predicate refuses (sync, async or throwing)', async () => {
    const server = await make({ tracker: { authorize: async (req: any) => req.headers['x-staff'] === 'yes' } });
    const hidden = await request(server).get('/activetracker/api/entries');
    expect(hidden.status).toBe(404);
    expect((await request(server).get('/activetracker/').set('x-staff', 'no')).status).toBe(404);
    expect((await request(server).get('/activetracker/api/entries').set('x-staff', 'yes')).status).toBe(200);
    const throwing = await make({
      tracker: {
        authorize: () => {
          throw new Error('x');
        },
      },
    });
    expect((await request(throwing).get('/activetracker/api/entries')).status).toBe(404);
  });

  it('hides the dashboard in production without credentials, warns once, and still captures', async () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    const warn = jestSpyOnWarn();
    try {
      const app = await createScenarioApp({ tracker: {} });
      apps.push(app);
      const server = app.getHttpServer();
      expect((await request(server).get('/activetracker/api/entries')).status).toBe(404);
      expect((await request(server).get('/activetracker/')).status).toBe(404);
      await request(server).get('/things').expect(200);
      const { EntryRepository } = await import('@active-tracker/nestjs');
      const { ActiveTracker } = await import('@active-tracker/nestjs');
      await app.get(ActiveTracker).flush();
      expect(await app.get<any>(EntryRepository).count('request')).toBe(1);
      expect(warn.calls.filter((m) => /NODE_ENV=production/.test(m))).toHaveLength(1);
    } finally {
      warn.restore();
      process.env.NODE_ENV = previous;
    }
  });

  it('does nothing when disabled: no capture, no routes', async () => {
    const app = await createScenarioApp({ tracker: { enabled: false } });
    apps.push(app);
    const server = app.getHttpServer();
    await request(server).get('/things').expect(200);
    expect((await request(server).get('/activetracker/api/entries')).status).toBe(404);
    const { EntryRepository, ActiveTracker } = await import('@active-tracker/nestjs');
    await app.get(ActiveTracker).flush();
    expect(await app.get<any>(EntryRepository).count('request')).toBe(0);
  });

  it('uses an ioredis instance it is given and leaves its lifecycle to the host', async () => {
    const { Redis } = await import('ioredis');
    const client = new Redis(redis.url);
    try {
      const app = await createScenarioApp({ tracker: { redis: client, keyPrefix: 'given:' } });
      await request(app.getHttpServer()).get('/things').expect(200);
      const { ActiveTracker, EntryRepository } = await import('@active-tracker/nestjs');
      await app.get(ActiveTracker).flush();
      expect(await app.get<any>(EntryRepository).count('request')).toBe(1);
      // Written through the given client, under the given prefix (the server is shared by other specs).
      expect((await client.keys('given:*')).length).toBeGreaterThan(0);
      await app.close();
      expect(client.status).toBe('ready'); // not quit by the tracker
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
    }
  });

  it('fails at boot with one error listing every invalid option', async () => {
    const error = await createScenarioApp({
      tracker: { mountpoint: '', perPage: -1, redis: 'http://nope', authentication: 'nocolon', retention: { maxAgeMs: 0 }, bogus: 1 } as any,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ActiveTrackerOptionsError);
    for (const option of ['mountpoint', 'perPage', 'redis', 'authentication', 'retention.maxAgeMs', 'bogus']) expect(error.message).toContain(`"${option}"`);
  });
});

function jestSpyOnWarn() {
  const calls: string[] = [];
  const original = Logger.prototype.warn;
  Logger.prototype.warn = function (this: Logger, message: any, ...rest: any[]) {
    calls.push(String(message));
    return (original as any).call(this, message, ...rest);
  };
  return {
    calls,
    restore: () => {
      Logger.prototype.warn = original;
    },
  };
}
