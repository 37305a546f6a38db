import pg from 'pg';
import QueryStream from 'pg-query-stream';
import { InstrumentationBus } from '../../bus/instrumentation-bus.js';
import { runInContext, TrackerContext } from '../../context/request-context.js';
import type { EntryDraft } from '../../entries/entry.js';
import { REDACTED } from '../../recorder/sensitive-keys.js';
import { createPostgresDatabase, type TestDatabase } from '../../../test/support/databases.js';
import { APP_CALL_LOCATION, fromApp } from '../../../test/support/app-call.js';
import { fakeHost, type FakeHost } from '../../../test/support/fake-host.js';
import { queries, SQL_QUERY_EVENT, type QueriesPlugin, type QueryEntryContent } from './queries.plugin.js';
import { normalizeSql, sqlFamilyHash } from './query-normalizer.js';

const content = (draft: EntryDraft | undefined) => draft?.content as unknown as QueryEntryContent;

describe('queries plugin: pg at the driver (real PostgreSQL)', () => {
  let db: TestDatabase;
  let plugin: QueriesPlugin;
  let fake: FakeHost;
  let stop: () => void;
  let client: pg.Client;
  const bus = new InstrumentationBus();

  beforeAll(async () => {
    db = await createPostgresDatabase('at_pg_capture');
    // Zero setup: the plugin finds the pg this test imports (no `drivers` option).
    plugin = queries({ slowMs: 60_000 });
    fake = fakeHost(plugin, { bus });
    stop = await plugin.register(fake.host);
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, password text NOT NULL)');
    await client.query("INSERT INTO users (email, password) VALUES ('ada@example.com', 'x'), ('alan@example.com', 'y')");
  });

  afterAll(async () => {
    stop?.();
    await client?.end();
    await db?.drop();
  });

  /** Runs `fn` in a fresh batch of the fake host's tracker; returns the batch and what it recorded. */
  async function inBatch<T>(fn: () => Promise<T>): Promise<{ batch: TrackerContext; result: T; drafts: EntryDraft[] }> {
    const batch = new TrackerContext('tracker-1');
    const result = await runInContext(batch, fn);
    return { batch, result, drafts: fake.drafts.filter((d) => d.batchId === batch.batchId) };
  }

  it('found the pg copy the app loads, and wrapped it once', () => {
    expect(plugin.drivers?.pg.length).toBeGreaterThan(0);
    expect(plugin.drivers?.mysql2).toBe(true);
  });

  it('promise form: one entry per query, with duration, rows, database, server, family, location and params; the result is untouched', async () => {
    const { batch, result, drafts } = await inBatch(() => fromApp(() => client.query('SELECT id, email FROM users WHERE id = $1', [1])));
    expect(result.rows).toEqual([{ id: 1, email: 'ada@example.com' }]);
    expect(drafts).toHaveLength(1);
    const [draft] = drafts;
    expect(draft).toMatchObject({
      type: 'query',
      batchId: batch.batchId,
      familyHash: sqlFamilyHash(normalizeSql('SELECT id, email FROM users WHERE id = $1')),
      trackerId: 'tracker-1',
    });
    expect(draft.durationMs).toEqual(expect.any(Number));
    expect(draft.durationMs).toBeGreaterThan(0);
    expect(content(draft)).toEqual({
      sql: 'SELECT id, email FROM users WHERE id = $1',
      driver: 'pg',
      orm: null,
      connection: db.name,
      server: '127.0.0.1:5432',
      rows: 1,
      location: APP_CALL_LOCATION,
      slow: false,
      name: null,
      params: [1],
    });
  });

  it('callback forms (values + callback, callback only) get the same arguments', async () => {
    const { drafts } = await inBatch(
      () =>
        new Promise<void>((resolve, reject) => {
          client.query('SELECT count(*)::int AS n FROM users WHERE email LIKE $1', ['%@example.com'], (err, res) => {
            if (err) return reject(err);
            expect(res.rows).toEqual([{ n: 2 }]);
            client.query('SELECT 1 AS one', (err2: Error | null, res2: pg.QueryResult) => {
              if (err2) return reject(err2);
              expect(res2.rows).toEqual([{ one: 1 }]);
              resolve();
            });
          });
        }),
    );
    expect(drafts.map((d) => [content(d).sql, content(d).rows])).toEqual([
      ['SELECT count(*)::int AS n FROM users WHERE email LIKE $1', 1],
      ['SELECT 1 AS one', 1],
    ]);
  });

  it('errors: recorded with the error, and the app gets the same rejection (stack leading back to the app, as pg does)', async () => {
    let caught: unknown;
    const { drafts } = await inBatch(async () => {
      await client.query('SELECT nope FROM users').catch((error: unknown) => (caught = error));
    });
    expect(caught).toBeInstanceOf(Error);
    expect((caught as { code?: string }).code).toBe('42703');
    expect(String((caught as Error).stack)).not.toMatch(/^\s+at .*onStreamRead/m);
    expect(content(drafts[0])).toMatchObject({ sql: 'SELECT nope FROM users', rows: null, error: { message: 'column "nope" does not exist', code: '42703' } });
  });

  it('a Pool: queries run on its clients, each linked to the batch that made it even when it waited for a client another request released', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 }).on('error', () => undefined); // an idle client ended by the teardown's DROP ... FORCE
    try {
      const a = new TrackerContext('tracker-1');
      const b = new TrackerContext('tracker-1');
      // One client: b's query waits until a's releases it, and resumes from a's callbacks.
      const [ra, rb] = await Promise.all([
        runInContext(a, () => pool.query('SELECT $1::text AS whom', ['a'])),
        runInContext(b, () => fromApp(() => pool.query('SELECT $1::text AS who', ['b']))),
      ]);
      expect([ra.rows[0].whom, rb.rows[0].who]).toEqual(['a', 'b']);
      const ofA = fake.drafts.filter((d) => d.batchId === a.batchId);
      const ofB = fake.drafts.filter((d) => d.batchId === b.batchId);
      expect(ofA.map((d) => content(d).params)).toEqual([['a']]);
      expect(ofB.map((d) => content(d).params)).toEqual([['b']]);
      // Taken where the app called pool.query, not where the pool resumed it.
      expect(content(ofB[0]).location).toBe(APP_CALL_LOCATION);
      // The callback form of pool.query, and a string turned into a config object changes nothing.
      const viaCallback = await new Promise<number>((resolve, reject) =>
        runInContext(b, () => pool.query('SELECT 2 AS two', (err: Error, res: pg.QueryResult) => (err ? reject(err) : resolve(res.rows[0].two)))),
      );
      expect(viaCallback).toBe(2);
      expect(fake.drafts.filter((d) => d.batchId === b.batchId).map((d) => content(d).sql)).toEqual(['SELECT $1::text AS who', 'SELECT 2 AS two']);
      expect(fake.drafts.filter((d) => d.batchId === a.batchId).map((d) => content(d).sql)).toEqual(['SELECT $1::text AS whom']);
    } finally {
      await pool.end();
    }
  });

  it('a Submittable (pg-query-stream): recorded once the stream has ended, rows counted', async () => {
    const { drafts } = await inBatch(async () => {
      const stream = client.query(new QueryStream('SELECT generate_series(1, $1::int) AS n', [25]));
      let seen = 0;
      for await (const _row of stream) seen++;
      expect(seen).toBe(25);
      // The stream may end before its ReadyForQuery: the client's next answer comes after it.
      await client.query('SELECT 1');
    });
    expect(drafts.map((d) => [content(d).sql, content(d).rows])).toEqual([
      ['SELECT generate_series(1, $1::int) AS n', 25],
      ['SELECT 1', 1],
    ]);
  });

  it('parameters and literals bound to sensitive columns are redacted; others are kept', async () => {
    const { drafts } = await inBatch(async () => {
      await client.query('SELECT id FROM users WHERE email = $1 AND password = $2', ['ada@example.com', 'x']);
      await client.query("UPDATE users SET password = 'hunter2' WHERE email = 'alan@example.com'");
    });
    expect(content(drafts[0]).params).toEqual(['ada@example.com', REDACTED]);
    expect(content(drafts[1]).sql).toBe(`UPDATE users SET password = '${REDACTED}' WHERE email = 'alan@example.com'`);
    expect(drafts[1].familyHash).toBe(sqlFamilyHash(normalizeSql("UPDATE users SET password = 'other' WHERE email = 'x'")));
  });

  it('default filters skip schema introspection and empty statements; filters match the SQL or the statement name', async () => {
    const other = queries({ filters: ['FROM users WHERE id = 2', /^skip-/] });
    const host = fakeHost(other);
    const stopOther = await other.register(host.host);
    try {
      const batch = new TrackerContext('tracker-1');
      await runInContext(batch, async () => {
        await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
        await client.query('SELECT relname FROM pg_catalog.pg_class LIMIT 1');
        await client.query('   ');
        await client.query('SELECT email FROM users WHERE id = 2');
        await client.query({ name: 'skip-me', text: 'SELECT 3 AS three' });
        await client.query({ name: 'keep-me', text: 'SELECT 4 AS four' });
      });
      expect(host.drafts.filter((d) => d.batchId === batch.batchId).map((d) => [content(d).sql, content(d).name])).toEqual([['SELECT 4 AS four', 'keep-me']]);
      // The first plugin (default filters only) saw the same queries, each once: the driver is wrapped once.
      expect(fake.drafts.filter((d) => d.batchId === batch.batchId).map((d) => content(d).sql)).toEqual([
        'SELECT email FROM users WHERE id = 2',
        'SELECT 3 AS three',
        'SELECT 4 AS four',
      ]);
    } finally {
      stopOther();
    }
  });

  it('publishes sql.query before recording, timed like the entry, with the batch as transaction id', async () => {
    const events: Array<{ name: string; payload: Record<string, unknown>; duration: number; transactionId: string | null }> = [];
    const recordedBefore: number[] = [];
    const sub = bus.subscribe(SQL_QUERY_EVENT, (event) => {
      events.push(event as never);
      recordedBefore.push(fake.drafts.length);
    });
    try {
      const countBefore = fake.drafts.length;
      const { batch } = await inBatch(() => client.query('SELECT email FROM users WHERE id = $1', [2]));
      expect(events).toHaveLength(1);
      expect(recordedBefore).toEqual([countBefore]);
      expect(events[0].transactionId).toBe(batch.batchId);
      expect(events[0].duration).toBeGreaterThan(0);
      expect(events[0].payload).toMatchObject({
        sql: 'SELECT email FROM users WHERE id = $1',
        driver: 'pg',
        rows: 1,
        params: [2],
        familyHash: expect.stringMatching(/^[0-9a-f]{16}$/),
      });
    } finally {
      bus.unsubscribe(sub);
    }
  });

  it('with captureParams off no parameter is kept; once stopped nothing is recorded', async () => {
    const quiet = queries({ captureParams: false });
    const host = fakeHost(quiet);
    const stopQuiet = await quiet.register(host.host);
    const batch = new TrackerContext('tracker-1');
    await runInContext(batch, () => client.query('SELECT $1::int AS n', [7]));
    stopQuiet();
    expect(host.drafts.filter((d) => d.batchId === batch.batchId).map((d) => 'params' in d.content)).toEqual([false]);
    await runInContext(batch, () => client.query('SELECT $1::int AS n', [8]));
    expect(host.drafts.filter((d) => d.batchId === batch.batchId)).toHaveLength(1);
  });
});
