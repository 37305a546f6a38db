import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DashboardAssets } from './dashboard-assets.js';
import { contentSecurityPolicy } from './security-headers.js';

describe('dashboard index.html and its Content-Security-Policy', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'at-assets-'));
    writeFileSync(
      join(dir, 'index.html'),
      '<html><head><base href="/"></head><body><at-root></at-root><script src="main-ABCDEFGH.js" type="module"></script></body></html>',
    );
    writeFileSync(join(dir, 'main-ABCDEFGH.js'), 'console.log(1)');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("sets the base href and puts the page's nonce on the root element for Angular's styles", () => {
    const assets = new DashboardAssets(dir);
    const html = assets.index('/api/tracker/', 'n0nce+/=');
    expect(html).toContain('<base href="/api/tracker/">');
    expect(html).toContain('<at-root ngCspNonce="n0nce+/="></at-root>');
    expect(assets.index('/x/')).toContain('<at-root></at-root>');
    expect(assets.file('main-ABCDEFGH.js')?.immutable).toBe(true);
  });

  it('allows no inline script, styles only with the nonce, and no framing', () => {
    const csp = contentSecurityPolicy('abc');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'nonce-abc'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(contentSecurityPolicy()).toContain("style-src 'self';");
  });
});
