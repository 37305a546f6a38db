import 'reflect-metadata';
import { Controller, Get } from '@nestjs/common';
import { EventReporter, InstrumentationBus, MemoryRepository, prepareEntry, type Entry, type EntryDraft } from '@active-tracker/nestjs';
import { requestBatch, testHost } from '../test/test-host.js';
import { Deprecated } from './deprecated.decorator.js';
import { DEPRECATION_ENTRY_TYPE, type DeprecationEntryContent } from './deprecation-entry.js';
import { deprecations } from './deprecations.plugin.js';
import { DeprecationsReportQueryDto } from './report-query.dto.js';

const PAST = '2020-06-30';
const FUTURE = '2999-12-31';

@Controller('users')
class UsersController {
  @Get()
  list(): string[] {
    return [];
  }

  @Get('legacy')
  @Deprecated({ since: '2.0', replacement: 'GET /users', sunset: FUTURE })
  legacy(): string[] {
    return [];
  }

  @Get('ancient')
  @Deprecated({ since: '1.0', replacement: 'GET /users', sunset: PAST })
  ancient(): string[] {
    return [];
  }
}

@Controller('health')
class HealthController {
  @Get()
  check(): string {
    return 'ok';
  }
}

const content = (draft: EntryDraft) => draft.content as unknown as DeprecationEntryContent;

