import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import type { ActiveTrackerModuleOptions } from '@active-tracker/nestjs';
import { createDemoApp } from '../apps/demo/src/demo-app.factory.js';
import { startRedisServer, type RedisServer } from '../libs/active-tracker/test/support/redis-server.js';
import { TrackerClient } from './support/tracker-client.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => redis?.stop());

describe.each<[string, () => ActiveTrackerModuleOptions]>([
  ['memory', () => ({})],
  ['redis', () => ({ redis: redis.url, keyPrefix: 'demo-e2e:' })],
])('the demo app with the tracker on the %s store', (_store, options) => {
  let app: INestApplication;
  let client: TrackerClient;

  beforeAll(async () => {
    app = await createDemoApp({ tracker: options(), logger: false });
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
});
