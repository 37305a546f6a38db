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
}

/** What a capture plugin hands to the recorder; the recorder assigns the id and fills defaults. */
export interface EntryDraft {
  type: string;
  batchId?: string | null;
  occurredAt?: Date | string | number;
  durationMs?: number | null;
  familyHash?: string | null;
  tags?: Record<string, unknown>;
  content: Record<string, unknown>;
  /**
   * Extra literal values to redact in this entry (per-request `redactCurrent` values). When absent
   * the recorder uses the values of the request context it runs in, if any.
   */
  redactions?: readonly string[];
  /**
   * When set, the recorder replaces the value of every key it matches with `[REDACTED]`, at any
   * depth of `content`, in the same pass that copies it (so plugins need not copy payloads twice).
   */
  sensitiveKeys?: (key: string) => boolean;
  /** Set by capture code to the tracker instance that owns the request; null = any tracker. */
  trackerId?: string | null;
}

/** Aggregate kept at write time for each family (exception class + location, SQL shape, ...). */
export interface EntryFamily {
  type: string;
  familyHash: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** The id of the newest entry of the family. */
  lastEntryId: string;
  /** Small summary fields copied from the newest entry (e.g. class, message, location). */
  summary: Record<string, string>;
}
