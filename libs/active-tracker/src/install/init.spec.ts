import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import typescript from 'typescript';
import type * as TS from 'typescript';
import { locateApp, readMain } from './app-layout.js';
import { main } from './cli.js';
import { definesVariable, editEnvExample, ENV_HEADER } from './env-example.js';
import { loadAppTypeScript, runInit } from './init.js';

/** The compiler API as the installer types it (the CommonJS package's default export at run time). */
const ts = typescript as unknown as typeof TS;

const GENERATED_MODULE = `import { Module } from '@nestjs/common';
import { AppController } from './app.controller';
import { AppService } from './app.service';

@Module({
  imports: [],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
`;
const GENERATED_MAIN = `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  await app.listen(process.env.PORT ?? 3000);
}
bootstrap();
`;

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A temporary app folder with these files (paths relative to it). */
function app(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'at-init-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries({ 'package.json': '{ "name": "app", "private": true }', ...files })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Path -> sha1 of every file under dir (node_modules excluded). */
function hashes(dir: string, base = dir): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(full).isDirectory()) Object.assign(out, hashes(full, base));
    else out[relative(base, full)] = createHash('sha1').update(readFileSync(full)).digest('hex');
  }
  return out;
}

function cli(argv: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), cwd, env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Gives the app folder the workspace's TypeScript, as an installed app has its own. */
function withTypeScript(dir: string): string {
  const tsDir = dirname(createRequire(import.meta.url).resolve('typescript/package.json'));
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(tsDir, join(dir, 'node_modules', 'typescript'), 'dir');
  return dir;
}

