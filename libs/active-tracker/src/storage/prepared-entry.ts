import type { Entry } from '../entries/entry.js';
import type { CounterIncrement } from './counters.js';

/**
 * What the recorder hands a repository: an Entry already serialized once (redacted, truncated and
 * encoded), plus the few fields the store indexes and aggregates, so the store never parses or
 * re-serializes it on the write path.
 */
export interface PreparedEntry {
  readonly id: string;
  readonly type: string;
  readonly batchId: string | null;
  readonly familyHash: string | null;
  readonly tags: Readonly<Record<string, string>>;
  /** ISO-8601, as in the JSON. */
  readonly occurredAt: string;
  /** The same time in epoch ms (what counters bucket by). */
  readonly occurredAtMs: number;
  readonly durationMs: number | null;
  /** The stored form: `JSON.stringify(entry)` of an Entry whose fields equal the ones above. */
  readonly json: string;
  /** Family summary (plaintext scalars safe to keep in the aggregate); only used with a familyHash. */
  readonly summary?: Readonly<Record<string, string>>;
  /** Counter increments of this entry, applied once per entry id. */
  readonly counters?: readonly CounterIncrement[];
  /** How many occurrences this entry stands for in aggregates (1 / sample rate). Default 1. */
  readonly weight?: number;
  /** The store keeps only the newest entry of its family (see EntryDraft.latestOnly). */
  readonly latestOnly?: boolean;
}

/** Longest value copied into a family summary. */
const SUMMARY_VALUE_MAX = 300;
/** Most fields copied into a family summary. */
const SUMMARY_FIELDS_MAX = 20;

/**
 * Summary fields of a family: the scalar (string, number, boolean) top-level `content` fields,
 * strings truncated. Plugins that want a field in family lists (class, message, location, sql...)
 * put it at the top level of `content` as a scalar. `skip` leaves out fields that must not be kept
 * in clear (encrypted ones); `redact` is applied to keys and to string values before they are cut,
 * so a literal secret is never left half visible.
 */
export function familySummary(
  content: Record<string, unknown> | null | undefined,
  skip?: (key: string) => boolean,
  redact?: (text: string) => string,
): Record<string, string> {
  const summary: Record<string, string> = {};
  let fields = 0;
  for (const key in content ?? {}) {
    if (fields >= SUMMARY_FIELDS_MAX) break;
    if (skip?.(key)) continue;
    let value: unknown;
    try {
      value = content![key];
    } catch {
      continue; // a throwing getter
    }
    const name = redact ? redact(key) : key;
    if (typeof value === 'string') {
      const text = redact ? redact(value) : value;
      summary[name] = text.length > SUMMARY_VALUE_MAX ? text.slice(0, SUMMARY_VALUE_MAX) : text;
    } else if (typeof value === 'number' || typeof value === 'boolean') summary[name] = String(value);
    else continue;
    fields++;
  }
  return summary;
}

/**
 * Prepares an Entry that is already JSON-safe (tests, benchmarks, imports). The recorder builds
 * PreparedEntries itself, serializing each draft once.
 */
export function prepareEntry(entry: Entry, extra: { counters?: CounterIncrement[]; weight?: number; latestOnly?: boolean } = {}): PreparedEntry {
  return {
    id: entry.id,
    type: entry.type,
    batchId: entry.batchId,
    familyHash: entry.familyHash,
    tags: entry.tags,
    occurredAt: entry.occurredAt,
    occurredAtMs: Date.parse(entry.occurredAt),
    durationMs: entry.durationMs,
    json: JSON.stringify(entry),
    summary: entry.familyHash ? familySummary(entry.content) : undefined,
    ...(extra.counters ? { counters: extra.counters } : {}),
    ...(extra.weight !== undefined ? { weight: extra.weight } : {}),
    ...(extra.latestOnly ? { latestOnly: true } : {}),
  };
}
