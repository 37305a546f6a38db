import { Body, Controller, Get, Header, Logger, Module, Param, Post, Query, Res } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Response } from 'express';
import request from 'supertest';
import { ActiveTrackerModule } from '../../active-tracker.module.js';
import type { ActiveTrackerModuleOptions } from '../../active-tracker.options.js';
import { ActiveTracker } from '../../active-tracker.service.js';
import { redactCurrent } from '../../context/request-context.js';
import type { Entry } from '../../entries/entry.js';
import { REDACTED } from '../../recorder/sensitive-keys.js';
import { EntryRepository } from '../../storage/entry-repository.js';
import { logs } from '../logs/logs.plugin.js';
import { REQUEST_COUNTERS } from '../../plugin-api.js';
import { requests, RequestsPluginOptions } from './requests.plugin.js';

const CARD = '4111111111111111';
const SSN = '078-05-1120';

@Controller('shop')
class ShopController {
  private readonly logger = new Logger('Shop');

  @Get('items')
  items(@Query('page') page?: string) {
    return { page: page ?? '1', items: [{ id: 1, accept: 'yes', success: true, access: 'ro', discard: false, pinned: true }] };
  }

  @Get('items/:id')
  item(@Param('id') id: string) {
    return { id };
  }

  @Post('pay')
  pay(@Body() body: Record<string, any>) {
    // log lines of the request, with objects holding card data
    this.logger.log({ cardNumber: body.cardNumber, amount: body.amount });
    this.logger.log('charging', { card: { number: body.cardNumber, cvc: body.cvc }, customer: body.customer });
    return {
      status: 'paid',
      cardNumber: body.cardNumber,
      cvv: body.cvv,
      ssn: body.ssn,
      sessionToken: 'resp-sess-9',
      receipt: { amount: body.amount, accept: 'ok' },
    };
  }

  @Get('profile')
  @Header('x-session-token', 'hdr-sess-7')
  @Header('x-request-id', 'rid-1')
  profile(@Res({ passthrough: true }) res: Response) {
    res.cookie('sid', 'cookie-sid-5');
    return { name: 'Ann', password: 'resp-pw-3', nested: [{ ssn: SSN, credit_card: CARD, accept: 'kept' }] };
  }

  @Get('big')
  big(@Query('n') n: string) {
    return { token: 'big-token-1', data: 'd'.repeat(Number(n)) };
  }

  @Get('secret/:code')
  secret(@Param('code') code: string) {
    redactCurrent(code);
    return { code };
  }
}

