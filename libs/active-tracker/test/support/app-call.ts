import { displayPath, parseStack } from '../../src/entries/stack-frames.js';

/**
 * Calls `fn` from a frame outside the tracker's sources. Specs under `libs/active-tracker/src` are
 * the tracker's own files to the stack rules (never an app frame), so a capture spec that checks
 * "the first application frame" issues its call through here and expects `APP_CALL_LOCATION`.
 */
export function fromApp<T>(fn: () => T): T {
  return fn();
}

/** The same from another place of the "app" (`OTHER_APP_CALL_LOCATION`). */
export function fromOtherApp<T>(fn: () => T): T {
  return fn();
}

/** `<this file>:<line>` of the call in `caller`, read from a stack trace as V8 prints it here (source-mapped exactly when the tracker's locations are). */
function callLocation(caller: (fn: () => string) => string, name: string): string {
  return caller(() => {
    const frame = parseStack(new Error().stack).find((f) => f.function === name);
    return `${displayPath(frame?.file ?? null)}:${frame?.line}`;
  });
}

/** `libs/active-tracker/test/support/app-call.ts:<line>` of the call in `fromApp`. */
export const APP_CALL_LOCATION: string = callLocation(fromApp, 'fromApp');
/** The same for `fromOtherApp`. */
export const OTHER_APP_CALL_LOCATION: string = callLocation(fromOtherApp, 'fromOtherApp');
