import type { ResolvedActiveTrackerOptions } from '../active-tracker.options.js';
import type { NestHookStates } from '../active-tracker.runtime.js';
import { installLoggerCapture } from '../context/logger-capture.js';
import { installExceptionHook } from './exception-hook.js';
import type { NestHook } from './hook-state.js';
import { installRouteHook } from './route-hook.js';

/**
 * Installs the hooks into Nest internals that the configured plugins ask for (`requires`), and
 * nothing when the module is disabled. Runs while the module is created, so the route hook is in
 * place before the app registers its routes.
 */
export async function installNestHooks(options: ResolvedActiveTrackerOptions): Promise<NestHookStates> {
  const wanted = new Set<NestHook>(options.enabled ? options.plugins.flatMap((p) => p.requires ?? []) : []);
  return {
    'route-handlers': wanted.has('route-handlers') ? await installRouteHook() : 'not needed',
    exceptions: wanted.has('exceptions') ? await installExceptionHook() : 'not needed',
    logger: wanted.has('logger') ? (installLoggerCapture(), 'installed') : 'not needed',
  };
}
