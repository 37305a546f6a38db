// @ts-check
/**
 * ESLint for the whole workspace (library, example plugin, demo, dashboard, specs, e2e, scripts,
 * benchmarks): the recommended JS and typescript-eslint rules (syntax-only, no type information,
 * so a lint run stays fast; `tsc` type-checks separately) and no import cycles. Run by `npm test`.
 */
import { readFileSync } from 'node:fs';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// What git ignores (build output, caches, generated clients), as ESLint globs:
// `/x/` -> `x/**`, `x/` -> `**/x/**`, `*.log` -> `**/*.log`.
function gitIgnored() {
  return readFileSync(new URL('.gitignore', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#') && !line.startsWith('!'))
    .map((line) => {
      const dir = line.endsWith('/') ? '/**' : '';
      const bare = line.replace(/\/$/, '');
      return bare.startsWith('/') ? bare.slice(1) + dir : `**/${bare}${dir}`;
    });
}

/** A `no-restricted-imports` pattern: core code importing a plugin folder (`regex` on the specifier). */
function coreImportsNoPlugin(regex) {
  return {
    regex,
    allowTypeImports: true,
    message: 'The core imports no plugin: move what it needs into the core (and export it from plugin-api.ts for the plugins).',
  };
}

export default defineConfig(
  { ignores: gitIgnored() },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { 'import-x': importX },
    settings: {
      // Sources import siblings as `./x.js` (nodenext) or `./x` (the dashboard, bundler resolution): both name a .ts file.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'], extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: {
      // A cycle makes evaluation order (and so `undefined` at import time) depend on which file loads first.
      'import-x/no-cycle': 'error',
      // Off: `any` is deliberate where the tracker handles what it cannot type (diagnostics_channel
      // messages, framework request objects, patched loggers, generic payload bounds) and in specs
      // poking at internals; strict `tsc` still types everything else.
      '@typescript-eslint/no-explicit-any': 'off',
      // Off: Nest types classes and handlers as `Function` (Reflector, route handlers, controller
      // classes, decorators); the code that reads them keeps Nest's type.
      '@typescript-eslint/no-unsafe-function-type': 'off',
      // Off: wrappers of host functions (res.write/end, driver methods) forward `arguments` as received
      // with `apply`, which keeps the caller's exact arity without allocating a rest array.
      'prefer-rest-params': 'off',
      // `_`-prefixed names are deliberately unused (positional parameters an interface dictates, skipped tuple items).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    // The library logs through Nest's Logger (the host decides where lines go); its CLI prints.
    files: ['libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/active-tracker/src/install/**'],
    rules: { 'no-console': 'error' },
  },
  {
    // Built-in plugins stand where a third-party plugin stands: library code only through the
    // plugin API (src/plugin-api.ts, exported by the package), never another plugin or an internal.
    files: ['libs/active-tracker/src/plugins/*/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!\\.\\./plugin-api\\.js$)',
              message: "A plugin imports library code only from '../../plugin-api.js' (the public plugin API); export what it needs there.",
            },
          ],
        },
      ],
    },
  },
  {
    // The core imports no plugin (issue 7): only the list of defaults and the package's exports name them.
    // Type imports are allowed (erased at build): the service types `tracker.llm.record` with the LLM plugin's types.
    files: ['libs/active-tracker/src/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/active-tracker/src/plugins/*/**', 'libs/active-tracker/src/plugins/default-plugins.ts', 'libs/active-tracker/src/index.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [coreImportsNoPlugin('(^|/)plugins/[^/]+/')] }] },
  },
  {
    // The same from plugins/ itself (plugin.ts, plugin-route.ts...), where a plugin is `./<name>/...`.
    files: ['libs/active-tracker/src/plugins/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/active-tracker/src/plugins/default-plugins.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [coreImportsNoPlugin('^\\./[^/]+/|(^|/)plugins/[^/]+/')] }] },
  },
  {
    files: ['apps/dashboard/src/**/*.ts'],
    ignores: ['apps/dashboard/src/**/*.spec.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'libs/*/test/**/*.ts', 'e2e/**/*.ts', 'apps/dashboard/src/testing/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
