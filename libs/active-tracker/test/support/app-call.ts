import { displayPath, parseStack } from '../../src/entries/stack-frames.js';

/**
 * Calls `fn` from a frame outside the tracker's sources. Specs under `libs/active-tracker/src` are
 * the tracker's own files to the stack rules (never an app frame), so a capture spec that checks
 * "the first application frame" issues its call through here and expects `APP_CALL_LOCATION`.
 */
export function fromApp<T>(fn: () => T): T {
  return fn();
}

/**
 * `libs/active-tracker/test/support/app-call.ts:<line>` of the call in `fromApp`, read from a stack
 * trace as V8 prints it here (so source-mapped exactly when the tracker's locations are).
 */
export const APP_CALL_LOCATION: string = fromApp(() => {
  const frame = parseStack(new Error().stack).find((f) => f.function === 'fromApp');
  return `${displayPath(frame?.file ?? null)}:${frame?.line}`;
});
