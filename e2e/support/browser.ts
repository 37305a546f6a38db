import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with the flags this machine's closed network needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/** A new page with the suites' 8 s default timeout; an uncaught error in the page fails the test. */
export async function openPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  page.setDefaultTimeout(8000);
  page.on('pageerror', (error) => {
    throw error;
  });
  return page;
}

/** Waits until `locator` matches exactly `count` elements (lists re-render after a fetch). */
export async function waitForCount(locator: Locator, count: number, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = await locator.count();
  while (seen !== count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} elements, found ${seen}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    seen = await locator.count();
  }
}

/** Waits until `read()` gives `expected` (a list re-ordered or re-filtered after a fetch). */
export async function waitForValue<T>(read: () => Promise<T>, expected: T, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = await read();
  while (seen !== expected) {
    if (Date.now() > deadline) throw new Error(`expected ${String(expected)}, found ${String(seen)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    seen = await read();
  }
}
