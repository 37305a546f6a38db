import type { Entry, EntryFamily } from '../entries/entry.js';
import type { CounterQuery, CounterSeries } from './counters.js';
import type { PreparedEntry } from './prepared-entry.js';
import type { LogLevel } from '../contracts/log-level.js';

/** One tag condition: entries whose tag `key` equals `value`. */
export interface TagFilter {
  key: string;
  value: string;
}

/**
 * Filters of entries, for pages (`list`) and the live stream. Every field is optional and they
 * combine with AND. `type`, the first tag, `family` and `batch` are served by an index; the others
 * are checked on the entries of that index (a bounded scan, see `list`).
 */
export interface EntryFilter {
  type?: string;
  /** Every one of these tags (AND). */
  tags?: readonly TagFilter[];
  family?: string;
  batch?: string;
  /** Case-insensitive substring searched in the entry's JSON, never in encrypted fields. */
  q?: string;
  /** `content.method`, case-insensitive (requests, outbound calls). */
  method?: string;
  /** Case-sensitive substring of `content.path` (requests), else of `content.url` (outbound calls). */
  path?: string;
  /** `content.status`: an exact code ('500') or a class ('5xx'). */
  status?: string;
  /** `durationMs` at least this. */
  minDurationMs?: number;
  /** `content.level` at this log level or above ('warn' matches warn, error, fatal). */
  level?: LogLevel;
}

/** A page of entries: filters, a cursor and a size. */
export interface EntryQuery extends EntryFilter {
  /** Newest-first page of entries whose id sorts strictly before this ULID. */
  before?: string;
  /**
   * Oldest-first page of entries whose id sorts strictly after this ULID (live tails). Exclusive
   * with `before`; `next` is then the id to pass as `after` for newer entries.
   */
  after?: string;
  /** Page size (the repository caps it at 1000). */
  limit: number;
}

export interface EntryPage {
  data: Entry[];
  /** Cursor for the next page (older with `before`, newer with `after`), or null when there is none. */
  next: string | null;
}

/** What families can be ordered by (always descending). */
export type FamilyOrder = 'lastSeen' | 'count' | 'total' | 'avg' | 'max' | 'p95';
export const FAMILY_ORDERS: readonly FamilyOrder[] = ['lastSeen', 'count', 'total', 'avg', 'max', 'p95'];

export interface FamilyQuery {
  type: string;
  limit: number;
  /** Descending order; default 'lastSeen' (most recently seen first). */
  orderBy?: FamilyOrder;
  /** Cursor: the `next` of the previous page (for the same orderBy). */
  before?: string;
}

export interface FamilyPage {
  data: EntryFamily[];
  next: string | null;
}

/** Retention of one entry type. */
export interface TypeRetention {
  /** Entries older than this are expired and pruned from indexes. */
  maxAgeMs: number;
  /** Only the newest N entries of the type (and N families) are kept. */
  maxEntriesPerType: number;
}

/** Retention applied by the repository, with optional overrides per entry type. */
export interface RetentionPolicy extends TypeRetention {
  types?: Readonly<Record<string, Partial<TypeRetention>>>;
}

/** Retention of `type` under `policy`. */
export function retentionOf(policy: RetentionPolicy, type: string): TypeRetention {
  const own = policy.types?.[type];
  return {
    maxAgeMs: own?.maxAgeMs ?? policy.maxAgeMs,
    maxEntriesPerType: own?.maxEntriesPerType ?? policy.maxEntriesPerType,
  };
}

/** Longest retention of any type (what type-less reads and shared keys must honour). */
export function longestMaxAge(policy: RetentionPolicy): number {
  let max = policy.maxAgeMs;
  for (const own of Object.values(policy.types ?? {})) if (own?.maxAgeMs && own.maxAgeMs > max) max = own.maxAgeMs;
  return max;
}

/**
 * A change to a stored entry. `content` keys are set (shallow merge; `null` stores null), `tags`
 * keys are set, or removed with `null`; the tag indexes follow.
 */
export interface EntryPatch {
  content?: Record<string, unknown>;
  tags?: Record<string, string | null>;
}

export interface UpdateOptions {
  /** The version the caller read; the update fails with VersionConflictError when it changed. */
  expectedVersion: number;
  /** Who makes the change (user name, API key id...), kept in the audit trail. */
  actor?: string | null;
  comment?: string | null;
}

