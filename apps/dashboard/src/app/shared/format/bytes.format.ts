const UNITS = ['B', 'KB', 'MB', 'GB'];

/** Byte counts as `512 B`, `1.4 KB`; signed when asked (memory deltas: `+2.1 MB`); `—` for none. */
export function formatBytes(bytes: number | null | undefined, signed = false): string {
  if (bytes === null || bytes === undefined || Number.isNaN(bytes)) return '—';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
  const sign = bytes < 0 ? '−' : signed && bytes > 0 ? '+' : '';
  return sign + text;
}
