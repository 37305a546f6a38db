import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import typescript from 'typescript';
import type * as TS from 'typescript';
import { resolveOptions } from '../active-tracker.options.js';
import { OPTIONS_CATALOGUE, renderForRoot, renderOptionsObject, type CatalogueOption } from './options-catalogue.js';

/** The compiler API as the installer types it (the CommonJS package's default export at run time). */
const ts = typescript as unknown as typeof TS;

const OPTIONS_FILE = join(import.meta.dirname, '..', 'active-tracker.options.ts');
const source = ts.createSourceFile(OPTIONS_FILE, readFileSync(OPTIONS_FILE, 'utf8'), ts.ScriptTarget.Latest, true);

/** The string literals of `const KNOWN_KEYS = new Set([...])`: the keys the option validator accepts. */
function knownKeys(): string[] {
  for (const stmt of source.statements) {
    if (!ts.isVariableStatement(stmt)) continue;
    for (const decl of stmt.declarationList.declarations) {
      if (!ts.isIdentifier(decl.name) || decl.name.text !== 'KNOWN_KEYS') continue;
      const init = decl.initializer;
      if (init && ts.isNewExpression(init) && init.arguments?.[0] && ts.isArrayLiteralExpression(init.arguments[0])) {
        return init.arguments[0].elements.filter(ts.isStringLiteral).map((e) => e.text);
      }
    }
  }
  throw new Error(`no "const KNOWN_KEYS = new Set([...])" in ${OPTIONS_FILE}: update this spec to the new way options are validated`);
}

/** Members of an interface or type literal: name -> nested member names when the type is an object literal type. */
function members(node: TS.InterfaceDeclaration | TS.TypeLiteralNode): Map<string, string[] | undefined> {
  const out = new Map<string, string[] | undefined>();
  for (const member of node.members) {
    if (!ts.isPropertySignature(member) || !member.name || !ts.isIdentifier(member.name)) continue;
    const type = member.type;
    out.set(member.name.text, type && ts.isTypeLiteralNode(type) ? [...members(type).keys()] : undefined);
  }
  return out;
}

function optionsInterface(): TS.InterfaceDeclaration {
  const found = source.statements.find((s): s is TS.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'ActiveTrackerModuleOptions');
  if (!found) throw new Error(`no interface ActiveTrackerModuleOptions in ${OPTIONS_FILE}`);
  return found;
}

const catalogueKeys = OPTIONS_CATALOGUE.map((o) => o.key);

/** Leaves of the catalogue with their dotted path. */
function leaves(options: readonly CatalogueOption[], prefix = ''): { path: string; option: CatalogueOption }[] {
  return options.flatMap((o) => (o.children ? leaves(o.children, `${prefix}${o.key}.`) : [{ path: `${prefix}${o.key}`, option: o }]));
}

describe('options catalogue (the text `init` writes into the root module)', () => {
  it('lists exactly the keys the option validator knows (KNOWN_KEYS of active-tracker.options.ts)', () => {
    const known = knownKeys();
    // A failure here means ActiveTrackerModuleOptions gained or lost an option: add it to (or remove it from)
    // OPTIONS_CATALOGUE in src/install/options-catalogue.ts, with its one-line explanation and default.
    expect({
      missingFromCatalogue: known.filter((k) => !catalogueKeys.includes(k)),
      unknownToValidator: catalogueKeys.filter((k) => !known.includes(k)),
    }).toEqual({
      missingFromCatalogue: [],
      unknownToValidator: [],
    });
  });

  it('lists exactly the members of ActiveTrackerModuleOptions, nested objects included, in its order', () => {
    const declared = members(optionsInterface());
    expect(catalogueKeys).toEqual([...declared.keys()]);
    for (const option of OPTIONS_CATALOGUE) {
      const nested = declared.get(option.key);
      expect({ key: option.key, children: option.children?.map((c) => c.key) }).toEqual({ key: option.key, children: nested });
    }
  });

  it('writes each default as code that evaluates to it, and the defaults are what resolveOptions({}) resolves', () => {
    const resolved = resolveOptions({}, () => []) as unknown as Record<string, unknown>;
    const at = (path: string) => path.split('.').reduce<any>((value, key) => value?.[key], resolved);
    const withDefaults = leaves(OPTIONS_CATALOGUE).filter(({ option }) => option.defaultValue !== undefined);
    expect(withDefaults.length).toBeGreaterThanOrEqual(14);
    for (const { path, option } of withDefaults) {
      const evaluated = new Function(`return (${option.code});`)();
      expect({ path, code: evaluated }).toEqual({ path, code: option.defaultValue });
      expect({ path, resolved: at(option.resolvedPath ?? path) }).toEqual({ path, resolved: option.defaultValue });
    }
  });

  it('gives every option a one-line explanation that states its default, and code or children', () => {
    for (const { path, option } of leaves(OPTIONS_CATALOGUE)) {
      expect({ path, oneLine: !/[\r\n]/.test(option.doc), code: typeof option.code }).toEqual({ path, oneLine: true, code: 'string' });
      if (!option.active) expect({ path, default: /Default: /.test(option.doc) }).toEqual({ path, default: true });
    }
  });

  it('renders every option commented out, except redis and authentication read from the environment', () => {
    const text = renderOptionsObject();
    const lines = text.split('\n').slice(1, -1);
    const active = lines.filter((line) => !line.trimStart().startsWith('//'));
    expect(active.map((l) => l.trim())).toEqual([
      'redis: process.env.REDIS_URL || undefined,',
      'authentication: process.env.ACTIVE_TRACKER_AUTH || undefined,',
    ]);
    for (const { path } of leaves(OPTIONS_CATALOGUE)) {
      const key = path.split('.').pop()!;
      expect({ path, listed: new RegExp(`^\\s*(// )*(//\\s+)?${key}: `, 'm').test(text) }).toEqual({ path, listed: true });
    }
    // Nested objects are commented as a whole, with their children's explanations inside.
    expect(text).toContain('  // retention: {\n  //   // Entries older than this disappear. Default: 7 days.\n  //   maxAgeMs: 7 * 24 * 60 * 60 * 1000,\n');
  });

  it('follows the file style: indentation, line breaks and quotes', () => {
    const text = renderForRoot('Tracker', { indent: '\t', newline: '\r\n', quote: '"' }, '\t\t');
    expect(text.startsWith('Tracker.forRoot({\r\n\t\t\t// ')).toBe(true);
    expect(text.endsWith('\r\n\t\t})')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(text).toContain('// mountpoint: "activetracker",');
    expect(text).not.toMatch(/mountpoint: 'activetracker'/);
  });

  it('writes options that type-check against ActiveTrackerModuleOptions once uncommented', () => {
    // Every option written active with its default or example, checked by the compiler.
    const body = renderOptionsObject(undefined, '', true);
    const file = join(import.meta.dirname, '__uncommented__.ts');
    const code = [
      `import { events, exceptions, httpClient, logs, queries, requests, type ActiveTrackerModuleOptions } from '../index.js';`,
      `export const options: ActiveTrackerModuleOptions = ${body};`,
    ].join('\n');
    expect(code).toContain("  redis: 'redis://localhost:6379/0',");
    const host = ts.createCompilerHost({});
    const readFile = host.readFile.bind(host);
    host.readFile = (name) => (name === file ? code : readFile(name));
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => name === file || fileExists(name);
    const program = ts.createProgram({
      rootNames: [file],
      host,
      options: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        types: ['node'],
      },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program, program.getSourceFile(file));
    expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '))).toEqual([]);
  }, 60_000);
});
