import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * `npm test` on a machine without Debian's chromium or redis-server: scripts/test.js checks them
 * first (scripts/system-deps.js) and stops at once, before the checks and before Jest, naming what
 * is missing and the command to run; it never goes on to skip the browser suites. "Missing" is
 * simulated the way the README says: CHROMIUM_PATH / REDIS_SERVER_BIN pointing nowhere (a custom
 * path is never "fixed" by apt-get, so nothing is installed here even as root).
 */
const root = join(import.meta.dirname, '..');

function runNode(script: string, env: Record<string, string>): { status: number | null; out: string } {
  const result = spawnSync(process.execPath, [join(root, script)], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, SYSTEM_DEPS_INSTALL: '0', ...env },
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('npm test without the system packages', () => {
  it('stops before the checks and Jest when chromium is absent, with the command to run', () => {
    const { status, out } = runNode('scripts/test.js', { CHROMIUM_PATH: '/nowhere/chromium' });
    expect(status).toBe(1);
    expect(out).toContain('chromium: CHROMIUM_PATH=/nowhere/chromium does not exist');
    expect(out).toContain('unset CHROMIUM_PATH');
    expect(out).not.toContain('checks:');
    expect(out).not.toContain('dashboard:');
    expect(out).not.toMatch(/passed|Test Suites/);
  });

  it('names redis-server too, and both when both are absent', () => {
    const { status, out } = runNode('scripts/system-deps.js', { CHROMIUM_PATH: '/nowhere/chromium', REDIS_SERVER_BIN: '/nowhere/redis-server' });
    expect(status).toBe(1);
    expect(out).toContain('chromium: CHROMIUM_PATH=/nowhere/chromium does not exist');
    expect(out).toContain('redis-server: REDIS_SERVER_BIN=/nowhere/redis-server does not exist');
    expect(out).toContain('unset CHROMIUM_PATH REDIS_SERVER_BIN');
  });

  it('passes when both are present (Debian paths)', () => {
    const { status, out } = runNode('scripts/system-deps.js', { CHROMIUM_PATH: '', REDIS_SERVER_BIN: '' });
    expect(out).toContain('system packages present: chromium, redis-server');
    expect(status).toBe(0);
  });
});