/** One change of a mutable record, in its append-only audit trail. */
export interface AuditRecord {
  entryId: string;
  /** The version the change produced. */
  version: number;
  at: string;
  actor: string | null;
  comment: string | null;
  /** Previous values of the changed fields: `{ content: {...}, tags: {...} }` (absent = did not exist). */
  from: EntryPatch;
  /** New values of the changed fields. */
  to: EntryPatch;
}

export class EntryNotFoundError extends Error {
  constructor(readonly entryId: string) {
    super(`entry ${entryId} not found`);
    this.name = 'EntryNotFoundError';
  }
}

export class VersionConflictError extends Error {
  constructor(
    readonly entryId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`entry ${entryId} is at version ${actualVersion}, not ${expectedVersion}: it was changed meanwhile`);
    this.name = 'VersionConflictError';
  }
}

/** Sent to subscribers when entries are written (by this process or any other sharing the store). */
export interface WriteNotice {
  entries: Array<{ id: string; type: string; batchId: string | null }>;
}

/**
 * Storage contract v2. Two implementations (Redis, memory) pass the same contract suite
 * (`libs/active-tracker/test/entry-repository.contract.ts`).
 *
 * Invariants: `save` is one round trip and idempotent per entry id (an entry saved twice, by a
 * retry or another instance, is stored and counted once); it maintains every index, family
 * aggregate and counter incrementally. `list` is O(log N + page) except with filters no index
 * serves (`q`, several tags, method, path, status, duration, level): a bounded scan. Nothing
 * ever uses KEYS or an unbounded SCAN. Entries are returned in their stored form (encrypted
 * fields stay encrypted; decoding is the reader's job).
 */
export interface EntryRepository {
  save(entries: readonly PreparedEntry[]): Promise<void>;
  find(id: string): Promise<Entry | null>;
  list(query: EntryQuery): Promise<EntryPage>;
  /** Every entry matching the filters, newest first, read page by page (bounded memory): exports. */
  scan(query: Omit<EntryQuery, 'limit' | 'after'>): AsyncIterable<Entry>;
  /** Every entry of a batch, oldest first (bounded to 1000). */
  batch(batchId: string): Promise<Entry[]>;
  families(query: FamilyQuery): Promise<FamilyPage>;
  family(type: string, familyHash: string): Promise<EntryFamily | null>;
  counters(query: CounterQuery): Promise<CounterSeries>;
  /**
   * Applies `patch` when the entry is still at `expectedVersion`, appends an audit record and
   * returns the updated entry. Throws EntryNotFoundError or VersionConflictError.
   */
  update(id: string, patch: EntryPatch, options: UpdateOptions): Promise<Entry>;
  /** The audit trail of an entry, oldest first (bounded to 1000 records). */
  audit(id: string): Promise<AuditRecord[]>;
  /** Number of stored entries of a type (O(1)). */
  count(type: string): Promise<number>;
  /** Calls `listener` after every write, from every app instance sharing the store. Returns unsubscribe. */
  subscribe(listener: (notice: WriteNotice) => void): () => void;
  /**
   * Deletes everything this repository stored (only keys under its prefix), except settings.
   */
  clear(): Promise<void>;
  /**
   * Deletes every stored entry of `type` (with its audit trail and index references), the
   * type's families, and every bucket of the named `counters` (a plugin's rollups); other types,
   * counters and settings stay. Entries written while it runs may stay. Returns how many entries
   * it deleted. Bounded work per round trip, like clear().
   */
  clearType(type: string, counters?: readonly string[]): Promise<number>;
  /**
   * A small named value shared by every instance using the store (the recording switch), kept
   * apart from entries: neither `clear()` nor retention removes it. Null when never written.
   */
  readSetting?(name: string): Promise<string | null>;
  writeSetting?(name: string, value: string): Promise<void>;
  /** Enforces retention (bounded work). Called periodically by the recorder. */
  prune(): Promise<void>;
  /** True when writes can be attempted right now (Redis connected). */
  isReady(): boolean;
  /** Resolves once ready or after `timeoutMs`, whichever comes first (never rejects). */
  whenReady?(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Injection token for the repository (interface + same-named token, as in @nestjs/throttler). */
export const EntryRepository = Symbol.for('ACTIVE_TRACKER:REPOSITORY');
