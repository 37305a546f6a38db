import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type * as TS from 'typescript';
import { InstallError } from './text-edits.js';

/** What the installer needs to know about a Nest app, read from nest-cli.json and main.ts. */
export interface AppLayout {
  appDir: string;
  /** nest-cli.json `sourceRoot` (default "src"), relative to appDir. */
  sourceRoot: string;
  /** main.ts (nest-cli.json `entryFile`), absolute; undefined when it does not exist. */
  mainFile?: string;
  /** The root module's file, absolute. */
  moduleFile: string;
  /** The root module's class name, when main.ts names it. */
  className?: string;
  /** `app.setGlobalPrefix('...')` of main.ts: the prefix; null when absent; undefined when not a literal. */
  globalPrefix: string | null | undefined;
  /** The number main.ts falls back to in `app.listen(process.env.PORT ?? 3000)` (or listens on). */
  listenPort?: number;
  /** How the root module was found, for the report. */
  foundBy: 'option' | 'main' | 'fallback';
  /** Things the user should know (an unresolvable import, a dynamic prefix...). */
  notes: string[];
}

interface NestCliConfig {
  sourceRoot?: string;
  entryFile?: string;
}

/** nest-cli.json (comments allowed), or {} when absent. */
function readNestCli(ts: typeof TS, appDir: string): NestCliConfig {
  const file = join(appDir, 'nest-cli.json');
  if (!existsSync(file)) return {};
  const { config, error } = ts.parseConfigFileTextToJson(file, readFileSync(file, 'utf8'));
  if (error) throw new InstallError(`nest-cli.json is not valid JSON: ${ts.flattenDiagnosticMessageText(error.messageText, ' ')}`);
  return (config ?? {}) as NestCliConfig;
}

function parse(ts: typeof TS, file: string): TS.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** Every node of a file, depth first. */
function* walk(ts: typeof TS, node: TS.Node): Generator<TS.Node> {
  yield node;
  const children: TS.Node[] = [];
  ts.forEachChild(node, (child) => {
    children.push(child);
  });
  for (const child of children) yield* walk(ts, child);
}

function isMethodCall(ts: typeof TS, node: TS.Node, method: string): node is TS.CallExpression & { expression: TS.PropertyAccessExpression } {
  return ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === method;
}

