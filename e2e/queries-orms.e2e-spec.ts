import { randomUUID } from 'node:crypto';
import { Controller, Get, Inject, Module, Query, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ActiveTrackerModule, type Entry } from '@active-tracker/nestjs';
import { createMariaDbDatabase, createPostgresDatabase, type TestDatabase } from '../libs/active-tracker/test/support/databases.js';
import { createAuthorsTable, ORM_CASES, type OrmCase, type OrmSession } from './support/orm-matrix.js';
import { TrackerClient } from './support/tracker-client.js';

/**
 * The queries plugin's ORM matrix, against the machine's real PostgreSQL and MariaDB: for the bare
 * drivers and every ORM built on them, an app that only adds `ActiveTrackerModule.forRoot({})` (no
 * plugin list, no ORM option, no logger hook) sees the queries of a request, linked to it, with the
 * driver and the ORM named.
 */
const SESSION = Symbol('ORM_SESSION');

@Controller('authors')
class AuthorsController {
  constructor(@Inject(SESSION) private readonly session: OrmSession) {}

  @Get()
  async insertAndFind(@Query('name') name: string): Promise<{ found: number }> {
    return { found: await this.session.insertAndFind(name) };
  }
}

/** The app: the tracker with its defaults, and the ORM connected by a provider as apps do. */
async function bootApp(orm: OrmCase, db: TestDatabase): Promise<INestApplication> {
  @Module({
    imports: [ActiveTrackerModule.forRoot({})],
    controllers: [AuthorsController],
    providers: [{ provide: SESSION, useFactory: () => orm.connect(db) }],
  })
  class OrmAppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [OrmAppModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

const sqlOf = (entry: Entry) => String(entry.content.sql ?? '');
/** `INSERT INTO authors`, `insert into "authors"`, `INSERT INTO "public"."authors"`, `` INSERT INTO `authors` ``. */
const INSERT = /^\s*insert\s+into\s+(?:["`]?\w+["`]?\.)?["`]?authors["`]?/i;
const SELECT = /^\s*select\b[\s\S]*\bfrom\s+(?:["`]?\w+["`]?\.)?["`]?authors["`]?/i;

describe.each(ORM_CASES.map((orm) => [orm.title, orm] as const))('queries of %s', (_title, orm) => {
  let db: TestDatabase;
  let app: INestApplication;
  let client: TrackerClient;

  beforeAll(async () => {
    db = orm.database === 'postgres' ? await createPostgresDatabase('at_orm') : await createMariaDbDatabase('at_orm');
    await createAuthorsTable(db);
    app = await bootApp(orm, db);
    client = new TrackerClient(app);
  }, 120_000);

  afterAll(async () => {
    await app?.get<OrmSession>(SESSION).close();
    await app?.close();
    await db?.drop();
  });

  it('are captured with no setup beyond the module, linked to their request, driver and ORM named', async () => {
    const name = `author-${randomUUID().slice(0, 8)}`;
    await request(app.getHttpServer()).get('/authors').query({ name }).expect(200, { found: 1 });

    const req = await client.request('/authors');
    const ready = (batch: Entry[]) =>
      batch.some((e) => e.type === 'query' && INSERT.test(sqlOf(e))) && batch.some((e) => e.type === 'query' && SELECT.test(sqlOf(e)));
    const { batch } = await client.entryWhen(req.id, ready);
    const queries = batch.filter((e) => e.type === 'query');
    const insert = queries.find((e) => INSERT.test(sqlOf(e)));
    const select = queries.find((e) => SELECT.test(sqlOf(e)));
    expect({ insert: insert && sqlOf(insert), select: select && sqlOf(select), all: queries.map(sqlOf) }).toMatchObject({
      insert: expect.any(String),
      select: expect.any(String),
    });

    for (const query of [insert!, select!]) {
      expect(query.batchId).toBe(req.batchId);
      expect(query.content).toMatchObject({ driver: orm.driver, orm: orm.orm });
      expect(String(query.content.connection)).toContain(db.name);
      expect(query.durationMs).toEqual(expect.any(Number));
      expect(query.durationMs).toBeGreaterThanOrEqual(0);
      expect(query.familyHash).toEqual(expect.any(String));
    }
    // The name reached the database as a bound parameter, or inlined (escaped) by the ORM.
    expect(JSON.stringify(select!.content.params ?? []).includes(name) || sqlOf(select!).includes(name)).toBe(true);
    expect(select!.content.rows).toBe(1);
    // The first app frame: where this fixture called the ORM (see OrmCase.noLocation).
    if (!orm.noLocation) expect(select!.content.location).toMatch(/^e2e\/support\/orm-matrix\.ts:\d+$/);
    // Every query the request ran was recorded in its batch, and nothing else of the app's.
    expect(queries.every((q) => q.batchId === req.batchId)).toBe(true);
  }, 30_000);
});
