import { ConsoleLogger, Controller, Get, Logger, LoggerService, Module, Query, Type } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { ActiveTrackerModule } from '../../active-tracker.module.js';
import { resolveOptions } from '../../active-tracker.options.js';
import { TrackerRuntime } from '../../active-tracker.runtime.js';
import { ActiveTracker } from '../../active-tracker.service.js';
import { notifications } from '../../bus/instrumentation-bus.js';
import { installLoggerCapture, NEST_LOG_EVENT } from '../../context/logger-capture.js';
import { runInContext, TrackerContext } from '../../context/request-context.js';
import { fakeHost } from '../../../test/support/fake-host.js';
import type { Entry } from '../../entries/entry.js';
import { EntryRepository } from '../../storage/entry-repository.js';
import type { ActiveTrackerPlugin } from '../plugin.js';
import { requests } from '../requests/requests.plugin.js';
import { logs, LogsPlugin, LogsPluginOptions } from './logs.plugin.js';

/** The plugin on the real process bus, fed by the real Logger patch, recording into an array. */
function direct(options: LogsPluginOptions = {}, trackerId = 'tracker-1') {
  installLoggerCapture();
  const plugin = logs(options);
  const { host, drafts } = fakeHost(plugin, { trackerId, bus: notifications });
  const teardown = plugin.register(host);
  return { plugin, drafts, teardown };
}

/** Collects what a host logger receives, to prove the host's output is unchanged. */
class ArrayLogger implements LoggerService {
  readonly lines: Array<[string, unknown, ...unknown[]]> = [];
  log(message: unknown, ...rest: unknown[]) {
    this.lines.push(['log', message, ...rest]);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.lines.push(['error', message, ...rest]);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.lines.push(['warn', message, ...rest]);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.lines.push(['debug', message, ...rest]);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.lines.push(['verbose', message, ...rest]);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.lines.push(['fatal', message, ...rest]);
  }
}

/** A host logger class extending ConsoleLogger that writes to memory instead of stdout. */
class HostConsoleLogger extends ConsoleLogger {
  readonly printed: string[] = [];
  protected override printMessages(messages: unknown[], context?: string, logLevel?: string): void {
    for (const m of messages) this.printed.push(`${logLevel}|${context ?? ''}|${String(m)}`);
  }
  protected override printStackTrace(stack: string): void {
    if (stack) this.printed.push(`stack|${stack.split('\n')[0]}`);
  }
}

@Controller('work')
class WorkController {
  private readonly logger = new Logger('Work');

  @Get()
  async work(@Query('who') who: string, @Query('wait') wait?: string) {
    this.logger.log(`start ${who}`);
    this.logger.debug(`debug ${who}`);
    await sleep(Number(wait ?? 0));
    this.logger.warn(`middle ${who}`);
    new Logger('ActiveTracker').warn(`tracker line ${who}`);
    this.logger.error(`failed ${who}`, new Error(`boom ${who}`).stack);
    return { who };
  }
}

async function boot(plugins: ActiveTrackerPlugin[], setup?: (app: INestApplication) => void, controllers: Type[] = [WorkController]) {
  @Module({ imports: [ActiveTrackerModule.forRoot({ plugins })], controllers })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  setup?.(app);
  await app.init();
  return app;
}

async function entries(app: INestApplication, type: string): Promise<Entry[]> {
  await app.get(ActiveTracker).flush();
  return (await app.get<EntryRepository>(EntryRepository).list({ type, limit: 1000 })).data.reverse();
}