async function boot(options: ActiveTrackerModuleOptions = {}, plugin: RequestsPluginOptions = {}): Promise<INestApplication> {
  @Module({ imports: [ActiveTrackerModule.forRoot({ plugins: [requests(plugin), logs()], ...options })], controllers: [ShopController] })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('requests plugin in a Nest app', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function entries(type: string): Promise<Entry[]> {
    await app!.get(ActiveTracker).flush();
    return (await app!.get<EntryRepository>(EntryRepository).list({ type, limit: 1000 })).data.reverse();
  }

  /** The stored form of everything recorded (entries and families), to search for leaks. */
  async function everything(): Promise<string> {
    const repo = app!.get<EntryRepository>(EntryRepository);
    await app!.get(ActiveTracker).flush();
    const all = (await repo.list({ limit: 1000 })).data;
    const families = await Promise.all(['request', 'log'].map((type) => repo.families({ type, limit: 100 })));
    return JSON.stringify([all, families]);
  }

  function expectNoLeak(stored: string, secrets: string[]): void {
    for (const secret of secrets) expect({ secret, found: stored.includes(secret) }).toEqual({ secret, found: false });
  }

  describe('redaction leaks (a test per leak)', () => {
    it('the URL and the query: api_key, token, access_token, password (and card data) in content.url AND content.query', async () => {
      app = await boot();
      await request(app.getHttpServer())
        .get(`/shop/items?api_key=AK-111&token=TK-222&access_token=AT-333&password=PW-444&page=2&cardNumber=${CARD}&cvv=987&sig=SG-555&publicKey=PK-666#frag`)
        .expect(200);
      const [entry] = await entries('request');
      expect(entry.content.url).toBe(
        `/shop/items?api_key=${REDACTED}&token=${REDACTED}&access_token=${REDACTED}&password=${REDACTED}&page=2&cardNumber=${REDACTED}&cvv=${REDACTED}&sig=${REDACTED}&publicKey=${REDACTED}`,
      );
      // the same names as the URL, also those only URLs treat as sensitive (sig, *key)
      expect(entry.content.query).toEqual({
        api_key: REDACTED,
        token: REDACTED,
        access_token: REDACTED,
        password: REDACTED,
        page: '2',
        cardNumber: REDACTED,
        cvv: REDACTED,
        sig: REDACTED,
        publicKey: REDACTED,
      });
      expect(entry.content.path).toBe('/shop/items');
      expectNoLeak(await everything(), ['AK-111', 'TK-222', 'AT-333', 'PW-444', CARD, '987', 'SG-555', 'PK-666']);
    });

    it('request headers (authorization, cookie, api keys, card numbers) and response headers (set-cookie, session tokens)', async () => {
      app = await boot();
      await request(app.getHttpServer())
        .get('/shop/profile')
        .set('Authorization', 'Bearer hdr-auth-1')
        .set('Cookie', 'sid=hdr-cookie-2')
        .set('X-Api-Key', 'hdr-key-3')
        .set('X-Card-Number', CARD)
        .set('X-Credit-Card', CARD)
        .set('Accept', 'application/json')
        .expect(200);
      const [entry] = await entries('request');
      const reqHeaders = entry.content.requestHeaders as Record<string, unknown>;
      expect(reqHeaders).toMatchObject({
        authorization: REDACTED,
        cookie: REDACTED,
        'x-api-key': REDACTED,
        'x-card-number': REDACTED,
        'x-credit-card': REDACTED,
        accept: 'application/json',
      });
      const resHeaders = entry.content.responseHeaders as Record<string, unknown>;
      expect(resHeaders).toMatchObject({ 'set-cookie': REDACTED, 'x-session-token': REDACTED, 'x-request-id': 'rid-1' });
      expectNoLeak(await everything(), ['hdr-auth-1', 'hdr-cookie-2', 'hdr-key-3', CARD, 'hdr-sess-7', 'cookie-sid-5']);
    });

    it('the JSON request body: card number, CVC/CVV, SSN, password at any depth; ordinary keys kept', async () => {
      app = await boot();
      const body = {
        cardNumber: CARD,
        cvc: '321',
        cvv: '654',
        ssn: SSN,
        amount: 12,
        customer: { name: 'Ann', password: 'body-pw-1', card_number: CARD, cc: CARD, accept: 'terms', success: true },
      };
      await request(app.getHttpServer()).post('/shop/pay').send(body).expect(201);
      const [entry] = await entries('request');
      expect(entry.content.body).toEqual({
        cardNumber: REDACTED,
        cvc: REDACTED,
        cvv: REDACTED,
        ssn: REDACTED,
        amount: 12,
        customer: { name: 'Ann', password: REDACTED, card_number: REDACTED, cc: REDACTED, accept: 'terms', success: true },
      });
      expectNoLeak(await everything(), [CARD, '321', '654', SSN, 'body-pw-1']);
    });

    it('a form-encoded request body, and a body larger than maxBodyBytes (cut after redaction)', async () => {
      app = await boot({}, { maxBodyBytes: 200 });
      // Secrets that cannot occur by chance in ids or timestamps of the stored entries.
      await request(app.getHttpServer()).post('/shop/pay').type('form').send({ cardNumber: CARD, cvv: 'CVV-111', amount: '3' }).expect(201);
      await request(app.getHttpServer())
        .post('/shop/pay')
        .send({ cvv: 'CVV-222', ssn: SSN, filler: 'f'.repeat(500), amount: 4 })
        .expect(201);
      const [form, large] = await entries('request');
      expect(form.content.body).toEqual({ cardNumber: REDACTED, cvv: REDACTED, amount: '3' });
      expect(large.content.bodyTruncated).toBe(true);
      expect(String(large.content.body)).toContain(`"cvv":"${REDACTED}"`);
      expectNoLeak(await everything(), [CARD, 'CVV-111', 'CVV-222', SSN]);
    });

    it('the JSON response body (res.json, embedded as written when clean), sensitive keys at any depth', async () => {
      app = await boot();
      await request(app.getHttpServer()).post('/shop/pay').send({ cardNumber: CARD, cvv: 'CVV-765', ssn: SSN, amount: 1 }).expect(201);
      await request(app.getHttpServer()).get('/shop/profile').expect(200);
      await request(app.getHttpServer()).get('/shop/items').expect(200);
      const [pay, profile, items] = await entries('request');
      expect(pay.content.responseBody).toEqual({
        status: 'paid',
        cardNumber: REDACTED,
        cvv: REDACTED,
        ssn: REDACTED,
        sessionToken: REDACTED,
        receipt: { amount: 1, accept: 'ok' },
      });
      expect(profile.content.responseBody).toEqual({ name: 'Ann', password: REDACTED, nested: [{ ssn: REDACTED, credit_card: REDACTED, accept: 'kept' }] });
      // a clean body is stored exactly as sent
      expect(items.content.responseBody).toEqual({ page: '1', items: [{ id: 1, accept: 'yes', success: true, access: 'ro', discard: false, pinned: true }] });
      expectNoLeak(await everything(), [CARD, 'CVV-765', SSN, 'resp-sess-9', 'resp-pw-3']);
    });

    it('a JSON response body longer than maxPayloadBytes (but within maxBodyBytes) keeps no sensitive value', async () => {
      app = await boot({ maxPayloadBytes: 1024 });
      await request(app.getHttpServer()).get('/shop/big?n=3000').expect(200);
      const [entry] = await entries('request');
      expect(entry.content.truncated).toBe(true);
      expectNoLeak(await everything(), ['big-token-1']);
    });

    // A response body larger than maxBodyBytes is kept as its first bytes: that cut JSON is
    // redacted from the value res.json() was given (or by a tolerant pass over the text) first.
    it('a JSON response body larger than maxBodyBytes (kept as its first bytes) keeps no sensitive value', async () => {
      app = await boot({}, { maxBodyBytes: 100 });
      await request(app.getHttpServer()).get('/shop/big?n=500').expect(200);
      const [entry] = await entries('request');
      expect(entry.content.responseBodyTruncated).toBe(true);
      expectNoLeak(await everything(), ['big-token-1']);
    });

    it('log lines: objects logged during the request (request log and log entries)', async () => {
      app = await boot();
      await request(app.getHttpServer())
        .post('/shop/pay')
        .send({ cardNumber: CARD, cvc: '432', amount: 9, customer: { ssn: SSN } })
        .expect(201);
      const [entry] = await entries('request');
      const lines = (entry.content.log as Array<{ message: string }>).map((l) => l.message);
      expect(lines).toEqual([`{"cardNumber":"${REDACTED}","amount":9}`, `charging {"card":"${REDACTED}","customer":{"ssn":"${REDACTED}"}}`]);
      const logEntries = (await entries('log')).filter((e) => e.batchId === entry.batchId);
      expect(logEntries.map((e) => e.content.message)).toEqual(lines);
      expectNoLeak(await everything(), [CARD, '432', SSN]);
    });

    it('literals given to redactCurrent, in the URL, the path and the response', async () => {
      app = await boot();
      await request(app.getHttpServer()).get('/shop/secret/lit-code-42?x=lit-code-42').expect(200);
      const [entry] = await entries('request');
      expect(entry.content.url).toBe(`/shop/secret/${REDACTED}?x=${REDACTED}`);
      expect(entry.content.path).toBe(`/shop/secret/${REDACTED}`);
      expect(entry.content.responseBody).toEqual({ code: REDACTED });
      expectNoLeak(await everything(), ['lit-code-42']);
    });
  });

  describe('capture', () => {
    it('groups requests by route in families and counts them (requests by status class, duration histogram)', async () => {
      app = await boot();
      const server = app.getHttpServer();
      await request(server).get('/shop/items/1').expect(200);
      await request(server).get('/shop/items/2').expect(200);
      await request(server).get('/shop/items').expect(200);
      await request(server).get('/shop/nowhere').expect(404);
      const reqs = await entries('request');
      expect(reqs.map((e) => [e.content.method, e.content.path, e.content.routePattern, e.content.status])).toEqual([
        ['GET', '/shop/items/1', '/shop/items/:id', 200],
        ['GET', '/shop/items/2', '/shop/items/:id', 200],
        ['GET', '/shop/items', '/shop/items', 200],
        ['GET', '/shop/nowhere', null, 404],
      ]);
      expect(reqs[0].familyHash).toBe(reqs[1].familyHash);
      expect(reqs[2].familyHash).not.toBe(reqs[0].familyHash);
      expect(reqs[3].familyHash).toBeNull();
      const repo = app.get<EntryRepository>(EntryRepository);
      const family = (await repo.family('request', reqs[0].familyHash!))!;
      expect(family).toMatchObject({ count: 2, approximate: false, summary: expect.objectContaining({ method: 'GET', routePattern: '/shop/items/:id' }) });
      const now = Date.now();
      const byStatus = await repo.counters({ name: REQUEST_COUNTERS.byStatus, granularity: 'day', from: now - 60_000, to: now });
      const sums: Record<string, number> = {};
      for (const bucket of byStatus.buckets) for (const [k, v] of Object.entries(bucket.values)) sums[k] = (sums[k] ?? 0) + v;
      expect(sums).toEqual({ '2xx': 3, '4xx': 1 });
      const durations = await repo.counters({ name: REQUEST_COUNTERS.duration, granularity: 'day', from: now - 60_000, to: now });
      const histogram = durations.buckets.flatMap((b) => Object.entries(b.values));
      expect(histogram.every(([k]) => /^h-?\d+$/.test(k))).toBe(true);
      expect(histogram.reduce((sum, [, v]) => sum + v, 0)).toBe(4);
      // v2 no longer records a memory delta per request
      expect(reqs.every((e) => !('memoryDeltaBytes' in e.content))).toBe(true);
    });

    it('samples whole requests: an ordinary request and its log lines are kept or dropped together', async () => {
      app = await boot({ sampling: { rate: 0.5, keepSlowerThanMs: null } });
      const server = app.getHttpServer();
      // 30 requests at 0.5: all kept or all dropped has a probability of 2e-9
      for (let i = 0; i < 30; i++) await request(server).post('/shop/pay').send({ amount: i }).expect(201);
      const reqs = await entries('request');
      const lines = (await entries('log')).filter((e) => e.batchId !== null);
      expect(reqs.length).toBeLessThan(30);
      expect(reqs.length).toBeGreaterThan(0);
      expect(lines).toHaveLength(2 * reqs.length);
      expect(new Set(lines.map((e) => e.batchId))).toEqual(new Set(reqs.map((e) => e.batchId)));
      const family = (await app.get<EntryRepository>(EntryRepository).family('request', reqs[0].familyHash!))!;
      expect(family).toMatchObject({ count: 2 * reqs.length, approximate: true });
    });
  });
});
