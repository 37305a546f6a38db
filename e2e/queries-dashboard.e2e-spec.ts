import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { ActiveTracker, normalizeSql, sqlFamilyHash } from '@active-tracker/nestjs';
import { createPostgresDatabase, type TestDatabase } from '../libs/active-tracker/test/support/databases.js';
import { launchChromium, openPage, waitForCount, waitForValue } from './support/browser.js';
import { ALL_AUTHORS, AUTHOR_NAME, createBlogApp, POSTS_OF_AUTHOR, seedBlog } from './support/queries-app.js';

/** The Queries pages of the built dashboard, in Chromium, on a Nest app running real PostgreSQL queries. */
describe('dashboard: the Queries pages (real browser, real PostgreSQL)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let browser: Browser;
  let page: Page;
  let origin: string;

  beforeAll(async () => {
    db = await createPostgresDatabase('at_queries_ui');
    await seedBlog(db);
    // slowMs 0: every family's p95 is above it, so every family is shown as slow (red).
    app = await createBlogApp(db, { slowMs: 0 });
    await app.listen(0, '127.0.0.1');
    origin = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    await request(app.getHttpServer()).get('/authors/n-plus-one').expect(200);
    await request(app.getHttpServer()).get('/authors/duplicates').expect(200);
    await app.get(ActiveTracker).flush();
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  beforeEach(async () => {
    page = await openPage(browser);
  });
  afterEach(async () => page?.close());

  const firstSql = () => page.locator('[data-testid="query-family-row"] [data-testid="sql-code"]').first().textContent();

  it('lists the families, sortable by each statistic, slow ones in red; the sidebar links to it', async () => {
    await page.goto(`${origin}/activetracker/queries`);
    const rows = page.locator('[data-testid="query-family-row"]');
    await waitForCount(rows, 3);
    await page.locator('nav a[href$="/queries"]').first().waitFor();
    // Default order: total time. By count: the N+1 family (6 runs), then the duplicated one (4), then the list (1).
    expect(await page.locator('[data-testid="sort-total"]').getAttribute('class')).toContain('on');
    await page.locator('[data-testid="sort-count"]').click();
    await waitForValue(firstSql, normalizeSql(POSTS_OF_AUTHOR));
    expect(page.url()).toContain('sort=count');
    expect(await rows.locator('[data-testid="sql-code"]').allTextContents()).toEqual([
      normalizeSql(POSTS_OF_AUTHOR),
      normalizeSql(AUTHOR_NAME),
      normalizeSql(ALL_AUTHORS),
    ]);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-slow')))).toEqual(['true', 'true', 'true']);
    const p95Color = await rows
      .first()
      .locator('td.p95')
      .evaluate((td) => getComputedStyle(td).color);
    const danger = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--danger').trim());
    expect([p95Color, danger]).toEqual(['rgb(220, 38, 38)', '#dc2626']);
  });

  it('a family: its statistics, a sparkline, the recent executions and the request they came from', async () => {
    await page.goto(`${origin}/activetracker/queries?sort=count`);
    await waitForValue(firstSql, normalizeSql(POSTS_OF_AUTHOR));
    await page.locator('[data-testid="query-family-row"] a').first().click();
    await page.waitForURL(`**/queries/families/${sqlFamilyHash(normalizeSql(POSTS_OF_AUTHOR))}`);
    const stats = page.locator('[data-testid="query-family-stats"]');
    await stats.waitFor();
    expect(await stats.locator('dt').allTextContents()).toEqual(['Count', 'Total', 'Avg', 'p50', 'p95', 'p99', 'Max', 'First seen', 'Last seen']);
    expect(await stats.locator('dd').first().textContent()).toBe('6');
    expect(await page.locator('svg.spark polyline').getAttribute('points')).toMatch(/^(\d+(\.\d+)?,\d+(\.\d+)? ){5}\d+(\.\d+)?,\d+(\.\d+)?$/);
    await waitForCount(page.locator('[data-testid="query-executions"] tr'), 6);
    const requests = page.locator('[data-testid="query-family-requests"] tr');
    await waitForCount(requests, 1);
    expect(await requests.first().textContent()).toContain('/authors/n-plus-one');
    expect(await requests.first().textContent()).toContain('7 queries');
    await requests.first().locator('a').click();
    await page.waitForURL('**/requests/*');
  });

  it("a request's queries in order, with duration bars and the N+1 and duplicate warnings", async () => {
    const api = `${origin}/activetracker/api`;
    const list = (await (await fetch(`${api}/entries?type=request&limit=10`)).json()) as { data: Array<{ id: string; content: { path: string } }> };
    const idOf = (path: string) => list.data.find((e) => e.content.path === path)!.id;

    await page.goto(`${origin}/activetracker/requests/${idOf('/authors/n-plus-one')}`);
    const section = page.locator('[data-testid="request-queries"]');
    await waitForCount(section.locator('[data-testid="request-query"]'), 7);
    expect(await section.locator('[data-testid="request-query"] [data-testid="sql-code"]').allTextContents()).toEqual([
      ALL_AUTHORS,
      ...Array(6).fill(POSTS_OF_AUTHOR),
    ]);
    expect(await section.locator('[data-testid="n-plus-one-warning"]').allTextContents()).toEqual([
      expect.stringContaining(`6 runs of one statement shape — ${normalizeSql(POSTS_OF_AUTHOR)}`),
    ]);
    expect(await section.locator('[data-testid="duplicate-warning"]').count()).toBe(0);
    const widths = await section.locator('[data-testid="request-query"] .bar span').evaluateAll((spans) => spans.map((s) => (s as HTMLElement).style.width));
    expect(widths).toHaveLength(7);
    expect(widths).toContain('100%');

    await page.goto(`${origin}/activetracker/requests/${idOf('/authors/duplicates')}`);
    await waitForCount(page.locator('[data-testid="request-query"]'), 4);
    expect(await page.locator('[data-testid="duplicate-warning"]').allTextContents()).toEqual([expect.stringContaining(`3 identical runs of ${AUTHOR_NAME}`)]);
    expect(await page.locator('[data-testid="n-plus-one-warning"]').count()).toBe(0);
  });
});
