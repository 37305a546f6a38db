import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import { events, exceptions, httpClient, logs, requests, type Entry } from '@active-tracker/nestjs';
import { startOutboundServer, type OutboundServer } from '../libs/active-tracker/test/support/outbound-server.js';
import { createBusScenarioApp } from './support/bus-scenario-app.js';
import { TrackerClient } from './support/tracker-client.js';

let outbound: OutboundServer;
beforeAll(async () => {
  outbound = await startOutboundServer();
});
afterAll(async () => outbound?.stop());

describe('bus plugins end to end (memory store)', () => {
  let app: INestApplication;
  let client: TrackerClient;
  afterEach(async () => app?.close());

  async function checkout(order: string): Promise<{ req: Entry; batch: Entry[] }> {
    await request(app.getHttpServer()).get(`/shop/checkout?order=${order}`).expect(200, { ok: true, order });
    const req = await client.request('/shop/checkout');
    // Outbound calls are recorded once their response body has ended, which can come a moment
    // after the handler's await: wait for both calls of the checkout.
    const { data, batch } = await client.entryWhen(req.id, (entries) => entries.filter((e) => e.type === 'http-client').length >= 2);
    expect(data.id).toBe(req.id);
    return { req, batch };
  }

  it('captures logs, custom events and outbound HTTP out of the box, linked to the request batch', async () => {
    app = await createBusScenarioApp({ outboundUrl: outbound.url });
    client = new TrackerClient(app);
    const { req, batch } = await checkout('41');
    expect(batch.every((e) => e.batchId === req.batchId)).toBe(true);
    expect(batch.map((e) => e.type).sort()).toEqual(['event', 'http-client', 'http-client', 'log', 'log', 'request']);

    const logLines = batch.filter((e) => e.type === 'log');
    expect(logLines.map((e) => [e.content.level, e.content.message, e.content.context])).toEqual([
      ['log', 'checkout of order 41 started', 'Checkout'],
      ['warn', 'order 41 paid with status 200', 'Checkout'],
    ]);

    const event = batch.find((e) => e.type === 'event')!;
    expect(event.familyHash).toBe('checkout.completed');
    expect(event.content).toMatchObject({
      name: 'checkout.completed',
      origin: 'event',
      description: 'Order 41 completed',
      data: { order: '41', charged: 200 },
      context: { shop: 'main' },
      source: { file: 'e2e/support/bus-scenario-app.ts', function: 'ShopController.checkout' },
    });
    expect((event.content.backtrace as Array<{ file: string }>)[0].file).toBe('e2e/support/bus-scenario-app.ts');

    const calls = batch.filter((e) => e.type === 'http-client');
    expect(calls.map((e) => [e.content.client, e.content.method, e.content.url, e.content.status, e.content.responseSize])).toEqual([
      ['fetch', 'GET', `${outbound.url}/ok?order=41&api_key=[REDACTED]`, 200, 5],
      ['http', 'POST', `${outbound.url}/echo?order=41`, 200, expect.any(Number)],
    ]);
    expect(calls[1].content.requestSize).toBe(JSON.stringify({ amount: 990 }).length);
    for (const call of calls) expect(call.durationMs).toBeGreaterThan(0);
    // without recordNotify, notify() is not recorded
    expect(JSON.stringify(batch)).not.toContain('order.checked_out');
    expect(JSON.stringify(batch)).not.toContain('sk_live_456');

    // the request's own log shows the same lines
    expect((req.content.log as Array<{ message: string }>).map((l) => l.message)).toEqual(['checkout of order 41 started', 'order 41 paid with status 200']);

    // lists and filters through the API
    const warnings = await client.entries({ type: 'log', tag: 'level:warn' });
    expect(warnings.data.map((e) => e.content.message)).toEqual(['order 41 paid with status 200']);
    const outboundCalls = await client.entries({ type: 'http-client', tag: `host:${outbound.host}` });
    expect(outboundCalls.data).toHaveLength(2);
    const family = await client.entries({ type: 'event', family: 'checkout.completed' });
    expect(family.data.map((e) => e.id)).toEqual([event.id]);
  });

  it('records EventReporter notifications with recordNotify, and exposes the plugins in meta and stats', async () => {
    app = await createBusScenarioApp({
      outboundUrl: outbound.url,
      tracker: { plugins: [requests(), exceptions(), logs(), events({ recordNotify: true, notifyFilter: [/^order\./] }), httpClient()] },
    });
    client = new TrackerClient(app);
    const { batch } = await checkout('42');
    const notified = batch.filter((e) => e.type === 'event' && e.content.origin === 'notify');
    expect(notified).toHaveLength(1);
    expect(notified[0].tags).toMatchObject({ checkout: 'true' });
    expect(notified[0].content).toMatchObject({
      name: 'order.checked_out',
      data: { orderId: 42, cardToken: '[REDACTED]' },
      eventTags: { checkout: true },
      context: { shop: 'main' },
      source: { file: 'e2e/support/bus-scenario-app.ts' },
    });
    expect(JSON.stringify(batch)).not.toContain('tok_live_123');
    expect(
      batch
        .filter((e) => e.type === 'event')
        .map((e) => e.content.name)
        .sort(),
    ).toEqual(['checkout.completed', 'order.checked_out']);

    const meta = await request(app.getHttpServer()).get('/activetracker/api/meta').expect(200);
    expect(meta.body.data.plugins.map((p: { title: string; path: string }) => `${p.title}=${p.path}`)).toEqual([
      'Requests=requests',
      'Exceptions=exceptions',
      'Logs=logs',
      'Events=events',
      'Outbound HTTP=http-client',
    ]);
    await client.flush();
    const stats = await request(app.getHttpServer()).get('/activetracker/api/stats').expect(200);
    const rows = Object.fromEntries(stats.body.data.map((r: { label: string; value: number }) => [r.label, r.value]));
    expect(rows.Logs).toBeGreaterThanOrEqual(2);
    expect(rows.Events).toBe(2);
    // the checkout's two calls, plus supertest's own calls to the app (outbound HTTP of the test process)
    expect(rows['Outbound HTTP']).toBeGreaterThanOrEqual(2);
  });
});
