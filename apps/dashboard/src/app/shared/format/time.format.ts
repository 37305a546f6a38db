const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Local date and time with milliseconds, `2025-01-31 14:05:09.123`: unambiguous and sortable. */
export function formatAbsoluteTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  );
}
