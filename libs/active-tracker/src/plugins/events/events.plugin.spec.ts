import { Controller, Get, Module, Query } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { ActiveTrackerModule } from '../../active-tracker.module.js';
import { resolveOptions } from '../../active-tracker.options.js';
import { TrackerRuntime } from '../../active-tracker.runtime.js';
import { ActiveTracker } from '../../active-tracker.service.js';
import { eventReporter, notify, setContext, tagged } from '../../bus/event-reporter.js';
import { tagCurrent } from '../../context/request-context.js';
import type { Entry } from '../../entries/entry.js';
import { EntryRepository } from '../../storage/entry-repository.js';
import type { ActiveTrackerPlugin } from '../plugin.js';
import { requests } from '../requests/requests.plugin.js';
import { eventFamilyKey, events, EventsPlugin, trackEvent } from './events.plugin.js';

/** The line of this file holding `marker` (read from the source, independent of stack parsing). */
function lineOf(marker: string): number {
  const lines = readFileSync(import.meta.filename, 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(marker) && !l.includes('lineOf('));
  if (index < 0) throw new Error(`marker ${marker} not found`);
  return index + 1;
}

class InvoicePaid {
  constructor(
    readonly invoiceId: number,
    readonly cardToken: string,
  ) {}
  serialize() {
    return { invoiceId: this.invoiceId, cardToken: this.cardToken, amount: 42 };
  }
}

/** Called outside DI, from plain code under the handler. */
function markShipped(orderId: number): void {
  trackEvent('order.shipped', 'Shipped from a plain function', { orderId }); // MARK:trackEvent
}

@Controller('orders')
class OrdersController {
  constructor(private readonly tracker: ActiveTracker) {}

  @Get('place')
  async place(@Query('who') who: string, @Query('wait') wait?: string) {
    tagCurrent({ plan: 'pro' });
    setContext({ tenant: `tenant-${who}` });
    await tagged('checkout', { region: 'eu' }, async () => {
      await sleep(Number(wait ?? 0));
      this.tracker.event('order.placed', `Order placed by ${who}`, { who, password: 'hunter2', lines: [{ sku: 'A' }] }); // MARK:event
    });
    markShipped(7);
    notify('user.created', { id: 12, apiToken: 'tok-123' }); // MARK:notify
    notify('billing.charged', { cents: 990 });
    notify('noise.ignored', {});
    notify(new InvoicePaid(5, 'card-tok'));
    return { ok: true };
  }
}

