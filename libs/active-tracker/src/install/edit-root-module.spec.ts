import typescript from 'typescript';
import type * as TS from 'typescript';
import { editRootModule } from './edit-root-module.js';
import { renderForRoot, type RenderStyle } from './options-catalogue.js';
import { InstallError } from './text-edits.js';

/** The compiler API as the installer types it (the CommonJS package's default export at run time). */
const ts = typescript as unknown as typeof TS;

const LF: RenderStyle = { indent: '  ', newline: '\n', quote: "'" };
/** The inserted call, as rendered for an element starting on a line indented by `indent`. */
const forRoot = (indent: string, style: RenderStyle = LF, name = 'ActiveTrackerModule') => renderForRoot(name, style, indent);
const IMPORT = "import { ActiveTrackerModule } from '@active-tracker/nestjs';";

function edit(text: string, className?: string) {
  return editRootModule({ ts, fileName: 'app.module.ts', text, className });
}

/**
 * Edits, checks the result parses and registers the module in the class's @Module imports, that
 * every edit only inserted text (or replaced whitespace), and that a second run changes nothing.
 */
function install(text: string, className?: string): string {
  const result = edit(text, className);
  expect(result.alreadyInstalled).toBe(false);
  for (const e of result.edits) expect(text.slice(e.pos, e.end)).toMatch(/^\s*$/);
  const again = edit(result.text, className);
  expect(again).toMatchObject({ alreadyInstalled: true, text: result.text, edits: [] });
  return result.text;
}

/** The identifiers called `.forRoot` in the imports array of the @Module of `className`. */
function registered(text: string, className: string): string[] {
  const sf = ts.createSourceFile('out.ts', text, ts.ScriptTarget.Latest, true);
  const cls = sf.statements.find((s): s is TS.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === className)!;
  const call = ts.getDecorators(cls)![0].expression as TS.CallExpression;
  const imports = (call.arguments[0] as TS.ObjectLiteralExpression).properties.find((p) => p.name?.getText(sf) === 'imports') as TS.PropertyAssignment;
  const array = ts.isArrayLiteralExpression(imports.initializer) ? imports.initializer : undefined;
  return (array?.elements ?? []).map((e) => e.getText(sf).split('(')[0]);
}

