import { Entry, EntryFamily } from '../entries/entry.js';

/** Filters for a newest-first page of entries. Every field is optional and they combine with AND. */
export interface EntryQuery {
  type?: string;
  /** Tag filter `{ key, value }`: entries whose tag `key` equals `value`. */
  tag?: { key: string; value: string };
  family?: string;
  batch?: string;
  /** Case-insensitive substring searched in the entry's JSON (bounded scan, see `next`). */
  q?: string;
  /** Cursor: only entries whose id sorts strictly before this ULID. */
  before?: string;
  /** Page size (the repository caps it at 1000). */
  limit: number;
}

export interface EntryPage {
  data: Entry[];
  /** Cursor for the next (older) page, or null when there is none. */
  next: string | null;
}

export interface FamilyQuery {
  type: string;
  limit: number;
  /** Cursor: the `lastSeen` ordering position returned as `next` by the previous page. */
  before?: string;
}

/** Retention applied by the repository. */
export interface RetentionPolicy {
  /** Entries older than this are expired (Redis TTL) and pruned from indexes. */
  maxAgeMs: number;
  /** Per entry type, only the newest N entries are kept. */
  maxEntriesPerType: number;
}

/**
 * Storage contract. Two implementations (Redis, memory) pass the same contract suite
 * (`libs/active-tracker/test/entry-repository.contract.ts`).
 *
 * Invariants: `save` is one round-trip (one pipeline in Redis) and maintains every index and
 * family aggregate incrementally; `list` is newest-first by id and O(log N + page) except when `q`
 * is given (then a bounded scan); nothing ever uses KEYS or an unbounded SCAN.
 */
export interface EntryRepository {
  save(entries: readonly Entry[]): Promise<void>;
  find(id: string): Promise<Entry | null>;
  list(query: EntryQuery): Promise<EntryPage>;
  /** Every entry of a batch, oldest first (bounded to 1000). */
  batch(batchId: string): Promise<Entry[]>;
  /** Families of a type, most recently seen first. */
  families(query: FamilyQuery): Promise<{ data: EntryFamily[]; next: string | null }>;
  family(type: string, familyHash: string): Promise<EntryFamily | null>;
  /** Number of stored entries of a type (O(1)). */
  count(type: string): Promise<number>;
  /** Deletes everything this repository stored (only keys under its prefix). */
  clear(): Promise<void>;
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
