import type { LogLevel } from '@active-tracker/nestjs/contracts';

/**
 * The log list's level filter (`?level=warn`): logs at that level and above, searched on the
 * server (`GET entries?level=`). Pure: the URL, the API query and the live banner agree.
 */

/** Nest's levels, least severe first. */
export const LEVEL_ORDER: readonly LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];

/** The choices offered, most severe first. */
export const LEVEL_CHOICES: readonly LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug'];

/** A level from the URL (any case), or null. */
export function readLevel(raw: unknown): LogLevel | null {
  const value = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  return (LEVEL_ORDER as readonly string[]).includes(value) ? (value as LogLevel) : null;
}

/** True when `level` is `min` or more severe; unknown levels pass nothing. */
export function levelAtLeast(level: unknown, min: LogLevel): boolean {
  const index = LEVEL_ORDER.indexOf(String(level).toLowerCase() as LogLevel);
  return index >= 0 && index >= LEVEL_ORDER.indexOf(min);
}
