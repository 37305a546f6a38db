#!/usr/bin/env node
// Generates a fresh Nest app with the `application` schematic of @nestjs/schematics, as
// `nest new` does (without installing packages):
//   node install-generate-app.cjs <tools folder> <parent folder> <app name>
// The tools folder holds node_modules/@nestjs/schematics (see install-app.ts).
'use strict';
const { createRequire } = require('node:module');
const { join } = require('node:path');

const [toolsDir, parentDir, name] = process.argv.slice(2);
if (!toolsDir || !parentDir || !name) {
  console.error('usage: install-generate-app.cjs <tools folder> <parent folder> <app name>');
  process.exit(2);
}
const fromTools = createRequire(join(toolsDir, 'package.json'));
const { NodeWorkflow } = fromTools('@angular-devkit/schematics/tools');
const { lastValueFrom } = fromTools('rxjs');

const workflow = new NodeWorkflow(parentDir, { force: false, dryRun: false, resolvePaths: [toolsDir], schemaValidation: true });
workflow.reporter.subscribe((event) => {
  if (event.kind === 'error') console.error(`schematic error: ${event.description} ${event.path}`);
});
lastValueFrom(
  workflow.execute({
    collection: '@nestjs/schematics',
    schematic: 'application',
    options: { name, directory: name, packageManager: 'npm', language: 'ts', strict: false, spec: false },
    allowPrivate: false,
    debug: false,
  }),
  { defaultValue: undefined },
).then(
  () => console.log(`generated ${join(parentDir, name)}`),
  (error) => {
    console.error(error && error.stack ? error.stack : String(error));
    process.exit(1);
  },
);
