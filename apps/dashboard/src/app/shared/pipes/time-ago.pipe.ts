import { Pipe, PipeTransform } from '@angular/core';

const UNITS: ReadonlyArray<[limitSeconds: number, divisor: number, unit: string]> = [
  [60, 1, 's'],
  [3600, 60, 'm'],
  [86400, 3600, 'h'],
  [86400 * 30, 86400, 'd'],
  [86400 * 365, 86400 * 30, 'mo'],
  [Infinity, 86400 * 365, 'y'],
];

/**
 * Compact relative time: `just now`, `12s ago`, `3h ago`. Pure: pass the current time (a clock
 * signal) as the argument so the text refreshes when the clock ticks.
 */
@Pipe({ name: 'timeAgo' })
export class TimeAgoPipe implements PipeTransform {
  transform(iso: string | null | undefined, now: number = Date.now()): string {
    if (!iso) return '—';
    const at = Date.parse(iso);
    if (Number.isNaN(at)) return iso;
    const seconds = Math.round((now - at) / 1000);
    // Negative values are clock skew between server and browser: still "just now".
    if (seconds < 2) return 'just now';
    for (const [limit, divisor, unit] of UNITS) {
      if (seconds < limit) return `${Math.floor(seconds / divisor)}${unit} ago`;
    }
    return iso;
  }
}
