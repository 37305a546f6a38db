import { Controller, Get, Module, Query } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { execFileSync } from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { ActiveTrackerModule } from '../../active-tracker.module.js';
import { resolveOptions } from '../../active-tracker.options.js';
import { TrackerRuntime } from '../../active-tracker.runtime.js';
import { ActiveTracker } from '../../active-tracker.service.js';
import { redactCurrent, runInContext, tagCurrent, TrackerContext } from '../../context/request-context.js';
import type { Entry } from '../../entries/entry.js';
import { EntryRepository } from '../../storage/entry-repository.js';
import { closedPort, OutboundServer, startOutboundServer } from '../../../test/support/outbound-server.js';
import { fakeHost } from '../../../test/support/fake-host.js';
import { EntryRecorder } from '../../recorder/entry-recorder.js';
import { MemoryRepository } from '../../storage/memory/memory.repository.js';
import { requests } from '../requests/requests.plugin.js';
import { HTTP_CLIENT_CHANNELS, httpClient, HttpClientEntryContent, HttpClientPlugin, HttpClientPluginOptions } from './http-client.plugin.js';
import { INTERNAL_REQUEST_HEADER } from '../../plugin-api.js';

let outbound: OutboundServer;
beforeAll(async () => {
  outbound = await startOutboundServer();
});
afterAll(async () => outbound?.stop());

/** node:http call that resolves with status and body (consumed), or rejects with the request error. */
function httpCall(
  url: string,
  options: https.RequestOptions = {},
  body?: string,
  lib: typeof http | typeof https = http,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = lib.request(url, options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The plugin on the real channels, recording into an array. */
function direct(options: HttpClientPluginOptions = {}, trackerId = 'tracker-1') {
  const plugin = httpClient(options);
  const { host, drafts, records } = fakeHost(plugin, { trackerId });
  const teardown = plugin.register(host);
  const content = () => drafts.map((d) => d.content as unknown as HttpClientEntryContent);
  return { plugin, drafts, records, teardown, content };
}

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for the condition');
    await sleep(5);
  }
}

