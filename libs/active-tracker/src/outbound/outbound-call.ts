import type { HttpClientEntryContent } from '../contracts/entries.js';
import { matchesFilter, type StringFilter } from '../plugins/filter-match.js';

/**
 * Helpers shared by every plugin that watches outbound calls (outbound HTTP, LLM interactions):
 * the tracker's own-request header, URL filters, undici header access, error descriptions.
 */

/** Requests carrying this header are the tracker's own and never recorded. */
export const INTERNAL_REQUEST_HEADER = 'x-activetracker-internal';

/** Whether `filters` exclude a call to the (redacted) `url`, whose host is `host`: a string matches a URL it starts or a host it equals, a RegExp is tested on the URL. */
export function isFilteredCall(filters: readonly StringFilter[], url: string, host: string): boolean {
  for (const filter of filters) if (matchesFilter(filter, url, 'prefix') || filter === host) return true;
  return false;
}

export type Listener = (message: unknown, name: string | symbol) => void;

/** diagnostics_channel rethrows subscriber errors on the next tick (an uncaught exception): never let one escape. */
export function guard(fn: (message: any) => void): Listener {
  return (message) => {
    try {
      fn(message);
    } catch {
      /* capture never harms the host */
    }
  };
}

export function describeError(error: unknown): NonNullable<HttpClientEntryContent['error']> {
  if (error !== null && typeof error === 'object') {
    const e = error as { name?: unknown; message?: unknown; code?: unknown; cause?: { code?: unknown } };
    const out: NonNullable<HttpClientEntryContent['error']> = {
      name: typeof e.name === 'string' ? e.name : (error.constructor?.name ?? 'Error'),
      message: typeof e.message === 'string' ? e.message : String(error),
    };
    const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : undefined;
    if (code) out.code = code;
    return out;
  }
  return { name: 'Error', message: String(error) };
}

/** undici request headers: a flat [name, value, ...] array (undici 6/7) or a raw "name: value\r\n" string (older). */
export function hasUndiciHeader(headers: unknown, name: string): boolean {
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i++) {
      const item = headers[i];
      if (Array.isArray(item)) {
        if (String(item[0]).toLowerCase() === name) return true;
      } else if (i % 2 === 0 && String(item).toLowerCase() === name) return true;
    }
    return false;
  }
  if (typeof headers === 'string') {
    const lower = headers.toLowerCase();
    return lower.startsWith(`${name}:`) || lower.includes(`\n${name}:`);
  }
  return false;
}

/** A response header from undici's flat [name, value, ...] array of Buffers/strings. */
export function undiciHeader(headers: unknown, name: string): string | undefined {
  if (!Array.isArray(headers)) return undefined;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
  }
  return undefined;
}

export function toSize(value: unknown): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw === null || raw === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

export function hostOf(origin: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#]*@)?([^/?#]*)/i.exec(origin);
  return m ? m[1] : origin;
}
