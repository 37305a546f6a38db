import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import { events, exceptions, httpClient, logs, requests, type ActiveTrackerModuleOptions } from '@active-tracker/nestjs';
import { startOutboundServer, type OutboundServer } from '../libs/active-tracker/test/support/outbound-server.js';
import { createDemoApp } from '../apps/demo/src/demo-app.factory.js';
import { startRedisServer, type RedisServer } from '../libs/active-tracker/test/support/redis-server.js';
import { TrackerClient } from './support/tracker-client.js';

let redis: RedisServer;
let payments: OutboundServer;
beforeAll(async () => {
  redis = await startRedisServer();
  payments = await startOutboundServer();
});
afterAll(async () => {
  await redis?.stop();
  await payments?.stop();
});

describe.each<[string, () => ActiveTrackerModuleOptions]>([
  ['memory', () => ({})],
  ['redis', () => ({ redis: redis.url, keyPrefix: 'demo-e2e:' })],
])('the demo app with the tracker on the %s store', (_store, options) => {
  let app: INestApplication;
  let client: TrackerClient;

  beforeAll(async () => {
    const plugins = [requests(), exceptions(), logs(), events({ recordNotify: true }), httpClient()];
    app = await createDemoApp({ tracker: { ...options(), plugins }, logger: false, paymentsUrl: `${payments.url}/echo` });
    client = new TrackerClient(app);
    await request(app.getHttpServer()).delete('/activetracker/api/entries').expect(200);
  });
  afterAll(async () => app?.close());

  it('links a failing request to its exception and its log lines', async () => {
    const server = app.getHttpServer();
    await request(server).get('/boom').expect(500);
    const req = await client.request('/boom');
    const { batch } = await client.entry(req.id);
    const exception = batch.find((e) => e.type === 'exception')!;
    expect(exception.content.location).toMatchObject({ file: expect.stringMatching(/apps\/demo\/src\/diagnostics\/diagnostics\.service\.ts$/) });
    expect((req.content.log as any[]).some((l) => l.level === 'error')).toBe(true);
  });

  it('shows the user tagged by POST /users and hides the login password', async () => {
    const server = app.getHttpServer();
    await request(server).post('/users').send({ name: 'Ada Lovelace', email: 'ada@example.com' }).expect(201);
    await request(server).post('/auth/login').send({ email: 'ada@example.com', password: 'correct horse' }).expect(200);
    const created = await client.request('/users');
    expect(created.content.user).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com' });
    const tagged = await client.entries({ tag: 'user_email:ada@example.com' });
    expect(tagged.data.map((e) => e.id)).toContain(created.id);
    const login = await client.request('/auth/login');
    expect(JSON.stringify(login)).not.toContain('correct horse');
    expect((login.content.log as any[]).map((l) => l.message)).toContain('Login succeeded for ada@example.com');
  });

  it('records validation failures, guard rejections and slow requests as requests', async () => {
    const server = app.getHttpServer();
    await request(server).post('/users').send({ name: '', email: 'nope', extra: 1 }).expect(400);
    await request(server).get('/admin').expect(403);
    await request(server).get('/slow?ms=120').expect(200);
    const statuses = (await client.entries({ type: 'request', limit: 100 })).data.map((e) => `${e.content.method} ${e.content.path} ${e.content.status}`);
    expect(statuses).toEqual(expect.arrayContaining(['POST /users 400', 'GET /admin 403', 'GET /slow 200']));
    const slow = await client.request('/slow');
    expect(slow.durationMs).toBeGreaterThanOrEqual(110);
  });

  it('links the log lines, events and outbound payment call of POST /checkout to its request', async () => {
    const server = app.getHttpServer();
    const res = await request(server).post('/checkout').send({ item: 'teapot', quantity: 2 }).expect(201);
    expect(res.body).toMatchObject({ item: 'teapot', quantity: 2 });
    expect(payments.received.some((call) => call.method === 'POST' && call.url === '/echo')).toBe(true);
    const checkout = await client.request('/checkout');
    const { batch } = await client.entryWhen(checkout.id, (entries) => entries.some((e) => e.type === 'http-client'));
    const byType = (type: string) => batch.filter((e) => e.type === type);
    expect(byType('log').map((e) => e.content.message)).toEqual(
      expect.arrayContaining(['Checking out 2 x teapot', expect.stringMatching(/^Payment \S+ answered 200$/)]),
    );
    const names = byType('event').map((e) => e.content.name);
    expect(names).toEqual(expect.arrayContaining(['checkout.started', 'order.placed']));
    const placed = byType('event').find((e) => e.content.name === 'order.placed')!;
    expect(placed.content).toMatchObject({ description: '2 x teapot', data: { item: 'teapot', quantity: 2 } });
    expect((placed.content.source as any).file).toMatch(/apps\/demo\/src\/checkout\/checkout\.service\.ts$/);
    const [call] = byType('http-client');
    expect(call.content).toMatchObject({ method: 'POST', url: `${payments.url}/echo`, status: 200 });
    expect(batch.every((e) => e.batchId === checkout.batchId)).toBe(true);
  });
});
