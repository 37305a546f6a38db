#!/usr/bin/env node
// `npx @active-tracker/nestjs init` (or `npx active-tracker init` once installed): runs the
// installer compiled into dist/install/. Plain ESM, no dependency: it works from the published
// package as from a workspace where the library was built (npm run build:lib).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/install/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('active-tracker: the package is not built (dist/install/cli.js is missing); in the workspace, run "npm run build:lib" first.');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = main(process.argv.slice(2));