describe('logs plugin in a Nest app', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('records Logger calls of a request as log entries with level, message, context, stack and its batchId', async () => {
    app = await boot([requests(), logs()]);
    await request(app.getHttpServer()).get('/work?who=ann').expect(200);
    const [req] = await entries(app, 'request');
    const lines = (await entries(app, 'log')).filter((e) => e.batchId === req.batchId);
    // default threshold 'log': the debug line is not recorded; the tracker's own line never is
    expect(lines.map((e) => [e.content.level, e.content.message, e.content.context])).toEqual([
      ['log', 'start ann', 'Work'],
      ['warn', 'middle ann', 'Work'],
      ['error', 'failed ann', 'Work'],
    ]);
    expect(String(lines[2].content.stack)).toMatch(/^Error: boom ann\n\s+at /);
    expect(lines[0].content.stack).toBeUndefined();
    expect(lines.map((e) => e.tags.level)).toEqual(['log', 'warn', 'error']);
    // the request's own log still has every line (the recorder of the request plugin is untouched)
    expect((req.content.log as Array<{ message: string }>).map((l) => l.message)).toEqual(
      expect.arrayContaining(['start ann', 'debug ann', 'middle ann', 'failed ann']),
    );
  });

  it('filters by level through the tag index, and flags errors in the statistics', async () => {
    app = await boot([logs()]);
    const logsPlugin = app.get(TrackerRuntime).plugin<LogsPlugin>('logs')!;
    const repo = app.get<EntryRepository>(EntryRepository);
    await app.get(ActiveTracker).flush();
    const before = (await logsPlugin.statistics(repo))[0];
    expect(before.error).toBeUndefined();
    new Logger('Jobs').log('all good');
    await app.get(ActiveTracker).flush();
    expect((await logsPlugin.statistics(repo))[0].error).toBeUndefined();
    new Logger('Jobs').error('disk full');
    await app.get(ActiveTracker).flush();
    const page = await repo.list({ type: 'log', tags: [{ key: 'level', value: 'error' }], limit: 10 });
    expect(page.data.map((e) => e.content.message)).toEqual(['disk full']);
    expect(page.data[0].batchId).toBeNull(); // outside any request
    const after = (await logsPlugin.statistics(repo))[0];
    expect(after).toMatchObject({ plugin: 'logs', label: 'Logs', error: true });
    expect(after.value).toBe(await repo.count('log'));
  });

  it('works with app.useLogger(a LoggerService): the host logger gets every call unchanged, the tracker records them', async () => {
    const host = new ArrayLogger();
    app = await boot([requests(), logs({ level: 'verbose' })], (a) => a.useLogger(host));
    host.lines.length = 0;
    await request(app.getHttpServer()).get('/work?who=bob').expect(200);
    const [req] = await entries(app, 'request');
    const lines = (await entries(app, 'log')).filter((e) => e.batchId === req.batchId);
    expect(lines.map((e) => `${e.content.level} ${e.content.message}`)).toEqual(['log start bob', 'debug debug bob', 'warn middle bob', 'error failed bob']);
    const hostLines = host.lines.filter(([, m]) => typeof m === 'string' && m.includes('bob'));
    expect(hostLines.map(([level, message, ...rest]) => [level, message, rest[rest.length - 1]])).toEqual([
      ['log', 'start bob', 'Work'],
      ['debug', 'debug bob', 'Work'],
      ['warn', 'middle bob', 'Work'],
      ['warn', 'tracker line bob', 'ActiveTracker'],
      ['error', 'failed bob', 'Work'],
    ]);
  });

  it('works with a host logger class extending ConsoleLogger, installed or called directly, recording each call once', async () => {
    const installed = new HostConsoleLogger();
    app = await boot([requests(), logs()], (a) => a.useLogger(installed));
    await request(app.getHttpServer()).get('/work?who=cy').expect(200);
    const direct = new HostConsoleLogger('Billing');
    direct.log('invoice sent');
    direct.error('invoice failed');
    const all = await entries(app, 'log');
    const [req] = await entries(app, 'request');
    expect(all.filter((e) => e.batchId === req.batchId).map((e) => e.content.message)).toEqual(['start cy', 'middle cy', 'failed cy']);
    expect(all.filter((e) => e.content.context === 'Billing').map((e) => `${e.content.level} ${e.content.message}`)).toEqual([
      'log invoice sent',
      'error invoice failed',
    ]);
    // the host's own output is unchanged
    expect(installed.printed).toEqual(expect.arrayContaining(['log|Work|start cy', 'warn|ActiveTracker|tracker line cy']));
    expect(direct.printed).toEqual(['log|Billing|invoice sent', 'error|Billing|invoice failed']);
  });

  it('never mixes the lines of two overlapping requests', async () => {
    app = await boot([requests(), logs()]);
    const server = app.getHttpServer();
    await Promise.all([request(server).get('/work?who=slow&wait=80').expect(200), request(server).get('/work?who=fast&wait=5').expect(200)]);
    const reqs = await entries(app, 'request');
    const lines = await entries(app, 'log');
    expect(reqs).toHaveLength(2);
    for (const req of reqs) {
      const who = (req.content.url as string).match(/who=(\w+)/)![1];
      const mine = lines.filter((e) => e.batchId === req.batchId).map((e) => e.content.message);
      expect(mine).toEqual([`start ${who}`, `middle ${who}`, `failed ${who}`]);
    }
    // the slow request's first line came before the fast one's last: they did overlap, and the
    // list (newest first, by id) shows them in the order they happened, interleaved.
    const at = (message: string) => Date.parse(lines.find((e) => e.content.message === message)!.occurredAt);
    expect(at('start slow')).toBeLessThanOrEqual(at('failed fast'));
    const order = lines.map((e) => e.content.message); // oldest first
    expect(order.indexOf('start slow')).toBeLessThan(order.indexOf('failed fast'));
    expect(order.indexOf('failed fast')).toBeLessThan(order.indexOf('failed slow'));
  });

  it('stops recording when the application closes', async () => {
    app = await boot([logs()]);
    expect(notifications.isListening(NEST_LOG_EVENT)).toBe(true);
    await app.close();
    app = undefined;
    expect(notifications.isListening(NEST_LOG_EVENT)).toBe(false);
  });
});

