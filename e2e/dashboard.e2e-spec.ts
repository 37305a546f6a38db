import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { ActiveTracker } from '@active-tracker/nestjs';
import { createDemoApp } from '../apps/demo/src/demo-app.factory.js';
import { launchChromium, waitForCount } from './support/browser.js';

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

    await page.goto(`${origin}/app/activetracker/`);
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
      const calls = (await (await fetch(`${origin}/app/activetracker/api/entries?type=http-client&limit=20`)).json()) as { data: Array<{ content: { url: string } }> };
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

