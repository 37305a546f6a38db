import { Logger, MiddlewareConsumer, Module, NestModule, Provider, RequestMethod } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ACTIVE_TRACKER_BUS, ACTIVE_TRACKER_OPTIONS, ACTIVE_TRACKER_RUNTIME } from './active-tracker.constants.js';
import { ACTIVE_TRACKER_MODULE_OPTIONS, ActiveTrackerConfigurableModule } from './active-tracker.module-definition.js';
import { ActiveTrackerModuleOptions, resolveOptions, ResolvedActiveTrackerOptions } from './active-tracker.options.js';
import { TrackerRuntime } from './active-tracker.runtime.js';
import { ActiveTracker } from './active-tracker.service.js';
import { notifications } from './bus/instrumentation-bus.js';
import { RouteCaptureGuard } from './http/route-capture.guard.js';
import { installRouteHook } from './http/route-hook.js';
import { installExceptionHook } from './http/exception-hook.js';
import { installLoggerCapture } from './context/logger-capture.js';
import { ActiveTrackerMiddleware } from './http/tracker.middleware.js';
import { defaultPlugins } from './plugins/default-plugins.js';
import { createRepository } from './storage/create-repository.js';
import { EntryRepository } from './storage/entry-repository.js';

// Installed when the module is loaded, before any app registers its routes.
const routeHookInstalled = installRouteHook();

const providers: Provider[] = [
  {
    provide: ACTIVE_TRACKER_OPTIONS,
    inject: [ACTIVE_TRACKER_MODULE_OPTIONS],
    useFactory: (raw: ActiveTrackerModuleOptions): ResolvedActiveTrackerOptions => {
      const options = resolveOptions(raw, defaultPlugins);
      if (options.enabled && process.env.NODE_ENV === 'production' && !options.authentication && !options.authorize) {
        new Logger('ActiveTracker').warn(
          'NODE_ENV=production and neither "authentication" nor "authorize" is set: the dashboard and API answer 404. Capture still works.',
        );
      }
      return options;
    },
  },
  { provide: ACTIVE_TRACKER_BUS, useValue: notifications },
  { provide: EntryRepository, inject: [ACTIVE_TRACKER_OPTIONS], useFactory: createRepository },
  TrackerRuntime,
  { provide: ACTIVE_TRACKER_RUNTIME, useExisting: TrackerRuntime },
  ActiveTracker,
  ActiveTrackerMiddleware,
  // Fallback for a Nest version without the route hook.
  ...(routeHookInstalled ? [] : [{ provide: APP_GUARD, useClass: RouteCaptureGuard }]),
];

/**
 * ActiveTracker for NestJS. `ActiveTrackerModule.forRoot({ ... })` or `.forRootAsync({ imports,
 * inject, useFactory })`; global by default so `ActiveTracker` can be injected anywhere.
 */
@Module({ providers, exports: [ActiveTracker, EntryRepository, ACTIVE_TRACKER_RUNTIME, ACTIVE_TRACKER_OPTIONS] })
export class ActiveTrackerModule extends ActiveTrackerConfigurableModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    installExceptionHook();
    installLoggerCapture();
    consumer.apply(ActiveTrackerMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
