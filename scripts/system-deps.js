#!/usr/bin/env node
/**
 * The system programs the test suite needs and Debian packages provide: Chromium for the browser
 * e2e (`CHROMIUM_PATH`, default /usr/bin/chromium, see e2e/support/browser.ts) and redis-server for
 * the Redis store suites (`REDIS_SERVER_BIN`, default /usr/bin/redis-server, see
 * libs/active-tracker/test/support/redis-server.ts). `npm test` (scripts/test.js) and `.ci/run` call
 * it first: what is missing is installed with apt-get when it can be (root, or passwordless sudo);
 * otherwise it stops at once with the one command to run. A browser suite is never skipped instead.
 * SYSTEM_DEPS_INSTALL=0 reports without installing. Run alone: `node scripts/system-deps.js`.
 * Node built-ins only: .ci/run calls it before `npm ci`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** What each tool needs. fonts-liberation: without recommends, chromium would render text with no font at all. */
const TOOLS = [
  { name: 'chromium', envVar: 'CHROMIUM_PATH', debianPath: '/usr/bin/chromium', packages: ['chromium', 'fonts-liberation'] },
  { name: 'redis-server', envVar: 'REDIS_SERVER_BIN', debianPath: '/usr/bin/redis-server', packages: ['redis-server'] },
];

const APT_INSTALL = ['apt-get', 'install', '-y', '--no-install-recommends'];

/** The tools whose binary is absent, with where it was looked for and whether installing the Debian package fixes it. */
function missingTools(env) {
  return TOOLS.map((tool) => ({ ...tool, path: env[tool.envVar] || tool.debianPath }))
    .filter((tool) => !existsSync(tool.path))
    .map((tool) => ({ ...tool, custom: tool.path !== tool.debianPath }));
}

/** How to run apt-get: directly as root, through `sudo -n` when that needs no password, else null. */
function privilege() {
  if (process.getuid?.() === 0) return [];
  const sudo = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
  return sudo.status === 0 ? ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive'] : null;
}

function apt(prefix, args) {
  const [command, ...rest] = [...prefix, ...args];
  const result = spawnSync(command, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
}

/** The one command that fixes `missing` (a custom path cannot be fixed by apt: the variable must change). */
function fixCommand(missing, asRoot) {
  const custom = missing.filter((tool) => tool.custom);
  if (custom.length) return `unset ${custom.map((tool) => tool.envVar).join(' ')}   # or point it to an existing binary`;
  const packages = missing.flatMap((tool) => tool.packages);
  return [...(asRoot ? [] : ['sudo']), ...APT_INSTALL, ...packages].join(' ');
}

function describe(tool) {
  return tool.custom ? `${tool.name}: ${tool.envVar}=${tool.path} does not exist` : `${tool.name}: ${tool.path} does not exist`;
}

/**
 * Makes sure every tool is present, installing Debian's packages when that is allowed and possible.
 * Returns true when all are present; otherwise prints what is missing and the command to run.
 */
export function ensureSystemDeps(env = process.env, log = console) {
  const missing = missingTools(env);
  if (!missing.length) return true;
  const installable = missing.filter((tool) => !tool.custom);
  const prefix = env.SYSTEM_DEPS_INSTALL === '0' ? null : privilege();
  if (installable.length && prefix && !missing.some((tool) => tool.custom)) {
    const packages = installable.flatMap((tool) => tool.packages);
    log.log(`system packages: installing ${packages.join(' ')} (apt-get)`);
    if (apt(prefix, ['update', '-q']) && apt(prefix, [...APT_INSTALL, '-q', ...packages])) {
      const still = missingTools(env);
      if (!still.length) return true;
      log.error(`system packages: still missing after apt-get: ${still.map(describe).join('; ')}`);
      return false;
    }
    log.error('system packages: apt-get failed (output above)');
    return false;
  }
  log.error(`The tests need Debian's chromium and redis-server (browser e2e, Redis store suites). Missing:`);
  for (const tool of missing) log.error(`  ${describe(tool)}`);
  log.error(`Run:\n  ${fixCommand(missing, process.getuid?.() === 0)}\nthen run the tests again.`);
  return false;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (ensureSystemDeps()) console.log('system packages present: chromium, redis-server');
  else process.exitCode = 1;
}
