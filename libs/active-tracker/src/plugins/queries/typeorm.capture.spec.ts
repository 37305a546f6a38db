import { Module } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource, EntitySchema } from 'typeorm';
import { runInContext, TrackerContext } from '../../context/request-context.js';
import { createPostgresDatabase, type TestDatabase } from '../../../test/support/databases.js';
import { addQueryObserver, type QueryEnd, type QueryStart } from './query-capture.js';
import { observeTypeOrmDataSources } from './typeorm.capture.js';

interface Note {
  id: number;
  body: string;
}
const NoteSchema = new EntitySchema<Note>({
  name: 'Note',
  tableName: 'notes',
  columns: { id: { type: Number, primary: true, generated: true }, body: { type: String } },
});

/** What an observer of the capture saw: each query's start and end. */
function observeQueries() {
  const seen: { start: QueryStart; end?: QueryEnd }[] = [];
  const stop = addQueryObserver({
    start: (query) => {
      const record: { start: QueryStart; end?: QueryEnd } = { start: { ...query } };
      seen.push(record);
      return record;
    },
    end: (state, _query, end) => {
      (state as { end?: QueryEnd }).end = end;
    },
  });
  return { seen, stop };
}

/** A Nest module providing `dataSource` the way apps do (the capture looks among providers). */
async function nestWith(dataSource: DataSource): Promise<TestingModule> {
  @Module({ providers: [{ provide: DataSource, useValue: dataSource }] })
  class DatabaseModule {}
  return Test.createTestingModule({ imports: [DatabaseModule] }).compile();
}

describe('TypeORM query events capture', () => {
  let observer: ReturnType<typeof observeQueries>;
  beforeEach(() => {
    observer = observeQueries();
  });
  afterEach(() => observer.stop());

  describe('on sql.js', () => {
    let dataSource: DataSource;
    let nest: TestingModule;

    beforeAll(async () => {
      // Found before initialize(), which replaces the DataSource's subscribers: the capture must survive it.
      dataSource = new DataSource({ type: 'sqljs', entities: [NoteSchema], synchronize: true });
      nest = await nestWith(dataSource);
      expect(observeTypeOrmDataSources(nest.get(ModuleRef))).toEqual(['sqljs']);
      await dataSource.initialize();
    });
    afterAll(async () => {
      await dataSource.destroy();
      await nest.close();
    });

    it('records each query with its SQL, parameters, rows, driver, database and batch', async () => {
      observer.seen.length = 0;
      const ctx = new TrackerContext('tracker-1');
      await runInContext(ctx, async () => {
        await dataSource.getRepository(NoteSchema).insert([{ body: 'first' }, { body: 'second' }]);
        await dataSource.getRepository(NoteSchema).findBy({ body: 'second' });
      });
      const select = observer.seen.find((q) => /^SELECT/i.test(q.start.sql))!;
      expect(select.start).toMatchObject({ driver: 'sql.js', database: ':memory:', values: ['second'] });
      expect(select.start.site.ctx).toBe(ctx);
      expect(select.end).toEqual({ durationMs: expect.any(Number), rows: 1, error: undefined });
      const insert = observer.seen.find((q) => /^INSERT/i.test(q.start.sql))!;
      expect(insert.end?.rows).toBe(2);
      // Taken where TypeORM was called: its frames are on the stack.
      expect(insert.start.site.origin.orm).toBe('typeorm');
    });

    it("pairs concurrent queries on sql.js's one query runner with their own batch", async () => {
      observer.seen.length = 0;
      const a = new TrackerContext('tracker-1');
      const b = new TrackerContext('tracker-1');
      const repo = dataSource.getRepository(NoteSchema);
      const [fromA, fromB] = await Promise.all([runInContext(a, () => repo.findBy({ body: 'first' })), runInContext(b, () => repo.count())]);
      expect(fromA).toHaveLength(1);
      expect(fromB).toBe(2);
      const count = observer.seen.find((q) => /COUNT/i.test(q.start.sql))!;
      const find = observer.seen.find((q) => q !== count)!;
      expect(find.start.site.ctx).toBe(a);
      expect(count.start.site.ctx).toBe(b);
      expect(find.end?.rows).toBe(1);
      expect(count.end?.rows).toBe(1);
    });

    it("records a failed query with its error, and the app still gets TypeORM's error", async () => {
      observer.seen.length = 0;
      await expect(dataSource.query('SELECT * FROM missing_table')).rejects.toThrow(/no such table/);
      expect(observer.seen).toHaveLength(1);
      expect(observer.seen[0].end).toMatchObject({ rows: null, error: expect.objectContaining({ message: expect.stringMatching(/no such table/) }) });
    });

    it('is added once, however often DataSources are looked for', async () => {
      expect(observeTypeOrmDataSources(nest.get(ModuleRef))).toEqual(['sqljs']);
      observer.seen.length = 0;
      await dataSource.query('SELECT 1');
      expect(observer.seen).toHaveLength(1);
    });
  });

  describe('on PostgreSQL', () => {
    let db: TestDatabase;
    let dataSource: DataSource;
    let nest: TestingModule;

    beforeAll(async () => {
      db = await createPostgresDatabase('at_typeorm');
      dataSource = await new DataSource({ type: 'postgres', url: db.url, entities: [NoteSchema], synchronize: true }).initialize();
      nest = await nestWith(dataSource);
      observeTypeOrmDataSources(nest.get(ModuleRef));
    });
    afterAll(async () => {
      await dataSource?.destroy();
      await nest?.close();
      await db?.drop();
    });

    it("records nothing itself: pg's own capture sees those queries (counting them here too would double them)", async () => {
      observer.seen.length = 0;
      await dataSource.getRepository(NoteSchema).insert({ body: 'pg' });
      expect(observer.seen.filter((q) => q.start.driver !== 'pg')).toEqual([]);
    });
  });
});