describe('logs plugin on the bus', () => {
  let teardown: (() => void) | undefined;
  afterEach(() => teardown?.());

  it('applies the level threshold', () => {
    const s = direct({ level: 'warn' });
    teardown = s.teardown;
    const logger = new Logger('Svc');
    logger.verbose('v');
    logger.debug('d');
    logger.log('l');
    logger.warn('w');
    logger.error('e');
    logger.fatal('f');
    expect(s.drafts.map((d) => d.content.level)).toEqual(['warn', 'error', 'fatal']);
  });

  it('records everything with level verbose, static Logger calls included', () => {
    const s = direct({ level: 'verbose' });
    teardown = s.teardown;
    Logger.verbose('sv', 'Static');
    Logger.debug('sd', 'Static');
    Logger.log('sl', 'Static');
    expect(s.drafts.map((d) => [d.content.level, d.content.message, d.content.context])).toEqual([
      ['verbose', 'sv', 'Static'],
      ['debug', 'sd', 'Static'],
      ['log', 'sl', 'Static'],
    ]);
  });

  it('applies filters: a string on the exact context or inside the message, a RegExp on either', () => {
    const s = direct({ filters: ['Health', 'heartbeat', /^Prisma/, /ping \d+/] });
    teardown = s.teardown;
    new Logger('Health').log('ok');
    new Logger('HealthCheck').log('kept: another context');
    new Logger('Svc').log('sending heartbeat now');
    new Logger('PrismaService').log('query');
    new Logger('Svc').log('ping 42');
    new Logger('Svc').log('kept too');
    expect(s.drafts.map((d) => d.content.message)).toEqual(['kept: another context', 'kept too']);
  });

  it("never records the tracker's own lines (context ActiveTracker)", () => {
    const s = direct();
    teardown = s.teardown;
    new Logger('ActiveTracker').error('storage unavailable');
    Logger.warn('storage unavailable', 'ActiveTracker');
    new Logger('App').error('real problem');
    expect(s.drafts.map((d) => d.content.message)).toEqual(['real problem']);
  });

  it("links lines to the request context, with its tags, and leaves other trackers' requests alone", () => {
    const s = direct({}, 'tracker-1');
    teardown = s.teardown;
    const mine = new TrackerContext('tracker-1');
    mine.tags.plan = 'pro';
    const theirs = new TrackerContext('tracker-2');
    runInContext(mine, () => new Logger('A').log('mine'));
    runInContext(theirs, () => new Logger('A').log('theirs'));
    new Logger('A').log('outside');
    expect(s.drafts.map((d) => [d.content.message, d.batchId, d.trackerId])).toEqual([
      ['mine', mine.batchId, 'tracker-1'],
      ['outside', null, 'tracker-1'],
    ]);
    expect(s.drafts[0].tags).toEqual({ plan: 'pro', level: 'log' });
  });

  it('validates its options with clear messages', () => {
    expect(logs().validate()).toEqual([]);
    expect(logs({ level: 'error', filters: ['X', /y/] }).validate()).toEqual([]);
    expect(logs({ level: 'info' as any, filters: [42 as any, ''] }).validate()).toEqual([
      `"level" must be one of 'verbose', 'debug', 'log', 'warn', 'error', 'fatal' (got "info")`,
      '"filters[0]" must be a non-empty string or a RegExp',
      '"filters[1]" must be a non-empty string or a RegExp',
    ]);
    expect(logs({ filters: 'Health' as any }).validate()).toEqual(['"filters" must be an array of strings and RegExps']);
    expect(() => resolveOptions({ plugins: [logs({ level: 'loud' as any })] }, () => [])).toThrow(/plugin "logs": "level" must be one of/);
  });
});
