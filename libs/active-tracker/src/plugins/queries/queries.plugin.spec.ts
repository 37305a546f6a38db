import { TrackerContext, type BatchDraft } from '../../context/request-context.js';
import type { EntryDraft } from '../../entries/entry.js';
import { APP_CALL_LOCATION, fromApp, fromOtherApp, OTHER_APP_CALL_LOCATION } from '../../../test/support/app-call.js';
import { fakeHost } from '../../../test/support/fake-host.js';
import { MemoryRepository } from '../../storage/memory/memory.repository.js';
import { prepareEntry } from '../../storage/prepared-entry.js';
import { viewProblems } from '../plugin-view.js';
import { N_PLUS_ONE_COUNTER, QUERY_COUNTER, queries, QueriesPlugin } from './queries.plugin.js';
import { batchQueryStats, batchQueryTimeMs } from '../../plugin-api.js';
import { recordQuery, startQuery } from './query-capture.js';
import { runInContext } from '../../context/request-context.js';
import { REDACTED } from '../../recorder/sensitive-keys.js';

const item = (draft: EntryDraft, i: number): BatchDraft => ({ draft, recordedAt: Date.now(), id: String(i).padStart(26, '0') });

describe('queries plugin: options, batch processor, statistics', () => {
  const stops: Array<() => void> = [];
  afterEach(() => stops.splice(0).forEach((stop) => stop()));

  it('validate() names every bad option', () => {
    const plugin = queries({
      slowMs: -1,
      slowMsByRoute: { 'GET /a': 'x' as never },
      filters: ['', 3 as never],
      defaultFilters: 'yes' as never,
      nPlusOneThreshold: 1,
      captureParams: 1 as never,
      captureLocation: 'no' as never,
      drivers: null as never,
    });
    expect(plugin.validate()).toEqual([
      '"slowMs" must be a number of milliseconds (0 or more)',
      `"slowMsByRoute['GET /a']" must be a number of milliseconds (0 or more)`,
      '"filters[0]" must be a non-empty string or a RegExp',
      '"filters[1]" must be a non-empty string or a RegExp',
      '"defaultFilters" must be a boolean',
      '"captureParams" must be a boolean',
      '"captureLocation" must be a boolean',
      '"nPlusOneThreshold" must be an integer of 2 or more',
      '"drivers" must be an object such as { pg }',
    ]);
    expect(queries().validate()).toEqual([]);
    expect(viewProblems(queries().view)).toEqual([]);
  });

  it('defaults: 100 ms, threshold 5, parameters off only in production, default filters unless turned off', () => {
    const before = process.env.NODE_ENV;
    try {
      process.env.NODE_ENV = 'production';
      expect(queries().captureParams).toBe(false);
      process.env.NODE_ENV = 'test';
      expect(queries().captureParams).toBe(true);
    } finally {
      process.env.NODE_ENV = before;
    }
    const plugin = queries();
    expect([plugin.slowMs, plugin.nPlusOneThreshold]).toEqual([100, 5]);
    expect(plugin.isFiltered('SELECT * FROM INFORMATION_SCHEMA.TABLES', null)).toBe(true);
    expect(plugin.isFiltered('  ', null)).toBe(true);
    expect(plugin.isFiltered('SELECT 1', 'SCHEMA')).toBe(true);
    expect(plugin.isFiltered('SELECT 1', null)).toBe(false);
    expect(queries({ defaultFilters: false }).isFiltered('SELECT * FROM information_schema.tables', null)).toBe(false);
    const own = queries({ filters: ['FROM audit', /^SET /g] });
    expect([own.isFiltered('SELECT * FROM audit_log', null), own.isFiltered('SET NAMES utf8', null), own.isFiltered('SET NAMES utf8', null)]).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('slowMsByRoute: method-qualified key first, then the bare pattern, else slowMs', () => {
    const plugin = queries({ slowMs: 100, slowMsByRoute: { 'GET /reports/:id': 2000, '/reports/:id': 500 } });
    const batch = (method: string, pattern?: string) => {
      const ctx = new TrackerContext('t');
      ctx.route.pattern = pattern;
      ctx.http = { req: { method } as never, res: {} as never };
      return ctx;
    };
    expect(plugin.slowMsFor(batch('GET', '/reports/:id'))).toBe(2000);
    expect(plugin.slowMsFor(batch('POST', '/reports/:id'))).toBe(500);
    expect(plugin.slowMsFor(batch('GET', '/other'))).toBe(100);
    expect(plugin.slowMsFor(undefined)).toBe(100);
  });

  it('the batch processor totals the batch on its request, flags N+1 families and tells duplicates from similar queries', async () => {
    const plugin = queries({ nPlusOneThreshold: 3 });
    const fake = fakeHost(plugin);
    stops.push(await plugin.register(fake.host));
    const batch = new TrackerContext('tracker-1');
    batch.http = { req: { method: 'GET' } as never, res: {} as never };
    const stats = batchQueryStats(batch, true);
    stats.add('f1', 'SELECT * FROM posts WHERE author_id = ?', 'SELECT * FROM posts WHERE author_id = $1', [1], 2, false);
    stats.add('f1', 'SELECT * FROM posts WHERE author_id = ?', 'SELECT * FROM posts WHERE author_id = $1', [2], 3, true);
    stats.add('f1', 'SELECT * FROM posts WHERE author_id = ?', 'SELECT * FROM posts WHERE author_id = $1', [2], 4, false);
    stats.add('f2', 'SELECT ?', 'SELECT 1', undefined, 1, false);
    expect(batchQueryTimeMs(batch)).toBe(10);
    const drafts: BatchDraft[] = [
      item({ type: 'query', familyHash: 'f1', content: {}, tags: {} }, 1),
      item({ type: 'query', familyHash: 'f2', content: {}, tags: {} }, 2),
      item({ type: 'request', content: { path: '/x' }, tags: { user_name: 'ada' } }, 3),
    ];
    fake.processBatch(batch, drafts);
    expect(drafts[2].draft.content.queries).toEqual({
      count: 4,
      totalMs: 10,
      slowCount: 1,
      nPlusOne: [{ familyHash: 'f1', sql: 'SELECT * FROM posts WHERE author_id = ?', count: 3 }],
      duplicates: [{ sql: 'SELECT * FROM posts WHERE author_id = $1', count: 2 }],
    });
    expect(drafts[2].draft.tags).toEqual({ user_name: 'ada', n_plus_one: 'true' });
    expect(drafts[2].draft.counters).toEqual([
      { name: QUERY_COUNTER, key: 'count', value: 4 },
      { name: QUERY_COUNTER, key: 'ms', value: 10 },
      { name: QUERY_COUNTER, key: 'slow', value: 1 },
      { name: N_PLUS_ONE_COUNTER, key: 'f1', value: 1 },
    ]);
    expect(drafts.slice(0, 2).map((d) => d.draft.counters ?? null)).toEqual([null, null]);
    expect(drafts.map((d) => d.draft.tags?.n_plus_one ?? null)).toEqual(['true', null, 'true']);
  });

  it("a job's batch: no request entry, so the first query of the N+1 family carries the count", async () => {
    const plugin = queries();
    const fake = fakeHost(plugin);
    stops.push(await plugin.register(fake.host));
    const batch = new TrackerContext('tracker-1', undefined, 'job');
    const stats = batchQueryStats(batch, true);
    for (let i = 0; i < 5; i++) stats.add('f1', 'SELECT ?', `SELECT ${i}`, undefined, 1, false);
    const drafts = [0, 1].map((i) => item({ type: 'query', familyHash: 'f1', content: {} }, i));
    fake.processBatch(batch, drafts);
    expect(drafts.map((d) => [d.draft.tags, d.draft.counters ?? null])).toEqual([
      [
        { n_plus_one: 'true' },
        [
          { name: QUERY_COUNTER, key: 'count', value: 5 },
          { name: QUERY_COUNTER, key: 'ms', value: 5 },
          { name: N_PLUS_ONE_COUNTER, key: 'f1', value: 1 },
        ],
      ],
      [{ n_plus_one: 'true' }, null],
    ]);
  });

  it('a batch without queries is left alone', async () => {
    const plugin = queries();
    const fake = fakeHost(plugin);
    stops.push(await plugin.register(fake.host));
    const drafts = [item({ type: 'request', content: {} }, 1)];
    fake.processBatch(new TrackerContext('tracker-1'), drafts);
    expect(drafts[0].draft.content).toEqual({});
  });

  it('statistics: queries stored, and distinct N+1 families of the last hour (bad news when any)', async () => {
    const repo = new MemoryRepository({ maxAgeMs: 3_600_000, maxEntriesPerType: 1000 });
    const plugin = new QueriesPlugin();
    expect(await plugin.statistics(repo)).toEqual([
      { plugin: 'queries', label: 'Queries', value: 0 },
      { plugin: 'queries', label: 'N+1 families (last hour)', value: 0 },
    ]);
    const at = new Date().toISOString();
    const entry = (id: string, type: string) => ({
      id,
      type,
      batchId: null,
      occurredAt: at,
      durationMs: 1,
      familyHash: null,
      tags: {},
      content: {},
      version: 1,
    });
    await repo.save([
      prepareEntry(entry('01J00000000000000000000001', 'query')),
      prepareEntry(entry('01J00000000000000000000002', 'query')),
      prepareEntry(entry('01J00000000000000000000003', 'request'), {
        counters: [
          { name: N_PLUS_ONE_COUNTER, key: 'f1', value: 1 },
          { name: N_PLUS_ONE_COUNTER, key: 'f2', value: 1 },
        ],
      }),
      prepareEntry(entry('01J00000000000000000000004', 'request'), { counters: [{ name: N_PLUS_ONE_COUNTER, key: 'f1', value: 1 }] }),
    ]);
    expect(await plugin.statistics(repo)).toEqual([
      { plugin: 'queries', label: 'Queries', value: 2 },
      { plugin: 'queries', label: 'N+1 families (last hour)', value: 2, error: true },
    ]);
  });

  it('startQuery / recordQuery: a driver the plugin does not hook reports into the same pipeline', async () => {
    const plugin = queries();
    const fake = fakeHost(plugin);
    stops.push(await plugin.register(fake.host));
    const batch = new TrackerContext('tracker-1');
    runInContext(batch, () => {
      recordQuery({ driver: 'sql.js', sql: "UPDATE users SET password = 'x' WHERE id = ?", values: [7], durationMs: 3.5, rows: 1 });
      startQuery({ driver: 'sql.js', sql: 'SELECT nope' }).end({ error: new Error('no such column: nope') });
    });
    const drafts = fake.drafts.filter((d) => d.batchId === batch.batchId);
    expect(drafts.map((d) => [d.durationMs, d.content.driver, d.content.sql, d.content.rows, d.content.params ?? null])).toEqual([
      [3.5, 'sql.js', `UPDATE users SET password = '${REDACTED}' WHERE id = ?`, 1, [7]],
      [expect.any(Number), 'sql.js', 'SELECT nope', null, null],
    ]);
    expect(drafts[1].content.error).toEqual({ name: 'Error', message: 'no such column: nope' });
    expect(batchQueryStats(batch)?.count).toBe(2);
  });

  it('overview tiles: queries of the window (average, slow ones) and N+1 families, from the counters', async () => {
    const repo = new MemoryRepository({ maxAgeMs: 3_600_000, maxEntriesPerType: 1000 });
    const plugin = new QueriesPlugin();
    const now = Date.now();
    const window = { range: 'hour' as const, granularity: 'minute' as const, from: now - 59 * 60_000, to: now };
    expect((await plugin.overview(repo, window)).map((t) => [t.key, t.value, t.hint, t.error ?? false])).toEqual([
      ['queries', 0, 'none in this period', false],
      ['n-plus-one', 0, 'none in this period', false],
    ]);
    const at = new Date(now).toISOString();
    const request = (id: string, counters: Array<{ name: string; key: string; value: number }>) =>
      prepareEntry({ id, type: 'request', batchId: null, occurredAt: at, durationMs: 1, familyHash: null, tags: {}, content: {}, version: 1 }, { counters });
    await repo.save([
      request('01J00000000000000000000011', [
        { name: QUERY_COUNTER, key: 'count', value: 7 },
        { name: QUERY_COUNTER, key: 'ms', value: 14 },
        { name: QUERY_COUNTER, key: 'slow', value: 2 },
        { name: N_PLUS_ONE_COUNTER, key: 'f1', value: 1 },
      ]),
      request('01J00000000000000000000012', [
        { name: QUERY_COUNTER, key: 'count', value: 3 },
        { name: QUERY_COUNTER, key: 'ms', value: 6 },
        { name: N_PLUS_ONE_COUNTER, key: 'f1', value: 1 },
      ]),
    ]);
    const tiles = await plugin.overview(repo, window);
    expect(tiles.map((t) => [t.key, t.label, t.value, t.hint, t.link, t.error ?? false])).toEqual([
      ['queries', 'Queries', 10, 'avg 2 ms, 2 slow', 'queries', true],
      ['n-plus-one', 'N+1 families', 1, 'in 2 requests', 'queries', true],
    ]);
    expect(tiles[0].series?.reduce((a, b) => a + b, 0)).toBe(10);
    expect(tiles[0].series).toHaveLength(60);
  });

  it('captureLocation: false reads no call stack (no location, no ORM) unless another tracker wants it', async () => {
    const plugin = queries({ captureLocation: false });
    const fake = fakeHost(plugin);
    stops.push(await plugin.register(fake.host));
    const batch = new TrackerContext('tracker-1');
    runInContext(batch, () => fromApp(() => recordQuery({ driver: 'sql.js', sql: 'SELECT 1', durationMs: 1 })));
    expect(fake.drafts.map((d) => [d.content.location, d.content.orm])).toEqual([[null, null]]);
    const other = queries();
    const otherHost = fakeHost(other);
    stops.push(await other.register(otherHost.host));
    runInContext(batch, () => fromApp(() => recordQuery({ driver: 'sql.js', sql: 'SELECT 2', durationMs: 1 })));
    expect(otherHost.drafts.map((d) => d.content.location)).toEqual([APP_CALL_LOCATION]);
  });

  it('every query gets its own call site: one SQL text run from two places alternately shows each place', async () => {
    const plugin = queries();
    const fake = fakeHost(plugin);
    stops.push(await plugin.register(fake.host));
    const batch = new TrackerContext('tracker-1');
    const sql = 'SELECT * FROM two_sites WHERE id = $1';
    runInContext(batch, () => {
      for (let i = 0; i < 3; i++) {
        fromApp(() => recordQuery({ driver: 'pg', sql, durationMs: 1 }));
        fromOtherApp(() => startQuery({ driver: 'pg', sql }).end());
      }
    });
    expect(fake.drafts.map((d) => d.content.location)).toEqual(Array(3).fill([APP_CALL_LOCATION, OTHER_APP_CALL_LOCATION]).flat());
    expect(APP_CALL_LOCATION).not.toBe(OTHER_APP_CALL_LOCATION);
  });

  it('a deeper call site of a known SQL text is still found (the depth remembered per text only bounds the first read)', async () => {
    const plugin = queries();
    const fake = fakeHost(plugin);
    stops.push(await plugin.register(fake.host));
    const sql = 'SELECT * FROM deep_sites WHERE id = $1';
    const nested = (depth: number, fn: () => void): void => (depth === 0 ? fn() : nested(depth - 1, fn));
    runInContext(new TrackerContext('tracker-1'), () => {
      fromApp(() => recordQuery({ driver: 'pg', sql, durationMs: 1 }));
      // The spec's own frames are the tracker's (libs/active-tracker/src), so these add depth before the app frame.
      fromOtherApp(() => nested(15, () => recordQuery({ driver: 'pg', sql, durationMs: 1 })));
      fromApp(() => recordQuery({ driver: 'pg', sql, durationMs: 1 }));
    });
    expect(fake.drafts.map((d) => d.content.location)).toEqual([APP_CALL_LOCATION, OTHER_APP_CALL_LOCATION, APP_CALL_LOCATION]);
  });
});
