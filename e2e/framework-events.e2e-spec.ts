import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import {
  ActiveTracker,
  HTTP_CLIENT_EVENT,
  NEST_EXCEPTION_EVENT,
  NEST_LOG_EVENT,
  notifications,
  PROCESS_ACTION_EVENT,
  START_PROCESSING_EVENT,
  events,
  exceptions,
  httpClient,
  logs,
  requests,
  type InstrumentationEvent,
} from '@active-tracker/nestjs';
import { startOutboundServer, type OutboundServer } from '../libs/active-tracker/test/support/outbound-server.js';
import { createScenarioApp } from './support/scenario-app.js';

/** Framework events, as Rails documents its instrumented hooks: each one subscribed to by app code. */
describe('framework events on the bus', () => {
  let app: INestApplication;
  let outbound: OutboundServer;
  const seen: InstrumentationEvent<any>[] = [];
  const subs = [START_PROCESSING_EVENT, PROCESS_ACTION_EVENT, NEST_EXCEPTION_EVENT, NEST_LOG_EVENT, HTTP_CLIENT_EVENT].map((name) =>
    notifications.subscribe(name, (event) => seen.push(event)),
  );

  beforeAll(async () => {
    outbound = await startOutboundServer();
    app = await createScenarioApp({ tracker: { plugins: [requests(), exceptions(), logs(), events(), httpClient()] } });
  });
  afterAll(async () => {
    for (const sub of subs) notifications.unsubscribe(sub);
    await app?.close();
    await outbound?.stop();
  });
  beforeEach(() => (seen.length = 0));

  const named = (name: string) => seen.filter((e) => e.name === name);

  it('start_processing.nest and process_action.nest: controller, handler, route, status, timed like the entry', async () => {
    await request(app.getHttpServer()).get('/things?q=x').expect(200);
    await app.get(ActiveTracker).flush();
    const [start] = named(START_PROCESSING_EVENT);
    expect(start.payload).toMatchObject({ controller: 'ThingsController', handler: 'list', method: 'GET', path: '/things', route: '/things' });
    const [done] = named(PROCESS_ACTION_EVENT);
    expect(done.payload).toMatchObject({
      controller: 'ThingsController',
      handler: 'list',
      method: 'GET',
      path: '/things',
      route: '/things',
      status: 200,
      aborted: false,
    });
    expect(done.transactionId).toBe(start.transactionId);
    const [entry] = (await request(app.getHttpServer()).get('/activetracker/api/entries?type=request&limit=1')).body.data;
    expect(entry.batchId).toBe(done.transactionId);
    // The same timing the dashboard shows, within scheduling noise.
    expect(Math.abs(done.duration - entry.durationMs)).toBeLessThan(5);
  });

  it('handle_exception.nest with the exception, before the app filters answer', async () => {
    await request(app.getHttpServer()).get('/things/boom').expect(500);
    const [event] = named(NEST_EXCEPTION_EVENT);
    expect(event.payload.exception).toBeInstanceOf(Error);
    expect((event.payload.exception as Error).message).toBe('scenario exploded');
    expect(named(PROCESS_ACTION_EVENT)[0].payload.status).toBe(500);
  });

  it('log.nest for every Nest Logger call', async () => {
    await request(app.getHttpServer()).get('/things?q=logged').expect(200);
    expect(named(NEST_LOG_EVENT).map((e) => e.payload)).toContainEqual({ level: 'log', message: 'listing things q=logged', context: 'Things' });
  });

  it('request.http_client for an outbound call, timed from its start, URL redacted', async () => {
    const res = await fetch(`${outbound.url}/ok?token=secret-1`);
    await res.text();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [call] = named(HTTP_CLIENT_EVENT).filter((e) => String(e.payload.url).startsWith(outbound.url));
    expect(call.payload).toMatchObject({ client: 'fetch', method: 'GET', status: 200 });
    expect(call.payload.url).toBe(`${outbound.url}/ok?token=[REDACTED]`);
    expect(call.duration).toBeGreaterThan(0);
  });
});
