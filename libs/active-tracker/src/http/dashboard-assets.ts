import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** The built Angular dashboard ships inside the package, next to `src/` and `dist/`. */
export const DEFAULT_DASHBOARD_DIR = resolve(import.meta.dirname, '..', '..', 'dashboard');

export interface Asset {
  body: Buffer;
  type: string;
  /** Hashed bundle files never change and may be cached forever. */
  immutable: boolean;
}

/**
 * The dashboard's static files, read once at boot (a few hundred KB) so serving never touches the
 * disk. index.html is kept as text because its `<base href>` is set per mount path.
 */
export class DashboardAssets {
  private readonly files = new Map<string, Asset>();
  private readonly indexHtml: string | null;

  constructor(readonly dir: string = DEFAULT_DASHBOARD_DIR) {
    if (!existsSync(join(dir, 'index.html'))) {
      this.indexHtml = null;
      return;
    }
    this.indexHtml = readFileSync(join(dir, 'index.html'), 'utf8');
    this.load(dir, '');
  }

  get built(): boolean {
    return this.indexHtml !== null;
  }

  private load(dir: string, prefix: string): void {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const rel = prefix ? `${prefix}/${name}` : name;
      if (statSync(full).isDirectory()) this.load(full, rel);
      else if (rel !== 'index.html') {
        this.files.set(rel, {
          body: readFileSync(full),
          type: TYPES[extname(name)] ?? 'application/octet-stream',
          immutable: /-[A-Z0-9]{8,}\.(js|css)$/.test(name),
        });
      }
    }
  }

  /** A static file by its path relative to the mount point, or undefined. */
  file(path: string): Asset | undefined {
    return this.files.get(path);
  }

  /**
   * index.html with `<base href>` pointing at the mount path (e.g. "/api/activetracker/"), and
   * the page's CSP nonce on the root element (`ngCspNonce`: Angular puts it on the styles it adds).
   */
  index(basePath: string, nonce?: string): string {
    const base = basePath.endsWith('/') ? basePath : `${basePath}/`;
    if (this.indexHtml === null) {
      return `<!doctype html><html><head><meta charset="utf-8"><base href="${escapeHtml(base)}"><title>ActiveTracker</title></head><body>
<h1>ActiveTracker</h1><p>The dashboard has not been built. Run <code>npm run build:dashboard</code>.
The API is available at <a href="${escapeHtml(base)}api/entries">${escapeHtml(base)}api/entries</a>.</p></body></html>`;
    }
    const html = this.indexHtml.replace(/<base href="[^"]*"\s*\/?>/, `<base href="${escapeHtml(base)}">`);
    return nonce ? html.replace(/<at-root(?=[\s>])/, `<at-root ngCspNonce="${escapeHtml(nonce)}"`) : html;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
