/** Resolved options (`ResolvedActiveTrackerOptions`). */
export const ACTIVE_TRACKER_OPTIONS = Symbol.for('ACTIVE_TRACKER:OPTIONS');
/** The running tracker (recorder, repository, plugins) of this module instance. */
export const ACTIVE_TRACKER_RUNTIME = Symbol.for('ACTIVE_TRACKER:RUNTIME');
/** The state of the hooks into Nest internals, installed while the module is created. */
export const ACTIVE_TRACKER_NEST_HOOKS = Symbol.for('ACTIVE_TRACKER:NEST_HOOKS');
