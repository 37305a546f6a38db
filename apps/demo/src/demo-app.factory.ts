import { INestApplication, LoggerService, LogLevel, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ActiveTrackerModuleOptions } from '@active-tracker/nestjs';
import { DemoAppModule } from './demo-app.module.js';

/** How to build the demo app. */
export interface DemoAppOptions {
  /** Tracker options, or `false` for the bare host with no tracker module at all. */
  tracker: ActiveTrackerModuleOptions | false;
  /** Nest logger: `false` silences it, an array picks levels; default is Nest's console logger. */
  logger?: false | LoggerService | LogLevel[];
  /**
   * Call `app.init()` before returning (default true). Pass `false` to configure the app further
   * (global prefix, versioning, extra filters) and call `init()`/`listen()` yourself.
   */
  init?: boolean;
  /** The payments API POST /checkout calls (default: env DEMO_PAYMENTS_URL, else the demo's own /payments/charge). */
  paymentsUrl?: string;
  /** The database: a `postgres://` URL, or `''` for the embedded sql.js one (default: env DATABASE_URL, else embedded). */
  databaseUrl?: string;
}

/**
 * Creates the demo host app (Express), not listening, with the global ValidationPipe a typical
 * production app has. Shared by `main.ts`, the e2e tests (supertest on `app.getHttpServer()`) and
 * the benchmark, so all three exercise the same app.
 */
export async function createDemoApp(options: DemoAppOptions): Promise<INestApplication> {
  const databaseUrl = options.databaseUrl ?? (process.env.DATABASE_URL || undefined);
  const module = DemoAppModule.register(options.tracker, options.paymentsUrl ?? process.env.DEMO_PAYMENTS_URL, databaseUrl);
  const app = await NestFactory.create<NestExpressApplication>(module, {
    logger: options.logger,
    abortOnError: false,
  });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  if (options.init !== false) await app.init();
  return app;
}
