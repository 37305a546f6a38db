/**
 * State of one hook into Nest internals (shown in `api/stats`): installed, not needed (no plugin
 * asked for it, or the module is disabled), or unavailable in this Nest version with the reason.
 */
export type HookState = 'installed' | 'not needed' | `unavailable: ${string}`;

/** The Nest internals a plugin can ask for (`ActiveTrackerPlugin.requires`). */
export type NestHook = 'route-handlers' | 'exceptions' | 'logger';