describe('.env.example', () => {
  it('is created with both variables, each after its comment', () => {
    const { text, added } = editEnvExample(undefined);
    expect(added).toEqual(['REDIS_URL', 'ACTIVE_TRACKER_AUTH']);
    expect(text.startsWith(`${ENV_HEADER}\n# `)).toBe(true);
    expect(text).toMatch(/\nREDIS_URL=\n# .*\nACTIVE_TRACKER_AUTH=admin:change-me\n$/);
  });

  it('gets only the missing lines appended; what was there stays byte for byte, CRLF kept', () => {
    const before = 'PORT=3000\r\n# REDIS_URL=commented-out-does-not-count\r\nexport  ACTIVE_TRACKER_AUTH = me:secret';
    const { text, added } = editEnvExample(before);
    expect(added).toEqual(['REDIS_URL']);
    expect(text.startsWith(`${before}\r\n\r\n${ENV_HEADER}\r\n`)).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(text.endsWith('REDIS_URL=\r\n')).toBe(true);
    expect(editEnvExample(text)).toEqual({ text, added: [] });
  });

  it('recognizes assignments, not mentions', () => {
    expect(definesVariable('REDIS_URL=redis://x', 'REDIS_URL')).toBe(true);
    expect(definesVariable('  REDIS_URL = x', 'REDIS_URL')).toBe(true);
    expect(definesVariable('# REDIS_URL=x\nMY_REDIS_URL=x\nREDIS_URL_2=x', 'REDIS_URL')).toBe(false);
  });
});

describe('finding the root module, the global prefix and the port', () => {
  const parse = (text: string) => ts.createSourceFile('main.ts', text, ts.ScriptTarget.Latest, true);

  it('reads NestFactory.create, setGlobalPrefix and listen in main.ts', () => {
    expect(readMain(ts, parse(GENERATED_MAIN))).toEqual({
      rootModule: { localName: 'AppModule', exportName: 'AppModule', specifier: './app.module', declaredHere: false },
      globalPrefix: null,
      listenPort: 3000,
    });
    const custom = `import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { RootModule as Root } from './root/root.module.js';
const bootstrap = async () => {
  const app = await NestFactory.create<NestExpressApplication>(Root, { cors: true });
  app.setGlobalPrefix('/api/v1/');
  await app.listen(Number(process.env.PORT) || 8080, '0.0.0.0');
};
void bootstrap();
`;
    expect(readMain(ts, parse(custom))).toEqual({
      rootModule: { localName: 'Root', exportName: 'RootModule', specifier: './root/root.module.js', declaredHere: false },
      globalPrefix: 'api/v1',
      listenPort: 8080,
    });
    expect(readMain(ts, parse(`app.setGlobalPrefix(PREFIX); app.listen(port);`))).toEqual({ globalPrefix: undefined, listenPort: undefined });
  });

  it('follows nest-cli.json sourceRoot and entryFile to the imported module file (.js specifiers of ESM apps too)', () => {
    const dir = app({
      'nest-cli.json': '{\n  // comments are allowed\n  "sourceRoot": "server",\n  "entryFile": "boot"\n}',
      'server/boot.ts': GENERATED_MAIN.replace("'./app.module'", "'./core/root.module.js'").replaceAll('AppModule', 'RootModule'),
      'server/core/root.module.ts': GENERATED_MODULE.replace('AppModule', 'RootModule'),
    });
    expect(locateApp(ts, dir)).toMatchObject({
      sourceRoot: 'server',
      mainFile: join(dir, 'server/boot.ts'),
      moduleFile: join(dir, 'server/core/root.module.ts'),
      className: 'RootModule',
      foundBy: 'main',
      notes: [],
    });
  });

  it('falls back to src/app.module.ts, saying why, and takes --module as given', () => {
    const dir = app({ 'src/app.module.ts': GENERATED_MODULE, 'src/other.module.ts': GENERATED_MODULE });
    expect(locateApp(ts, dir)).toMatchObject({
      moduleFile: join(dir, 'src/app.module.ts'),
      foundBy: 'fallback',
      notes: ['src/main.ts not found: editing src/app.module.ts.'],
    });
    expect(locateApp(ts, dir, 'src/other.module.ts')).toMatchObject({ moduleFile: join(dir, 'src/other.module.ts'), foundBy: 'option' });
    expect(() => locateApp(ts, dir, 'src/nope.ts')).toThrow(/--module src\/nope\.ts: no such file/);
    const empty = app({ 'src/main.ts': 'console.log(1);\n' });
    expect(() => locateApp(ts, empty)).toThrow(
      /no NestFactory\.create\(<Module>\) call in src\/main\.ts, and src\/app\.module\.ts does not exist: pass the root module's file with --module <path>/,
    );
  });
});

describe('active-tracker init (the CLI)', () => {
  it('installs into a generated app, prints the dashboard and next steps, and a second run changes no byte', () => {
    const dir = withTypeScript(app({ 'src/main.ts': GENERATED_MAIN, 'src/app.module.ts': GENERATED_MODULE, '.env': 'SECRET=1\n' }));
    const before = hashes(dir);
    const first = cli(['init'], dir);
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toContain('+ src/app.module.ts: ActiveTrackerModule.forRoot({...}) added to the imports of AppModule');
    expect(first.out).toContain('+ .env.example: created with REDIS_URL, ACTIVE_TRACKER_AUTH');
    expect(first.out).toContain('Dashboard: http://localhost:3000/activetracker');
    expect(first.out).toContain('1. npm install @active-tracker/nestjs');
    const after = hashes(dir);
    expect(Object.keys(after).sort()).toEqual(['.env', '.env.example', 'package.json', 'src/app.module.ts', 'src/main.ts']);
    expect(after['.env']).toBe(before['.env']);
    expect(after['src/main.ts']).toBe(before['src/main.ts']);
    expect(after['src/app.module.ts']).not.toBe(before['src/app.module.ts']);

    const second = cli(['init', '--dir', dir], '/');
    expect(second).toMatchObject({ code: 0, err: '' });
    expect(second.out).toContain('ActiveTracker is already installed: nothing changed.');
    expect(hashes(dir)).toEqual(after);
  });

  it('writes nothing with --dry-run, and puts the global prefix and PORT in the URL', () => {
    const dir = withTypeScript(
      app({
        'src/main.ts': GENERATED_MAIN.replace('  await app.listen', "  app.setGlobalPrefix('api');\n  await app.listen"),
        'src/app.module.ts': GENERATED_MODULE,
        'package.json': '{ "dependencies": { "@active-tracker/nestjs": "^0.1.0" } }',
      }),
    );
    const before = hashes(dir);
    const run = cli(['init', '--dry-run'], dir, { PORT: '4100' });
    expect(run.code).toBe(0);
    expect(run.out).toContain('(dry run: nothing written)');
    expect(run.out).toContain('~ src/app.module.ts');
    expect(run.out).toContain('Would change 2 file(s)');
    expect(run.out).toContain(
      "--- src/app.module.ts would gain:\n  + import { ActiveTrackerModule } from '@active-tracker/nestjs';\n  +     ActiveTrackerModule.forRoot({\n  +       // Master switch",
    );
    expect(run.out).toContain('--- .env.example would gain:\n  + # ActiveTracker (@active-tracker/nestjs)\n');
    expect(run.out).toContain('Dashboard: http://localhost:4100/api/activetracker');
    expect(run.out).not.toContain('npm install');
    expect(hashes(dir)).toEqual(before);
  });

  it('leaves the root module alone when another module registers ActiveTrackerModule', () => {
    const core = `import { Module } from '@nestjs/common';\nimport { ActiveTrackerModule } from '@active-tracker/nestjs';\n@Module({ imports: [ActiveTrackerModule.forRoot()] })\nexport class CoreModule {}\n`;
    const dir = withTypeScript(app({ 'src/main.ts': GENERATED_MAIN, 'src/app.module.ts': GENERATED_MODULE, 'src/core/core.module.ts': core }));
    const run = cli(['init'], dir);
    expect(run.out).toContain('= src/app.module.ts: left as is (ActiveTrackerModule is already registered in src/core/core.module.ts)');
    expect(readFileSync(join(dir, 'src/app.module.ts'), 'utf8')).toBe(GENERATED_MODULE);
  });

  it("uses the app's TypeScript, else one beside the installer, and says what to do when neither has the compiler API", () => {
    const elsewhere = pathToFileURL(join(tmpdir(), 'no-such-folder', 'installer.js')).href;
    const noTs = app({});
    expect(() => loadAppTypeScript(noTs, elsewhere)).toThrow(
      /^TypeScript was not found from .*: .* Run "npm install --save-dev typescript" there, then run this again \(or: npx -p typescript@5 -p @active-tracker\/nestjs active-tracker init\)/,
    );
    expect(loadAppTypeScript(withTypeScript(app({})), elsewhere)).toBe(ts);
    // TypeScript 7's package exports its version only.
    const ts7 = app({
      'node_modules/typescript/package.json': '{ "name": "typescript", "version": "7.0.2", "main": "version.cjs" }',
      'node_modules/typescript/version.cjs': "module.exports = { version: '7.0.2' };",
    });
    expect(() => loadAppTypeScript(ts7, elsewhere)).toThrow(
      /version 7\.0\.2\) has no JavaScript compiler API, .* npx -p typescript@5 -p @active-tracker\/nestjs active-tracker init$/,
    );
    // One installed beside the installer (npx -p typescript@5 -p ...) is used then.
    expect(loadAppTypeScript(ts7, import.meta.url)).toBe(ts);
  });

  it('fails clearly outside an app and on bad usage', () => {
    const notApp = mkdtempSync(join(tmpdir(), 'at-not-app-'));
    dirs.push(notApp);
    expect(cli(['init'], notApp).err).toMatch(/no package\.json in .*: run this in your Nest app's folder, or pass --dir <app folder>/);
    expect(cli(['--help'], notApp)).toMatchObject({ code: 0, out: expect.stringContaining('Usage: npx @active-tracker/nestjs init [options]') });
    expect(cli([], notApp)).toMatchObject({ code: 2, err: expect.stringContaining('Usage:') });
    expect(cli(['init', '--force'], notApp)).toMatchObject({ code: 2, err: expect.stringContaining('unknown option --force') });
    expect(cli(['init', '--dir'], notApp)).toMatchObject({ code: 2, err: expect.stringContaining('--dir needs a value') });
    expect(cli(['setup'], notApp)).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "setup"') });
  });

  it('is what runInit does in process, returning what changed', () => {
    const dir = app({ 'src/main.ts': GENERATED_MAIN, 'src/app.module.ts': GENERATED_MODULE, '.env.example': 'REDIS_URL=redis://cache:6379\n' });
    const lines: string[] = [];
    const result = runInit({ dir, ts, log: (l) => lines.push(l), env: {} });
    expect(result).toEqual({
      changed: ['src/app.module.ts', '.env.example'],
      alreadyInstalled: false,
      moduleFile: 'src/app.module.ts',
      dashboardUrl: 'http://localhost:3000/activetracker',
      registeredIn: undefined,
    });
    expect(readFileSync(join(dir, '.env.example'), 'utf8')).toMatch(
      /^REDIS_URL=redis:\/\/cache:6379\n\n# ActiveTracker .*\n# .*\nACTIVE_TRACKER_AUTH=admin:change-me\n$/,
    );
    expect(runInit({ dir, ts, log: () => {}, env: {} })).toMatchObject({ changed: [], alreadyInstalled: true });
  });
});
