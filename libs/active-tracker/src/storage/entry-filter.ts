import { encodeTime } from 'ulid';
import { Entry } from '../entries/entry.js';
import { EntryPage, EntryQuery } from './entry-repository.js';

/**
 * Shared by both repositories so they answer every query identically: index choice, residual
 * filters, the bounded newest-first scan, limits, the retention cutoff and family summaries.
 */

/** Largest page `list`/`families` return, whatever `limit` asks for. */
export const MAX_PAGE_SIZE = 1000;
/** Largest number of entries `batch()` returns. */
export const MAX_BATCH_SIZE = 1000;
/** Ids loaded per round when a page needs filtering (q or a filter not served by the index). */
export const SCAN_CHUNK = 200;
/** A filtered page examines at most this many ids, then hands back a cursor to continue. */
export const MAX_SCANNED = 5000;

/** Clamps a requested page size to 1..MAX_PAGE_SIZE. */
export function clampLimit(limit: number): number {
  const n = Math.floor(Number(limit));
  if (!Number.isFinite(n) || n < 1) return 1;
  return Math.min(n, MAX_PAGE_SIZE);
}

/**
 * The smallest ULID whose time part is `now - maxAgeMs`: ids sorting before it are past retention.
 * ULIDs are 10 time chars + 16 random chars, so padding the time with '0' gives the lower bound.
 */
export function retentionCutoffId(maxAgeMs: number, now = Date.now()): string {
  return encodeTime(Math.max(0, Math.floor(now - maxAgeMs)), 10) + '0'.repeat(16);
}

/** The index a query walks. Most selective first: batch > family > tag > type > all. */
export type IndexRef =
  | { kind: 'batch'; batchId: string }
  | { kind: 'family'; familyHash: string }
  | { kind: 'tag'; key: string; value: string }
  | { kind: 'type'; type: string }
  | { kind: 'all' };

export function selectIndex(query: EntryQuery): IndexRef {
  if (query.batch) return { kind: 'batch', batchId: query.batch };
  if (query.family) return { kind: 'family', familyHash: query.family };
  if (query.tag) return { kind: 'tag', key: query.tag.key, value: query.tag.value };
  if (query.type) return { kind: 'type', type: query.type };
  return { kind: 'all' };
}

/** Parses a stored entry; a corrupt or foreign value is treated as missing. */
export function parseEntry(json: string): Entry | null {
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && typeof (value as Entry).id === 'string'
      ? (value as Entry)
      : null;
  } catch {
    return null;
  }
}

/**
 * Returns the parsed entry when the stored JSON passes the filters the chosen index does not
 * already guarantee, null otherwise. `q` is tested on the raw JSON before parsing (cheap reject).
 */
export type RowMatcher = (json: string) => Entry | null;

/** Builds the matcher for the filters left over after choosing `index`; null when none are left. */
export function residualMatcher(query: EntryQuery, index: IndexRef): RowMatcher | null {
  const needle = query.q ? query.q.toLowerCase() : '';
  const checks: Array<(e: Entry) => boolean> = [];
  if (query.batch && index.kind !== 'batch') checks.push((e) => e.batchId === query.batch);
  if (query.family && index.kind !== 'family') checks.push((e) => e.familyHash === query.family);
  if (query.tag && index.kind !== 'tag') {
    const { key, value } = query.tag;
    checks.push((e) => e.tags != null && Object.hasOwn(e.tags, key) && e.tags[key] === value);
  }
  if (query.type && index.kind !== 'type') checks.push((e) => e.type === query.type);
  if (!needle && checks.length === 0) return null;
  return (json) => {
    if (needle && !json.toLowerCase().includes(needle)) return null;
    const entry = parseEntry(json);
    return entry && checks.every((check) => check(entry)) ? entry : null;
  };
}

/** Where a scan reads from: ids of one index newest-first, and the stored JSON of ids. */
export interface IndexSource {
  /** Up to `count` ids strictly older than `before` (all when undefined), newest first. */
  ids(before: string | undefined, count: number): Promise<string[]> | string[];
  /** Stored JSON per id, null for an id whose entry is gone (expired or evicted). */
  load(ids: string[]): Promise<(string | null)[]> | (string | null)[];
}

