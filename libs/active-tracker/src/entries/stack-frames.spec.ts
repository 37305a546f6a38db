import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { callSiteFrame, captureCallSites, displayPath, firstAppFrame, isAppFile, parseStack, type ParsedStackLine, StackFrame } from './stack-frames.js';

const STACK = [
  'Error: boom',
  '    at UsersService.find (/srv/app/dist/users/users.service.js:12:11)',
  '    at async UsersController.show (/srv/app/dist/users/users.controller.js:30:5)',
  '    at /srv/app/dist/main.js:7:3',
  '    at async /srv/app/dist/bootstrap.js:2:1',
  '    at Layer.handle [as handle_request] (/srv/app/node_modules/express/lib/router/layer.js:95:5)',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
  '    at new Promise (<anonymous>)',
  '    at async Promise.all (index 0)',
  '    at node:internal/main/run_main_module:28:49',
  '    at Module._compile (internal/modules/cjs/loader.js:999:30)',
  '    at file:///srv/app/dist/esm.mjs:4:9',
  '    at Object.<anonymous> (file:///srv/app/dist/esm%20dir/entry.mjs:1:2)',
  '    at TrackerMiddleware.use (/srv/app/node_modules/@active-tracker/nestjs/dist/http/tracker.middleware.js:9:1)',
  '    at CaptureInterceptor.intercept (/work/libs/active-tracker/src/http/capture.interceptor.ts:40:2)',
  '    at Object.handler (C:\\app\\dist\\main.js:10:5)',
  '    at C:\\app\\node_modules\\lib\\index.js:1:1',
].join('\n');