async function boot(plugins: ActiveTrackerPlugin[]) {
  @Module({ imports: [ActiveTrackerModule.forRoot({ plugins })], controllers: [OrdersController] })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

async function list(app: INestApplication, type: string): Promise<Entry[]> {
  await app.get(ActiveTracker).flush();
  return (await app.get<EntryRepository>(EntryRepository).list({ type, limit: 1000 })).data.reverse();
}

const SPEC_FILE = /plugins\/events\/events\.plugin\.spec\.ts$/;

describe('events plugin', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('records tracker.event with data, backtrace, source, tags and context, linked to the request and grouped by key', async () => {
    app = await boot([requests(), events()]);
    await request(app.getHttpServer()).get('/orders/place?who=ann').expect(200);
    const [req] = await list(app, 'request');
    const recorded = await list(app, 'event');
    // recordNotify is off by default: only tracker.event and trackEvent are recorded
    expect(recorded.map((e) => e.content.name)).toEqual(['order.placed', 'order.shipped']);
    const placed = recorded[0];
    expect(placed.batchId).toBe(req.batchId);
    expect(placed.familyHash).toBe('order.placed');
    expect(placed.tags).toEqual({ plan: 'pro', checkout: 'true', region: 'eu' });
    const c = placed.content as any;
    expect(c).toMatchObject({
      origin: 'event',
      description: 'Order placed by ann',
      data: { who: 'ann', password: '[REDACTED]', lines: [{ sku: 'A' }] },
      eventTags: { checkout: true, region: 'eu' },
      context: { tenant: 'tenant-ann' },
    });
    // the tracker's own frames (service, plugin) are dropped: the backtrace starts at the caller
    expect(c.backtrace[0].file).toMatch(SPEC_FILE);
    expect(c.backtrace[0].line).toBe(lineOf('MARK:event'));
    expect(c.backtrace.some((f: any) => /active-tracker\.service|events\.plugin\.ts/.test(f.file ?? ''))).toBe(false);
    // the call sits in an anonymous arrow inside the handler, which is the next frame
    expect(c.source).toEqual({ file: c.backtrace[0].file, line: lineOf('MARK:event'), function: null });
    expect(c.backtrace[1]).toMatchObject({ function: 'OrdersController.place', file: expect.stringMatching(SPEC_FILE) });
  });

  it('copies the data at the call: changes the app makes afterwards (before the batch is written) are not recorded', async () => {
    app = await boot([events()]);
    const tracker = app.get(ActiveTracker);
    const data: Record<string, unknown> = { status: 'placed', items: [{ sku: 'A' }], apiToken: 'tok-9' };
    await tracker.runInBatch('job', async () => {
      tracker.event('order.changed', 'copied now', data);
      data.status = 'mutated';
      (data.items as Array<Record<string, unknown>>).push({ sku: 'B' });
      data.apiToken = 'tok-10';
    });
    const [recorded] = await list(app, 'event');
    expect((recorded.content as any).data).toEqual({ status: 'placed', items: [{ sku: 'A' }], apiToken: '[REDACTED]' });
    expect(recorded.batchId).not.toBeNull();
  });

  it('trackEvent works outside DI, inside a request (linked) and outside one (no batch)', async () => {
    app = await boot([requests(), events()]);
    await request(app.getHttpServer()).get('/orders/place?who=bo').expect(200);
    markShipped(8);
    const [req] = await list(app, 'request');
    const shipped = (await list(app, 'event')).filter((e) => e.content.name === 'order.shipped');
    expect(shipped.map((e) => [e.batchId, (e.content.data as any).orderId])).toEqual([
      [req.batchId, 7],
      [null, 8],
    ]);
    expect((shipped[0].content as any).source).toMatchObject({
      file: expect.stringMatching(SPEC_FILE),
      line: lineOf('MARK:trackEvent'),
      function: 'markShipped',
    });
  });

  it('records every notify with recordNotify: payload (serialize() for event objects), tags, context and source location', async () => {
    app = await boot([requests(), events({ recordNotify: true })]);
    await request(app.getHttpServer()).get('/orders/place?who=cy').expect(200);
    const [req] = await list(app, 'request');
    const notified = (await list(app, 'event')).filter((e) => e.content.origin === 'notify');
    expect(notified.map((e) => e.content.name)).toEqual(['user.created', 'billing.charged', 'noise.ignored', 'InvoicePaid']);
    for (const e of notified) expect(e.batchId).toBe(req.batchId);
    const [created, , , paid] = notified;
    expect(created.content).toMatchObject({
      data: { id: 12, apiToken: '[REDACTED]' },
      context: { tenant: 'tenant-cy' },
      backtrace: [],
      source: { file: expect.stringMatching(SPEC_FILE), line: lineOf('MARK:notify') },
    });
    expect(typeof created.content.timestamp).toBe('number');
    expect(created.familyHash).toBe('user.created');
    expect(created.tags).toEqual({ plan: 'pro' });
    // event objects are stored as their serialize() result, sensitive keys filtered there too
    expect(paid.content.data).toEqual({ invoiceId: 5, cardToken: '[REDACTED]', amount: 42 });
    expect(JSON.stringify(notified)).not.toContain('tok-123');
    expect(JSON.stringify(notified)).not.toContain('card-tok');
  });

  it('records only the notifications named by notifyFilter', async () => {
    app = await boot([requests(), events({ recordNotify: true, notifyFilter: ['user.created', /^billing\./, 'InvoicePaid'] })]);
    await request(app.getHttpServer()).get('/orders/place?who=di').expect(200);
    const notified = (await list(app, 'event')).filter((e) => e.content.origin === 'notify');
    expect(notified.map((e) => e.content.name)).toEqual(['user.created', 'billing.charged', 'InvoicePaid']);
  });

  it('never mixes the events of two overlapping requests, and groups repeats by key', async () => {
    app = await boot([requests(), events({ recordNotify: true, notifyFilter: ['user.created'] })]);
    const server = app.getHttpServer();
    await Promise.all([request(server).get('/orders/place?who=slow&wait=80').expect(200), request(server).get('/orders/place?who=fast&wait=1').expect(200)]);
    const reqs = await list(app, 'request');
    const recorded = await list(app, 'event');
    expect(reqs).toHaveLength(2);
    for (const req of reqs) {
      const who = (req.content.url as string).match(/who=(\w+)/)![1];
      const mine = recorded.filter((e) => e.batchId === req.batchId);
      expect(mine.map((e) => e.content.name)).toEqual(['order.placed', 'order.shipped', 'user.created']);
      expect(mine[0].content.description).toBe(`Order placed by ${who}`);
      expect(mine.every((e) => (e.content.context as any).tenant === `tenant-${who}`)).toBe(true);
    }
    const family = await app.get<EntryRepository>(EntryRepository).family('event', 'order.placed');
    expect(family).toMatchObject({ count: 2, summary: { name: 'order.placed', origin: 'event' } });
    const stats = await app.get(TrackerRuntime).plugin<EventsPlugin>('events')!.statistics(app.get(EntryRepository));
    expect(stats).toEqual([{ plugin: 'events', label: 'Events', value: 6 }]);
  });

  it('subscribes to the reporter only with recordNotify, and stops everything when the application closes', async () => {
    app = await boot([events()]);
    expect(eventReporter.hasSubscribers).toBe(false);
    await app.close();
    app = await boot([events({ recordNotify: true })]);
    expect(eventReporter.hasSubscribers).toBe(true);
    const repo = app.get<EntryRepository>(EntryRepository);
    await app.close();
    app = undefined;
    expect(eventReporter.hasSubscribers).toBe(false);
    expect(() => trackEvent('after.close')).not.toThrow();
    notify('after.close', {});
    expect(await repo.count('event')).toBe(0);
  });

  it('never throws into the caller: bad keys are ignored, and without the plugin tracker.event does nothing', async () => {
    app = await boot([requests()]);
    expect(() => app!.get(ActiveTracker).event('no.plugin')).not.toThrow();
    expect(await app.get<EntryRepository>(EntryRepository).count('event')).toBe(0);
    await app.close();
    app = await boot([events()]);
    const tracker = app.get(ActiveTracker);
    expect(() => tracker.event('' as string)).not.toThrow();
    expect(() => tracker.event(42 as unknown as string)).not.toThrow();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => tracker.event('cyclic', undefined, cyclic)).not.toThrow();
    const recorded = await list(app, 'event');
    expect(recorded.map((e) => e.content.name)).toEqual(['cyclic']);
    expect(recorded[0].content).toMatchObject({ description: null, data: { a: 1, self: '[Circular]' } });
  });

  it('keeps long keys within the API family limit, distinct and stable', () => {
    expect(eventFamilyKey('short.key')).toBe('short.key');
    const a = eventFamilyKey('x'.repeat(300) + 'a');
    const b = eventFamilyKey('x'.repeat(300) + 'b');
    expect(a.length).toBeLessThanOrEqual(128);
    expect(a).not.toBe(b);
    expect(eventFamilyKey('x'.repeat(300) + 'a')).toBe(a);
  });

  it('validates its options with clear messages', () => {
    expect(events().validate()).toEqual([]);
    expect(events({ recordNotify: true, notifyFilter: ['a', /b/] }).validate()).toEqual([]);
    expect(events({ recordNotify: 'yes' as any, notifyFilter: [3 as any] }).validate()).toEqual([
      '"recordNotify" must be a boolean',
      '"notifyFilter[0]" must be a non-empty string or a RegExp',
      '"notifyFilter" has no effect without "recordNotify: true"',
    ]);
    expect(events({ recordNotify: true, notifyFilter: 'a' as any }).validate()).toEqual([
      '"notifyFilter" must be an array of event names (strings) and RegExps',
    ]);
    expect(events({ reporter: {} as any }).validate()).toEqual(['"reporter" must be an EventReporter']);
    expect(() => resolveOptions({ plugins: [events({ notifyFilter: ['x'] })] }, () => [])).toThrow(/plugin "events": "notifyFilter" has no effect/);
  });
});
