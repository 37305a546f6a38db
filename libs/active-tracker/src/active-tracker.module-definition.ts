import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ActiveTrackerModuleOptions } from './active-tracker.options.js';

/**
 * `forRoot(options)` / `forRootAsync({ imports, inject, useFactory })`, global by default so the
 * `ActiveTracker` service can be injected anywhere.
 */
export const {
  ConfigurableModuleClass: ActiveTrackerConfigurableModule,
  MODULE_OPTIONS_TOKEN: ACTIVE_TRACKER_MODULE_OPTIONS,
  OPTIONS_TYPE: ACTIVE_TRACKER_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ACTIVE_TRACKER_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ActiveTrackerModuleOptions>({ moduleName: 'ActiveTracker' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
