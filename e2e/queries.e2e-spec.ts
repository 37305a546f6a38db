import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import {
  normalizeSql,
  notifications,
  PROCESS_ACTION_EVENT,
  REDACTED,
  sqlFamilyHash,
  type Entry,
  type QueryEntryContent,
  type QueryFamilyDetail,
  type QueryFamilyRow,
  type RequestQueries,
} from '@active-tracker/nestjs';
import { createPostgresDatabase, type TestDatabase } from '../libs/active-tracker/test/support/databases.js';
import { ALL_AUTHORS, AUTHOR_NAME, createBlogApp, LOGIN, POSTS_OF_AUTHOR, seedBlog } from './support/queries-app.js';
import { TrackerClient } from './support/tracker-client.js';

describe('queries plugin end to end: a Nest app on PostgreSQL with N+1 and duplicates (real pg, real server)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let client: TrackerClient;
  let api: string;

  beforeAll(async () => {
    db = await createPostgresDatabase('at_queries_e2e');
    await seedBlog(db);
    // Every query is slow (any duration > 0 ms) except on GET /authors/fast.
    app = await createBlogApp(db, { slowMs: 0, slowMsByRoute: { 'GET /authors/fast': 60_000 } });
    client = new TrackerClient(app);
    api = client.base;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const queriesOf = (batch: Entry[]) => batch.filter((e) => e.type === 'query');
  const sqlOf = (e: Entry) => (e.content as unknown as QueryEntryContent).sql;

  it('an N+1: the request carries its totals and the N+1 family, is tagged n_plus_one, and each query is linked to it in order', async () => {
    await request(app.getHttpServer()).delete(`${api}/entries`).expect(200);
    const actions: Array<Record<string, unknown>> = [];
    const sub = notifications.subscribe(PROCESS_ACTION_EVENT, (event) => actions.push(event.payload));
    const res = await request(app.getHttpServer()).get('/authors/n-plus-one').expect(200);
    notifications.unsubscribe(sub);
    expect(res.body).toHaveLength(6);
    const entry = await client.request('/authors/n-plus-one');
    const { batch } = await client.entry(entry.id);
    const list = queriesOf(batch);
    expect(list.map(sqlOf)).toEqual([ALL_AUTHORS, ...Array(6).fill(POSTS_OF_AUTHOR)]);
    expect(list.map((q) => (q.content as unknown as QueryEntryContent).params)).toEqual([null, [1], [2], [3], [4], [5], [6]].map((p) => p ?? undefined));
    expect(list.every((q) => q.batchId === entry.batchId)).toBe(true);
    expect(list.map((q) => (q.content as unknown as QueryEntryContent).location)).toEqual(
      Array(7).fill(expect.stringMatching(/^e2e\/support\/queries-app\.ts:\d+$/)),
    );
    const total = list.reduce((sum, q) => sum + (q.durationMs ?? 0), 0);
    const summary = entry.content.queries as RequestQueries;
    expect(summary).toEqual({
      count: 7,
      totalMs: expect.any(Number),
      slowCount: 7,
      nPlusOne: [{ familyHash: sqlFamilyHash(normalizeSql(POSTS_OF_AUTHOR)), sql: 'SELECT id, title FROM posts WHERE author_id = ? ORDER BY id', count: 6 }],
      duplicates: [],
    });
    expect(summary.totalMs).toBeCloseTo(total, 2);
    // process_action.nest carries the time in queries (Rails' db_runtime).
    expect(actions.map((a) => a.dbTimeMs)).toEqual([summary.totalMs]);
    expect(entry.tags.n_plus_one).toBe('true');
    // The queries of the N+1 family carry the tag too (not the first one).
    expect(list.map((q) => q.tags.n_plus_one ?? null)).toEqual([null, ...Array(6).fill('true')]);
  });

  it('duplicates (same SQL, same parameters) are told apart from similar queries (same family); no N+1 below the threshold', async () => {
    await request(app.getHttpServer())
      .get('/authors/duplicates')
      .expect(200, { names: ['author 1', 'author 1', 'author 1', 'author 2'] });
    const entry = await client.request('/authors/duplicates');
    expect(entry.content.queries).toEqual({ count: 4, totalMs: expect.any(Number), slowCount: 4, nPlusOne: [], duplicates: [{ sql: AUTHOR_NAME, count: 3 }] });
    expect(entry.tags.n_plus_one).toBeUndefined();
    const tagged = await client.entries({ type: 'request', tag: 'n_plus_one:true' });
    expect(tagged.data.map((e) => e.content.path)).toEqual(['/authors/n-plus-one']);
  });

  it('slowMsByRoute: the route override decides content.slow and the slow tag', async () => {
    await request(app.getHttpServer()).get('/authors/fast').expect(200);
    const entry = await client.request('/authors/fast');
    const [query] = queriesOf((await client.entry(entry.id)).batch);
    expect([(query.content as unknown as QueryEntryContent).slow, query.tags.slow ?? null]).toEqual([false, null]);
    expect((entry.content.queries as RequestQueries).slowCount).toBe(0);
    const slow = await client.entries({ type: 'query', tag: 'slow:true', limit: 100 });
    expect(slow.data.every((q) => (q.content as unknown as QueryEntryContent).slow === true)).toBe(true);
    expect(slow.data).toHaveLength(11); // 7 of the N+1 request, 4 of the duplicates one
  });

  it('parameters bound to sensitive columns are redacted like request bodies', async () => {
    await request(app.getHttpServer()).post('/authors/login').send({ email: 'ada@example.com', password: 'hunter2' }).expect(201, { ok: true });
    const entry = await client.request('/authors/login');
    const [query] = queriesOf((await client.entry(entry.id)).batch);
    expect(query.content).toMatchObject({ sql: LOGIN, params: ['ada@example.com', REDACTED] });
    expect(JSON.stringify(query)).not.toContain('hunter2');
  });

  it("a job's batch (runInBatch) doing N+1: its queries are linked to it and tagged", async () => {
    const { batchId } = (await request(app.getHttpServer()).post('/authors/job').expect(201)).body;
    expect(batchId).toMatch(/^[0-9A-Z]{26}$/);
    const page = await client.entries({ batch: batchId, type: 'query' });
    expect(page.data.map((q) => q.tags.n_plus_one ?? null).sort()).toEqual([...Array(6).fill('true'), null].sort());
  });

  it('families: statistics exact after the known workload, sortable by each statistic, slow flagged by p95', async () => {
    // Workload so far: the N+1 request twice (the job too), the duplicates request, fast, login.
    const all = await client.entries({ type: 'query', limit: 1000 });
    const byFamily = new Map<string, Entry[]>();
    for (const q of all.data) byFamily.set(q.familyHash!, [...(byFamily.get(q.familyHash!) ?? []), q]);
    const posts = byFamily.get(sqlFamilyHash(normalizeSql(POSTS_OF_AUTHOR)))!;
    expect(posts).toHaveLength(12);
    for (const sort of ['count', 'total', 'avg', 'max', 'p95'] as const) {
      const res = await request(app.getHttpServer()).get(`${api}/queries/families`).query({ sort, limit: 100 }).expect(200);
      const rows = res.body.data as QueryFamilyRow[];
      const key = { count: 'count', total: 'totalMs', avg: 'avgMs', max: 'maxMs', p95: 'p95Ms' }[sort] as keyof QueryFamilyRow;
      const values = rows.map((r) => r[key] as number);
      expect(values).toEqual([...values].sort((a, b) => b - a));
      expect(rows).toHaveLength(byFamily.size);
    }
    const rows = (await request(app.getHttpServer()).get(`${api}/queries/families?sort=count&limit=100`).expect(200)).body.data as QueryFamilyRow[];
    for (const row of rows) {
      const executions = byFamily.get(row.familyHash)!;
      const durations = executions.map((e) => e.durationMs!);
      const total = durations.reduce((a, b) => a + b, 0);
      expect([row.familyHash, row.count, row.maxMs]).toEqual([row.familyHash, executions.length, Math.max(...durations)]);
      expect(row.totalMs).toBeCloseTo(total, 2);
      expect(row.avgMs).toBeCloseTo(total / executions.length, 2);
      expect(row.slow).toBe(true); // slowMs 0: every p95 is above it
      expect(row.normalized).toBe(normalizeSql(row.sql));
    }
    expect(rows[0]).toMatchObject({
      familyHash: posts[0].familyHash,
      count: 12,
      sql: POSTS_OF_AUTHOR,
      normalized: 'SELECT id, title FROM posts WHERE author_id = ? ORDER BY id',
      driver: 'pg',
      orm: null,
    });
    // Paging with the cursor.
    const first = (await request(app.getHttpServer()).get(`${api}/queries/families?sort=count&limit=2`).expect(200)).body;
    const second = (await request(app.getHttpServer()).get(`${api}/queries/families`).query({ sort: 'count', limit: 2, before: first.next }).expect(200)).body;
    expect([...first.data, ...second.data].map((r: QueryFamilyRow) => r.familyHash)).toEqual(rows.slice(0, 4).map((r) => r.familyHash));
  });

  it('a family: its statistics, recent executions and the requests they came from', async () => {
    const hash = sqlFamilyHash(normalizeSql(POSTS_OF_AUTHOR));
    const body = (await request(app.getHttpServer()).get(`${api}/queries/families/${hash}?limit=50`).expect(200)).body as QueryFamilyDetail;
    expect(body.data).toMatchObject({ familyHash: hash, count: 12, sql: POSTS_OF_AUTHOR });
    expect(body.executions).toHaveLength(12);
    expect(body.executions.map((e) => e.id)).toEqual([...body.executions.map((e) => e.id)].sort().reverse());
    expect(body.requests.map((r) => [r.path, r.queries?.count])).toEqual([['/authors/n-plus-one', 7]]);
  });

  it('bad input answers 400 with a message; an unknown family 404', async () => {
    const server = app.getHttpServer();
    expect((await request(server).get(`${api}/queries/families?sort=slowest`).expect(400)).body).toMatchObject({
      statusCode: 400,
      message: ['sort must be one of count, total, avg, max, p95'],
    });
    expect((await request(server).get(`${api}/queries/families?limit=0`).expect(400)).body.message).toEqual(['limit must be at least 1']);
    expect((await request(server).get(`${api}/queries/families?limit=ten`).expect(400)).body.message).toContain('limit must be an integer');
    expect((await request(server).get(`${api}/queries/families?color=red`).expect(400)).body.message).toEqual(['property color should not exist']);
    expect((await request(server).get(`${api}/queries/families/not-a-hash`).expect(400)).body.message).toMatch(/hash must be a query family hash/);
    expect((await request(server).get(`${api}/queries/families/0123456789abcdef`).expect(404)).body.message).toMatch(/not found/);
  });

  it('sidebar statistics: queries recorded, N+1 families in the last hour flagged', async () => {
    await client.flush();
    const count = (await client.entries({ type: 'query', limit: 1000 })).data.length;
    const stats = (await request(app.getHttpServer()).get(`${api}/stats`).expect(200)).body.data;
    expect(stats.filter((s: { plugin: string }) => s.plugin === 'queries')).toEqual([
      { plugin: 'queries', label: 'Queries', value: count },
      { plugin: 'queries', label: 'N+1 families (last hour)', value: 1, error: true },
    ]);
    // The overview's tiles: every query of the workload ran in a request or a job.
    const overview = (await request(app.getHttpServer()).get(`${api}/overview?range=hour`).expect(200)).body.data;
    const tiles = overview.tiles.filter((t: { plugin: string }) => t.plugin === 'queries');
    expect(tiles.map((t: { key: string; value: number; error?: boolean }) => [t.key, t.value, t.error ?? false])).toEqual([
      ['queries', count, true],
      ['n-plus-one', 1, true],
    ]);
    const meta = (await request(app.getHttpServer()).get(`${api}/meta`).expect(200)).body.data;
    const plugin = meta.plugins.find((p: { name: string }) => p.name === 'queries');
    expect(plugin).toMatchObject({ name: 'queries', title: 'Queries', path: 'queries' });
  });

  it('a batch longer than the recorder holds (120 queries) is still totalled on its request', async () => {
    await request(app.getHttpServer()).get('/authors/many').expect(200);
    const entry = await client.request('/authors/many');
    const summary = entry.content.queries as RequestQueries;
    expect(summary).toMatchObject({ count: 120, slowCount: 120, nPlusOne: [{ familyHash: sqlFamilyHash(normalizeSql(AUTHOR_NAME)), count: 120 }] });
    expect(summary.duplicates.map((d) => [d.sql, d.count])).toEqual(Array(6).fill([AUTHOR_NAME, 20]));
    expect(entry.tags.n_plus_one).toBe('true');
  });
});
