import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page, Route } from 'playwright-core';
import {
  ACTIVE_TRACKER_RUNTIME,
  ActiveTracker,
  defaultPlugins,
  tagged,
  type TrackerRuntime,
  type ActiveTrackerPlugin,
  type Entry,
  type PluginHost,
} from '@active-tracker/nestjs';
import { createDemoApp } from '../apps/demo/src/demo-app.factory.js';
import { parseEntries, parseEntryDetail, parseExceptionFamilies, parseFamilies } from '../apps/dashboard/src/app/core/api/api.parsers.js';
import { parseMeta, parseStats } from '../apps/dashboard/src/app/core/api/meta.parsers.js';
import { parseExceptionFamilyDetail } from '../apps/dashboard/src/app/core/api/api.parsers.js';
import { parseOverview, parseRecording } from '../apps/dashboard/src/app/core/api/live.parsers.js';
import { launchChromium, openPage, waitForCount, waitForValue } from './support/browser.js';

const DASHBOARD_INDEX = join(import.meta.dirname, '../libs/active-tracker/dashboard/index.html');

describe('dashboard in Chromium', () => {
  let app: INestApplication;
  let browser: Browser;
  let page: Page;
  let origin: string;

  beforeAll(async () => {
    if (!existsSync(DASHBOARD_INDEX)) throw new Error('the dashboard is not built: run `npm run build:dashboard` (npm test does it)');
    app = await createDemoApp({ tracker: {}, logger: false, init: false });
    app.setGlobalPrefix('app');
    await app.listen(0, '127.0.0.1');
    origin = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  beforeEach(async () => {
    page = await browser.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
  });
  afterEach(async () => page?.close());

  it('lists a captured request, opens it, and shows its exception and backtrace', async () => {
    page.setDefaultTimeout(8000);
    await fetch(`${origin}/app/users`);
    const boom = await fetch(`${origin}/app/boom`);
    expect(boom.status).toBe(500);
    await app.get(ActiveTracker).flush();

    await page.goto(`${origin}/app/activetracker/requests`);
    await page.getByTestId('nav-requests').waitFor();
    const rows = page.getByTestId('request-row');
    await rows.first().waitFor();
    const boomRow = rows.filter({ hasText: '/app/boom' });
    await expect(boomRow.count()).resolves.toBe(1);
    await expect(boomRow.innerText()).resolves.toContain('500');

    await boomRow.click();
    const detail = page.getByTestId('request-detail');
    await detail.waitFor();
    expect(page.url()).toMatch(/\/app\/activetracker\/requests\/[0-9A-Z]{26}$/);
    await expect(detail.innerText()).resolves.toContain('DiagnosticsController');
    await expect(page.getByTestId('request-status').innerText()).resolves.toContain('500');
    const exception = page.getByTestId('batch-exception');
    await expect(exception.innerText()).resolves.toContain('Boom');

    await exception.click();
    await page.getByTestId('exception-detail').waitFor();
    const backtrace = page.getByTestId('backtrace');
    await expect(backtrace.innerText()).resolves.toContain('diagnostics.service.ts');
  }, 30_000);

  it('loads a deep link directly and shows the sidebar statistics', async () => {
    await fetch(`${origin}/app/boom`);
    await app.get(ActiveTracker).flush();
    const list = (await (await fetch(`${origin}/app/activetracker/api/entries?type=exception&limit=1`)).json()) as { data: Array<{ id: string }> };
    const id = list.data[0].id;
    const response = await page.goto(`${origin}/app/activetracker/exceptions/${id}`);
    expect(response?.status()).toBe(200);
    await page.getByTestId('exception-detail').waitFor();
    await expect(page.getByTestId('exception-detail').innerText()).resolves.toContain('Boom');
    const stat = page.getByTestId('stat-exceptions');
    await stat.first().waitFor();
    expect(Number((await stat.first().innerText()).replace(/\D/g, ''))).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('groups exceptions by family in the exceptions list', async () => {
    await page.goto(`${origin}/app/activetracker/exceptions`);
    const family = page.getByTestId('exception-family-row').filter({ hasText: 'Boom' });
    await family.first().waitFor();
    await expect(family.count()).resolves.toBe(1);
  }, 30_000);

  it('shows the log lines, events and outbound HTTP call of a checkout, each linked to its request', async () => {
    page.setDefaultTimeout(8000);
    const res = await fetch(`${origin}/app/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'kettle', quantity: 1 }),
    });
    expect(res.status).toBe(201);
    // The outbound call is recorded when its response body has ended, possibly just after the
    // checkout answered: wait until the API has it, so every page below shows it on first load.
    const deadline = Date.now() + 5000;
    for (;;) {
      await app.get(ActiveTracker).flush();
      const calls = (await (await fetch(`${origin}/app/activetracker/api/entries?type=http-client&limit=20`)).json()) as {
        data: Array<{ content: { url: string } }>;
      };
      if (calls.data.some((e) => e.content.url.endsWith('/app/payments/charge')) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }

    const pages: Array<[string, string]> = [
      ['logs', 'Checking out 1 x kettle'],
      ['events', 'order.placed'],
      ['http-client', '/app/payments/charge'],
    ];
    for (const [path, text] of pages) {
      await page.goto(`${origin}/app/activetracker/${path}`);
      await page.getByTestId(`nav-${path}`).waitFor();
      const row = page.getByTestId('entry-row').filter({ hasText: text }).first();
      await row.waitFor();
      await row.click();
      await page.getByTestId('entry-detail').waitFor();
      await expect(page.getByTestId('entry-detail').innerText()).resolves.toContain(text);
      const link = page.getByTestId('request-link');
      await link.waitFor();
      await expect(link.innerText()).resolves.toContain('/app/checkout');
    }
    await page.getByTestId('request-link').click();
    await page.getByTestId('request-detail').waitFor();
    await expect(page.getByTestId('request-detail').innerText()).resolves.toContain('order.placed');
  }, 30_000);
});

describe('dashboard lists in Chromium: paging, tag filter, search', () => {
  let app: INestApplication;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    app = await createDemoApp({ tracker: { perPage: 3 }, logger: false, init: false });
    await app.listen(0, '127.0.0.1');
    origin = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromium();
    for (const name of ['Ada', 'Grace', 'Alan']) {
      const res = await fetch(`${origin}/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, email: `${name.toLowerCase()}@example.com` }),
      });
      expect(res.status).toBe(201);
    }
    await fetch(`${origin}/orders?status=paid`);
    await fetch(`${origin}/orders?status=pending`);
    await app.get(ActiveTracker).flush();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('pages with "Load older", filters by a clicked tag and by search text', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(8000);
    try {
      await page.goto(`${origin}/activetracker/requests`);
      const rows = page.getByTestId('request-row');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(3);
      await page.getByTestId('load-older').click();
      await waitForCount(rows, 5);
      const paths = await rows.allInnerTexts();
      expect(paths[0]).toContain('/orders'); // newest first
      expect(paths[4]).toContain('/users');
      expect(paths.filter((text) => text.includes('Grace'))).toHaveLength(1); // the tagged user is shown

      await page.getByTestId('tag-chip').filter({ hasText: 'paid' }).first().click();
      await page.waitForURL(/tag=order_status(%3A|:)paid/);
      await waitForCount(rows, 1);
      await expect(rows.first().innerText()).resolves.toMatch(/order_status\s*paid/);

      await page.goto(`${origin}/activetracker/requests`);
      await rows.first().waitFor();
      await page.getByTestId('search-input').fill('grace@example');
      await page.getByTestId('search-input').press('Enter');
      await page.waitForURL(/q=grace%40example|q=grace@example/);
      await waitForCount(rows, 1);
      await expect(rows.first().innerText()).resolves.toContain('Grace');
    } finally {
      await page.close();
    }
  }, 30_000);
});

/** A port nothing listens on (a server bound, then closed): calls to it are refused. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A plugin defined only with the public plugin API and view metadata: the dashboard has no code
 * for it. It records a few cache operations when it starts.
 */
function cachePlugin(): ActiveTrackerPlugin {
  const op = (key: string, op: 'hit' | 'miss', size: number, durationMs: number) => ({
    type: 'cache-op',
    familyHash: key,
    durationMs,
    tags: { op, store: 'redis' },
    content: { key, size, command: `GET ${key}`, value: op === 'hit' ? { name: 'Ada', roles: ['admin'] } : null },
  });
  return {
    name: 'cache',
    entryType: 'cache-op',
    nav: {
      title: 'Cache',
      path: 'cache',
      icon: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><path d="M4 6h16M4 12h16M4 18h10"/></svg>',
    },
    view: {
      list: {
        columns: [
          { field: 'content.key', label: 'Key', format: 'code' },
          { field: 'tags.op', label: 'Op', format: 'badge' },
          { field: 'content.size', label: 'Size', format: 'bytes' },
          { field: 'durationMs', label: 'Duration', format: 'duration' },
          { field: 'occurredAt', label: 'When', format: 'time' },
        ],
        filters: [
          { kind: 'tag', key: 'op', label: 'Operation', options: ['hit', 'miss'] },
          { kind: 'text', label: 'Search keys…' },
        ],
      },
      detail: {
        title: 'content.key',
        sections: [
          {
            kind: 'fields',
            title: 'Operation',
            fields: [
              { field: 'tags.op', label: 'Op', format: 'badge' },
              { field: 'content.size', label: 'Size', format: 'bytes' },
            ],
          },
          { kind: 'code', title: 'Command', field: 'content.command', language: 'text' },
          { kind: 'json', title: 'Value', field: 'content.value' },
          {
            kind: 'related',
            title: 'Same key',
            relation: 'family',
            columns: [
              { field: 'tags.op', label: 'Op', format: 'badge' },
              { field: 'occurredAt', label: 'When', format: 'time' },
            ],
          },
        ],
      },
    },
    register(host: PluginHost) {
      host.record(op('user:1', 'hit', 2048, 1.5));
      host.record(op('user:1', 'miss', 0, 0.4));
      host.record(op('session:9', 'hit', 512, 0.8));
    },
  };
}

/** A plugin whose list shows families (`families: true`), ordered by the user. */
function jobsPlugin(): ActiveTrackerPlugin {
  const run = (name: string, durationMs: number) => ({ type: 'job-run', familyHash: name, durationMs, content: { name } });
  return {
    name: 'jobs',
    entryType: 'job-run',
    nav: { title: 'Jobs', path: 'jobs' },
    view: {
      list: {
        families: true,
        columns: [
          { field: 'content.name', label: 'Job', format: 'code' },
          { field: 'durationMs', label: 'Duration', format: 'duration' },
        ],
      },
      detail: { title: 'content.name', sections: [{ kind: 'fields', fields: [{ field: 'durationMs', label: 'Duration', format: 'duration' }] }] },
    },
    register(host: PluginHost) {
      for (let i = 0; i < 3; i++) host.record(run('send-mail', 10 + i));
      host.record(run('reindex', 500));
    },
  };
}

/** A plugin with a nav entry and no view metadata: the generic raw-JSON pages. */
function plainPlugin(): ActiveTrackerPlugin {
  return {
    name: 'pings',
    entryType: 'ping',
    nav: { title: 'Pings', path: 'pings' },
    register(host: PluginHost) {
      host.record({ type: 'ping', content: { target: 'db', ok: true } });
    },
  };
}

describe('dashboard in Chromium: contracts, drift fixes, metadata-driven plugin pages', () => {
  let app: INestApplication;
  let browser: Browser;
  let page: Page;
  let origin: string;
  const api = async (path: string): Promise<unknown> => (await fetch(`${origin}/activetracker/api/${path}`)).json();

  beforeAll(async () => {
    const paymentsUrl = `http://127.0.0.1:${await refusedPort()}/charge`;
    app = await createDemoApp({
      tracker: { plugins: [...defaultPlugins(), cachePlugin(), jobsPlugin(), plainPlugin()] },
      paymentsUrl,
      logger: false,
      init: false,
    });
    await app.listen(0, '127.0.0.1');
    origin = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromium();

    // A checkout whose payment call is refused: request, log lines, a failed outbound call, an exception.
    const res = await fetch(`${origin}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'kettle', quantity: 1 }),
    });
    expect(res.status).toBe(500);
    // An event raised under EventReporter tags (content.eventTags).
    tagged({ channel: 'web', cart: 'c-42' }, () => app.get(ActiveTracker).event('cart.tagged', 'tagged event', { items: 2 }));
    const deadline = Date.now() + 5000;
    for (;;) {
      await app.get(ActiveTracker).flush();
      const calls = parseEntries(await api('entries?type=http-client&limit=200'));
      if (calls.data.some((e) => String(e.content['url']).endsWith('/charge')) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  beforeEach(async () => {
    page = await openPage(browser);
  });
  afterEach(async () => page?.close());

  it("the server's answers pass the dashboard's parsers (the contracts hold end to end)", async () => {
    const meta = parseMeta(await api('meta'));
    expect(meta.data.plugins.map((p) => [p.name, p.view === null, p.viewProblem ?? null])).toEqual([
      ['requests', true, null],
      ['exceptions', true, null],
      ['logs', true, null],
      ['events', true, null],
      ['http-client', true, null],
      ['queries', false, null],
      ['cache', false, null],
      ['jobs', false, null],
      ['pings', true, null],
    ]);
    parseStats(await api('stats'));
    for (const type of ['request', 'exception', 'log', 'event', 'http-client', 'cache-op', 'job-run', 'ping']) {
      const page = parseEntries(await api(`entries?type=${type}`));
      expect([type, page.data.length > 0]).toEqual([type, true]);
      parseEntryDetail(await api(`entries/${page.data[0].id}`));
    }
    expect(parseExceptionFamilies(await api('exceptions/families')).data.length).toBeGreaterThan(0);
    for (const orderBy of ['count', 'total', 'avg', 'max', 'p95', 'lastSeen']) {
      expect(parseFamilies(await api(`families?type=job-run&orderBy=${orderBy}`)).data).toHaveLength(2);
    }
  }, 30_000);

  it('shows the EventReporter tags of an event on its page', async () => {
    const events = parseEntries(await api('entries?type=event'));
    const event = events.data.find((e) => e.content['name'] === 'cart.tagged') as Entry;
    await page.goto(`${origin}/activetracker/events/${event.id}`);
    const tags = page.getByTestId('event-tags');
    await tags.waitFor();
    const text = await tags.innerText();
    expect(text).toContain('channel');
    expect(text).toContain('web');
    expect(text).toContain('c-42');
  }, 30_000);

  it('shows the error name and message of a failed outbound call, in the list and on its page', async () => {
    // The test's own fetch calls are recorded too: find the payment call.
    const calls = parseEntries(await api('entries?type=http-client&limit=200')).data;
    const call = calls.find((e) => String(e.content['url']).endsWith('/charge')) as Entry;
    const error = call.content['error'] as { name: string; message: string; code?: string };
    expect(error.name).toBeTruthy();
    const shown = `${error.name}: ${error.message}`;

    await page.goto(`${origin}/activetracker/http-client`);
    const row = page.getByTestId('entry-row').filter({ hasText: '/charge' }).first();
    await row.waitFor();
    const rowText = await row.innerText();
    expect(rowText).toContain(shown);
    expect(rowText).toContain('ERR');
    expect(rowText).not.toContain('[object Object]');

    await row.click();
    const failure = page.getByTestId('http-error');
    await failure.waitFor();
    const text = await failure.innerText();
    expect(text).toContain(shown);
    if (error.code) expect(text).toContain(error.code);
    expect(await page.getByTestId('entry-detail').innerText()).not.toContain('[object Object]');
  }, 30_000);

  it("draws a plugin's list from its view metadata: icon, columns, tag select, search", async () => {
    await page.goto(`${origin}/activetracker/`);
    const nav = page.getByTestId('nav-cache');
    await nav.waitFor();
    const icon = nav.getByTestId('plugin-icon');
    expect(await icon.getAttribute('style')).toContain('data:image/svg+xml');
    expect(await nav.locator('svg').count()).toBe(0); // the plugin's markup never enters the DOM

    await nav.click();
    await page.waitForURL(/\/activetracker\/cache$/);
    const rows = page.getByTestId('plugin-row');
    await waitForCount(rows, 3);
    expect(await page.locator('thead th').allInnerTexts()).toEqual(['KEY', 'OP', 'SIZE', 'DURATION', 'WHEN']);
    const texts = await rows.allInnerTexts();
    expect(texts[0]).toMatch(/session:9\s+hit\s+512 B\s+0\.80 ms/); // newest first
    expect(texts[2]).toMatch(/user:1\s+hit\s+2\.0 KB\s+1\.5 ms/);

    await page.getByTestId('tag-filter-op').locator('select').selectOption('miss');
    await page.waitForURL(/tag=op(%3A|:)miss/);
    await waitForCount(rows, 1);
    expect(await rows.first().innerText()).toMatch(/user:1\s+miss/);

    await page.goto(`${origin}/activetracker/cache`);
    await waitForCount(rows, 3);
    await page.getByTestId('search-input').fill('session');
    await page.getByTestId('search-input').press('Enter');
    await page.waitForURL(/q=session/);
    await waitForCount(rows, 1);
  }, 30_000);

  it("draws a plugin's detail page from its view metadata: title, fields, code, JSON, related family", async () => {
    await page.goto(`${origin}/activetracker/cache?tag=op:hit`);
    const rows = page.getByTestId('plugin-row');
    await waitForCount(rows, 2);
    await rows.filter({ hasText: 'user:1' }).click();
    const detail = page.getByTestId('plugin-detail');
    await detail.waitFor();
    expect(page.url()).toMatch(/\/activetracker\/cache\/[0-9A-Z]{26}$/);
    expect(await detail.locator('h1').innerText()).toContain('user:1');

    const sections = detail.getByTestId('view-section');
    expect(await sections.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-kind')))).toEqual(['fields', 'code', 'json', 'related']);
    expect(await detail.getByTestId('view-field').allInnerTexts()).toEqual(['hit', '2.0 KB']);
    expect(await sections.nth(1).innerText()).toContain('GET user:1');
    expect(await sections.nth(2).innerText()).toContain('Ada');
    const related = detail.getByTestId('related-row');
    await waitForCount(related, 2); // both operations on user:1
    expect(await sections.nth(3).innerText()).toContain('miss');
  }, 30_000);

  it('lists families of a families plugin, ordered by the chosen statistic', async () => {
    await page.goto(`${origin}/activetracker/jobs`);
    const rows = page.getByTestId('family-row');
    await waitForCount(rows, 2);
    expect(await page.locator('thead th').allInnerTexts()).toEqual(['JOB', 'COUNT', 'AVG', 'P95', 'MAX', 'TOTAL', 'FIRST SEEN', 'LAST SEEN']);

    await page.getByTestId('family-order').locator('[data-order="count"]').click();
    await page.waitForURL(/orderBy=count/);
    await waitForValue(async () => (await rows.first().innerText()).split(/\s+/)[0], 'send-mail');
    expect(await rows.first().innerText()).toMatch(/send-mail\s+3\s+11 ms/);

    await page.getByTestId('family-order').locator('[data-order="max"]').click();
    await page.waitForURL(/orderBy=max/);
    await waitForValue(async () => (await rows.first().innerText()).split(/\s+/)[0], 'reindex');

    await rows.first().click();
    await page.getByTestId('plugin-detail').waitFor();
    expect(await page.getByTestId('view-field').innerText()).toBe('500 ms');
  }, 30_000);

  it('renders a drifted answer as a clear error instead of half-drawn data', async () => {
    // The events list as a server that drifted would send it: `tags` where the contract says `eventTags`.
    const real = parseEntries(await api('entries?type=event')).data[0];
    const { eventTags, ...drifted } = real.content;
    await page.route(/\/api\/entries\?/, (route) =>
      route.fulfill({ contentType: 'application/json', body: JSON.stringify({ data: [{ ...real, content: { ...drifted, tags: eventTags } }], next: null }) }),
    );
    await page.goto(`${origin}/activetracker/events`);
    const error = page.getByTestId('load-error');
    await error.waitFor();
    expect(await error.innerText()).toContain('unexpected answer from the API: data[0].content.eventTags should be an object, got nothing');
    expect(await page.getByTestId('entry-row').count()).toBe(0);
  }, 30_000);

  it('keeps the generic raw-JSON pages for a plugin without view metadata', async () => {
    await page.goto(`${origin}/activetracker/pings`);
    const row = page.getByTestId('entry-row').first();
    await row.waitFor();
    await row.click();
    const detail = page.getByTestId('entry-detail');
    await detail.waitFor();
    expect(await detail.innerText()).toContain('target');
  }, 30_000);
});

/**
 * The page's globals as the callbacks given to `page.evaluate` use them: they run in the browser,
 * but the e2e suites compile without the DOM lib.
 */
type PageGlobals = { document: any; getComputedStyle(element: unknown): { backgroundColor: string } };

/** Where the live dashboard suite saves its screenshots (ignored by git), for a person to look at. */
const SCREENSHOTS = join(import.meta.dirname, 'screenshots');

describe('live dashboard in Chromium: overview, live banner, URL filters, timeline, dark mode, safety, keyboard', () => {
  let app: INestApplication;
  let browser: Browser;
  let page: Page;
  let origin: string;
  const base = () => `${origin}/app/activetracker`;
  const api = async (path: string): Promise<unknown> => (await fetch(`${base()}/api/${path}`)).json();
  const hostileHtml = '<h1>hi</h1><script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2">';

  /** Sends a request to the demo app and waits until the tracker stored it. */
  async function hit(path: string, init?: RequestInit): Promise<Response> {
    const res = await fetch(`${origin}/app${path}`, init);
    await res.arrayBuffer();
    await app.get(ActiveTracker).flush();
    return res;
  }

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    app = await createDemoApp({ tracker: {}, logger: false, init: false });
    app.setGlobalPrefix('app');
    // A page of the host that answers HTML with a script and an event handler in it.
    app.getHttpAdapter().get('/app/hostile', (_req: unknown, res: { type(t: string): { send(b: string): void } }) => res.type('html').send(hostileHtml));
    await app.listen(0, '127.0.0.1');
    origin = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromium();
    await hit('/users');
    await hit('/boom');
    await hit('/slow?ms=1500');
    await hit('/log');
    await hit('/hostile');
    await hit('/checkout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 'kettle', quantity: 1 }) });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  beforeEach(async () => {
    page = await openPage(browser);
  });
  afterEach(async () => page?.close());

  /** The newest request entry whose URL contains `fragment`, if one was recorded. */
  async function findRequest(fragment: string): Promise<Entry | undefined> {
    const list = parseEntries(await api('entries?type=request&limit=200'));
    return list.data.find((e) => String(e.content['url']).includes(fragment));
  }

  /** The newest request entry whose URL contains `fragment`. */
  async function requestTo(fragment: string): Promise<Entry> {
    const found = await findRequest(fragment);
    if (!found) throw new Error(`no request to ${fragment} recorded`);
    return found;
  }

  it("the live API's answers pass the dashboard's parsers", async () => {
    for (const range of ['hour', 'day']) expect(parseOverview(await api(`overview?range=${range}`)).data.range).toBe(range);
    expect(parseRecording(await api('recording')).data.recording).toBe(true);
    const family = parseExceptionFamilies(await api('exceptions/families')).data[0];
    expect(parseExceptionFamilyDetail(await api(`exceptions/families/${family.familyHash}`)).data.family.familyHash).toBe(family.familyHash);
    const checkout = await requestTo('/checkout');
    const detail = parseEntryDetail(await api(`entries/${checkout.id}`));
    expect(detail.timeline.map((t) => t.id).sort()).toEqual(detail.batch.map((e) => e.id).sort());
  }, 30_000);

  it('opens on the overview: request rate, p95, error rate, charts, slowest routes, exception tile; every page loads', async () => {
    const response = await page.goto(`${base()}/`);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src[^;]*'self'/);
    expect(response?.headers()['content-security-policy']).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(response?.headers()['x-content-type-options']).toBe('nosniff');
    await page.waitForURL(/\/activetracker\/overview$/);
    const tiles = page.getByTestId('overview-tiles');
    await tiles.waitFor();
    expect(await tiles.locator('[data-tile="rate"]').innerText()).toMatch(/Request rate\s+[\d.]+\/min/i);
    expect(await tiles.locator('[data-tile="errors"]').innerText()).toMatch(/Error rate \(5xx\)\s+[\d.]+%/i);
    expect(await tiles.locator('[data-tile="p95"]').innerText()).toMatch(/p95 latency\s+[\d.]+ (ms|s)/i);
    await page
      .getByTestId('plugin-tile')
      .filter({ hasText: /exceptions/i })
      .first()
      .waitFor();
    await waitForCount(page.locator('[data-testid="chart"] canvas'), 3);
    const routes = page.getByTestId('slow-route');
    await routes.first().waitFor();
    expect(await routes.first().innerText()).toContain('/slow');
    await page.screenshot({ path: join(SCREENSHOTS, 'overview-light.png'), fullPage: true });

    await page.getByTestId('overview-range').getByText('Last day').click();
    await page.waitForURL(/range=day/);
    await waitForCount(page.locator('[data-testid="chart"] canvas'), 3);

    // The slowest route's link lists that route's requests.
    await page.goto(`${base()}/overview`);
    await routes.first().locator('a').click();
    await page.waitForURL(/\/requests\?family=/);
    await page.getByTestId('request-row').first().waitFor();
    expect(await page.getByTestId('request-row').first().innerText()).toContain('/slow');

    for (const path of ['requests', 'exceptions', 'logs', 'events', 'http-client', 'entries']) {
      await page.goto(`${base()}/${path}`);
      await page.locator('[data-testid$="-row"]').first().waitFor();
      expect(await page.getByTestId('load-error').count()).toBe(0);
    }
  }, 60_000);

  it('shows a new request through the live banner, then loads new ones at once with auto-load (remembered)', async () => {
    await page.goto(`${base()}/requests`);
    const rows = page.getByTestId('request-row');
    await rows.first().waitFor();
    await page.locator('[data-testid="live-status"].on').waitFor();
    const before = await rows.count();
    const stat = async () => Number((await page.getByTestId('stat-requests').innerText()).replace(/\D/g, ''));
    const requestsBefore = await stat();

    await hit('/users?live=banner');
    const banner = page.getByTestId('live-banner');
    await banner.waitFor();
    await waitForValue(stat, requestsBefore + 1); // the sidebar statistics follow the stream
    expect(await banner.innerText()).toMatch(/^1 new entry —\s+show$/);
    expect(await rows.count()).toBe(before); // the list did not jump
    await banner.click();
    await waitForValue(async () => (await rows.first().innerText()).includes('/app/users'), true);
    await banner.waitFor({ state: 'detached' });

    await page.getByTestId('auto-load').check();
    await hit('/users?live=auto');
    const auto = await requestTo('live=auto');
    await waitForValue(() => rows.first().getAttribute('data-id'), auto.id);
    expect(await banner.count()).toBe(0);
    await page.reload();
    await rows.first().waitFor();
    expect(await page.getByTestId('auto-load').isChecked()).toBe(true);
    await page.getByTestId('auto-load').uncheck();
  }, 30_000);

  it('offers new exceptions on the exception families list too', async () => {
    await page.goto(`${base()}/exceptions`);
    const family = page.getByTestId('exception-family-row').filter({ hasText: 'Boom' });
    await family.first().waitFor();
    await page.locator('[data-testid="live-status"].on').waitFor();
    const count = async () => Number((await family.first().locator('td').nth(2).innerText()).replace(/\D/g, ''));
    const before = await count();
    await hit('/boom');
    const banner = page.getByTestId('live-banner');
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/^1 new entry —\s+show$/);
    expect(await count()).toBe(before);
    await banner.click();
    await waitForValue(count, before + 1);
  }, 30_000);

  it('filters by status class, exact status, duration, method, path, tag and level from the URL, shown as chips', async () => {
    const rows = page.getByTestId('request-row');
    await page.goto(`${base()}/requests?status=5xx`);
    await rows.first().waitFor();
    for (const text of await rows.allInnerTexts()) expect(text).toMatch(/\b5\d\d\b/);
    expect(await rows.filter({ hasText: '/app/boom' }).count()).toBeGreaterThan(0);
    expect(await page.getByTestId('filter-chip').allInnerTexts()).toEqual([expect.stringMatching(/status\s*:?\s*5xx/)]);

    await page.goto(`${base()}/requests?duration=%3E1s`);
    await waitForCount(rows, 1);
    expect(await rows.first().innerText()).toContain('/app/slow');
    expect(await page.getByTestId('filter-duration').inputValue()).toBe('>1s');

    await page.goto(`${base()}/requests?method=POST&path=checkout`);
    await rows.first().waitFor();
    for (const text of await rows.allInnerTexts()) expect(text).toMatch(/POST[\s\S]*checkout/);
    await page.getByTestId('filter-chip').filter({ hasText: 'method' }).getByRole('button').click();
    await page.waitForURL((url) => !url.search.includes('method='));

    await page.goto(`${base()}/requests?status=oops`);
    expect(await page.getByTestId('filter-problem').innerText()).toContain('status "oops" is not a status');

    // The status select writes the URL, so the link can be shared.
    await page.goto(`${base()}/requests`);
    await rows.first().waitFor();
    await page.getByTestId('filter-status').selectOption('5xx');
    await page.waitForURL(/status=5xx/);

    await page.goto(`${base()}/logs?level=warn`);
    const logRows = page.getByTestId('entry-row');
    await logRows.first().waitFor();
    const levels = await logRows.locator('.badge-level').allInnerTexts();
    expect(new Set(levels.map((l) => l.trim()))).toEqual(new Set(['warn', 'error']));

    await page.goto(`${base()}/logs?tag=level:error`);
    await logRows.first().waitFor();
    expect(new Set((await logRows.locator('.badge-level').allInnerTexts()).map((l) => l.trim()))).toEqual(new Set(['error']));
  }, 30_000);

  it("draws a request's timeline: its log lines, outbound call, event and the request itself placed by offset", async () => {
    const checkout = await requestTo('/checkout');
    await page.goto(`${base()}/requests/${checkout.id}`);
    const timeline = page.getByTestId('timeline');
    await timeline.waitFor();
    const rows = timeline.getByTestId('timeline-row');
    await rows.first().waitFor();
    const types = await rows.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-type')));
    expect(types[0]).toBe('request');
    expect(types).toEqual(expect.arrayContaining(['request', 'log', 'event', 'http-client']));
    // The request bar starts at the left edge and spans the request.
    const requestBar = rows.first().locator('.bar');
    expect(await requestBar.evaluate((el) => (el as unknown as { style: { left: string } }).style.left)).toBe('0%');
    expect(await page.getByTestId('request-summary').innerText()).toMatch(/POST[\s\S]*\/checkout[\s\S]*201/);
    await page.screenshot({ path: join(SCREENSHOTS, 'request-light.png'), fullPage: true });

    await page.getByTestId('tab-log').click();
    await page.getByTestId('log-line').first().waitFor();
    await page.getByTestId('tab-response').click();
    await page.getByTestId('panel-response').waitFor();
  }, 30_000);

  it('shows a hostile HTML response as text: no script runs, no element is created', async () => {
    const hostile = await requestTo('/hostile');
    await page.goto(`${base()}/requests/${hostile.id}`);
    await page.getByTestId('request-detail').waitFor();
    await page.getByTestId('tab-response').click();
    const body = page.getByTestId('body-text');
    await body.waitFor();
    expect(await body.getAttribute('data-kind')).toBe('html');
    expect(await body.innerText()).toBe(hostileHtml);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('main img[src="x"], main script, main h1:text-is("hi")').count()).toBe(0);
  }, 30_000);

  it('shows an exception family: count, first and last seen, occurrences chart, backtrace, links to requests', async () => {
    await hit('/boom');
    const families = parseExceptionFamilies(await api('exceptions/families'));
    const boom = families.data.find((f) => f.class === 'Error' && String(f.message).startsWith('Boom'))!;
    await page.goto(`${base()}/exceptions/${boom.lastEntryId}`);
    const family = page.getByTestId('exception-family');
    await family.waitFor();
    await waitForValue(async () => Number((await page.getByTestId('family-count').innerText()).replace(/\D/g, '')) >= 2, true);
    await page.locator('[data-testid="exception-family"] [data-testid="chart"] canvas').waitFor();
    expect(await page.locator('[data-testid="frame"][data-app="true"]').count()).toBeGreaterThan(0);
    await page.getByTestId('occurrence-request').first().click();
    await page.getByTestId('request-detail').waitFor();
    expect(await page.getByTestId('request-status').innerText()).toContain('500');
  }, 30_000);

  it('toggles dark mode, remembers it, and follows the OS until toggled', async () => {
    await page.goto(`${base()}/requests`);
    await page.getByTestId('request-row').first().waitFor();
    const theme = () => page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.dataset['theme'] as string);
    const background = () =>
      page.evaluate(() => (globalThis as unknown as PageGlobals).getComputedStyle((globalThis as unknown as PageGlobals).document.body).backgroundColor);
    expect(await theme()).toBe('light');
    const light = await background();
    await page.getByTestId('theme-toggle').click();
    await waitForValue(theme, 'dark');
    expect(await background()).not.toBe(light);
    await page.reload();
    await page.getByTestId('request-row').first().waitFor();
    expect(await theme()).toBe('dark');
    await page.screenshot({ path: join(SCREENSHOTS, 'requests-dark.png'), fullPage: true });
    await page.goto(`${base()}/overview`);
    await waitForCount(page.locator('[data-testid="chart"] canvas'), 3);
    await page.screenshot({ path: join(SCREENSHOTS, 'overview-dark.png'), fullPage: true });
    const checkout = await requestTo('/checkout');
    await page.goto(`${base()}/requests/${checkout.id}`);
    await page.getByTestId('timeline-row').first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'request-dark.png'), fullPage: true });

    const dark = await browser.newContext({ colorScheme: 'dark' });
    const osDark = await dark.newPage();
    await osDark.goto(`${base()}/requests`);
    await osDark.getByTestId('request-row').first().waitFor();
    expect(await osDark.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.dataset['theme'] as string)).toBe('dark');
    await dark.close();
  }, 30_000);

  it('moves with j/k, opens with Enter, searches with /, and shows the help with ?', async () => {
    await page.goto(`${base()}/requests`);
    const rows = page.getByTestId('request-row');
    await rows.nth(1).waitFor();
    const focusedRow = () =>
      page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.closest('tr')?.getAttribute('data-id') as string | undefined);
    const ids = await rows.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-id')));
    await page.keyboard.press('j');
    expect(await focusedRow()).toBe(ids[0]);
    await page.keyboard.press('j');
    expect(await focusedRow()).toBe(ids[1]);
    await page.keyboard.press('k');
    expect(await focusedRow()).toBe(ids[0]);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/requests/${ids[0]}$`));
    await page.getByTestId('request-detail').waitFor();

    await page.goBack();
    await rows.first().waitFor();
    await page.keyboard.press('/');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.getAttribute('data-testid') as string | undefined)).toBe(
      'search-input',
    );
    await page.keyboard.type('j');
    expect(await page.getByTestId('search-input').inputValue()).toBe('j'); // typed, not a shortcut
    await page.keyboard.press('Escape');
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcuts-help');
    await help.waitFor({ state: 'visible' });
    expect(await help.innerText()).toContain('Next row');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
  }, 30_000);

  it('fits a phone: no sideways scrolling of the page, tables scroll inside their card', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    for (const path of ['overview', 'requests']) {
      await page.goto(`${base()}/${path}`);
      await page
        .locator(path === 'overview' ? '[data-testid="overview-tiles"]' : '[data-testid="request-row"]')
        .first()
        .waitFor();
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth as number)).toBeLessThanOrEqual(375);
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelector('main').scrollWidth as number)).toBeLessThanOrEqual(375);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'requests-phone.png'), fullPage: true });
  }, 30_000);

  it('pauses and resumes recording from the header', async () => {
    await page.goto(`${base()}/requests`);
    const toggle = page.getByTestId('recording-toggle');
    await toggle.waitFor();
    expect(await toggle.getAttribute('data-recording')).toBe('true');
    await toggle.click();
    await waitForValue(() => toggle.getAttribute('data-recording'), 'false');
    expect(await toggle.innerText()).toContain('Paused');
    await hit('/users?while=paused');
    expect(await findRequest('while=paused')).toBeUndefined();
    await toggle.click();
    await waitForValue(() => toggle.getAttribute('data-recording'), 'true');
    await hit('/users?while=recording');
    expect(await findRequest('while=recording')).toBeDefined();
  }, 30_000);

  it('visits every page of the sidebar (and light and dark screenshots of the main lists)', async () => {
    await page.goto(`${base()}/requests`);
    await page.getByTestId('request-row').first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'requests-light.png'), fullPage: true });
    const links = await page.locator('nav a[data-testid^="nav-"]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('href') as string));
    expect(links.length).toBeGreaterThanOrEqual(7);
    for (const href of links) {
      await page.goto(new URL(href, `${base()}/`).toString());
      await page.locator('main h1, main h2').first().waitFor();
      await page.locator('main .loading').waitFor({ state: 'detached' });
      expect(await page.getByTestId('load-error').count()).toBe(0);
      expect((await page.locator('main').innerText()).trim()).not.toBe('');
    }
    await page.goto(`${base()}/exceptions`);
    await page.getByTestId('exception-family-row').first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'exceptions-light.png'), fullPage: true });
    await page.getByTestId('theme-toggle').click();
    await page.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
    await page.screenshot({ path: join(SCREENSHOTS, 'exceptions-dark.png'), fullPage: true });
    await page.getByTestId('theme-toggle').click();
    await page.locator('html[data-theme="light"]').waitFor({ state: 'attached' });
  }, 60_000);

  it('resumes the live stream after a reconnect: the entries written while disconnected arrive (Last-Event-ID)', async () => {
    const runtime = app.get<TrackerRuntime>(ACTIVE_TRACKER_RUNTIME);
    // Every stream request goes through here; reconnects are held until the test writes what the client must miss.
    let streams = 0;
    let release: () => void = () => {};
    // What the hub is asked to resume after (the stream endpoint passes it the Last-Event-ID).
    const resumedAfter: Array<string | undefined> = [];
    const open = runtime.live.open.bind(runtime.live);
    runtime.live.open = (filter, decode, after) => (resumedAfter.push(after), open(filter, decode, after));
    const gate = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/api\/stream/, async (route) => {
      if (++streams > 1) await gate;
      await route.continue();
    });
    try {
      await page.goto(`${base()}/requests`);
      const rows = page.getByTestId('request-row');
      await rows.first().waitFor();
      const live = page.locator('[data-testid="live-status"].on');
      await live.waitFor();
      const banner = page.getByTestId('live-banner');
      await hit('/users?live=before-drop'); // the client has seen an event: it has a last id
      await banner.waitFor();
      await banner.click();
      await banner.waitFor({ state: 'detached' });
      const seen = await requestTo('live=before-drop');

      runtime.live.close(); // the server ends every stream, as a restart or a proxy timeout would
      await page.locator('[data-testid="live-status"]:not(.on)').waitFor();
      await waitForValue(async () => streams, 2); // the EventSource reconnects, held at the gate
      await hit('/users?live=missed-1');
      await hit('/users?live=missed-2');
      release();

      await live.waitFor();
      expect(resumedAfter.at(-1)! >= seen.id).toBe(true); // Last-Event-ID: after what it saw, not from now
      await banner.waitFor();
      expect(await banner.innerText()).toMatch(/^2 new entries —\s+show$/);
      await banner.click();
      const missed = [await requestTo('live=missed-2'), await requestTo('live=missed-1')].map((e) => e.id);
      await waitForValue(async () => (await rows.evaluateAll((nodes) => nodes.slice(0, 2).map((n) => n.getAttribute('data-id')))).join(), missed.join());
    } finally {
      release();
      runtime.live.open = open;
    }
  }, 30_000);

  it('shows a clear message for API errors (401, 404, 500, network down), never a blank page', async () => {
    const failures: Array<[string, (route: Route) => Promise<void>]> = [
      [
        '401',
        (route) =>
          route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ statusCode: 401, message: 'Not allowed to see the tracker' }) }),
      ],
      ['404', (route) => route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ statusCode: 404, message: 'No such entry' }) })],
      [
        '500',
        (route) => route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ statusCode: 500, message: 'Internal server error' }) }),
      ],
      ['network down', (route) => route.abort('connectionrefused')],
    ];
    const expected: Record<string, RegExp> = {
      '401': /Not allowed to see the tracker/,
      '404': /No such entry/,
      '500': /Internal server error/,
      'network down': /unreachable/,
    };
    const checkout = await requestTo('/checkout');
    const family = parseExceptionFamilies(await api('exceptions/families')).data[0];
    // page path -> the API call it cannot do without
    const pages: Array<[string, RegExp]> = [
      ['overview', /\/api\/overview/],
      ['requests', /\/api\/entries\?/],
      [`requests/${checkout.id}`, /\/api\/entries\/[0-9A-Z]{26}/],
      ['exceptions', /\/api\/exceptions\/families/],
      [`exceptions/${family.lastEntryId}`, /\/api\/exceptions\/families\//],
      ['logs', /\/api\/entries\?/],
    ];
    for (const [name, fail] of failures) {
      for (const [path, call] of pages) {
        await page.route(call, fail);
        await page.goto(`${base()}/${path}`);
        const alert = page.getByTestId('load-error');
        await alert.first().waitFor();
        expect(await alert.first().innerText()).toMatch(expected[name]);
        expect(await page.getByTestId('nav-requests').isVisible()).toBe(true); // the shell stays: navigation still works
        await page.unroute(call);
      }
      // The metadata (sidebar) itself failing: a message there, and the page still renders.
      await page.route(/\/api\/meta$/, fail);
      await page.goto(`${base()}/requests`);
      await page.locator('.nav-error[role="alert"]').waitFor();
      expect(await page.locator('.nav-error').innerText()).toMatch(expected[name]);
      expect((await page.locator('body').innerText()).trim()).not.toBe('');
      await page.unroute(/\/api\/meta$/);
    }
  }, 90_000);
});
