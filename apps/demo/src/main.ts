import { randomBytes } from 'node:crypto';
import { events, exceptions, httpClient, LLM_ENCRYPTED_FIELDS, llm, logs, queries, requests, type ActiveTrackerModuleOptions } from '@active-tracker/nestjs';
import { deprecations } from '@active-tracker/plugin-deprecations';
import { describeDatabase } from './database/database.options.js';
import { createDemoApp } from './demo-app.factory.js';

const MOUNTPOINT = 'activetracker';

/** Parses PORT (default 3000); a bad value stops the boot instead of listening somewhere unexpected. */
function portFromEnv(value = process.env.PORT): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${value}"`);
  return port;
}

/** The Redis URL without its password, safe to print. */
function describeRedis(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable REDIS_URL)';
  }
}

async function bootstrap(): Promise<void> {
  const port = portFromEnv();
  const redisUrl = process.env.REDIS_URL || undefined;
  const tracker: ActiveTrackerModuleOptions = {
    mountpoint: MOUNTPOINT,
    redis: redisUrl,
    // Optional HTTP Basic credentials ("user:password"); required to see the dashboard when NODE_ENV=production.
    authentication: process.env.ACTIVE_TRACKER_AUTH || undefined,
    // The defaults, with every EventReporter notify() recorded too (POST /checkout emits one), and
    // the example third-party plugin: uses of @Deprecated() endpoints (GET /users/legacy...).
    plugins: [
      requests(),
      exceptions(),
      logs(),
      events({ recordNotify: true }),
      httpClient(),
      queries(),
      deprecations({ clientHeader: 'x-api-client' }),
      // LLM calls (POST /assistant/ask calls the demo's fake provider). Whoever may open the
      // dashboard may review and export here; a real app decides per user and action.
      llm({ authorize: () => true, project: 'demo' }),
    ],
    // LLM payloads encrypted at rest (required in production): ACTIVE_TRACKER_KEY (32 bytes, base64
    // or hex), else a key made at boot (entries of an earlier run then read "[encrypted]").
    encryption: { keys: { demo: process.env.ACTIVE_TRACKER_KEY || randomBytes(32) }, fields: { llm: [...LLM_ENCRYPTED_FIELDS] } },
  };
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const app = await createDemoApp({ tracker, init: false, databaseUrl: databaseUrl ?? '' });
  app.enableShutdownHooks();
  await app.listen(port);
  const store = redisUrl ? `Redis at ${describeRedis(redisUrl)}` : 'embedded in-memory store (set REDIS_URL to use Redis)';
  console.log(`Demo app listening on http://localhost:${port}`);
  console.log(`ActiveTracker dashboard: http://localhost:${port}/${MOUNTPOINT}`);
  console.log(`ActiveTracker store: ${store}`);
  console.log(`Demo database: ${describeDatabase(databaseUrl)}`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
