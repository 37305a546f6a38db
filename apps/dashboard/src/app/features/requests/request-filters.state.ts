import type { Entry, RequestEntryContent } from '@active-tracker/nestjs/contracts';
import type { ActiveFilter } from '../../shared/filter-bar/filter-bar.model';

/**
 * The request list's own filters as they live in the URL (`method`, `path`, `status`, `duration`)
 * next to the common `q` and `tag`. Pure: the URL, the chips, the API query (`GET entries` takes
 * `method`, `path`, `status`, `minDurationMs`) and the live banner's matching all agree.
 */
export interface RequestFilters {
  /** Upper-case HTTP method, e.g. `GET`. */
  method: string | null;
  /** Path fragment, matched as a substring. */
  path: string | null;
  /** An exact status (`500`) or a class (`5xx`). */
  status: string | null;
  /** Minimum duration in ms (`>500ms` in the URL). */
  minDurationMs: number | null;
  /** A route's family hash (the overview's slowest routes link here with it). */
  family: string | null;
  /** Parameters that could not be read, e.g. `status "abc" is not a status such as 500 or 5xx`. */
  problems: string[];
}

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** `500` or `5xx`, normalized (`5XX` → `5xx`), else null. */
export function parseStatusFilter(text: string | null | undefined): string | null {
  const value = (text ?? '').trim().toLowerCase();
  if (/^[1-5]\d\d$/.test(value)) return value;
  if (/^[1-5]xx$/.test(value)) return value;
  return null;
}

const UNIT_MS: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000 };

/**
 * A minimum duration typed as `>500ms`, `>= 1.5s`, `500`, `2m` (ms when no unit) in ms, else null.
 * Negative values, other units and other comparisons (`<`) are not minimums.
 */
export function parseDurationFilter(text: string | null | undefined): number | null {
  const match = /^(?:>=?)?\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?$/i.exec((text ?? '').trim());
  if (!match) return null;
  const ms = Number(match[1]) * UNIT_MS[(match[2] ?? '').toLowerCase()];
  return Number.isFinite(ms) ? Math.round(ms) : null;
}

/** How a minimum duration is written in the URL and on its chip: `>500ms`, `>1.5s`. */
export function formatDurationFilter(ms: number): string {
  return ms >= 1000 && ms % 100 === 0 ? `>${ms / 1000}s` : `>${ms}ms`;
}

/** The filters from the query parameters (values other than strings count as absent). */
export function readRequestFilters(params: { method?: unknown; path?: unknown; status?: unknown; duration?: unknown; family?: unknown }): RequestFilters {
  const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
  const problems: string[] = [];
  const rawMethod = text(params.method).toUpperCase();
  const method = /^[A-Z]{1,10}$/.test(rawMethod) ? rawMethod : null;
  if (rawMethod && !method) problems.push(`method "${text(params.method)}" is not an HTTP method`);
  const rawStatus = text(params.status);
  const status = parseStatusFilter(rawStatus);
  if (rawStatus && !status) problems.push(`status "${rawStatus}" is not a status such as 500, 5xx or 4xx`);
  const rawDuration = text(params.duration);
  const minDurationMs = parseDurationFilter(rawDuration);
  if (rawDuration && minDurationMs === null) problems.push(`duration "${rawDuration}" is not a minimum such as >500ms or >1s`);
  return { method, path: text(params.path) || null, status, minDurationMs, family: text(params.family) || null, problems };
}

/** What `GET entries` takes for these filters (absent ones left out). */
export function requestFilterParams(filters: RequestFilters): {
  method?: string;
  path?: string;
  status?: string;
  minDurationMs?: number;
  family?: string;
} {
  return {
    ...(filters.family ? { family: filters.family } : {}),
    ...(filters.method ? { method: filters.method } : {}),
    ...(filters.path ? { path: filters.path } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.minDurationMs !== null ? { minDurationMs: filters.minDurationMs } : {}),
  };
}

/** The removable chips; each chip's key is the query parameter it removes. */
export function requestFilterChips(filters: RequestFilters): ActiveFilter[] {
  const chips: ActiveFilter[] = [];
  if (filters.family) chips.push({ key: 'family', label: 'route', value: filters.family });
  if (filters.method) chips.push({ key: 'method', label: 'method', value: filters.method });
  if (filters.path) chips.push({ key: 'path', label: 'path', value: filters.path });
  if (filters.status) chips.push({ key: 'status', label: 'status', value: filters.status });
  if (filters.minDurationMs !== null) chips.push({ key: 'duration', label: 'duration', value: formatDurationFilter(filters.minDurationMs) });
  return chips;
}

/** True when `status` is `filter` (`500`) or in its class (`5xx`). */
export function statusMatches(status: number, filter: string): boolean {
  return filter.endsWith('xx') ? Math.floor(status / 100) === Number(filter[0]) : status === Number(filter);
}

/**
 * Whether a request entry passes the filters, as far as the browser can tell: used to count what
 * the live stream brings (the server decides what a reload shows).
 */
export function requestMatches(entry: Pick<Entry, 'content' | 'durationMs' | 'familyHash'>, filters: RequestFilters): boolean {
  const c = entry.content as Partial<RequestEntryContent>;
  if (filters.family && entry.familyHash !== filters.family) return false;
  if (filters.method && String(c.method ?? '').toUpperCase() !== filters.method) return false;
  if (
    filters.path &&
    !String(c.path ?? c.url ?? '')
      .toLowerCase()
      .includes(filters.path.toLowerCase())
  )
    return false;
  if (filters.status && !(typeof c.status === 'number' && statusMatches(c.status, filters.status))) return false;
  if (filters.minDurationMs !== null && !((entry.durationMs ?? -1) >= filters.minDurationMs)) return false;
  return true;
}
