import type { CounterIncrement } from '../storage/counters.js';

/**
 * The one record shape: every captured thing (request, exception, log, event, outbound HTTP, ...)
 * is stored as an Entry. Telescope's idea: one store, one API, one dashboard list component.
 */
export interface Entry {
  /** ULID: unique, sortable by time, usable as a cursor. */
  id: string;
  /** 'request' | 'exception' | 'log' | 'event' | 'http-client' | ... */
  type: string;
  /** The request/job that produced it; links a request to its logs, errors, queries and calls. */
  batchId: string | null;
  /** ISO-8601 time at which the thing happened (for a request: when it started). */
  occurredAt: string;
  durationMs: number | null;
  /** Groups repeats: exception class + location, normalized SQL, ... */
  familyHash: string | null;
  tags: Record<string, string>;
  /** Type-specific payload, documented per plugin. */
  content: Record<string, unknown>;
  /** 1 when recorded; incremented by every `update` (optimistic concurrency for mutable records). */
  version: number;
}

/** What a capture plugin hands to the recorder; the recorder assigns the id and fills defaults. */
export interface EntryDraft {
  type: string;
  /**
   * The batch (request or job) it belongs to. Absent: the batch running now, if any. null: none.
   */
  batchId?: string | null;
  occurredAt?: Date | string | number;
  durationMs?: number | null;
  familyHash?: string | null;
  tags?: Record<string, unknown>;
  /**
   * Type-specific payload. It is kept by reference and serialized once, after the response, so it
   * must not be mutated once recorded. A field may be a `JsonText` (JSON text the host wrote).
   */
  content: Record<string, unknown>;
  /**
   * Extra literal values to redact in this entry. The values of the batch it is recorded in
   * (`redactCurrent`) always apply as well.
   */
  redactions?: readonly string[];
  /** Extra sensitive key items (see DEFAULT_SENSITIVE_KEYS) on top of the tracker's `sensitiveKeys`. */
  sensitiveKeys?: readonly string[];
  /**
   * Keep only the newest entry of this draft's family (the gem's "latest one, counted"): older ones
   * are removed when it is stored, and the family aggregate still counts every occurrence.
   */
  latestOnly?: boolean;
  /** Counter increments (rollups, overview charts), applied once per stored entry. */
  counters?: readonly CounterIncrement[];
  /** Set by capture code to the tracker instance that owns the request; null = any tracker. */
  trackerId?: string | null;
}

/** Aggregate kept at write time for each family (exception class + location, SQL shape, route...). */
export interface EntryFamily {
  type: string;
  familyHash: string;
  /** Occurrences (sampled entries count for 1 / rate, see `approximate`). */
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** The id of the newest entry of the family. */
  lastEntryId: string;
  /** Small summary fields copied from the newest entry (e.g. class, message, location, sql). */
  summary: Record<string, string>;
  /** Sum of the durations of the occurrences that have one (ms). */
  totalDurationMs: number;
  /** Longest duration (ms); null when no occurrence had a duration. */
  maxDurationMs: number | null;
  /** totalDurationMs / occurrences with a duration; null without durations. */
  avgDurationMs: number | null;
  /** Percentiles read from the family's histogram (within 2%); null without durations. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** True when sampled entries contributed, so count and statistics are estimates. */
  approximate: boolean;
}
