import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import type { Entry } from '@active-tracker/nestjs';
import { createDemoApp } from '../apps/demo/src/demo-app.factory.js';
import { COMMENTS_PER_POST, POSTS_PER_AUTHOR, SEEDED_AUTHORS } from '../apps/demo/src/blog/blog.seed.js';
import { createPostgresDatabase, type TestDatabase } from '../libs/active-tracker/test/support/databases.js';
import { TrackerClient } from './support/tracker-client.js';

/**
 * The demo's database work, captured with the tracker's defaults (`forRoot({})`): on the embedded
 * sql.js database (TypeORM's query events) and on PostgreSQL (the pg driver), GET /authors really
 * does N+1 and is flagged, and GET /posts/:id runs exactly five queries.
 */
let postgres: TestDatabase;
beforeAll(async () => {
  postgres = await createPostgresDatabase('at_demo');
});
afterAll(async () => {
  await postgres?.drop();
});

describe.each<[string, string, () => string]>([
  ['the embedded database (sql.js)', 'sql.js', () => ''],
  ['PostgreSQL', 'pg', () => postgres.url],
])('the demo on %s', (_name, driver, databaseUrl) => {
  let app: INestApplication;
  let client: TrackerClient;

  beforeAll(async () => {
    app = await createDemoApp({ tracker: {}, logger: false, databaseUrl: databaseUrl() });
    client = new TrackerClient(app);
  }, 60_000);
  afterAll(async () => app?.close());

  /** The request entry of `path` once its batch's processors ran, and the queries of its batch. */
  async function requestWithQueries(path: string): Promise<{ req: Entry; queries: Entry[] }> {
    const req = await client.request(path);
    const { data, batch } = await client.entryWhen(req.id, (b) => b.some((e) => e.type === 'query'));
    return { req: data, queries: batch.filter((e) => e.type === 'query') };
  }

  it("GET /authors loads each author's posts lazily: one query per author, flagged as N+1 and tagged", async () => {
    const res = await request(app.getHttpServer()).get('/authors').expect(200);
    expect(res.body).toHaveLength(SEEDED_AUTHORS);
    expect(res.body.every((a: { posts: unknown[] }) => a.posts.length === POSTS_PER_AUTHOR)).toBe(true);

    const { req, queries } = await requestWithQueries('/authors');
    expect(queries).toHaveLength(1 + SEEDED_AUTHORS);
    expect(queries.every((q) => q.content.driver === driver && q.content.orm === 'typeorm')).toBe(true);
    const perAuthor = queries.filter((q) => /from\s+"blog_posts"/i.test(String(q.content.sql)));
    expect(perAuthor).toHaveLength(SEEDED_AUTHORS);
    expect(new Set(perAuthor.map((q) => q.familyHash)).size).toBe(1);
    // Where the app asked for the authors: BlogService (a lazy relation's query has no app frame
    // on its stack: TypeORM starts it from a promise callback, so its location may be null).
    const list = queries.find((q) => /from\s+"blog_authors"/i.test(String(q.content.sql)))!;
    expect(String(list.content.location)).toMatch(/^apps\/demo\/src\/blog\/blog\.service\.ts:\d+$/);
    // Through TypeORM: the entity of each query's main table.
    expect(list.content.entity).toBe('Author');
    expect(perAuthor.every((q) => q.content.entity === 'Post')).toBe(true);

    const summary = req.content.queries as { count: number; nPlusOne: { familyHash: string; sql: string; count: number }[] };
    expect(summary.count).toBe(1 + SEEDED_AUTHORS);
    expect(summary.nPlusOne).toEqual([expect.objectContaining({ familyHash: perAuthor[0].familyHash, count: SEEDED_AUTHORS })]);
    expect(req.tags.n_plus_one).toBe('true');
    const tagged = await client.entries({ type: 'request', tag: 'n_plus_one:true' });
    expect(tagged.data.map((e) => e.id)).toContain(req.id);
  }, 30_000);

  it('GET /posts/:id runs exactly five queries, none of them N+1', async () => {
    const res = await request(app.getHttpServer()).get('/posts/1').expect(200);
    expect(res.body).toMatchObject({ id: 1, author: { id: 1, postCount: POSTS_PER_AUTHOR } });
    expect(res.body.comments).toHaveLength(COMMENTS_PER_POST);
    expect(res.body.moreFromAuthor).toHaveLength(POSTS_PER_AUTHOR - 1);

    const { req, queries } = await requestWithQueries('/posts/1');
    expect(queries).toHaveLength(5);
    expect(queries.every((q) => q.batchId === req.batchId && q.content.driver === driver)).toBe(true);
    expect((req.content.queries as { count: number; nPlusOne: unknown[] }).count).toBe(5);
    expect((req.content.queries as { nPlusOne: unknown[] }).nPlusOne).toEqual([]);
    expect(req.tags.n_plus_one).toBeUndefined();
  }, 30_000);

  it('answers 404 for a missing post after one query, 400 for a bad id', async () => {
    const missing = await request(app.getHttpServer()).get('/posts/9999').expect(404);
    expect(missing.body).toEqual({ statusCode: 404, message: 'Post 9999 not found', error: 'Not Found' });
    await request(app.getHttpServer()).get('/posts/abc').expect(400);
    const { queries } = await requestWithQueries('/posts/9999');
    expect(queries).toHaveLength(1);
  }, 30_000);
});
