import { encodeTime } from 'ulid';
import type { Entry } from '../entries/entry.js';
import type { EntryPage, EntryQuery } from './entry-repository.js';
import { entryChecks, textCheck } from './entry-filter.js';

/**
 * Shared by both repositories so they answer every query identically: index choice, residual
 * filters, the bounded scans in both directions, limits and the retention cutoff.
 */

/** Largest page `list`/`families` return, whatever `limit` asks for. */
export const MAX_PAGE_SIZE = 1000;
/** Largest number of entries `batch()` returns. */
export const MAX_BATCH_SIZE = 1000;
/** Ids loaded per round when a page needs filtering (q or a filter not served by the index). */
export const SCAN_CHUNK = 200;
/** A filtered page examines at most this many ids, then hands back a cursor to continue. */
export const MAX_SCANNED = 5000;
/** Length of a ULID. */
export const ULID_LENGTH = 26;

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

export function selectIndex(query: Omit<EntryQuery, 'limit'>): IndexRef {
  if (query.batch) return { kind: 'batch', batchId: query.batch };
  if (query.family) return { kind: 'family', familyHash: query.family };
  const tag = query.tags?.[0];
  if (tag) return { kind: 'tag', key: tag.key, value: tag.value };
  if (query.type) return { kind: 'type', type: query.type };
  return { kind: 'all' };
}

/** Parses a stored entry; a corrupt or foreign value is treated as missing. */
export function parseEntry(json: string): Entry | null {
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && typeof (value as Entry).id === 'string' ? (value as Entry) : null;
  } catch {
    return null;
  }
}

/**
 * Returns the parsed entry when the stored JSON passes the filters the chosen index does not
 * already guarantee, null otherwise. `q` is tested on the raw JSON (without ciphertext) first.
 */
export type RowMatcher = (json: string) => Entry | null;

/** Builds the matcher for the filters left over after choosing `index`; null when none are left. */
export function residualMatcher(query: Omit<EntryQuery, 'limit'>, index: IndexRef): RowMatcher | null {
  const text = textCheck(query);
  const checks = entryChecks(query, index);
  if (!text && checks.length === 0) return null;
  return (json) => {
    if (text && !text(json)) return null;
    const entry = parseEntry(json);
    return entry && checks.every((check) => check(entry)) ? entry : null;
  };
}

/** Where a scan reads from: ids of one index in either direction, and the stored JSON of ids. */
export interface IndexSource {
  /** Up to `count` ids strictly older than `before` (all when undefined), newest first. */
  ids(before: string | undefined, count: number): Promise<string[]> | string[];
  /** Up to `count` ids strictly newer than `after`, oldest first. */
  idsAfter(after: string, count: number): Promise<string[]> | string[];
  /** Stored JSON per id, null for an id whose entry is gone (expired or evicted). */
  load(ids: string[]): Promise<(string | null)[]> | (string | null)[];
}

/**
 * One page over one index, newest first (`before`) or oldest first (`after`). Unfiltered: reads
 * exactly the ids it needs (+1 to learn whether more exist, so `next` is null on the last page).
 * Filtered: reads chunks of SCAN_CHUNK ids and stops when the page is full or after MAX_SCANNED
 * ids; `next` is then the last examined id so the caller can continue, and null only when the
 * index is exhausted.
 */
export async function scanPage(source: IndexSource, query: EntryQuery): Promise<EntryPage> {
  const limit = clampLimit(query.limit);
  const matcher = residualMatcher(query, selectIndex(query));
  const forward = query.after !== undefined && query.after !== '';
  const data: Entry[] = [];
  let cursor: string | undefined = (forward ? query.after : query.before) || undefined;
  let examined = 0;
  while (examined < MAX_SCANNED) {
    const budget = MAX_SCANNED - examined;
    const want = Math.min(budget, matcher ? SCAN_CHUNK : limit - data.length);
    const ids = forward ? await source.idsAfter(cursor!, want + 1) : await source.ids(cursor, want + 1);
    const rows = await source.load(ids.slice(0, want));
    for (let i = 0; i < rows.length; i++) {
      examined++;
      cursor = ids[i];
      const json = rows[i];
      if (json === null) continue;
      const entry = matcher ? matcher(json) : parseEntry(json);
      if (!entry) continue;
      data.push(entry);
      if (data.length === limit) {
        // Forward pages always hand back a cursor: newer entries may still be written.
        return { data, next: forward || i < ids.length - 1 ? cursor : null };
      }
    }
    if (ids.length <= want) return { data, next: forward ? (cursor ?? query.after ?? null) : null };
  }
  // Scan budget spent with more ids left: hand back where to continue.
  return { data, next: cursor ?? null };
}

/** Entries matching a filter, newest first, page by page: what `scan()` of both stores yields. */
export async function* scanAll(list: (query: EntryQuery) => Promise<EntryPage>, query: Omit<EntryQuery, 'limit' | 'after'>): AsyncGenerator<Entry> {
  let before = query.before;
  for (;;) {
    const page = await list({ ...query, before, limit: SCAN_CHUNK });
    yield* page.data;
    if (page.next === null || page.next === before) return;
    before = page.next;
  }
}

/** Position of a family in its type's "most recently seen" order (also the cursor): newest id + hash. */
export function familyOrderKey(lastEntryId: string, familyHash: string): string {
  return lastEntryId + familyHash;
}
