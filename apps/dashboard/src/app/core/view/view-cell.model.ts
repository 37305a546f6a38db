import type { ViewFormat } from '@active-tracker/nestjs/contracts';
import { formatBytes } from '../../shared/format/bytes.format';
import { formatDuration } from '../../shared/format/duration.format';
import { formatAbsoluteTime } from '../../shared/format/time.format';
import { Tone, statusTone, wordTone } from '../../shared/format/tone.util';

/**
 * A value formatted for display, as plain data: what `at-view-cell` draws. `time` keeps the ISO
 * instant (lists show it relative, details absolute); badges carry their tone.
 */
export type ViewCell =
  { kind: 'text' | 'code' | 'number'; text: string } | { kind: 'badge'; text: string; tone: Tone } | { kind: 'time'; iso: string; text: string };

/** Any value as text: strings as they are, objects as JSON (never "[object Object]"). */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

/** A number, or a string holding one (family summaries keep scalars as strings); else null. */
export function numeric(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(value.trim())) return Number(value);
  return null;
}

/** An ISO instant from an ISO string or epoch milliseconds; null when it is neither. */
export function instant(value: unknown): string | null {
  const ms = typeof value === 'number' ? value : typeof value === 'string' && value ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/**
 * `value` formatted as `format` says; null for nothing to show (absent, null, empty string).
 * A value that does not fit its format (text in a duration column) is shown as text, not hidden.
 */
export function formatCell(value: unknown, format: ViewFormat = 'text'): ViewCell | null {
  if (value === undefined || value === null || value === '') return null;
  const text = (): ViewCell => ({ kind: 'text', text: toText(value) });
  switch (format) {
    case 'number': {
      const n = numeric(value);
      return n === null ? text() : { kind: 'number', text: n.toLocaleString('en-US') };
    }
    case 'duration': {
      const n = numeric(value);
      return n === null ? text() : { kind: 'number', text: formatDuration(n) };
    }
    case 'bytes': {
      const n = numeric(value);
      return n === null ? text() : { kind: 'number', text: formatBytes(n) };
    }
    case 'status': {
      const n = numeric(value);
      return { kind: 'badge', text: toText(value), tone: n === null ? wordTone(toText(value)) : statusTone(n) };
    }
    case 'time': {
      const iso = instant(value);
      return iso ? { kind: 'time', iso, text: formatAbsoluteTime(iso) } : text();
    }
    case 'badge':
      return { kind: 'badge', text: toText(value), tone: wordTone(toText(value)) };
    case 'code':
      return { kind: 'code', text: toText(value) };
    default:
      return text();
  }
}
