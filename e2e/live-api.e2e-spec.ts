import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import { ActiveTracker, defaultPlugins, type ActiveTrackerModuleOptions, type Entry } from '@active-tracker/nestjs';
import { TrackerRuntime } from '../libs/active-tracker/src/active-tracker.runtime.js';
import { histogramBucket, quantiles } from '../libs/active-tracker/src/storage/histogram.js';
import { startRedisServer, type RedisServer } from '../libs/active-tracker/test/support/redis-server.js';
import { createLiveApp } from './support/live-app.js';
import { SseClient } from './support/sse-client.js';

let redis: RedisServer;
let admin: Redis;
let prefixCounter = 0;
beforeAll(async () => {
  redis = await startRedisServer();
  admin = new Redis(redis.url);
});
afterAll(async () => {
  admin?.disconnect();
  await redis?.stop();
});

const API = '/activetracker/api';
/** Short intervals so heartbeats and pause/resume across instances show within a test. */
const LIVE = { heartbeatMs: 40, recordingRefreshMs: 20 };

/** Polls `check` until it holds (a deadline, not a timing: the test fails when it never does). */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each<[string, boolean]>([
  ['memory', false],
  ['redis', true],
])('live dashboard API on the %s store', (_store, onRedis) => {
  const apps: INestApplication[] = [];
  let prefix = '';

  async function boot(tracker: ActiveTrackerModuleOptions = {}, opts: { globalPrefix?: string; samePrefix?: boolean } = {}) {
    if (!opts.samePrefix) prefix = `live${++prefixCounter}:`;
    const store = onRedis ? { redis: redis.url, keyPrefix: prefix } : {};
    // Only what the host app does: the test's own HTTP calls are outbound calls of this process.
    const plugins = defaultPlugins().filter((p) => p.name !== 'http-client');
    const { app, url } = await createLiveApp({
      tracker: { ...store, plugins, ...tracker, live: { ...LIVE, ...tracker.live } },
      globalPrefix: opts.globalPrefix,
    });
    apps.push(app);
    const flush = () => app.get(ActiveTracker).flush();
    const runtime = app.get(TrackerRuntime);
    return { app, url, flush, runtime };
  }

  /** Waits until the store delivers write notices to this instance (Redis: its SUBSCRIBE is done). */
  async function listening(runtime: TrackerRuntime): Promise<void> {
    if (!onRedis) return;
    await until(
      async () => ((await admin.pubsub('NUMSUB', `${prefix}written`))[1] as number) >= 1 && (await admin.exists(`${prefix}live`)) === 1,
      'subscribed',
    );
    expect(runtime.live.size).toBeGreaterThan(0);
  }

  async function entries(url: string, query: string): Promise<Entry[]> {
    const res = await request(url).get(`${API}/entries?${query}`);
    expect([query, res.status]).toEqual([query, 200]);
    return res.body.data;
  }

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  it('streams new entries matching type and tags (AND), with heartbeats', async () => {
    const { url, flush, runtime } = await boot();
    const stream = await SseClient.open(`${url}${API}/stream?type=request&tag=tenant:acme&tag=plan:pro`);
    expect(stream.status).toBe(200);
    expect(stream.res.headers['content-type']).toContain('text/event-stream');
    expect(stream.res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    await listening(runtime);
    await stream.next((e) => e.comment === 'heartbeat');

    await request(url).get('/items').set('x-tenant', 'globex').expect(200);
    await request(url).post('/items').send({ name: 'x' }).expect(201);
    await request(url).get('/items').set('x-tenant', 'acme').expect(200);
    await flush();
    const first = await stream.nextEntry();
    expect(first.entry).toMatchObject({ type: 'request', tags: { tenant: 'acme', plan: 'pro' }, content: { path: '/items', method: 'GET' } });
    expect(first.id).toBe(first.entry.id);
    const stored = await entries(url, 'type=request&tag=tenant:acme');
    expect(stored.map((e) => e.id)).toEqual([first.id]);

    await request(url).get('/items').set('x-tenant', 'acme').expect(200);
    await flush();
    const second = await stream.nextEntry();
    expect(second.entry.tags.tenant).toBe('acme');
    // Nothing else was sent: no log line, no other tenant, no POST.
    const sent = stream.events.filter((e) => e.event !== null);
    expect(sent.map((e) => e.id)).toEqual([first.id, second.id]);
    stream.close();
  });

  it('streams with the search filters: status class, method, path, duration and log level', async () => {
    const { url, flush, runtime } = await boot();
    const failures = await SseClient.open(`${url}${API}/stream?status=5xx`);
    const posts = await SseClient.open(`${url}${API}/stream?method=post&path=/items`);
    const warnings = await SseClient.open(`${url}${API}/stream?type=log&level=warn`);
    const slow = await SseClient.open(`${url}${API}/stream?type=request&minDurationMs=40`);
    await listening(runtime);
    await request(url).get('/items').expect(200);
    await request(url).post('/items').send({ a: 1 }).expect(201);
    await request(url).get('/items/fail').expect(500);
    await request(url).get('/items/wait?ms=60').expect(200);
    await flush();
    // The exception (status 500) and the request both match status=5xx.
    expect((await failures.nextEntry((e) => e.type === 'request')).entry.content).toMatchObject({ path: '/items/fail', status: 500 });
    expect((await posts.nextEntry()).entry.content).toMatchObject({ method: 'POST', path: '/items' });
    const levels = [(await warnings.nextEntry()).entry.content.level, (await warnings.nextEntry()).entry.content.level].sort();
    // The POST's warn line and the error line Nest logs for the 500; never the GET's 'log' line.
    expect(levels).toEqual(['error', 'warn']);
    const waited = await slow.nextEntry((e) => e.content.path === '/items/wait');
    expect(waited.entry.durationMs).toBeGreaterThanOrEqual(40);
    // Everything each stream sent matches its filters.
    expect(failures.events.filter((e) => e.event === 'entry').every((e) => JSON.parse(e.data).content.status >= 500)).toBe(true);
    expect(warnings.events.filter((e) => e.event === 'entry').every((e) => ['warn', 'error', 'fatal'].includes(JSON.parse(e.data).content.level))).toBe(true);
    expect(slow.events.filter((e) => e.event === 'entry').every((e) => JSON.parse(e.data).durationMs >= 40)).toBe(true);
    for (const s of [failures, posts, warnings, slow]) s.close();
  });

  it('resumes after a reconnect with Last-Event-ID (and ?after=): what was missed, then live, once each', async () => {
    const { url, flush, runtime } = await boot();
    let stream = await SseClient.open(`${url}${API}/stream?type=request`);
    await listening(runtime);
    await request(url).get('/items').expect(200);
    await flush();
    const seen = await stream.nextEntry();
    stream.close();
    await until(() => runtime.live.size === 0, 'the closed stream is released');

    for (const path of ['/items/missing', '/items', '/items/fail']) await request(url).get(path);
    await flush();
    const missed = (await entries(url, 'type=request&limit=10'))
      .filter((e) => e.id > seen.id)
      .map((e) => e.id)
      .reverse();
    expect(missed).toHaveLength(3);

    stream = await SseClient.open(`${url}${API}/stream?type=request`, { 'Last-Event-ID': seen.id });
    const replayed = [(await stream.nextEntry()).id, (await stream.nextEntry()).id, (await stream.nextEntry()).id];
    expect(replayed).toEqual(missed);
    await listening(runtime);
    await request(url).get('/items?live=1').expect(200);
    await flush();
    const live = await stream.nextEntry();
    expect(live.entry.content.url).toBe('/items?live=1');
    expect(stream.events.filter((e) => e.event === 'entry').map((e) => e.id)).toEqual([...missed, live.id]);
    stream.close();

    const fromQuery = await SseClient.open(`${url}${API}/stream?type=request&after=${missed[1]}`);
    expect((await fromQuery.nextEntry()).id).toBe(missed[2]);
    expect((await fromQuery.nextEntry()).id).toBe(live.id);
    fromQuery.close();
  });

  it('answers 400 before streaming for bad filters or a bad Last-Event-ID, 405 for other methods', async () => {
    const { url } = await boot();
    for (const query of ['status=600', 'level=loud', 'minDurationMs=-3', 'tag=novalue', 'after=nope', 'limit=5', 'before=01ARZ3NDEKTSV4RRFFQ69G5FAV']) {
      const res = await request(url).get(`${API}/stream?${query}`);
      expect([query, res.status, res.headers['content-type']]).toEqual([query, 400, 'application/json; charset=utf-8']);
      expect(res.body.message).toBeTruthy();
    }
    const badId = await request(url).get(`${API}/stream`).set('Last-Event-ID', 'x');
    expect([badId.status, badId.body.message]).toEqual([400, 'Last-Event-ID must be an entry id (ULID)']);
    expect((await request(url).post(`${API}/stream`)).status).toBe(405);
  });

  it('bounds the streams per instance (429), releases them when clients leave, and ends them when the app closes', async () => {
    const { app, url, runtime } = await boot({ live: { maxConnections: 2 } });
    const a = await SseClient.open(`${url}${API}/stream`);
    const b = await SseClient.open(`${url}${API}/stream`);
    const refused = await request(url).get(`${API}/stream`);
    expect(refused.status).toBe(429);
    expect(refused.body.message).toContain('at most 2 live streams');
    a.close();
    await until(() => runtime.live.size === 1, 'the closed stream is released');
    const c = await SseClient.open(`${url}${API}/stream`);
    expect(c.status).toBe(200);
    // The host is not held up by open streams.
    await request(url).get('/items').expect(200);
    await app.close();
    apps.splice(apps.indexOf(app), 1);
    await b.waitClosed();
    await c.waitClosed();
    expect(runtime.live.size).toBe(0);
  });

  it('pauses and resumes recording; a clear keeps the state; bad bodies answer 400', async () => {
    const { url, flush } = await boot({ actor: (req) => (req.headers['x-user'] as string) ?? null });
    // Start empty (the app's boot log line is recorded before any pause).
    await flush();
    await request(url).delete(`${API}/entries`).expect(200);
    expect((await request(url).get(`${API}/recording`).expect(200)).body.data).toEqual({ recording: true, changedAt: null, changedBy: null });
    const paused = (await request(url).post(`${API}/recording`).set('x-user', 'ops').send({ recording: false }).expect(200)).body.data;
    expect(paused).toMatchObject({ recording: false, changedBy: 'ops' });
    expect(Date.parse(paused.changedAt)).not.toBeNaN();
    expect((await request(url).get(`${API}/recording`).expect(200)).body.data).toEqual(paused);

    await request(url).get('/items').expect(200);
    await request(url).get('/items/fail').expect(500);
    await flush();
    expect(await entries(url, '')).toEqual([]);
    await request(url).delete(`${API}/entries`).expect(200);
    expect((await request(url).get(`${API}/recording`).expect(200)).body.data.recording).toBe(false);

    await request(url).post(`${API}/recording`).send({ recording: true }).expect(200);
    await request(url).get('/items').expect(200);
    await flush();
    expect((await entries(url, 'type=request')).map((e) => e.content.path)).toEqual(['/items']);

    for (const body of [{ recording: 'no' }, {}, { recording: true, extra: 1 }]) {
      const res = await request(url).post(`${API}/recording`).send(body);
      expect([body, res.status]).toEqual([body, 400]);
    }
    expect((await request(url).post(`${API}/recording`)).status).toBe(400);
    expect((await request(url).get(`${API}/recording?x=1`)).status).toBe(400);
    expect((await request(url).delete(`${API}/recording`)).status).toBe(405);
  });

  it('searches requests by method, path, status and duration, and logs by level and tags', async () => {
    const { url, flush } = await boot();
    await request(url).get('/items').set('x-tenant', 'acme').expect(200);
    await request(url).get('/items').set('x-tenant', 'globex').expect(200);
    await request(url).post('/items').send({ a: 1 }).expect(201);
    await request(url).get('/items/fail').expect(500);
    await request(url).get('/items/missing').expect(404);
    await request(url).get('/items/wait?ms=60').expect(200);
    await flush();
    const all = await entries(url, 'type=request');
    expect(all).toHaveLength(6);
    const paths = (list: Entry[]) => list.map((e) => `${e.content.method} ${e.content.path}`).sort();

    expect(paths(await entries(url, 'type=request&status=5xx'))).toEqual(['GET /items/fail']);
    expect(paths(await entries(url, 'type=request&status=4xx'))).toEqual(['GET /items/missing']);
    expect(paths(await entries(url, 'type=request&status=404'))).toEqual(['GET /items/missing']);
    expect(paths(await entries(url, 'type=request&status=2xx'))).toEqual(['GET /items', 'GET /items', 'GET /items/wait', 'POST /items']);
    expect(paths(await entries(url, 'type=request&method=post'))).toEqual(['POST /items']);
    expect(paths(await entries(url, 'type=request&path=/items/'))).toEqual(['GET /items/fail', 'GET /items/missing', 'GET /items/wait']);
    expect(paths(await entries(url, 'type=request&method=GET&path=wa'))).toEqual(['GET /items/wait']);
    const slow = await entries(url, 'type=request&minDurationMs=50');
    expect(slow.map((e) => e.id).sort()).toEqual(
      all
        .filter((e) => e.durationMs! >= 50)
        .map((e) => e.id)
        .sort(),
    );
    expect(paths(slow)).toContain('GET /items/wait');

    const logs = await entries(url, 'type=log');
    const warnAndUp = await entries(url, 'type=log&level=warn');
    expect(warnAndUp.map((e) => e.id)).toEqual(logs.filter((e) => ['warn', 'error', 'fatal'].includes(e.content.level as string)).map((e) => e.id));
    expect(warnAndUp.map((e) => e.content.level).sort()).toEqual(['error', 'warn']);
    expect((await entries(url, 'type=log&level=verbose')).map((e) => e.id)).toEqual(logs.map((e) => e.id));

    // Several tags, AND, on every type: acme's request and its log line.
    expect((await entries(url, 'tag=tenant:acme&tag=plan:pro')).map((e) => e.type).sort()).toEqual(['log', 'request']);
    expect(await entries(url, 'tag=tenant:acme&tag=plan:free')).toEqual([]);

    // A filtered page continues with its cursor.
    const first = await request(url).get(`${API}/entries?type=request&path=/items/&limit=2`).expect(200);
    expect(first.body.data).toHaveLength(2);
    const rest = await request(url).get(`${API}/entries?type=request&path=/items/&limit=2&before=${first.body.next}`).expect(200);
    expect(paths([...first.body.data, ...rest.body.data])).toEqual(['GET /items/fail', 'GET /items/missing', 'GET /items/wait']);

    for (const query of [
      'status=600',
      'status=5x',
      'minDurationMs=abc',
      'minDurationMs=-1',
      'level=loud',
      'method=G3T',
      `path=${'x'.repeat(513)}`,
      'status=500&status=404',
    ]) {
      const res = await request(url).get(`${API}/entries?${query}`);
      expect([query, res.status]).toEqual([query, 400]);
      expect([query, typeof res.body.message === 'string' || Array.isArray(res.body.message)]).toEqual([query, true]);
    }
  });

  it('gives the overview: exact request counts, error rate, p95 and slowest routes after a known workload, and the exceptions tile', async () => {
    const { url, flush } = await boot();
    for (let i = 0; i < 5; i++) await request(url).get('/items').expect(200);
    for (let i = 0; i < 2; i++) await request(url).get('/items/fail').expect(500);
    await request(url).get('/items/missing').expect(404);
    for (let i = 0; i < 2; i++) await request(url).get('/items/wait?ms=30').expect(200);
    await flush();
    const requests = await entries(url, 'type=request');
    expect(requests).toHaveLength(10);
    const histogram = new Map<number, number>();
    for (const e of requests) histogram.set(histogramBucket(e.durationMs!), (histogram.get(histogramBucket(e.durationMs!)) ?? 0) + 1);
    const [p95] = quantiles(histogram, [0.95]);

    for (const range of ['hour', 'day'] as const) {
      const { data } = (await request(url).get(`${API}/overview?range=${range}`).expect(200)).body;
      expect(data.range).toBe(range);
      expect(data.granularity).toBe(range === 'hour' ? 'minute' : 'hour');
      expect(data.series).toHaveLength(range === 'hour' ? 60 : 24);
      expect(data.totals).toMatchObject({ requests: 10, errors: 2, clientErrors: 1, errorRate: 0.2, p95Ms: p95 });
      expect(data.totals.perMinute).toBeCloseTo(10 / ((Date.parse(data.to) - Date.parse(data.from)) / 60_000), 6);
      const sum = (key: string) => data.series.reduce((n: number, p: any) => n + p[key], 0);
      expect([sum('requests'), sum('errors'), sum('clientErrors')]).toEqual([10, 2, 1]);
      expect(data.approximate).toBe(false);

      // Slowest routes: averages of the stored durations per route, slowest first.
      const byRoute = new Map<string, { n: number; ms: number; errors: number; route: string }>();
      for (const e of requests) {
        const r = byRoute.get(e.familyHash!) ?? { n: 0, ms: 0, errors: 0, route: e.content.routePattern as string };
        r.n++;
        r.ms += e.durationMs!;
        if ((e.content.status as number) >= 500) r.errors++;
        byRoute.set(e.familyHash!, r);
      }
      const expected = [...byRoute.entries()]
        .map(([hash, r]) => ({ hash, route: r.route, count: r.n, errors: r.errors, avg: r.ms / r.n }))
        .sort((a, b) => b.avg - a.avg);
      expect(data.slowestRoutes.map((r: any) => [r.route, r.method, r.count, r.errors])).toEqual(expected.map((r) => [r.route, 'GET', r.count, r.errors]));
      expected.forEach((r, i) => expect(data.slowestRoutes[i].avgMs).toBeCloseTo(r.avg, 2));
      expect(data.slowestRoutes.every((r: any) => typeof r.p95Ms === 'number')).toBe(true);

      const tile = data.tiles.find((t: any) => t.plugin === 'exceptions');
      expect(tile).toMatchObject({ key: 'exceptions', label: 'Exceptions', value: 2, hint: '1 family', link: 'exceptions', error: true });
      expect(tile.series.reduce((a: number, b: number) => a + b, 0)).toBe(2);
    }
    // The clear control empties the counters too.
    await request(url).delete(`${API}/entries`).expect(200);
    const cleared = (await request(url).get(`${API}/overview`).expect(200)).body.data;
    expect([cleared.range, cleared.totals.requests, cleared.slowestRoutes, cleared.tiles.find((t: any) => t.plugin === 'exceptions').value]).toEqual([
      'hour',
      0,
      [],
      0,
    ]);
    expect((await request(url).get(`${API}/overview?range=week`)).status).toBe(400);
    expect((await request(url).get(`${API}/overview?x=1`)).status).toBe(400);
  });

  it('details an exception family: occurrences over time, latest backtrace, and the requests', async () => {
    const { url, flush } = await boot();
    await request(url).get('/items/fail').expect(500);
    await request(url).get('/items/fail').expect(500);
    await flush();
    const families = (await request(url).get(`${API}/exceptions/families`).expect(200)).body.data;
    expect(families).toHaveLength(1);
    const hash = families[0].familyHash;
    const { data } = (await request(url).get(`${API}/exceptions/families/${hash}?range=hour`).expect(200)).body;
    expect(data.family).toMatchObject({ familyHash: hash, class: 'ItemsExploded', count: 2 });
    expect(data.latest.id).toBe(families[0].lastEntryId);
    expect(data.latest.content.frames.some((f: any) => f.app && /e2e\/support\/live-app\.ts$/.test(f.file))).toBe(true);
    expect(data.occurrences).toMatchObject({ range: 'hour', granularity: 'minute', approximate: false });
    expect(data.occurrences.points).toHaveLength(60);
    expect(data.occurrences.points.reduce((n: number, p: any) => n + p.count, 0)).toBe(2);
    const failing = await entries(url, 'type=request&path=/items/fail');
    expect(data.recent).toHaveLength(2);
    expect(data.recent.map((r: any) => r.request.id).sort()).toEqual(failing.map((e) => e.id).sort());
    for (const r of data.recent) expect(r).toMatchObject({ message: 'items exploded', request: { method: 'GET', path: '/items/fail', status: 500 } });
    const day = (await request(url).get(`${API}/exceptions/families/${hash}`).expect(200)).body.data;
    expect(day.occurrences).toMatchObject({ range: 'day', granularity: 'hour' });
    expect(day.occurrences.points.reduce((n: number, p: any) => n + p.count, 0)).toBe(2);

    expect((await request(url).get(`${API}/exceptions/families/ffffffffffffffff`)).status).toBe(404);
    expect((await request(url).get(`${API}/exceptions/families/a%20b`)).status).toBe(400);
    expect((await request(url).get(`${API}/exceptions/families/${hash}?range=year`)).status).toBe(400);
  });

  it('gives the request detail a timeline: every batch entry by offset from the request start, with durations', async () => {
    const { url, flush } = await boot();
    await request(url).get('/items/fail').expect(500);
    await request(url).post('/items').send({ a: 1 }).expect(201);
    await flush();
    for (const path of ['/items/fail', '/items']) {
      const req = (await entries(url, `type=request&path=${path}`)).find((e) => e.content.path === path)!;
      const detail = (await request(url).get(`${API}/entries/${req.id}`).expect(200)).body;
      expect(detail.startedAt).toBe(req.occurredAt);
      expect(detail.timeline.map((t: any) => t.id)).toEqual(detail.batch.map((e: Entry) => e.id));
      expect(detail.timeline.find((t: any) => t.id === req.id)).toEqual({ id: req.id, type: 'request', offsetMs: 0, durationMs: req.durationMs });
      const others = detail.timeline.filter((t: any) => t.id !== req.id);
      expect(others.length).toBeGreaterThan(0);
      for (const item of others) {
        const entry = detail.batch.find((e: Entry) => e.id === item.id);
        expect(item.offsetMs).toBe(Date.parse(entry.occurredAt) - Date.parse(req.occurredAt));
        // Nothing of the request starts before it.
        expect(item.offsetMs).toBeGreaterThanOrEqual(0);
        expect(item.durationMs).toBe(entry.durationMs);
      }
      expect(req.content).not.toHaveProperty('memoryDeltaBytes');
    }
  });

  it('serves its pages, API and stream with the security headers, at any mountpoint under a global prefix, never on host routes', async () => {
    const { url } = await boot({ mountpoint: 'admin/tracker', authorize: (req) => req.headers['x-staff'] !== 'no' }, { globalPrefix: 'api' });
    const base = '/api/admin/tracker';
    const page = await request(url).get(`${base}/requests`);
    expect([200, 503]).toContain(page.status);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    if (page.status === 200) {
      // The built dashboard: Angular's component styles carry the page's nonce.
      const nonce = /'nonce-([^']+)'/.exec(csp)![1];
      expect(page.text).toContain(`<at-root ngCspNonce="${nonce}"`);
      expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(page.text).not.toMatch(/<style[\s>]/);
    }
    for (const path of [`${base}/api/meta`, `${base}/api/entries?status=oops`, `${base}/api/nothing`, `${base}/main.js.map`, base]) {
      const res = await request(url).get(path);
      expect([path, res.headers['content-security-policy']]).toEqual([path, expect.stringContaining("frame-ancestors 'none'")]);
      expect([path, res.headers['x-content-type-options'], res.headers['referrer-policy'], res.headers['x-frame-options']]).toEqual([
        path,
        'nosniff',
        'same-origin',
        'DENY',
      ]);
    }
    const stream = await SseClient.open(`${url}${base}/api/stream`);
    expect([stream.status, stream.res.headers['x-content-type-options']]).toEqual([200, 'nosniff']);
    stream.close();

    // Host routes and the hidden tracker (a 404 like the host's) carry none of them.
    for (const [path, headers] of [
      ['/api/items/page', {}],
      ['/api/nowhere', {}],
      [`${base}/api/meta`, { 'x-staff': 'no' }],
    ] as const) {
      const res = await request(url).get(path).set(headers);
      for (const name of ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'x-frame-options', 'cross-origin-resource-policy']) {
        expect([path, name, res.headers[name]]).toEqual([path, name, undefined]);
      }
    }
    expect((await request(url).get('/api/items/page').expect(200)).text).toBe('<p>host page</p>');
  });

  if (onRedis) {
    it('streams what another instance sharing the Redis writes, and pause/resume reaches it', async () => {
      const a = await boot();
      const b = await boot({}, { samePrefix: true });
      const stream = await SseClient.open(`${a.url}${API}/stream?type=request`);
      await listening(a.runtime);
      await request(b.url).get('/items?from=b').expect(200);
      await b.flush();
      const got = await stream.nextEntry();
      expect(got.entry.content.url).toBe('/items?from=b');

      await request(a.url).post(`${API}/recording`).send({ recording: false }).expect(200);
      // B reads the switch on its own timer.
      await until(() => !b.runtime.recording.on, 'instance b follows the pause');
      expect((await request(b.url).get(`${API}/recording`).expect(200)).body.data.recording).toBe(false);
      await request(b.url).get('/items?paused=1').expect(200);
      await b.flush();
      expect((await entries(a.url, 'type=request')).map((e) => e.content.url)).toEqual(['/items?from=b']);

      await request(b.url).post(`${API}/recording`).send({ recording: true }).expect(200);
      await until(() => a.runtime.recording.on, 'instance a follows the resume');
      await request(a.url).get('/items?from=a').expect(200);
      await a.flush();
      expect((await stream.nextEntry()).entry.content.url).toBe('/items?from=a');
      // The paused request never reached the stream either.
      expect(stream.events.filter((e) => e.event === 'entry').map((e) => JSON.parse(e.data).content.url)).toEqual(['/items?from=b', '/items?from=a']);
      stream.close();
    });
  }
});
