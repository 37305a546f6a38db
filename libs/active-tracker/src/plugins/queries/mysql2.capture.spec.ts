import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import { runInContext, TrackerContext } from '../../context/request-context.js';
import type { EntryDraft } from '../../entries/entry.js';
import { REDACTED } from '../../recorder/sensitive-keys.js';
import { createMariaDbDatabase, type TestDatabase } from '../../../test/support/databases.js';
import { APP_CALL_LOCATION, fromApp } from '../../../test/support/app-call.js';
import { fakeHost, type FakeHost } from '../../../test/support/fake-host.js';
import { queries, type QueriesPlugin, type QueryEntryContent } from './queries.plugin.js';
import { normalizeSql, sqlFamilyHash } from './query-normalizer.js';

const content = (draft: EntryDraft | undefined) => draft?.content as unknown as QueryEntryContent;

describe('queries plugin: mysql2 through its diagnostics channels (real MariaDB)', () => {
  let db: TestDatabase;
  let plugin: QueriesPlugin;
  let fake: FakeHost;
  let stop: () => void;
  let connection: mysqlPromise.Connection;

  beforeAll(async () => {
    db = await createMariaDbDatabase('at_mysql_capture');
    plugin = queries({ slowMs: 60_000 });
    fake = fakeHost(plugin);
    stop = await plugin.register(fake.host);
    connection = await mysqlPromise.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.name });
    await connection.query('CREATE TABLE users (id int AUTO_INCREMENT PRIMARY KEY, email varchar(100) NOT NULL, password varchar(100) NOT NULL)');
    await connection.query("INSERT INTO users (email, password) VALUES ('ada@example.com', 'x'), ('alan@example.com', 'y')");
  });

  afterAll(async () => {
    stop?.();
    await connection?.end();
    await db?.drop();
  });

  async function inBatch<T>(fn: () => Promise<T>): Promise<{ batch: TrackerContext; result: T; drafts: EntryDraft[] }> {
    const batch = new TrackerContext('tracker-1');
    const result = await runInContext(batch, fn);
    return { batch, result, drafts: fake.drafts.filter((d) => d.batchId === batch.batchId) };
  }

  it('promise API, query(): duration, rows, database, server, family, location, params; results untouched', async () => {
    const { batch, result, drafts } = await inBatch(() => fromApp(() => connection.query('SELECT id, email FROM users WHERE id = ?', [1])));
    expect(result[0]).toEqual([{ id: 1, email: 'ada@example.com' }]);
    expect(drafts).toHaveLength(1);
    // query() formats the values into the text client-side: the family is the same shape anyway.
    expect(drafts[0]).toMatchObject({
      type: 'query',
      batchId: batch.batchId,
      familyHash: sqlFamilyHash(normalizeSql('SELECT id, email FROM users WHERE id = ?', 'mysql')),
    });
    expect(drafts[0].durationMs).toBeGreaterThan(0);
    expect(content(drafts[0])).toEqual({
      sql: 'SELECT id, email FROM users WHERE id = 1',
      driver: 'mysql2',
      orm: null,
      connection: db.name,
      server: '127.0.0.1:3306',
      rows: 1,
      location: APP_CALL_LOCATION,
      slow: false,
      name: null,
      params: [1],
    });
  });

  it('promise API, execute() (prepared statements): the text with its placeholders', async () => {
    const { result, drafts } = await inBatch(() => connection.execute('SELECT email FROM users WHERE id = ?', [2]));
    expect(result[0]).toEqual([{ email: 'alan@example.com' }]);
    expect(drafts.map((d) => [content(d).sql, content(d).rows, content(d).params])).toEqual([['SELECT email FROM users WHERE id = ?', 1, [2]]]);
  });

  it('callback API: query and execute, errors recorded and handed to the app unchanged', async () => {
    const raw = mysql.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.name });
    try {
      const { drafts } = await inBatch(
        () =>
          new Promise<void>((resolve, reject) => {
            raw.query('SELECT count(*) AS n FROM users', (err, rows) => {
              if (err) return reject(err);
              expect(rows).toEqual([{ n: 2 }]);
              raw.execute('SELECT nope FROM users', [], (err2) => {
                expect(err2).toMatchObject({ code: 'ER_BAD_FIELD_ERROR' });
                resolve();
              });
            });
          }),
      );
      expect(drafts.map((d) => [content(d).sql, content(d).rows, content(d).error?.code ?? null])).toEqual([
        ['SELECT count(*) AS n FROM users', 1, null],
        ['SELECT nope FROM users', null, 'ER_BAD_FIELD_ERROR'],
      ]);
      expect(content(drafts[1]).error?.message).toMatch(/Unknown column 'nope'/);
    } finally {
      await new Promise((resolve) => raw.end(resolve));
    }
  });

  it('a pool: each query linked to the batch that made it, also when it waited for a connection another request released', async () => {
    const pool = mysqlPromise.createPool({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.name, connectionLimit: 1 });
    try {
      const a = new TrackerContext('tracker-1');
      const b = new TrackerContext('tracker-1');
      const [ra, rb] = await Promise.all([
        runInContext(a, () => pool.query('SELECT ? AS who', ['a'])),
        runInContext(b, () => fromApp(() => pool.execute('SELECT ? AS who', ['b']))),
      ]);
      expect([(ra[0] as any)[0].who, (rb[0] as any)[0].who]).toEqual(['a', 'b']);
      expect(fake.drafts.filter((d) => d.batchId === a.batchId).map((d) => content(d).sql)).toEqual(["SELECT 'a' AS who"]);
      const ofB = fake.drafts.filter((d) => d.batchId === b.batchId);
      expect(ofB.map((d) => content(d).sql)).toEqual(['SELECT ? AS who']);
      expect(content(ofB[0]).location).toBe(APP_CALL_LOCATION);
    } finally {
      await pool.end();
    }
  });

  it('sensitive values are redacted in parameters and in the text query() formatted', async () => {
    const { drafts } = await inBatch(async () => {
      await connection.execute('SELECT id FROM users WHERE email = ? AND password = ?', ['ada@example.com', 'x']);
      await connection.query('SELECT id FROM users WHERE email = ? AND password = ?', ['ada@example.com', 'x']);
    });
    expect(content(drafts[0]).params).toEqual(['ada@example.com', REDACTED]);
    expect(content(drafts[1]).sql).toBe(`SELECT id FROM users WHERE email = 'ada@example.com' AND password = '${REDACTED}'`);
    expect(content(drafts[1]).params).toEqual(['ada@example.com', REDACTED]);
  });

  it('after stop, the channels are left and nothing is recorded', async () => {
    const other = queries();
    const host = fakeHost(other);
    const stopOther = await other.register(host.host);
    stopOther();
    const batch = new TrackerContext('tracker-1');
    await runInContext(batch, () => connection.query('SELECT 1'));
    expect(host.drafts).toHaveLength(0);
    // The first plugin still runs.
    expect(fake.drafts.filter((d) => d.batchId === batch.batchId)).toHaveLength(1);
  });
});
