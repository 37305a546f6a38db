import { Inject, Logger, Module, type MiddlewareConsumer, type NestModule, type Provider } from '@nestjs/common';
import { ACTIVE_TRACKER_NEST_HOOKS, ACTIVE_TRACKER_OPTIONS, ACTIVE_TRACKER_RUNTIME } from './active-tracker.constants.js';
import { ACTIVE_TRACKER_MODULE_OPTIONS, ActiveTrackerConfigurableModule } from './active-tracker.module-definition.js';
import { ActiveTrackerModuleOptions, resolveOptions, ResolvedActiveTrackerOptions } from './active-tracker.options.js';
import { TrackerRuntime } from './active-tracker.runtime.js';
import { ActiveTracker } from './active-tracker.service.js';
import { installNestHooks } from './http/nest-hooks.js';
import { defaultPlugins } from './plugins/default-plugins.js';
import { createRepository } from './storage/create-repository.js';
import { EntryRepository } from './storage/entry-repository.js';

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
  { provide: ACTIVE_TRACKER_NEST_HOOKS, inject: [ACTIVE_TRACKER_OPTIONS], useFactory: installNestHooks },
  { provide: EntryRepository, inject: [ACTIVE_TRACKER_OPTIONS], useFactory: createRepository },
  TrackerRuntime,
  { provide: ACTIVE_TRACKER_RUNTIME, useExisting: TrackerRuntime },
  ActiveTracker,
];

/**
 * ActiveTracker for NestJS. `ActiveTrackerModule.forRoot({ ... })` or `.forRootAsync({ imports,
 * inject, useFactory })`; global by default so `ActiveTracker` can be injected anywhere.
 */
@Module({ providers, exports: [ActiveTracker, EntryRepository, ACTIVE_TRACKER_RUNTIME, ACTIVE_TRACKER_OPTIONS] })
export class ActiveTrackerModule extends ActiveTrackerConfigurableModule implements NestModule {
  constructor(@Inject(ACTIVE_TRACKER_RUNTIME) private readonly runtime: TrackerRuntime) {
    super();
  }

  /** No middleware: the hook on the HTTP adapter is installed here, before routes are registered. */
  configure(_consumer: MiddlewareConsumer): void {
    this.runtime.installHttp();
  }
}