/**
 * Newest-first page over one index. Unfiltered: reads exactly the ids it needs (+1 to learn
 * whether older ones exist, so `next` is null on the last page). Filtered: reads chunks of
 * SCAN_CHUNK ids and stops when the page is full or after MAX_SCANNED ids; `next` is then the last
 * examined id so the caller can continue, and null only when the index is exhausted.
 */
export async function scanNewestFirst(source: IndexSource, query: EntryQuery): Promise<EntryPage> {
  const limit = clampLimit(query.limit);
  const matcher = residualMatcher(query, selectIndex(query));
  const data: Entry[] = [];
  let before = query.before || undefined;
  let examined = 0;
  while (examined < MAX_SCANNED) {
    const budget = MAX_SCANNED - examined;
    const want = Math.min(budget, matcher ? SCAN_CHUNK : limit - data.length);
    const ids = await source.ids(before, want + 1);
    const rows = await source.load(ids.slice(0, want));
    for (let i = 0; i < rows.length; i++) {
      examined++;
      before = ids[i];
      const json = rows[i];
      if (json === null) continue;
      const entry = matcher ? matcher(json) : parseEntry(json);
      if (!entry) continue;
      data.push(entry);
      if (data.length === limit) return { data, next: i < ids.length - 1 ? before : null };
    }
    if (ids.length <= want) return { data, next: null };
  }
  // Scan budget spent with older ids left: hand back where to continue.
  return { data, next: before ?? null };
}

/** Longest value copied into a family summary. */
const SUMMARY_VALUE_MAX = 300;
/** Most fields copied into a family summary. */
const SUMMARY_FIELDS_MAX = 20;

/**
 * Summary fields of a family, copied from its newest entry: the scalar (string, number, boolean)
 * top-level `content` fields, strings truncated. Plugins that want a field in family lists (class,
 * message, location, sql, ...) therefore put it at the top level of `content` as a scalar.
 */
export function familySummary(entry: Entry): Record<string, string> {
  const summary: Record<string, string> = {};
  let fields = 0;
  for (const [key, value] of Object.entries(entry.content ?? {})) {
    if (fields >= SUMMARY_FIELDS_MAX) break;
    if (typeof value === 'string') summary[key] = value.slice(0, SUMMARY_VALUE_MAX);
    else if (typeof value === 'number' || typeof value === 'boolean') summary[key] = String(value);
    else continue;
    fields++;
  }
  return summary;
}

/** Entries of one family within one `save` call, reduced to what the aggregate needs. */
export interface FamilyDelta {
  type: string;
  familyHash: string;
  count: number;
  /** Oldest entry (smallest id) of the family in this save. */
  oldest: Entry;
  /** Newest entry (largest id) of the family in this save. */
  newest: Entry;
}

/** Groups the entries of one save by (type, familyHash), so each family is updated once. */
export function familyDeltas(entries: readonly Entry[]): FamilyDelta[] {
  const byFamily = new Map<string, FamilyDelta>();
  for (const entry of entries) {
    if (!entry.familyHash) continue;
    const key = `${entry.type}\u0000${entry.familyHash}`;
    const delta = byFamily.get(key);
    if (!delta) {
      byFamily.set(key, { type: entry.type, familyHash: entry.familyHash, count: 1, oldest: entry, newest: entry });
      continue;
    }
    delta.count++;
    if (entry.id < delta.oldest.id) delta.oldest = entry;
    if (entry.id > delta.newest.id) delta.newest = entry;
  }
  return [...byFamily.values()];
}

/**
 * Position of a family in its type's "most recently seen first" order, also used as the paging
 * cursor: the newest entry id (fixed-width ULID, so it sorts by time) followed by the family hash.
 */
export function familyOrderKey(lastEntryId: string, familyHash: string): string {
  return lastEntryId + familyHash;
}

/** Length of a ULID, the prefix of a family order key. */
export const ULID_LENGTH = 26;
