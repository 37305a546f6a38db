import { LOG_LEVELS } from '../contracts/log-level.js';
import { withoutCiphertext } from '../entries/encrypted-value.js';
import type { Entry } from '../entries/entry.js';
import type { EntryFilter } from './entry-repository.js';
import type { IndexRef } from './entry-query.js';

/**
 * The one implementation of entry filters: what `list` checks on the entries of the index it
 * walks, and what the live stream checks on each new entry, so a list and its stream agree.
 */

/** A test of one parsed entry. */
export type EntryCheck = (entry: Entry) => boolean;

/** `content.status` tests: '500' exactly, '5xx' a class. Invalid text matches nothing. */
export function statusCheck(status: string): (code: unknown) => boolean {
  const cls = /^([1-5])xx$/i.exec(status);
  if (cls) {
    const base = Number(cls[1]) * 100;
    return (code) => typeof code === 'number' && code >= base && code < base + 100;
  }
  const exact = /^\d{3}$/.test(status) ? Number(status) : NaN;
  return (code) => code === exact;
}

/**
 * Checks of the parsed entry for every filter except `q` (a text test, see textCheck), leaving
 * out what `index` already guarantees. Empty when nothing is left to check.
 */
export function entryChecks(filter: EntryFilter, index?: IndexRef): EntryCheck[] {
  const checks: EntryCheck[] = [];
  if (filter.batch && index?.kind !== 'batch') checks.push((e) => e.batchId === filter.batch);
  if (filter.family && index?.kind !== 'family') checks.push((e) => e.familyHash === filter.family);
  for (const tag of filter.tags ?? []) {
    if (index?.kind === 'tag' && index.key === tag.key && index.value === tag.value) continue;
    checks.push((e) => e.tags != null && Object.hasOwn(e.tags, tag.key) && e.tags[tag.key] === tag.value);
  }
  if (filter.type && index?.kind !== 'type') checks.push((e) => e.type === filter.type);
  if (filter.method) {
    const method = filter.method.toUpperCase();
    checks.push((e) => typeof e.content?.method === 'string' && e.content.method.toUpperCase() === method);
  }
  if (filter.path) {
    const part = filter.path;
    checks.push((e) => {
      const where = typeof e.content?.path === 'string' ? e.content.path : e.content?.url;
      return typeof where === 'string' && where.includes(part);
    });
  }
  if (filter.status) {
    const matches = statusCheck(filter.status);
    checks.push((e) => matches(e.content?.status));
  }
  if (filter.minDurationMs !== undefined) {
    const min = filter.minDurationMs;
    checks.push((e) => typeof e.durationMs === 'number' && e.durationMs >= min);
  }
  if (filter.level) {
    const allowed = new Set<unknown>(LOG_LEVELS.slice(LOG_LEVELS.indexOf(filter.level)));
    checks.push((e) => allowed.has(e.content?.level));
  }
  return checks;
}

/**
 * A test of the stored JSON that every match passes (a cheap first cut before parsing): the `q`
 * text outside ciphertext, and a `path` that JSON writes as is. Null when there is none.
 */
export function textCheck(filter: EntryFilter): ((json: string) => boolean) | null {
  const needle = filter.q ? filter.q.toLowerCase() : '';
  // JSON escapes quotes, backslashes and control characters: only a plain path appears verbatim.
  const path = filter.path && /^[\x20-\x7e]*$/.test(filter.path) && !/["\\]/.test(filter.path) ? filter.path : '';
  if (!needle && !path) return null;
  return (json) => (!path || json.includes(path)) && (!needle || withoutCiphertext(json).toLowerCase().includes(needle));
}

/** The whole filter as a test of a parsed entry (the live stream's). */
export function entryMatcher(filter: EntryFilter): EntryCheck {
  const checks = entryChecks(filter);
  const text = filter.q ? textCheck({ q: filter.q }) : null;
  return (entry) => checks.every((check) => check(entry)) && (!text || text(JSON.stringify(entry)));
}