describe('deprecations plugin', () => {
  it('names itself, its entry type, nav icon, view and route', () => {
    const plugin = deprecations();
    expect(plugin.name).toBe('deprecations');
    expect(plugin.entryType).toBe('deprecation');
    expect(plugin.requires).toEqual(['route-handlers']);
    expect(plugin.nav.icon).toMatch(/^<svg [^>]*viewBox="0 0 24 24"[^>]*stroke="currentColor"/);
    expect(plugin.nav.icon).not.toMatch(/#[0-9a-f]{3,6}\b|rgb\(/i); // monochrome
    expect(plugin.view.list.families).toBe(true);
    expect(plugin.routes.map((r) => `${r.method} ${r.path}`)).toEqual(['GET report']);
    expect(plugin.validate()).toEqual([]);
  });

  it('validates its options', () => {
    const problems = deprecations({
      instrumentation: 'yes' as never,
      recordNotify: 1 as never,
      reporter: {} as never,
      clientHeader: 'x api',
      clientResolver: 42 as never,
      alarmWindowHours: 1.5,
    }).validate();
    expect(problems).toEqual([
      '"instrumentation" must be a boolean',
      '"recordNotify" must be a boolean',
      '"reporter" must be an EventReporter',
      '"reporter" has no effect without "recordNotify: true"',
      '"clientHeader" must be an HTTP header name such as "x-api-client"',
      '"clientResolver" must be a provider class or an injection token (string or symbol)',
      '"alarmWindowHours" must be an integer from 1 to 720',
    ]);
  });

  describe('endpoints', () => {
    it('records every use of a deprecated handler, linked to its batch, counted by endpoint family', () => {
      const plugin = deprecations({ clientHeader: 'X-Api-Client' });
      const t = testHost(plugin, { controllers: [UsersController, HealthController] });
      const stop = plugin.register(t.host);
      expect(t.endHooks).toHaveLength(1);

      const batch = requestBatch({
        controller: 'UsersController',
        handler: 'legacy',
        pattern: '/users/legacy',
        url: '/users/legacy?page=2',
        headers: { 'user-agent': 'curl/8.0', 'x-api-client': 'mobile-app' },
        tags: { user_name: 'ada' },
        startedAt: Date.UTC(2025, 0, 2),
      });
      t.endBatch(batch);
      t.endBatch(requestBatch({ controller: 'UsersController', handler: 'legacy', pattern: '/users/legacy', url: '/users/legacy' }));

      expect(t.records).toHaveLength(2);
      const [{ draft, batch: given }] = t.records;
      expect(given).toBe(batch);
      expect(draft).toMatchObject({
        type: 'deprecation',
        occurredAt: Date.UTC(2025, 0, 2),
        familyHash: 'deprecation:GET /users/legacy',
        tags: { user_name: 'ada', deprecation: 'endpoint', client: 'mobile-app' },
        counters: [{ name: 'deprecations', key: 'endpoint', value: 1 }],
        trackerId: 'tracker-1',
      });
      expect(content(draft)).toEqual({
        kind: 'endpoint',
        subject: 'GET /users/legacy',
        since: '2.0',
        sunset: '2999-12-31T00:00:00.000Z',
        replacement: 'GET /users',
        pastSunset: false,
        message: null,
        method: 'GET',
        route: '/users/legacy',
        path: '/users/legacy',
        controller: 'UsersController',
        handler: 'legacy',
        status: 200,
        userAgent: 'curl/8.0',
        client: 'mobile-app',
        event: null,
        origin: null,
        horizon: null,
      });
      expect(t.records[1].draft.familyHash).toBe(draft.familyHash);
      stop();
      expect(t.endHooks).toHaveLength(0);
    });

    it('flags a use after the sunset (tag, content and counter)', () => {
      const plugin = deprecations();
      const t = testHost(plugin, { controllers: [UsersController] });
      plugin.register(t.host);
      t.endBatch(requestBatch({ controller: 'UsersController', handler: 'ancient', pattern: '/users/ancient', status: 410 }));
      const [{ draft }] = t.records;
      expect(content(draft)).toMatchObject({ pastSunset: true, sunset: '2020-06-30T00:00:00.000Z', status: 410 });
      expect(draft.tags).toEqual({ deprecation: 'endpoint', pastSunset: 'true' });
      expect(draft.counters).toEqual([
        { name: 'deprecations', key: 'endpoint', value: 1 },
        { name: 'deprecations', key: 'pastSunset', value: 1 },
      ]);
    });

    it('records nothing for other handlers, non-HTTP batches and requests no handler served', () => {
      const plugin = deprecations();
      const t = testHost(plugin, { controllers: [UsersController, HealthController] });
      plugin.register(t.host);
      t.endBatch(requestBatch({ controller: 'UsersController', handler: 'list', pattern: '/users' }));
      t.endBatch(requestBatch({ controller: 'HealthController', handler: 'check', pattern: '/health' }));
      t.endBatch(requestBatch({ url: '/nowhere' }));
      t.endBatch({ ...requestBatch({ controller: 'UsersController', handler: 'legacy' }), http: undefined } as never);
      expect(t.records).toEqual([]);
    });

    it('adds no batch hook at all when the app has no deprecated handler', () => {
      const plugin = deprecations();
      const t = testHost(plugin, { controllers: [HealthController] });
      plugin.register(t.host);
      expect(t.endHooks).toHaveLength(0);
      expect(t.startHooks).toHaveLength(0);
    });

    it('warns and keeps recording notices when the controllers cannot be read', () => {
      const plugin = deprecations();
      const t = testHost(plugin, { noContainer: true });
      plugin.register(t.host);
      expect(t.endHooks).toHaveLength(0);
      expect(t.warnings).toEqual([expect.stringMatching(/^could not read the app's controllers \(no provider ModulesContainer\)/)]);
      t.host.bus.instrument('deprecation.billing', { feature: 'flat pricing' });
      expect(t.upserts).toHaveLength(1);
    });

    it('names the client with the app provider found through host.resolve', () => {
      class ApiClients {
        clientOf(req: { headers: Record<string, string> }): string {
          return `key:${req.headers['x-api-key'].slice(0, 4)}`;
        }
      }
      const plugin = deprecations({ clientResolver: ApiClients, clientHeader: 'x-api-client' });
      const t = testHost(plugin, { controllers: [UsersController], providers: new Map([[ApiClients, new ApiClients()]]) });
      plugin.register(t.host);
      expect(t.resolved).toEqual([ApiClients]);
      t.endBatch(requestBatch({ controller: 'UsersController', handler: 'legacy', headers: { 'x-api-key': 'abcd1234', 'x-api-client': 'ignored' } }));
      expect(content(t.records[0].draft).client).toBe('key:abcd');
      expect(t.warnings).toEqual([]);
    });

    it('goes on without a client resolver the app does not provide (one warning, from the host)', () => {
      const plugin = deprecations({ clientResolver: 'API_CLIENTS', clientHeader: 'x-api-client' });
      const t = testHost(plugin, { controllers: [UsersController] });
      expect(() => plugin.register(t.host)).not.toThrow();
      expect(t.warnings).toEqual(['the app provides no provider API_CLIENTS; that capture is off']);
      t.endBatch(requestBatch({ controller: 'UsersController', handler: 'legacy', headers: { 'x-api-client': 'web' } }));
      expect(content(t.records[0].draft).client).toBe('web');
    });

    it('warns about a resolver without clientOf, and survives one that throws', () => {
      const broken = deprecations({ clientResolver: 'BROKEN' });
      const t1 = testHost(broken, { controllers: [UsersController], providers: new Map([['BROKEN', {}]]) });
      broken.register(t1.host);
      expect(t1.warnings).toEqual(['"clientResolver" BROKEN has no clientOf(request) method; uses are recorded without a client']);

      const throwing = deprecations({ clientResolver: 'THROWS' });
      const t2 = testHost(throwing, {
        controllers: [UsersController],
        providers: new Map([
          [
            'THROWS',
            {
              clientOf: () => {
                throw new Error('boom');
              },
            },
          ],
        ]),
      });
      throwing.register(t2.host);
      t2.endBatch(requestBatch({ controller: 'UsersController', handler: 'legacy' }));
      expect(content(t2.records[0].draft).client).toBeNull();
    });
  });

  describe('notices (bus subscription)', () => {
    it('records deprecation.* instrumentation events latest-one-counted by subject, ignoring other names', () => {
      const bus = new InstrumentationBus();
      bus.raiseOnError = true;
      const plugin = deprecations();
      const t = testHost(plugin, { bus });
      const stop = plugin.register(t.host);
      bus.instrument('deprecation.rails', { message: 'Calling old_api is deprecated', gem_name: 'Rails', deprecation_horizon: '8.0' });
      bus.instrument('deprecation.billing', { feature: 'flat pricing', since: '3.1', replacement: 'tiered pricing', sunset: PAST, client: 'acme' });
      bus.instrument('deprecation.active_tracker', { type: 'deprecation', content: {} }); // a capture event, not a notice
      bus.instrument('billing.charged', { amount: 1 });
      expect(t.upserts.map((u) => u.key)).toEqual([
        'deprecation:deprecation.rails:Calling old_api is deprecated',
        'deprecation:deprecation.billing:flat pricing',
      ]);
      expect(t.upserts[0].draft).toMatchObject({
        type: 'deprecation',
        tags: { deprecation: 'notice' },
        counters: [{ name: 'deprecations', key: 'notice', value: 1 }],
      });
      expect(t.upserts[0].draft.batchId).toBeUndefined(); // the recorder links it to the batch running now
      expect(content(t.upserts[0].draft)).toMatchObject({
        kind: 'notice',
        subject: 'Calling old_api is deprecated',
        event: 'deprecation.rails',
        origin: 'instrument',
        horizon: '8.0',
        pastSunset: false,
      });
      expect(content(t.upserts[1].draft)).toMatchObject({
        subject: 'flat pricing',
        since: '3.1',
        replacement: 'tiered pricing',
        sunset: '2020-06-30T00:00:00.000Z',
        pastSunset: true,
        client: 'acme',
      });
      expect(t.upserts[1].draft.tags).toEqual({ deprecation: 'notice', pastSunset: 'true', client: 'acme' });
      stop();
      bus.instrument('deprecation.billing', { feature: 'flat pricing' });
      expect(t.upserts).toHaveLength(2);
      expect(bus.isListening('deprecation.billing')).toBe(false);
    });

    it('records EventReporter deprecation.* events only with recordNotify', () => {
      const reporter = new EventReporter({ raiseOnError: true });
      const off = deprecations({ reporter: undefined });
      const tOff = testHost(off);
      off.register(tOff.host);
      expect(reporter.hasSubscribers).toBe(false);

      const plugin = deprecations({ recordNotify: true, reporter, instrumentation: false });
      const t = testHost(plugin);
      const stop = plugin.register(t.host);
      reporter.notify('deprecation.used', { feature: 'GET /v1/search', replacement: 'GET /v2/search' });
      reporter.notify('user.created', { id: 1 });
      t.host.bus.instrument('deprecation.ignored', { feature: 'instrumentation is off' });
      expect(t.upserts.map((u) => [u.key, content(u.draft).origin, content(u.draft).replacement])).toEqual([
        ['deprecation:deprecation.used:GET /v1/search', 'notify', 'GET /v2/search'],
      ]);
      stop();
      expect(reporter.hasSubscribers).toBe(false);
    });
  });

  describe('report and statistics', () => {
    /** Stores entries as the recorder would (prepared, with the family summary and counters). */
    async function store(repo: MemoryRepository, drafts: EntryDraft[]): Promise<void> {
      let n = 0;
      const prepared = drafts.map((draft) => {
        const at = typeof draft.occurredAt === 'number' ? draft.occurredAt : Date.now();
        const entry: Entry = {
          id: `01J${String(at).padStart(15, '0')}${String(++n).padStart(8, '0')}`.slice(0, 26),
          type: draft.type,
          batchId: null,
          occurredAt: new Date(at).toISOString(),
          durationMs: null,
          familyHash: draft.familyHash ?? null,
          tags: draft.tags as Record<string, string>,
          content: JSON.parse(JSON.stringify(draft.content)),
          version: 1,
        };
        return prepareEntry(entry, { counters: [...(draft.counters ?? [])] });
      });
      await repo.save(prepared);
    }

    async function recorded(): Promise<{ plugin: ReturnType<typeof deprecations>; repo: MemoryRepository }> {
      const plugin = deprecations();
      const t = testHost(plugin, { controllers: [UsersController] });
      plugin.register(t.host);
      const now = Date.now();
      t.endBatch(requestBatch({ controller: 'UsersController', handler: 'legacy', pattern: '/users/legacy', startedAt: now - 3000 }));
      t.endBatch(requestBatch({ controller: 'UsersController', handler: 'ancient', pattern: '/users/ancient', startedAt: now - 2000 }));
      t.endBatch(requestBatch({ controller: 'UsersController', handler: 'legacy', pattern: '/users/legacy', startedAt: now - 1000 }));
      const repo = new MemoryRepository({ maxAgeMs: 3_600_000, maxEntriesPerType: 1000 });
      await store(
        repo,
        t.records.map((r) => r.draft),
      );
      return { plugin, repo };
    }

    it('reports per endpoint: count, first and last seen, sunset and whether it is past', async () => {
      const { plugin, repo } = await recorded();
      const report = await plugin.report(repo);
      expect(report.data.map((r) => [r.subject, r.count, r.pastSunset, r.since, r.replacement])).toEqual([
        ['GET /users/legacy', 2, false, '2.0', 'GET /users'],
        ['GET /users/ancient', 1, true, '1.0', 'GET /users'],
      ]);
      const legacy = report.data[0];
      expect(legacy).toMatchObject({
        kind: 'endpoint',
        method: 'GET',
        route: '/users/legacy',
        controller: 'UsersController',
        handler: 'legacy',
        sunset: '2999-12-31T00:00:00.000Z',
        approximate: false,
      });
      expect(Date.parse(legacy.firstSeen)).toBeLessThan(Date.parse(legacy.lastSeen));
      expect(report.declared.map((d) => `${d.controller}.${d.handler}`).sort()).toEqual(['UsersController.ancient', 'UsersController.legacy']);

      const past = Object.assign(new DeprecationsReportQueryDto(), { pastSunset: true });
      expect((await plugin.report(repo, past)).data.map((r) => r.subject)).toEqual(['GET /users/ancient']);
      const one = Object.assign(new DeprecationsReportQueryDto(), { limit: 1 });
      expect((await plugin.report(repo, one)).data.map((r) => r.subject)).toEqual(['GET /users/legacy']);
      const notices = Object.assign(new DeprecationsReportQueryDto(), { kind: 'notice' });
      expect((await plugin.report(repo, notices)).data).toEqual([]);
    });

    it('counts the uses and flags uses after a sunset as bad news', async () => {
      const { plugin, repo } = await recorded();
      expect(await plugin.statistics(repo)).toEqual([
        { plugin: 'deprecations', label: 'Deprecated calls', value: 3 },
        { plugin: 'deprecations', label: 'Used after sunset (24 h)', value: 1, error: true },
      ]);
      const empty = new MemoryRepository({ maxAgeMs: 3_600_000, maxEntriesPerType: 1000 });
      expect(await deprecations({ alarmWindowHours: 2 }).statistics(empty)).toEqual([
        { plugin: 'deprecations', label: 'Deprecated calls', value: 0 },
        { plugin: 'deprecations', label: 'Used after sunset (2 h)', value: 0 },
      ]);
      expect(DEPRECATION_ENTRY_TYPE).toBe('deprecation');
    });
  });
});