describe('http-client plugin on the diagnostics channels', () => {
  let teardown: (() => void) | undefined;
  afterEach(() => {
    teardown?.();
    teardown = undefined;
  });

  it('records fetch calls: method, redacted URL, status, duration to the end of the body, sizes', async () => {
    const s = direct();
    teardown = s.teardown;
    const get = await fetch(`${outbound.url}/ok?token=abc123&page=2`);
    expect(await get.text()).toBe('hello');
    const post = await fetch(`${outbound.url}/echo?apiKey=k1`, { method: 'POST', body: 'x'.repeat(300), headers: { 'content-type': 'text/plain' } });
    expect(await post.json()).toEqual({ bytes: 300, method: 'POST' });
    const slow = await fetch(`${outbound.url}/chunked?ms=120`);
    expect(await slow.text()).toBe('abcdefg');
    await until(() => s.drafts.length === 3);
    expect(s.content()).toEqual([
      {
        client: 'fetch',
        method: 'GET',
        url: `${outbound.url}/ok?token=[REDACTED]&page=2`,
        host: outbound.host,
        status: 200,
        durationMs: expect.any(Number),
        requestSize: null,
        responseSize: 5,
      },
      {
        client: 'fetch',
        method: 'POST',
        url: `${outbound.url}/echo?apiKey=[REDACTED]`,
        host: outbound.host,
        status: 200,
        durationMs: expect.any(Number),
        requestSize: 300,
        responseSize: expect.any(Number),
      },
      {
        client: 'fetch',
        method: 'GET',
        url: `${outbound.url}/chunked?ms=120`,
        host: outbound.host,
        status: 200,
        durationMs: expect.any(Number),
        requestSize: null,
        responseSize: null,
      },
    ]);
    // the chunked body ends 120 ms after its headers: the duration covers the whole body
    expect(s.content()[2].durationMs).toBeGreaterThanOrEqual(110);
    expect(s.drafts[2].durationMs).toBe(s.content()[2].durationMs);
    expect(s.drafts[0]).toMatchObject({ type: 'http-client', batchId: null, trackerId: 'tracker-1', tags: { host: outbound.host, status: '200' } });
    // the host's own request is untouched: the server saw the real query
    expect(outbound.received.some((r) => r.url === '/ok?token=abc123&page=2')).toBe(true);
  });

  it('records node:http calls: method, URL (never credentials), status, duration, sizes', async () => {
    const s = direct();
    teardown = s.teardown;
    const res = await httpCall(
      `http://alice:pa55w0rd@${outbound.host}/chunked?ms=100&signature=s1g`,
      { method: 'PUT', headers: { 'content-length': 4 } },
      'abcd',
    );
    expect(res).toEqual({ status: 200, body: 'abcdefg' });
    await httpCall(`${outbound.url}/status/503?X-Amz-Signature=zz&id=9`);
    await until(() => s.drafts.length === 2);
    expect(s.content()).toEqual([
      {
        client: 'http',
        method: 'PUT',
        url: `${outbound.url}/chunked?ms=100&signature=[REDACTED]`,
        host: outbound.host,
        status: 200,
        durationMs: expect.any(Number),
        requestSize: 4,
        responseSize: null,
      },
      {
        client: 'http',
        method: 'GET',
        url: `${outbound.url}/status/503?X-Amz-Signature=[REDACTED]&id=9`,
        host: outbound.host,
        status: 503,
        durationMs: expect.any(Number),
        requestSize: null,
        responseSize: 'status 503'.length,
      },
    ]);
    expect(s.content()[0].durationMs).toBeGreaterThanOrEqual(90);
    expect(JSON.stringify(s.drafts)).not.toContain('pa55w0rd');
    expect(s.drafts[1].tags).toMatchObject({ status: '503' });
  });

  it('records https calls through the same channels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'at-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
        ],
        { stdio: 'ignore' },
      );
      const server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('tls'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const s = direct();
      teardown = s.teardown;
      try {
        expect(await httpCall(`https://127.0.0.1:${port}/secure?password=p`, { rejectUnauthorized: false }, undefined, https)).toEqual({
          status: 200,
          body: 'tls',
        });
      } finally {
        server.closeAllConnections();
        server.close();
      }
      await until(() => s.drafts.length === 1);
      expect(s.content()[0]).toMatchObject({ client: 'http', method: 'GET', url: `https://127.0.0.1:${port}/secure?password=[REDACTED]`, status: 200 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('records failures: refused connections, timeouts, destroyed requests (status null, error kept) and still lets the host see its error', async () => {
    const s = direct();
    teardown = s.teardown;
    const port = await closedPort();
    await expect(fetch(`http://127.0.0.1:${port}/x`)).rejects.toThrow('fetch failed');
    await expect(httpCall(`http://127.0.0.1:${port}/y`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(fetch(`${outbound.url}/hang`, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: 'TimeoutError' });
    const destroyed = await new Promise<unknown>((resolve) => {
      const req = http.request(`${outbound.url}/hang?n=2`);
      req.on('error', resolve);
      req.end();
      setTimeout(() => req.destroy(new Error('gave up')), 30);
    });
    expect((destroyed as Error).message).toBe('gave up');
    await until(() => s.drafts.length === 4);
    const c = s.content();
    expect(c.map((e) => [e.client, e.status, e.error?.code ?? e.error?.name])).toEqual([
      ['fetch', null, 'ECONNREFUSED'],
      ['http', null, 'ECONNREFUSED'],
      ['fetch', null, 'TimeoutError'],
      ['http', null, 'Error'],
    ]);
    expect(c[3].error?.message).toBe('gave up');
    expect(s.drafts.every((d) => d.tags?.status === 'error')).toBe(true);
  });

  it('records each hop of a fetch redirect', async () => {
    const s = direct();
    teardown = s.teardown;
    const res = await fetch(`${outbound.url}/redirect`);
    expect(await res.text()).toBe('hello');
    await until(() => s.drafts.length === 2);
    expect(s.content().map((e) => [e.url, e.status])).toEqual([
      [`${outbound.url}/redirect`, 302],
      [`${outbound.url}/ok`, 200],
    ]);
  });

  it(`ignores the tracker's own calls (${INTERNAL_REQUEST_HEADER} header) and filtered URLs`, async () => {
    const s = direct({ filters: [`${outbound.url}/status/`, /\/slow\b/] });
    teardown = s.teardown;
    await (await fetch(`${outbound.url}/ok?internal=1`, { headers: { [INTERNAL_REQUEST_HEADER]: '1' } })).text();
    await httpCall(`${outbound.url}/ok?internal=2`, { headers: { [INTERNAL_REQUEST_HEADER]: '1' } });
    await (await fetch(`${outbound.url}/status/201`)).text();
    await httpCall(`${outbound.url}/slow`);
    await (await fetch(`${outbound.url}/ok?kept=1`)).text();
    await httpCall(`${outbound.url}/ok?kept=2`);
    await until(() => s.drafts.length >= 2);
    await sleep(20);
    expect(s.content().map((e) => e.url)).toEqual([`${outbound.url}/ok?kept=1`, `${outbound.url}/ok?kept=2`]);
  });

  it('filters by host', async () => {
    const s = direct({ filters: [outbound.host] });
    teardown = s.teardown;
    await (await fetch(`${outbound.url}/ok`)).text();
    await httpCall(`${outbound.url}/ok`);
    await sleep(30);
    expect(s.drafts).toEqual([]);
  });

  it("links calls to the request context captured at start, with its tags and redactions, and skips other trackers' requests", async () => {
    const s = direct({}, 'tracker-1');
    teardown = s.teardown;
    const mine = new TrackerContext('tracker-1');
    const theirs = new TrackerContext('tracker-2');
    await runInContext(mine, async () => {
      tagCurrent({ plan: 'pro' });
      redactCurrent('order-77');
      await (await fetch(`${outbound.url}/ok?ref=order-77`)).text();
    });
    await runInContext(theirs, async () => {
      await httpCall(`${outbound.url}/ok?theirs=1`);
      await (await fetch(`${outbound.url}/ok?theirs=2`)).text();
    });
    await sleep(30);
    expect(s.drafts).toHaveLength(1);
    expect(s.drafts[0]).toMatchObject({ batchId: mine.batchId, trackerId: 'tracker-1', tags: { plan: 'pro', host: outbound.host, status: '200' } });
    // v2: the draft is recorded with its batch (the callback may run in another request's context);
    // the batch's redactions apply when the recorder serializes it.
    expect(s.records[0].batch).toBe(mine);
    expect(mine.redactions).toContain('order-77');
    const repo = new MemoryRepository({ maxAgeMs: 60_000, maxEntriesPerType: 100 });
    const recorder = new EntryRecorder(repo, {
      trackerId: 'tracker-1',
      maxPayloadBytes: 64 * 1024,
      sensitiveKeys: [],
      buffer: { maxEntries: 100, maxBytes: 1 << 20, flushIntervalMs: 60_000, flushBatchSize: 1000, flushBytes: 1 << 20 },
      batches: { graceMs: 0, maxDrafts: 100 },
      sampling: { rate: 1, keepSlowerThanMs: null },
    });
    recorder.record(s.records[0].draft, s.records[0].batch);
    recorder.batchEnded(mine);
    await recorder.stop();
    const [stored] = (await repo.list({ type: 'http-client', limit: 10 })).data;
    expect(stored.content.url).toBe(`${outbound.url}/ok?ref=[REDACTED]`);
    expect(JSON.stringify(stored)).not.toContain('order-77');
  });

  it('redacts credentials and sensitive query parameters, keeps the rest, drops the fragment', () => {
    const { plugin, teardown: stop } = direct({ redactQueryParams: ['tenant'] });
    try {
      expect(plugin.redactUrl('https://user:pass@api.example.com/v1/items?api_key=1&sig=2&page=3&access_token=4&tenantId=5&q=a+b#frag')).toBe(
        'https://[REDACTED]@api.example.com/v1/items?api_key=[REDACTED]&sig=[REDACTED]&page=3&access_token=[REDACTED]&tenantId=[REDACTED]&q=a+b',
      );
      expect(plugin.redactUrl('http://h/p?key=1&Password=2&flag&code=3')).toBe('http://h/p?key=[REDACTED]&Password=[REDACTED]&flag&code=[REDACTED]');
      expect(plugin.redactUrl('http://h/p?monkey=banana')).toBe('http://h/p?monkey=[REDACTED]'); // names ending in "key" are redacted: safe side
      expect(plugin.redactUrl('http://h/plain')).toBe('http://h/plain');
    } finally {
      stop();
    }
  });

  it('never throws into the caller, even on malformed channel messages', async () => {
    const s = direct();
    teardown = s.teardown;
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      for (const name of Object.values(HTTP_CLIENT_CHANNELS)) {
        for (const message of [
          {},
          { request: null },
          { request: {}, response: null },
          {
            request: {
              headers: 42,
              getHeader: () => {
                throw new Error('x');
              },
            },
          },
        ]) {
          expect(() => diagnosticsChannel.channel(name).publish(message)).not.toThrow();
        }
      }
      await sleep(10);
      expect(uncaught).toEqual([]);
      expect(s.drafts).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('unsubscribes from every channel on teardown', async () => {
    const before = Object.values(HTTP_CLIENT_CHANNELS).map((name) => diagnosticsChannel.hasSubscribers(name));
    const s = direct();
    expect(Object.values(HTTP_CLIENT_CHANNELS).every((name) => diagnosticsChannel.hasSubscribers(name))).toBe(true);
    s.teardown();
    expect(Object.values(HTTP_CLIENT_CHANNELS).map((name) => diagnosticsChannel.hasSubscribers(name))).toEqual(before);
    await (await fetch(`${outbound.url}/ok`)).text();
    await httpCall(`${outbound.url}/ok`);
    expect(s.drafts).toEqual([]);
  });

  it('validates its options with clear messages', () => {
    expect(httpClient().validate()).toEqual([]);
    expect(httpClient({ filters: ['https://x', /y/], redactQueryParams: ['tenant'] }).validate()).toEqual([]);
    expect(httpClient({ filters: [1 as any], redactQueryParams: [''] }).validate()).toEqual([
      '"filters[0]" must be a non-empty string or a RegExp',
      '"redactQueryParams" must be an array of non-empty strings',
    ]);
    expect(httpClient({ filters: 'x' as any }).validate()).toEqual(['"filters" must be an array of URL prefixes, hosts and RegExps']);
    expect(() => resolveOptions({ plugins: [httpClient({ filters: [null as any] })] }, () => [])).toThrow(/plugin "http-client": "filters\[0\]"/);
  });
});

@Controller('calls')
class CallsController {
  /** One fetch and one node:http call to the outbound server, both tagged with `who`. */
  @Get()
  async call(@Query('who') who: string, @Query('ms') ms = '0') {
    const viaFetch = await fetch(`${outbound.url}/slow?ms=${ms}&who=${who}&token=t-${who}`);
    await viaFetch.text();
    const viaHttp = await httpCall(`${outbound.url}/echo?who=${who}`, { method: 'POST', headers: { 'content-length': 3 } }, 'abc');
    return { fetch: viaFetch.status, http: viaHttp.status };
  }

  /** Fails after the outbound call: the entry is recorded all the same. */
  @Get('fail')
  async fail() {
    await fetch(`${outbound.url}/status/500`).then((r) => r.text());
    throw new Error('handler failed after calling out');
  }
}

describe('http-client plugin in a Nest app', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function boot() {
    @Module({ imports: [ActiveTrackerModule.forRoot({ plugins: [requests(), httpClient()] })], controllers: [CallsController] })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  }

  async function list(type: string): Promise<Entry[]> {
    await app!.get(ActiveTracker).flush();
    return (await app!.get<EntryRepository>(EntryRepository).list({ type, limit: 1000 })).data.reverse();
  }

  it('links fetch and http calls to their request; two overlapping requests never mix batch ids', async () => {
    await boot();
    const server = app!.getHttpServer();
    const [slow, fast] = await Promise.all([
      request(server).get('/calls?who=slow&ms=120').expect(200),
      request(server).get('/calls?who=fast&ms=1').expect(200),
    ]);
    expect(slow.body).toEqual({ fetch: 200, http: 200 });
    expect(fast.body).toEqual({ fetch: 200, http: 200 });
    const reqs = await list('request');
    const calls = (await list('http-client')).filter((e) => e.content.host === outbound.host);
    expect(reqs).toHaveLength(2);
    expect(calls).toHaveLength(4);
    for (const req of reqs) {
      const who = (req.content.url as string).match(/who=(\w+)/)![1];
      const mine = calls.filter((e) => e.batchId === req.batchId);
      expect(mine.map((e) => [e.content.client, e.content.method, e.content.url, e.content.status])).toEqual([
        ['fetch', 'GET', `${outbound.url}/slow?ms=${who === 'slow' ? 120 : 1}&who=${who}&token=[REDACTED]`, 200],
        ['http', 'POST', `${outbound.url}/echo?who=${who}`, 200],
      ]);
    }
    // they did overlap: the fast request finished its calls while the slow one waited
    const slowFetch = calls.find((e) => String(e.content.url).includes('who=slow'))!;
    const fastHttp = calls.find((e) => String(e.content.url).includes('echo?who=fast'))!;
    expect(new Date(fastHttp.occurredAt).getTime()).toBeLessThan(new Date(slowFetch.occurredAt).getTime() + (slowFetch.durationMs ?? 0));
  });

  it('records the call of a failing handler in its batch, and counts calls in the statistics', async () => {
    await boot();
    await request(app!.getHttpServer()).get('/calls/fail').expect(500);
    const [req] = await list('request');
    const calls = (await list('http-client')).filter((e) => e.batchId === req.batchId);
    expect(calls.map((e) => e.content.status)).toEqual([500]);
    const plugin = app!.get(TrackerRuntime).plugin<HttpClientPlugin>('http-client')!;
    const repo = app!.get<EntryRepository>(EntryRepository);
    const [row] = await plugin.statistics(repo);
    expect(row).toMatchObject({ plugin: 'http-client', label: 'Outbound HTTP', value: await repo.count('http-client') });
    expect(row.error).toBeUndefined();
    const port = await closedPort();
    await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
    await app!.get(ActiveTracker).flush();
    expect((await plugin.statistics(repo))[0].error).toBe(true);
  });
});