describe('parseStack', () => {
  const frames = parseStack(STACK);
  const byFile = (fragment: string): StackFrame => {
    const frame = frames.find((f) => f.file?.includes(fragment));
    if (!frame) throw new Error(`no frame for ${fragment}`);
    return frame;
  };

  it('parses every "at" line and skips the message line', () => {
    expect(frames).toHaveLength(STACK.split('\n').length - 1);
  });

  it('reads function, file, line and column of a named frame', () => {
    expect(frames[0]).toEqual({ function: 'UsersService.find', file: '/srv/app/dist/users/users.service.js', line: 12, column: 11, app: true });
  });

  it('drops the "async" marker from async frames', () => {
    expect(frames[1]).toEqual({ function: 'UsersController.show', file: '/srv/app/dist/users/users.controller.js', line: 30, column: 5, app: true });
    expect(frames[3]).toEqual({ function: null, file: '/srv/app/dist/bootstrap.js', line: 2, column: 1, app: true });
  });

  it('parses anonymous frames (no function name)', () => {
    expect(frames[2]).toEqual({ function: null, file: '/srv/app/dist/main.js', line: 7, column: 3, app: true });
  });

  it('keeps function names with spaces and brackets', () => {
    expect(frames[4]).toMatchObject({ function: 'Layer.handle [as handle_request]', line: 95, column: 5 });
  });

  it('marks node_modules frames as not app', () => {
    expect(frames[4].app).toBe(false);
    expect(byFile('C:\\app\\node_modules').app).toBe(false);
  });

  it('marks node: internals, internal/ modules and pseudo-locations as not app', () => {
    expect(frames[5]).toEqual({ function: 'process.processTicksAndRejections', file: 'node:internal/process/task_queues', line: 95, column: 5, app: false });
    expect(frames[6]).toEqual({ function: 'new Promise', file: '<anonymous>', line: null, column: null, app: false });
    expect(frames[7]).toEqual({ function: 'Promise.all', file: 'index 0', line: null, column: null, app: false });
    expect(frames[8]).toEqual({ function: null, file: 'node:internal/main/run_main_module', line: 28, column: 49, app: false });
    expect(frames[9]).toMatchObject({ file: 'internal/modules/cjs/loader.js', line: 999, app: false });
  });

  it('keeps file:// URLs as the file and treats them as app code', () => {
    expect(frames[10]).toEqual({ function: null, file: 'file:///srv/app/dist/esm.mjs', line: 4, column: 9, app: true });
    expect(frames[11]).toEqual({ function: 'Object.<anonymous>', file: 'file:///srv/app/dist/esm%20dir/entry.mjs', line: 1, column: 2, app: true });
  });

  it("marks the tracker's own frames (installed or in this repository) as not app", () => {
    expect(byFile('tracker.middleware.js').app).toBe(false);
    expect(byFile('capture.interceptor.ts').app).toBe(false);
  });

  it('parses Windows paths', () => {
    expect(byFile('C:\\app\\dist\\main.js')).toEqual({ function: 'Object.handler', file: 'C:\\app\\dist\\main.js', line: 10, column: 5, app: true });
  });

  it('returns [] for empty input and ignores lines that are not frames', () => {
    expect(parseStack(undefined)).toEqual([]);
    expect(parseStack(null)).toEqual([]);
    expect(parseStack('')).toEqual([]);
    expect(parseStack('Error: only a message\nwith a second line about "at" things')).toEqual([]);
  });

  it('keeps at most 100 frames', () => {
    const long = ['Error: deep', ...Array.from({ length: 250 }, (_, i) => `    at f${i} (/srv/app/x.js:${i + 1}:1)`)].join('\n');
    const parsed = parseStack(long);
    expect(parsed).toHaveLength(100);
    expect(parsed[99]).toMatchObject({ function: 'f99', line: 100 });
  });

  it('parses a real V8 stack of an ES module: file:// URLs, async frames, node internals', () => {
    // Run outside Jest, whose source-map support rewrites stacks (and drops "async").
    const dir = mkdtempSync(join(tmpdir(), 'stack frames-'));
    try {
      const file = join(dir, 'probe.mjs');
      writeFileSync(
        file,
        [
          'async function inner() { await null; throw new Error("real"); }',
          'async function outer() { await inner(); }',
          'outer().catch((e) => process.stdout.write(JSON.stringify(e.stack)));',
        ].join('\n'),
      );
      const stack = JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8' })) as string;
      expect(stack).toContain('at async outer');
      const url = pathToFileURL(file).href;
      expect(url).toContain('%20');
      const frames = parseStack(stack);
      expect(frames[0]).toEqual({ function: 'inner', file: url, line: 1, column: expect.any(Number), app: true });
      expect(frames[1]).toEqual({ function: 'outer', file: url, line: 2, column: expect.any(Number), app: true });
      expect(displayPath(frames[0].file)).toBe(file.startsWith(process.cwd() + '/') ? file.slice(process.cwd().length + 1) : file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parses a real frame of a node builtin calling back', () => {
    const stack = [1].map(() => new Error('x').stack)[0];
    const frames = parseStack(stack);
    expect(frames.some((f) => f.function === 'Array.map' && f.app === false)).toBe(true);
  });
});

describe('isAppFile', () => {
  it.each([
    ['/srv/app/src/main.ts', true],
    ['file:///srv/app/src/main.js', true],
    ['C:\\app\\src\\main.js', true],
    ['/srv/app/node_modules/pkg/index.js', false],
    ['node:internal/timers', false],
    ['node:events', false],
    ['internal/process/task_queues.js', false],
    ['<anonymous>', false],
    ['native', false],
    ['/srv/app/libs/active-tracker/dist/recorder/entry-recorder.js', false],
    ['/srv/app/libs/active-tracker-extras/src/x.js', true],
  ])('%s -> %s', (file, expected) => {
    expect(isAppFile(file)).toBe(expected);
  });

  it('is false for null', () => {
    expect(isAppFile(null)).toBe(false);
  });
});

describe('firstAppFrame', () => {
  it('returns the first app frame, or null when there is none', () => {
    const frames = parseStack(STACK);
    expect(firstAppFrame(frames)).toBe(frames[0]);
    expect(firstAppFrame(frames.slice(4, 10))).toBeNull();
    expect(firstAppFrame([])).toBeNull();
  });
});

describe('displayPath', () => {
  const cwd = process.cwd();

  it('makes paths inside the working directory relative', () => {
    expect(displayPath(`${cwd}/dist/main.js`)).toBe('dist/main.js');
  });

  it('accepts file:// URLs, percent-encoded ones included', () => {
    expect(displayPath(pathToFileURL(`${cwd}/dist/main.js`).href)).toBe('dist/main.js');
    expect(displayPath(pathToFileURL(`${cwd}/my dir/ré.js`).href)).toBe('my dir/ré.js');
    expect(displayPath('file:///elsewhere/a%20b.js')).toBe('/elsewhere/a b.js');
  });

  it('leaves other paths alone', () => {
    expect(displayPath('/elsewhere/x.js')).toBe('/elsewhere/x.js');
    expect(displayPath(`${cwd}-other/x.js`)).toBe(`${cwd}-other/x.js`);
    expect(displayPath('node:internal/timers')).toBe('node:internal/timers');
    expect(displayPath(null)).toBeNull();
  });
});

describe('captureCallSites and callSiteFrame', () => {
  it('read the caller from structured call sites, at the position its stack text shows', () => {
    let taken = 0;
    const [limit, prepare] = [Error.stackTraceLimit, Error.prepareStackTrace];
    const here = (): ParsedStackLine => {
      const sites = captureCallSites(here, 2)!;
      taken = sites.length;
      return callSiteFrame(sites[0], here, 0);
    };
    const [frame, stack] = [here(), new Error().stack];
    const shown = parseStack(stack)[0];
    expect(taken).toBe(2);
    expect([frame.file, frame.line]).toEqual([shown.file, shown.line]);
    // The process's settings are left as they were.
    expect(Error.stackTraceLimit).toBe(limit);
    expect(Error.prepareStackTrace).toBe(prepare);
  });

  it('map a compiled frame through its source map exactly when the stack text does (through the visible formatter, through the engine, unmapped)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'call sites-'));
    try {
      const compile = (source: string, fileName: string) =>
        ts.transpileModule(source, { fileName, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: true } });
      const lib = compile(readFileSync(new URL('./stack-frames.ts', import.meta.url), 'utf8'), 'stack-frames.ts');
      // Types before the call: the compiled line is 6 lines above the TypeScript one.
      const app = compile(
        [
          "import { callSiteFrame, captureCallSites, parseStack } from './stack-frames.js';",
          'interface Shifted {',
          '  a: number;',
          '  b: string;',
          '}',
          'type Gone = Shifted;',
          'const where = (): string => { const f = callSiteFrame(captureCallSites(where, 1)![0], where, 0); return `${f.file}:${f.line}`; };',
          "if (process.argv[2] === 'no-formatter') Error.prepareStackTrace = undefined;",
          'const shown = (stack?: string): string => { const f = parseStack(stack)[0]; return `${f.file}:${f.line}`; };',
          'console.log(JSON.stringify([where(), shown(new Error().stack)]));',
        ].join('\n'),
        'app.ts',
      );
      writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
      writeFileSync(join(dir, 'stack-frames.js'), lib.outputText);
      writeFileSync(join(dir, 'app.js'), app.outputText);
      writeFileSync(join(dir, 'app.js.map'), app.sourceMapText!);
      const run = (...args: string[]) => JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as [string, string];
      const ts10 = `${join(dir, 'app.ts')}:10`;
      expect(run('--enable-source-maps', join(dir, 'app.js'))).toEqual([ts10, ts10]);
      expect(run('--enable-source-maps', join(dir, 'app.js'), 'no-formatter')).toEqual([ts10, ts10]);
      const [site, shown] = run(join(dir, 'app.js'));
      expect(site).toBe(shown);
      expect(site).toMatch(/app\.js:\d+$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