/** `./app.module`, `./app.module.js` or `./app` (a folder) → the .ts file it names, if it exists. */
function resolveRelativeTs(fromFile: string, specifier: string): string | undefined {
  const base = resolve(dirname(fromFile), specifier);
  const stem = base.replace(/\.(m|c)?js$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.mts`, `${stem}.cts`, join(base, 'index.ts')];
  return candidates.find((c) => c.endsWith('ts') && existsSync(c));
}

export interface MainInfo {
  /** The identifier passed to NestFactory.create, and where it comes from. */
  rootModule?: { localName: string; exportName?: string; specifier?: string; declaredHere: boolean };
  globalPrefix: string | null | undefined;
  listenPort?: number;
}

/** Reads main.ts: `NestFactory.create(AppModule)`, `app.setGlobalPrefix('api')`, `app.listen(process.env.PORT ?? 3000)`. */
export function readMain(ts: typeof TS, sf: TS.SourceFile): MainInfo {
  const info: MainInfo = { globalPrefix: null };
  for (const node of walk(ts, sf)) {
    if (
      !info.rootModule &&
      isMethodCall(ts, node, 'create') &&
      ts.isIdentifier(node.expression.expression) &&
      node.expression.expression.text === 'NestFactory'
    ) {
      const arg = node.arguments[0];
      if (arg && ts.isIdentifier(arg)) info.rootModule = { localName: arg.text, declaredHere: false };
    } else if (isMethodCall(ts, node, 'setGlobalPrefix') && info.globalPrefix === null) {
      const arg = node.arguments[0];
      info.globalPrefix = arg && ts.isStringLiteralLike(arg) ? arg.text.replace(/^\/+|\/+$/g, '') : undefined;
    } else if (isMethodCall(ts, node, 'listen') && info.listenPort === undefined) {
      info.listenPort = portOf(ts, node.arguments[0]);
    }
  }
  const root = info.rootModule;
  if (root) {
    for (const stmt of sf.statements) {
      if (ts.isClassDeclaration(stmt) && stmt.name?.text === root.localName) root.declaredHere = true;
      if (!ts.isImportDeclaration(stmt) || !ts.isStringLiteral(stmt.moduleSpecifier) || !stmt.importClause) continue;
      const clause = stmt.importClause;
      if (clause.name?.text === root.localName) root.specifier = stmt.moduleSpecifier.text;
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) {
          if (el.name.text === root.localName) {
            root.specifier = stmt.moduleSpecifier.text;
            root.exportName = (el.propertyName ?? el.name).text;
          }
        }
      }
    }
  }
  return info;
}

/** 3000 in `listen(3000)`, `listen(process.env.PORT ?? 3000)`, `listen(process.env.PORT || '3000')`. */
function portOf(ts: typeof TS, arg: TS.Expression | undefined): number | undefined {
  if (!arg) return undefined;
  if (ts.isParenthesizedExpression(arg)) return portOf(ts, arg.expression);
  if (ts.isNumericLiteral(arg) || ts.isStringLiteral(arg)) {
    const n = Number(arg.text);
    return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
  }
  if (ts.isBinaryExpression(arg) && (arg.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || arg.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
    return portOf(ts, arg.right);
  }
  if (ts.isCallExpression(arg) && ts.isIdentifier(arg.expression) && ['Number', 'parseInt'].includes(arg.expression.text)) return portOf(ts, arg.arguments[0]);
  return undefined;
}

/**
 * Finds the root module: `--module` when given; else the module main.ts passes to
 * NestFactory.create (main.ts from nest-cli.json sourceRoot/entryFile); else src/app.module.ts.
 */
export function locateApp(ts: typeof TS, appDir: string, moduleOption?: string): AppLayout {
  const cli = readNestCli(ts, appDir);
  const sourceRoot = (cli.sourceRoot ?? 'src').replace(/\/+$/, '');
  const entry = (cli.entryFile ?? 'main').replace(/\.(ts|js)$/, '');
  const mainCandidate = join(appDir, sourceRoot, `${entry}.ts`);
  const mainFile = existsSync(mainCandidate) ? mainCandidate : undefined;
  const notes: string[] = [];
  const main: MainInfo = mainFile ? readMain(ts, parse(ts, mainFile)) : { globalPrefix: null };
  const rel = (file: string) => relative(appDir, file) || file;

  const layout = (moduleFile: string, foundBy: AppLayout['foundBy'], className?: string): AppLayout => ({
    appDir,
    sourceRoot,
    mainFile,
    moduleFile,
    className,
    globalPrefix: main.globalPrefix,
    listenPort: main.listenPort,
    foundBy,
    notes,
  });

  if (moduleOption) {
    const file = isAbsolute(moduleOption) ? moduleOption : resolve(appDir, moduleOption);
    if (!existsSync(file)) throw new InstallError(`--module ${moduleOption}: no such file (${file})`);
    // The class main.ts names, if it lives in that file; else the first @Module class there.
    const root = main.rootModule;
    const fromMain =
      root && mainFile && (root.declaredHere ? mainFile : root.specifier?.startsWith('.') ? resolveRelativeTs(mainFile, root.specifier) : undefined);
    return layout(file, 'option', fromMain === file ? (root!.exportName ?? root!.localName) : undefined);
  }

  const fallback = join(appDir, sourceRoot, 'app.module.ts');
  const useFallback = (why: string): AppLayout => {
    if (!existsSync(fallback)) throw new InstallError(`${why}, and ${rel(fallback)} does not exist: pass the root module's file with --module <path>.`);
    notes.push(`${why}: editing ${rel(fallback)}.`);
    return layout(fallback, 'fallback');
  };

  if (!mainFile) return useFallback(`${rel(mainCandidate)} not found`);
  const root = main.rootModule;
  if (!root) return useFallback(`no NestFactory.create(<Module>) call in ${rel(mainFile)}`);
  if (root.declaredHere) return layout(mainFile, 'main', root.localName);
  if (!root.specifier) return useFallback(`${root.localName} is not imported in ${rel(mainFile)}`);
  if (!root.specifier.startsWith('.')) return useFallback(`${root.localName} comes from "${root.specifier}" (not a relative path)`);
  const file = resolveRelativeTs(mainFile, root.specifier);
  if (!file) return useFallback(`"${root.specifier}" (imported by ${rel(mainFile)}) did not resolve to a .ts file`);
  // A default import names no class: the first @Module class of the file is the one.
  return layout(file, 'main', root.exportName);
}
