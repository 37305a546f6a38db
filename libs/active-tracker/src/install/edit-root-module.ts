import type * as TS from 'typescript';
import { renderForRoot, type RenderStyle } from './options-catalogue.js';
import { applyEdits, detectIndentUnit, detectNewline, InstallError, lineIndent, type TextEdit } from './text-edits.js';

export const PACKAGE_NAME = '@active-tracker/nestjs';
export const MODULE_EXPORT = 'ActiveTrackerModule';

export interface RootModuleEdit {
  /** The file's text after the edits (the same string when nothing changed). */
  text: string;
  /** True when ActiveTrackerModule is already referenced in the file: nothing was changed. */
  alreadyInstalled: boolean;
  /** The class that was (or would be) edited. */
  className: string;
  /** Mountpoint of the dashboard: 'activetracker', or the string literal found in an existing forRoot. */
  mountpoint: string;
  /** The edits applied to the original text (empty when already installed). */
  edits: TextEdit[];
}

export interface RootModuleEditInput {
  /** The TypeScript compiler API (the app's own `typescript` package). */
  ts: typeof TS;
  fileName: string;
  text: string;
  /** The root module's class name (from main.ts); absent: the first class decorated with @Module. */
  className?: string;
}

const DEFAULT_MOUNTPOINT = 'activetracker';

/**
 * Adds `import { ActiveTrackerModule } from '@active-tracker/nestjs'` and an
 * `ActiveTrackerModule.forRoot({ ...every option, commented... })` entry to the `imports` of the
 * root module's `@Module({...})`, creating `imports` when missing. The file is parsed with the
 * TypeScript compiler API and changed only by insertions at node positions: every other byte stays
 * as it was. A file that already references ActiveTrackerModule is left alone (idempotence).
 */
export function editRootModule({ ts, fileName, text, className }: RootModuleEditInput): RootModuleEdit {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const syntaxErrors = syntacticErrors(ts, fileName, text);
  if (syntaxErrors.length) throw new InstallError(`${fileName} does not parse (${syntaxErrors[0]}); fix it and run again.`);

  const imported = findTrackerImport(ts, sf);
  const localName = imported.localName ?? MODULE_EXPORT;
  const moduleClass = findModuleClass(ts, sf, fileName, className);
  const name = moduleClass.cls.name?.text ?? className ?? '(default export)';

  if (referencesOutsideImports(ts, sf, localName)) {
    return { text, alreadyInstalled: true, className: name, mountpoint: existingMountpoint(ts, sf, localName) ?? DEFAULT_MOUNTPOINT, edits: [] };
  }

  const newline = detectNewline(text);
  const decoratorIndent = lineIndent(text, moduleClass.decorator.getStart(sf));
  const style: RenderStyle = {
    newline,
    quote: detectQuote(ts, sf),
    indent: indentUnitOf(moduleClass.options, sf, text, moduleClass.options ? lineIndent(text, moduleClass.options.getStart(sf)) : decoratorIndent),
  };
  const edits: TextEdit[] = [
    ...importEdits(ts, sf, text, imported, style, detectSemicolon(ts, sf)),
    ...registrationEdits(ts, sf, text, moduleClass, localName, style, decoratorIndent, fileName),
  ];
  const out = applyEdits(text, edits);
  const problems = syntacticErrors(ts, fileName, out);
  if (problems.length) {
    throw new InstallError(
      `editing ${fileName} would break its syntax (${problems[0]}); the file was left unchanged. Please report this, and add ActiveTrackerModule.forRoot() by hand.`,
    );
  }
  return { text: out, alreadyInstalled: false, className: name, mountpoint: DEFAULT_MOUNTPOINT, edits };
}

