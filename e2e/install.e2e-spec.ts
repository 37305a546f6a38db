/**
 * `npx @active-tracker/nestjs init` on a freshly generated Nest app: generated with the
 * `application` schematic of @nestjs/schematics (what `nest new` runs), given the workspace's
 * Nest 12 packages and the library as published (bin, dist, dashboard), installed twice (the second
 * run changes no byte), compiled with tsc, booted, and its dashboard asked for.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { bootApp, childEnv, generateNestApp, linkPackages, ROOT, runOk, stageLibrary, type BootedApp, type RunResult } from './support/install-app.js';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const DASHBOARD_BUILT = existsSync(join(ROOT, 'libs/active-tracker/dashboard/index.html'));

/** sha1 of every file of the app, node_modules and dist excluded. */
function hashes(dir: string, base = dir): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) Object.assign(out, hashes(full, base));
    else out[relative(base, full)] = createHash('sha1').update(readFileSync(full)).digest('hex');
  }
  return out;
}

function changedFiles(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => before[f] !== after[f]).sort();
}

const timings: Record<string, number> = {};
async function timed<T>(step: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    timings[step] = Date.now() - started;
  }
}

describe('npx @active-tracker/nestjs init on a freshly generated Nest 12 app', () => {
  let parent: string;
  let appDir: string;
  let generated: Record<string, string>;
  let afterFirst: Record<string, string>;
  let afterSecond: Record<string, string>;
  let firstRun: RunResult;
  let secondRun: RunResult;
  const booted: BootedApp[] = [];

  const init = () =>
    runOk('npx @active-tracker/nestjs init', npx, ['--no-install', '@active-tracker/nestjs', 'init'], { cwd: appDir, env: childEnv(), timeoutMs: 60_000 });

  beforeAll(async () => {
    parent = mkdtempSync(join(tmpdir(), 'at-install-e2e-'));
    const [staged, dir] = await Promise.all([
      timed('build and stage the library', () => stageLibrary()),
      timed('generate the app (schematics install on first use)', () => generateNestApp(parent, 'fresh-app')),
    ]);
    appDir = dir;
    linkPackages(appDir, staged);
    generated = hashes(appDir);
    firstRun = await timed('init (first run)', init);
    afterFirst = hashes(appDir);
    secondRun = await timed('init (second run)', init);
    afterSecond = hashes(appDir);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(booted.map((app) => app.stop()));
    if (parent && process.env.KEEP_INSTALL_E2E !== '1') rmSync(parent, { recursive: true, force: true });
    console.log(`install e2e timings (ms): ${JSON.stringify(timings)}`);
  });

  it("runs against the workspace's Nest 12", () => {
    const fromApp = createRequire(join(appDir, 'package.json'));
    expect(JSON.parse(readFileSync(fromApp.resolve('@nestjs/core/package.json'), 'utf8')).version).toMatch(/^12\./);
    expect(generated).toHaveProperty(['src/app.module.ts']);
    expect(generated).not.toHaveProperty(['.env.example']);
  });

  it('adds ActiveTrackerModule.forRoot() to AppModule and creates .env.example, touching nothing else', () => {
    expect(changedFiles(generated, afterFirst)).toEqual(['.env.example', 'src/app.module.ts']);
    expect(firstRun.stdout).toContain('+ src/app.module.ts: ActiveTrackerModule.forRoot({...}) added to the imports of AppModule');
    expect(firstRun.stdout).toContain('+ .env.example: created with REDIS_URL, ACTIVE_TRACKER_AUTH');
    expect(firstRun.stdout).toContain('Dashboard: http://localhost:3000/activetracker');
    const module = readFileSync(join(appDir, 'src/app.module.ts'), 'utf8');
    expect(module).toContain("import { ActiveTrackerModule } from '@active-tracker/nestjs';");
    expect(module).toMatch(/imports: \[\n {4}ActiveTrackerModule\.forRoot\(\{\n/);
    expect(module).toContain('      redis: process.env.REDIS_URL || undefined,\n');
    expect(module).toContain("      // mountpoint: 'activetracker',\n");
    expect(readFileSync(join(appDir, '.env.example'), 'utf8')).toMatch(/\nREDIS_URL=\n(.*\n)+ACTIVE_TRACKER_AUTH=admin:change-me\n$/);
  });

  it('changes no byte when run a second time, and says it is already installed', () => {
    expect(afterSecond).toEqual(afterFirst);
    expect(secondRun.stdout).toContain('ActiveTracker is already installed: nothing changed.');
  });

  describe('the app, compiled and booted', () => {
    beforeAll(async () => {
      await timed('tsc of the app', () =>
        runOk('compiling the app', process.execPath, [join(appDir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
          cwd: appDir,
          timeoutMs: 120_000,
        }),
      );
    }, 180_000);

    it('boots with nothing set, records its requests, and serves the API and the dashboard at /activetracker', async () => {
      const app = await timed('boot', () => bootApp(appDir, { readyPath: '/' }));
      booted.push(app);
      expect(await (await fetch(`${app.url}/`)).text()).toBe('Hello World!');

      const meta = await fetch(`${app.url}/activetracker/api/meta`);
      expect(meta.status).toBe(200);
      const body = (await meta.json()) as { data: { plugins: { name: string }[] } };
      expect(body.data.plugins.map((p) => p.name)).toEqual(expect.arrayContaining(['requests', 'exceptions', 'logs']));

      // The request above was recorded (the recorder writes within its flush interval).
      let paths: string[] = [];
      for (let i = 0; i < 50 && !paths.includes('/'); i++) {
        const entries = (await (await fetch(`${app.url}/activetracker/api/entries?type=request`)).json()) as { data: { content: { path: string } }[] };
        paths = entries.data.map((e) => e.content.path);
        if (!paths.includes('/')) await new Promise((r) => setTimeout(r, 100));
      }
      expect(paths).toContain('/');

      const dashboard = await fetch(`${app.url}/activetracker/`);
      expect(dashboard.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await dashboard.text();
      expect(html).toContain('<base href="/activetracker/">');
      // 503 with an explanatory page when the dashboard was not built (npm test builds it first).
      expect(dashboard.status).toBe(DASHBOARD_BUILT ? 200 : 503);
    }, 60_000);

    it('asks for the credentials of .env.example once they are set (node --env-file=.env.example)', async () => {
      const app = await timed('boot with .env.example', () => bootApp(appDir, { nodeArgs: ['--env-file=.env.example'], readyPath: '/' }));
      booted.push(app);
      const anonymous = await fetch(`${app.url}/activetracker/api/meta`);
      expect(anonymous.status).toBe(401);
      const authorized = await fetch(`${app.url}/activetracker/api/meta`, {
        headers: { authorization: `Basic ${Buffer.from('admin:change-me').toString('base64')}` },
      });
      expect(authorized.status).toBe(200);
      // REDIS_URL= (empty) in the file means the in-memory store, not a boot failure.
      expect(app.output()).not.toMatch(/Invalid ActiveTracker options/);
    }, 60_000);
  });
});
