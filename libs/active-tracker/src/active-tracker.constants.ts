/** Resolved options (`ResolvedActiveTrackerOptions`). */
export const ACTIVE_TRACKER_OPTIONS = Symbol.for('ACTIVE_TRACKER:OPTIONS');
/** The running tracker (recorder, repository, plugins) of this module instance. */
export const ACTIVE_TRACKER_RUNTIME = Symbol.for('ACTIVE_TRACKER:RUNTIME');
/** The bus the tracker publishes on and records from (the process-wide `notifications` by default). */
export const ACTIVE_TRACKER_BUS = Symbol.for('ACTIVE_TRACKER:BUS');
