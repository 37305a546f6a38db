import type { EntryFamily } from '../entries/entry.js';
import type { FamilyOrder } from './entry-repository.js';
import { histogramBucket, quantiles } from './histogram.js';
import type { PreparedEntry } from './prepared-entry.js';

/**
 * A family aggregate as both stores keep it: counts, duration statistics and a histogram, updated
 * once per new entry. Redis keeps the same fields in a hash (see redis.keys.ts) and the same
 * arithmetic in its write script; this is the reference and the memory store's implementation.
 */
export interface FamilyAggregate {
  /** Occurrences (weighted). */
  count: number;
  /** Occurrences that had a duration (weighted). */
  timed: number;
  totalMs: number;
  maxMs: number | null;
  firstEntryId: string;
  firstSeen: string;
  lastEntryId: string;
  lastSeen: string;
  /** The newest entry's summary (shared, never mutated: prepared entries are immutable). */
  summary: Readonly<Record<string, string>>;
  /** Histogram bucket -> weighted count. */
  buckets: Map<number, number>;
  approximate: boolean;
}

export function newFamilyAggregate(entry: PreparedEntry): FamilyAggregate {
  const aggregate: FamilyAggregate = {
    count: 0,
    timed: 0,
    totalMs: 0,
    maxMs: null,
    firstEntryId: entry.id,
    firstSeen: entry.occurredAt,
    lastEntryId: entry.id,
    lastSeen: entry.occurredAt,
    summary: entry.summary ?? NO_SUMMARY,
    buckets: new Map(),
    approximate: false,
  };
  addToFamily(aggregate, entry);
  return aggregate;
}

const NO_SUMMARY: Readonly<Record<string, string>> = Object.freeze({});

/** Counts one new entry in the aggregate. Out-of-order entries never move firstSeen later or lastSeen earlier. */
export function addToFamily(aggregate: FamilyAggregate, entry: PreparedEntry): void {
  const weight = entryWeight(entry);
  aggregate.count += weight;
  if (weight !== 1) aggregate.approximate = true;
  const ms = entry.durationMs;
  if (typeof ms === 'number' && Number.isFinite(ms)) {
    aggregate.timed += weight;
    aggregate.totalMs += ms * weight;
    if (aggregate.maxMs === null || ms > aggregate.maxMs) aggregate.maxMs = ms;
    const bucket = histogramBucket(ms);
    aggregate.buckets.set(bucket, (aggregate.buckets.get(bucket) ?? 0) + weight);
  }
  if (entry.id < aggregate.firstEntryId) {
    aggregate.firstEntryId = entry.id;
    aggregate.firstSeen = entry.occurredAt;
  }
  if (entry.id > aggregate.lastEntryId) {
    aggregate.lastEntryId = entry.id;
    aggregate.lastSeen = entry.occurredAt;
    aggregate.summary = entry.summary ?? NO_SUMMARY;
  }
}

/** Weight of an entry in aggregates: 1 unless it stands for several sampled-out ones. */
export function entryWeight(entry: PreparedEntry): number {
  const w = entry.weight;
  return typeof w === 'number' && Number.isFinite(w) && w > 0 ? w : 1;
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

export function toEntryFamily(type: string, familyHash: string, a: FamilyAggregate): EntryFamily {
  const [p50, p95, p99] = quantiles(a.buckets, [0.5, 0.95, 0.99]);
  return {
    type,
    familyHash,
    count: round3(a.count),
    firstSeen: a.firstSeen,
    lastSeen: a.lastSeen,
    lastEntryId: a.lastEntryId,
    summary: { ...a.summary },
    totalDurationMs: round3(a.totalMs),
    maxDurationMs: a.maxMs === null ? null : round3(a.maxMs),
    avgDurationMs: a.timed > 0 ? round3(a.totalMs / a.timed) : null,
    p50,
    p95,
    p99,
    approximate: a.approximate,
  };
}

/** The score a family is ordered by (descending) for a numeric order; families without durations score -1. */
export function familyScore(family: EntryFamily, orderBy: Exclude<FamilyOrder, 'lastSeen'>): number {
  switch (orderBy) {
    case 'count':
      return family.count;
    case 'total':
      return family.totalDurationMs;
    case 'avg':
      return family.avgDurationMs ?? -1;
    case 'max':
      return family.maxDurationMs ?? -1;
    case 'p95':
      return family.p95 ?? -1;
  }
}

/**
 * Cursor of a numeric family order: `<score>:<familyHash>`. The next page holds families with a
 * lower score, or the same score and a hash that sorts before (Redis orders ties by member).
 */
export function numericFamilyCursor(score: number, familyHash: string): string {
  return `${score}:${familyHash}`;
}

export function parseNumericFamilyCursor(cursor: string | undefined): { score: number; familyHash: string } | null {
  if (!cursor) return null;
  const i = cursor.indexOf(':');
  const score = Number(cursor.slice(0, i));
  if (i <= 0 || !Number.isFinite(score)) return null;
  return { score, familyHash: cursor.slice(i + 1) };
}
