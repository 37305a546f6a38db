import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installQueryDrivers } from './query-drivers.js';
import { isPgPatched } from './pg.capture.js';

describe('installQueryDrivers: the driver copies the host loads', () => {
  it('an app without pg: nothing is loaded or wrapped (this spec has loaded no pg yet)', async () => {
    const cwd = process.cwd();
    const empty = mkdtempSync(join(tmpdir(), 'at-no-drivers-'));
    process.chdir(empty);
    try {
      const { drivers, release } = await installQueryDrivers();
      release();
      expect(drivers.pg).toEqual([]);
      expect(drivers.problems).toEqual([]);
    } finally {
      process.chdir(cwd);
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("wraps the app's pg and the copies ORMs nest for themselves, once; mysql2 by its channels", async () => {
    const { drivers, release } = await installQueryDrivers();
    try {
      expect(drivers.pg).toEqual(
        expect.arrayContaining([
          // Node resolves real paths (node_modules may be a link).
          realpathSync(join(process.cwd(), 'node_modules', 'pg', 'lib', 'index.js')),
          realpathSync(join(process.cwd(), 'node_modules', '@mikro-orm', 'postgresql', 'node_modules', 'pg', 'lib', 'index.js')),
        ]),
      );
      expect(drivers.mysql2).toBe(true);
      expect(drivers.problems).toEqual([]);
      // The copy the app imports is the one wrapped.
      const pg = (await import('pg')).default;
      expect(isPgPatched(pg)).toBe(true);
      // Idempotent: a second install wraps nothing twice.
      const again = await installQueryDrivers();
      again.release();
      expect(Object.getOwnPropertySymbols(pg.Client.prototype.query)).toHaveLength(2);
    } finally {
      release();
    }
  });

  it('a `drivers.pg` that is not the pg module is reported, not wrapped', async () => {
    const { drivers, release } = await installQueryDrivers({ pg: { Client: null } });
    release();
    expect(drivers.problems).toContain('"drivers.pg" is not the pg module (no Client.prototype.query)');
  });
});
