let second = NaN;
let prefix = '';

/**
 * `new Date(ms).toISOString()` with the part up to the second remembered: under load, entries and
 * log lines of many requests share a second, and formatting a whole date costs more than the rest
 * of a log line. Times of any second (past or future) are still formatted exactly.
 */
export function isoTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s !== second) {
    const full = new Date(ms).toISOString();
    // Years beyond 9999 change the format's width: leave those to Date.
    if (full.length !== 24) return full;
    second = s;
    prefix = full.slice(0, 20);
  }
  const millis = ms - s * 1000;
  return prefix + (millis < 10 ? '00' : millis < 100 ? '0' : '') + millis + 'Z';
}