function syntacticErrors(ts: typeof TS, fileName: string, text: string): string[] {
  const { diagnostics } = ts.transpileModule(text, { fileName, reportDiagnostics: true, compilerOptions: { experimentalDecorators: true, noEmit: false } });
  return (diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
}

interface TrackerImport {
  /** Local name of ActiveTrackerModule when a value import of it exists (any module specifier). */
  localName?: string;
  /** A value import with named bindings from the package, to extend with ActiveTrackerModule. */
  extendable?: TS.NamedImports;
}

function findTrackerImport(ts: typeof TS, sf: TS.SourceFile): TrackerImport {
  const found: TrackerImport = {};
  for (const stmt of sf.statements) {
    if (!ts.isImportDeclaration(stmt) || !ts.isStringLiteral(stmt.moduleSpecifier)) continue;
    const clause = stmt.importClause;
    if (!clause || clause.isTypeOnly || !clause.namedBindings || !ts.isNamedImports(clause.namedBindings)) continue;
    for (const element of clause.namedBindings.elements) {
      if (!element.isTypeOnly && (element.propertyName ?? element.name).text === MODULE_EXPORT) found.localName ??= element.name.text;
    }
    if (stmt.moduleSpecifier.text === PACKAGE_NAME) found.extendable ??= clause.namedBindings;
  }
  return found;
}

interface ModuleClass {
  cls: TS.ClassDeclaration;
  decorator: TS.Decorator;
  call: TS.CallExpression;
  /** The decorator's object literal argument; undefined for `@Module()`. */
  options?: TS.ObjectLiteralExpression;
}

/** The class decorated with `@Module(...)` (from @nestjs/common, possibly renamed or namespaced). */
function findModuleClass(ts: typeof TS, sf: TS.SourceFile, fileName: string, className: string | undefined): ModuleClass {
  const moduleNames = new Set<string>();
  const namespaces = new Set<string>();
  for (const stmt of sf.statements) {
    if (!ts.isImportDeclaration(stmt) || !ts.isStringLiteral(stmt.moduleSpecifier) || stmt.moduleSpecifier.text !== '@nestjs/common') continue;
    const bindings = stmt.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      for (const el of bindings.elements) if ((el.propertyName ?? el.name).text === 'Module') moduleNames.add(el.name.text);
    } else if (bindings && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
  }
  if (moduleNames.size === 0 && namespaces.size === 0) moduleNames.add('Module');

  const isModuleDecorator = (d: TS.Decorator): d is TS.Decorator & { expression: TS.CallExpression } => {
    if (!ts.isCallExpression(d.expression)) return false;
    const callee = d.expression.expression;
    if (ts.isIdentifier(callee)) return moduleNames.has(callee.text);
    return (
      ts.isPropertyAccessExpression(callee) && callee.name.text === 'Module' && ts.isIdentifier(callee.expression) && namespaces.has(callee.expression.text)
    );
  };

  const classes = sf.statements.filter(ts.isClassDeclaration);
  const candidates = className ? classes.filter((c) => c.name?.text === className) : classes;
  if (className && candidates.length === 0) {
    throw new InstallError(
      `class ${className} (the module given to NestFactory.create) was not found in ${fileName}; pass the root module's file with --module.`,
    );
  }
  for (const cls of candidates) {
    const decorator = (ts.canHaveDecorators(cls) ? ts.getDecorators(cls) : undefined)?.find(isModuleDecorator);
    if (!decorator) continue;
    const call = decorator.expression as TS.CallExpression;
    const arg = call.arguments[0];
    if (arg !== undefined && !ts.isObjectLiteralExpression(arg)) {
      throw new InstallError(
        `the @Module() of ${cls.name?.text ?? 'the class'} in ${fileName} is not an object literal; add ActiveTrackerModule.forRoot() to its imports by hand (see docs/install.md).`,
      );
    }
    return { cls, decorator, call, options: arg };
  }
  throw new InstallError(
    className
      ? `class ${className} in ${fileName} has no @Module() decorator; pass the root module's file with --module.`
      : `no class decorated with @Module() in ${fileName}; pass the root module's file with --module.`,
  );
}

/** Whether the file uses ActiveTrackerModule anywhere but in an import: installed already. */
function referencesOutsideImports(ts: typeof TS, sf: TS.SourceFile, localName: string): boolean {
  let found = false;
  const visit = (node: TS.Node): void => {
    if (found || ts.isImportDeclaration(node)) return;
    if (ts.isIdentifier(node) && node.text === localName) {
      found = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return found;
}

/** The `mountpoint` string literal of an existing `ActiveTrackerModule.forRoot({ ... })`, if any. */
function existingMountpoint(ts: typeof TS, sf: TS.SourceFile, localName: string): string | undefined {
  let mountpoint: string | undefined;
  const visit = (node: TS.Node): void => {
    if (mountpoint !== undefined) return;
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'forRoot' &&
      ts.isIdentifier(node.expression.expression) &&
      node.expression.expression.text === localName &&
      node.arguments[0] &&
      ts.isObjectLiteralExpression(node.arguments[0])
    ) {
      for (const prop of node.arguments[0].properties) {
        if (ts.isPropertyAssignment(prop) && propertyName(ts, prop.name) === 'mountpoint' && ts.isStringLiteralLike(prop.initializer)) {
          mountpoint = prop.initializer.text.replace(/^\/+|\/+$/g, '');
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return mountpoint;
}

function propertyName(ts: typeof TS, name: TS.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}

function detectQuote(ts: typeof TS, sf: TS.SourceFile): RenderStyle['quote'] {
  const first = sf.statements.find(ts.isImportDeclaration);
  return first && sf.text[first.moduleSpecifier.getStart(sf)] === '"' ? '"' : "'";
}

function detectSemicolon(ts: typeof TS, sf: TS.SourceFile): boolean {
  const first = sf.statements.find(ts.isImportDeclaration);
  return first ? sf.text[first.end - 1] === ';' : true;
}

/** The indentation step of the @Module object (its first property against the line of its `{`), else the file's. */
function indentUnitOf(options: TS.ObjectLiteralExpression | undefined, sf: TS.SourceFile, text: string, objectIndent: string): string {
  const first = options?.properties[0];
  if (first) {
    const own = lineIndent(text, first.getStart(sf));
    if (onDifferentLines(sf, options!.getStart(sf), first.getStart(sf)) && own.startsWith(objectIndent) && own.length > objectIndent.length) {
      return own.slice(objectIndent.length);
    }
  }
  return detectIndentUnit(text);
}

function onDifferentLines(sf: TS.SourceFile, a: number, b: number): boolean {
  return sf.getLineAndCharacterOfPosition(a).line !== sf.getLineAndCharacterOfPosition(b).line;
}

/** Position after the comments that follow `pos` on the same line. */
function afterTrailingComments(ts: typeof TS, text: string, pos: number): number {
  const comments = ts.getTrailingCommentRanges(text, pos);
  return comments?.length ? comments[comments.length - 1].end : pos;
}

/** End of the comma token following `pos` (skipping whitespace and comments). */
function commaEndAfter(ts: typeof TS, text: string, pos: number): number {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  scanner.resetTokenState(pos);
  const kind = scanner.scan();
  if (kind !== ts.SyntaxKind.CommaToken) throw new Error(`expected a comma at ${pos}`);
  return scanner.getTokenEnd();
}

function importEdits(ts: typeof TS, sf: TS.SourceFile, text: string, imported: TrackerImport, style: RenderStyle, semicolon: boolean): TextEdit[] {
  if (imported.localName) return [];
  const q = style.quote;
  if (imported.extendable) {
    const { elements } = imported.extendable;
    if (elements.length) {
      const last = elements[elements.length - 1];
      return [{ pos: last.end, end: last.end, text: `, ${MODULE_EXPORT}` }];
    }
    const open = imported.extendable.getStart(sf) + 1;
    return [{ pos: open, end: open, text: ` ${MODULE_EXPORT} ` }];
  }
  const line = `import { ${MODULE_EXPORT} } from ${q}${PACKAGE_NAME}${q}${semicolon ? ';' : ''}`;
  const imports = sf.statements.filter(ts.isImportDeclaration);
  if (imports.length) {
    // After the last package import (before relative ones), else after the last import.
    const packages = imports.filter((i) => ts.isStringLiteral(i.moduleSpecifier) && !i.moduleSpecifier.text.startsWith('.'));
    const after = packages.length ? packages[packages.length - 1] : imports[imports.length - 1];
    const at = afterTrailingComments(ts, text, after.end);
    return [{ pos: at, end: at, text: `${style.newline}${line}` }];
  }
  // No import at all: before the first statement (after a leading header comment).
  const at = sf.statements[0].getStart(sf);
  return [{ pos: at, end: at, text: `${line}${style.newline}${style.newline}` }];
}

function registrationEdits(
  ts: typeof TS,
  sf: TS.SourceFile,
  text: string,
  { call, options }: ModuleClass,
  localName: string,
  style: RenderStyle,
  decoratorIndent: string,
  fileName: string,
): TextEdit[] {
  const nl = style.newline;
  const unit = style.indent;
  const block = (baseIndent: string) => renderForRoot(localName, style, baseIndent);
  const importsProperty = (propIndent: string) => `imports: [${nl}${propIndent}${unit}${block(propIndent + unit)},${nl}${propIndent}]`;

  if (!options) {
    // @Module(): give it an object.
    const at = call.arguments.pos;
    const propIndent = decoratorIndent + unit;
    return [{ pos: at, end: at, text: `{${nl}${propIndent}${importsProperty(propIndent)},${nl}${decoratorIndent}}` }];
  }

  // Inside the object, indentation follows the line of its `{` (which may not be the decorator's).
  const objectIndent = lineIndent(text, options.getStart(sf));
  const props = options.properties;
  const imports = props.find((p) => (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && propertyName(ts, p.name) === 'imports');

  if (!imports) {
    if (props.some(ts.isSpreadAssignment)) {
      throw new InstallError(
        `the @Module() in ${fileName} spreads another object and has no own "imports"; add ActiveTrackerModule.forRoot() to its imports by hand (see docs/install.md).`,
      );
    }
    const open = options.getStart(sf) + 1;
    const close = options.end - 1;
    if (props.length === 0) {
      const propIndent = objectIndent + unit;
      const inner = text.slice(open, close);
      const insertion = `${nl}${propIndent}${importsProperty(propIndent)},${nl}${objectIndent}`;
      return /^\s*$/.test(inner)
        ? [{ pos: open, end: close, text: insertion }]
        : [{ pos: open, end: open, text: `${nl}${propIndent}${importsProperty(propIndent)},` }];
    }
    const first = props[0];
    // Before the first property's leading comments, so they stay with it.
    const leading = (ts.getLeadingCommentRanges(text, first.getFullStart()) ?? []).filter((c) => onDifferentLines(sf, open, c.pos));
    const at = leading.length ? leading[0].pos : first.getStart(sf);
    if (onDifferentLines(sf, open, first.getStart(sf))) {
      const propIndent = lineIndent(text, at);
      return [{ pos: at, end: at, text: `${importsProperty(propIndent)},${nl}${propIndent}` }];
    }
    return [{ pos: at, end: at, text: `imports: [${block(objectIndent)}], ` }];
  }

  const propIndent = lineIndent(text, imports.getStart(sf));
  if (ts.isShorthandPropertyAssignment(imports)) {
    // { imports } → { imports: [...imports, ActiveTrackerModule.forRoot({...})] }
    return [{ pos: imports.name.end, end: imports.name.end, text: `: [...imports, ${block(propIndent)}]` }];
  }
  const init = (imports as TS.PropertyAssignment).initializer;
  if (!ts.isArrayLiteralExpression(init)) {
    // imports: SHARED_IMPORTS → imports: [...SHARED_IMPORTS, ActiveTrackerModule.forRoot({...})]
    return [
      { pos: init.getStart(sf), end: init.getStart(sf), text: '[...' },
      { pos: init.end, end: init.end, text: `, ${block(propIndent)}]` },
    ];
  }

  const elementIndent = propIndent + unit;
  const open = init.getStart(sf) + 1;
  const close = init.end - 1;
  const { elements } = init;
  if (elements.length === 0) {
    const inner = text.slice(open, close);
    const entry = `${nl}${elementIndent}${block(elementIndent)},`;
    return /^\s*$/.test(inner) ? [{ pos: open, end: close, text: `${entry}${nl}${propIndent}` }] : [{ pos: open, end: open, text: entry }];
  }
  const last = elements[elements.length - 1];
  const trailingComma = elements.hasTrailingComma;
  const afterLast = trailingComma ? commaEndAfter(ts, text, last.end) : last.end;
  if (onDifferentLines(sf, init.getStart(sf), last.getStart(sf))) {
    // One element per line (or several): a new line at the last element's indentation.
    const indent = lineIndent(text, last.getStart(sf));
    const at = afterTrailingComments(ts, text, afterLast);
    const entry = `${nl}${indent}${block(indent)}${trailingComma ? ',' : ''}`;
    return trailingComma
      ? [{ pos: at, end: at, text: entry }]
      : [
          { pos: last.end, end: last.end, text: ',' },
          { pos: at, end: at, text: entry },
        ];
  }
  // All on the `[` line: append after the last element.
  return [{ pos: afterLast, end: afterLast, text: `${trailingComma ? ' ' : ', '}${block(propIndent)}` }];
}