describe('editRootModule: registering ActiveTrackerModule in the root module', () => {
  it('adds the import and the forRoot call to the empty imports of a freshly generated app module', () => {
    const generated = `import { Module } from '@nestjs/common';
import { AppController } from './app.controller';
import { AppService } from './app.service';

@Module({
  imports: [],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
`;
    expect(install(generated)).toBe(`import { Module } from '@nestjs/common';
${IMPORT}
import { AppController } from './app.controller';
import { AppService } from './app.service';

@Module({
  imports: [
    ${forRoot('    ')},
  ],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
`);
  });

  it('creates imports when the decorator has none, before the first property and its comment', () => {
    const text = `import { Module } from '@nestjs/common';
import { AppController } from './app.controller';

@Module({
  // HTTP entry points
  controllers: [AppController],
})
export class AppModule {}
`;
    expect(install(text)).toBe(`import { Module } from '@nestjs/common';
${IMPORT}
import { AppController } from './app.controller';

@Module({
  imports: [
    ${forRoot('    ')},
  ],
  // HTTP entry points
  controllers: [AppController],
})
export class AppModule {}
`);
  });

  it('appends to existing multi-line imports, keeping trailing commas and comments where they were', () => {
    const text = `import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    UsersModule, // the users
  ],
})
export class AppModule {}
`;
    expect(install(text)).toBe(`import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
${IMPORT}
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    UsersModule, // the users
    ${forRoot('    ')},
  ],
})
export class AppModule {}
`);
  });

  it('appends without a trailing comma when the array has none', () => {
    const text = `import { Module } from '@nestjs/common';
import { UsersModule } from './users.module';
@Module({
  imports: [
    UsersModule /* users */
  ]
})
export class AppModule {}
`;
    const out = install(text);
    expect(out).toContain(`    UsersModule, /* users */\n    ${forRoot('    ')}\n  ]\n})`);
    expect(registered(out, 'AppModule')).toEqual(['UsersModule', 'ActiveTrackerModule.forRoot']);
  });

  it('appends to single-line imports on the same line', () => {
    const text = `import { Module } from '@nestjs/common';
import { UsersModule } from './users.module';

@Module({ imports: [UsersModule], controllers: [] })
export class AppModule {}
`;
    const out = install(text);
    expect(out).toContain(`@Module({ imports: [UsersModule, ${forRoot('')}], controllers: [] })`);
    expect(registered(out, 'AppModule')).toEqual(['UsersModule', 'ActiveTrackerModule.forRoot']);
  });

  it('handles a multi-line decorator call with odd formatting, tabs, CRLF, double quotes and no semicolons', () => {
    const text = [
      '/* Root of the app. */',
      'import {',
      '\tModule, // from Nest',
      '} from "@nestjs/common"',
      'import { Cats } from "./cats"',
      '',
      '@Module(',
      '\t{',
      '\t\tproviders:    [ Cats ] ,   // odd spacing',
      '',
      '\t\texports: [',
      '\t\t\tCats,',
      '\t\t],',
      '\t}',
      ')',
      'export class AppModule {}',
      '',
    ].join('\r\n');
    const out = install(text);
    expect(out.replace(/\r\n/g, '')).not.toContain('\n');
    expect(out).toContain('} from "@nestjs/common"\r\nimport { ActiveTrackerModule } from "@active-tracker/nestjs"\r\nimport { Cats } from "./cats"');
    const style: RenderStyle = { indent: '\t', newline: '\r\n', quote: '"' };
    expect(out).toContain(`\t{\r\n\t\timports: [\r\n\t\t\t${forRoot('\t\t\t', style)},\r\n\t\t],\r\n\t\tproviders:    [ Cats ] ,   // odd spacing\r\n`);
    expect(out).toContain('redis: process.env.REDIS_URL || undefined,');
    expect(out).toContain('// mountpoint: "activetracker",');
  });

  it('changes nothing in a module that already registers ActiveTrackerModule, and reads its mountpoint', () => {
    const text = `import { Module } from '@nestjs/common';
import { ActiveTrackerModule } from '@active-tracker/nestjs';

@Module({
  imports: [ActiveTrackerModule.forRoot({ mountpoint: '/admin/tracker/' })],
})
export class AppModule {}
`;
    expect(edit(text)).toEqual({ text, alreadyInstalled: true, className: 'AppModule', mountpoint: 'admin/tracker', edits: [] });
    const async = text.replace("forRoot({ mountpoint: '/admin/tracker/' })", 'forRootAsync({ useFactory: () => ({}) })');
    expect(edit(async)).toMatchObject({ text: async, alreadyInstalled: true, mountpoint: 'activetracker' });
    // Registered through a constant, under another local name: still installed.
    const aliased = `import { Module } from '@nestjs/common';
import { ActiveTrackerModule as Tracker } from '@active-tracker/nestjs';
const tracker = Tracker.forRoot();
@Module({ imports: [tracker] })
export class AppModule {}
`;
    expect(edit(aliased)).toMatchObject({ text: aliased, alreadyInstalled: true });
  });

  it('gives an argument-less @Module() and an empty @Module({}) their imports', () => {
    const bare = `import { Module } from '@nestjs/common';\n\n@Module()\nexport class AppModule {}\n`;
    expect(install(bare)).toBe(
      `import { Module } from '@nestjs/common';\n${IMPORT}\n\n@Module({\n  imports: [\n    ${forRoot('    ')},\n  ],\n})\nexport class AppModule {}\n`,
    );
    const empty = `import { Module } from '@nestjs/common';\n\n  @Module({ })\n  export class AppModule {}\n`;
    expect(install(empty)).toContain(`  @Module({\n    imports: [\n      ${forRoot('      ')},\n    ],\n  })\n  export class AppModule {}\n`);
  });

  it('reuses an import from the package, or an aliased ActiveTrackerModule import', () => {
    const withService = `import { Module } from '@nestjs/common';
import { ActiveTracker } from '@active-tracker/nestjs';

@Module({ imports: [] })
export class AppModule {}
`;
    const out = install(withService);
    expect(out).toContain("import { ActiveTracker, ActiveTrackerModule } from '@active-tracker/nestjs';\n\n@Module");
    expect(out.match(/^import .* from '@active-tracker\/nestjs';$/gm)).toHaveLength(1);

    const aliased = `import { Module } from '@nestjs/common';
import { ActiveTrackerModule as Tracker } from '@active-tracker/nestjs';

@Module({ imports: [] })
export class AppModule {}
`;
    const aliasedOut = install(aliased);
    expect(aliasedOut).toContain(`@Module({ imports: [\n  ${forRoot('  ', LF, 'Tracker')},\n] })`);
    expect(aliasedOut).not.toContain(IMPORT);
  });

  it('adds the import at the top of a file that has none, after its header comment', () => {
    const text = `// Copyright header\n\n@Module({ imports: [] })\nexport class AppModule {}\n`;
    expect(install(text).startsWith(`// Copyright header\n\n${IMPORT}\n\n@Module({`)).toBe(true);
  });

  it('spreads an imports constant into a new array', () => {
    const text = `import { Module } from '@nestjs/common';\nconst SHARED = [];\n@Module({\n  imports: SHARED,\n})\nexport class AppModule {}\n`;
    expect(install(text)).toContain(`  imports: [...SHARED, ${forRoot('  ')}],\n`);
    const shorthand = `import { Module } from '@nestjs/common';\nconst imports = [];\n@Module({ imports })\nexport class AppModule {}\n`;
    expect(install(shorthand)).toContain(`@Module({ imports: [...imports, ${forRoot('')}] })`);
  });

  it('edits the class named by main.ts, also with a namespaced or renamed Module decorator', () => {
    const text = `import * as common from '@nestjs/common';

@common.Module({ imports: [] })
export class FeatureModule {}

@common.Module({
  imports: [FeatureModule],
})
export class RootModule {}
`;
    const out = install(text, 'RootModule');
    expect(registered(out, 'RootModule')).toEqual(['FeatureModule', 'ActiveTrackerModule.forRoot']);
    expect(registered(out, 'FeatureModule')).toEqual([]);
    // Without a name: the first @Module class.
    const renamed = `import { Module as NestModule } from '@nestjs/common';\n@NestModule({ imports: [] })\nexport class Root {}\n`;
    expect(registered(install(renamed), 'Root')).toEqual(['ActiveTrackerModule.forRoot']);
  });

  it('refuses what it cannot edit safely, with what to do instead', () => {
    const cases: [string, string | undefined, RegExp][] = [
      [
        `import { Module } from '@nestjs/common';\n@Module({ imports: [] })\nexport class AppModule {}\n`,
        'RootModule',
        /class RootModule .* was not found in app\.module\.ts; pass the root module's file with --module/,
      ],
      [`export class AppModule {}\n`, undefined, /no class decorated with @Module\(\) in app\.module\.ts/],
      [
        `import { Module } from '@nestjs/common';\nconst META = {};\n@Module(META)\nexport class AppModule {}\n`,
        undefined,
        /is not an object literal; add ActiveTrackerModule\.forRoot\(\) to its imports by hand/,
      ],
      [
        `import { Module } from '@nestjs/common';\nconst base = {};\n@Module({ ...base, controllers: [] })\nexport class AppModule {}\n`,
        undefined,
        /spreads another object and has no own "imports"/,
      ],
      [`import { Module } from '@nestjs/common';\n@Module({ imports: [ }\nexport class AppModule {}\n`, undefined, /does not parse .*; fix it and run again/],
    ];
    for (const [text, className, message] of cases) {
      expect(() => edit(text, className)).toThrow(InstallError);
      expect(() => edit(text, className)).toThrow(message);
    }
  });
});
