import type { INestApplication } from '@nestjs/common';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { launchChromium } from './support/browser.js';
import { createLiveApp } from './support/live-app.js';

/**
 * The built dashboard runs under the Content-Security-Policy the tracker serves it with: every
 * page renders without a single violation (Angular's component styles carry the page's nonce),
 * while an inline style or script that captured data could smuggle in is refused.
 */
describe('dashboard under its Content-Security-Policy (Chromium)', () => {
  let app: INestApplication;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    ({ app, url } = await createLiveApp({ tracker: {}, globalPrefix: 'api' }));
    browser = await launchChromium();
    await request(url).get('/api/items').expect(200);
    await request(url).get('/api/items/fail').expect(500);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('renders every page with no violation, and refuses inline styles and scripts', async () => {
    const base = `${url}/api/activetracker/`;
    const meta = (await request(url).get('/api/activetracker/api/meta').expect(200)).body.data;
    const page = await browser.newPage();
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
    // The callbacks run in the page (browser globals, reached through globalThis: this project type-checks for Node).
    await page.addInitScript(() => {
      const g = globalThis as any;
      g.document.addEventListener('securitypolicyviolation', (e: any) => g.reportViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
    });
    for (const path of ['', ...meta.plugins.map((p: { path: string }) => p.path)]) {
      const response = await page.goto(base + path);
      expect([path, response?.status()]).toEqual([path, 200]);
      await page.locator('at-root *').first().waitFor();
      expect([path, violations]).toEqual([path, []]);
    }
    const styles: string[] = await page.evaluate(() => [...(globalThis as any).document.querySelectorAll('style')].map((s: any) => s.nonce));
    expect(styles.length).toBeGreaterThan(0);
    expect(styles.every((nonce) => nonce.length > 0)).toBe(true);

    const applied = await page.evaluate(async () => {
      const g = globalThis as any;
      const document = g.document;
      const style = document.createElement('style');
      style.textContent = 'body { border-top: 7px dashed red }';
      document.head.appendChild(style);
      const div = document.createElement('div');
      div.setAttribute('style', 'border-top: 7px dashed red');
      document.body.appendChild(div);
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.body.appendChild(script);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { body: g.getComputedStyle(document.body).borderTopStyle, div: g.getComputedStyle(div).borderTopStyle, script: g.__injected === true };
    });
    expect(applied).toEqual({ body: 'none', div: 'none', script: false });
    expect(violations.map((v) => v.split(' ')[0]).sort()).toEqual(['script-src-elem', 'style-src-attr', 'style-src-elem']);
  }, 60_000);
});
