import { createHash } from 'node:crypto';
import type { RequestQueries } from '../contracts/entries.js';
import type { TrackerContext } from './request-context.js';

/** Where a batch's query totals live on it (a property: the batch is one object per request). */
const SLOT = Symbol.for('activeTracker.queries.batch');
/** Distinct families and statements followed per batch; beyond, totals still count. */
const MAX_KEYS = 1000;
/** Longest key kept as text; longer ones are hashed. */
const MAX_KEY_CHARS = 2048;
/** Most duplicates and N+1 families listed on a request. */
const MAX_LISTED = 20;

/**
 * The queries of one batch (filled by the queries plugin, read by the requests plugin and
 * anything that reports a batch's database time), counted as they end (not from its drafts: a long batch is written as
 * it goes, so its drafts are not all there at the end): totals, runs per family ("similar") and per
 * statement with the same parameters ("duplicates", as django-debug-toolbar tells them apart).
 */
export class BatchQueryStats {
  count = 0;
  totalMs = 0;
  slowCount = 0;
  readonly families = new Map<string, { sql: string; count: number }>();
  readonly statements = new Map<string, { sql: string; count: number }>();

  add(familyHash: string, normalized: string, sql: string, values: unknown, durationMs: number, slow: boolean): void {
    this.count++;
    this.totalMs += durationMs;
    if (slow) this.slowCount++;
    const family = this.families.get(familyHash);
    if (family) family.count++;
    else if (this.families.size < MAX_KEYS) this.families.set(familyHash, { sql: normalized, count: 1 });
    const key = statementKey(sql, values);
    if (key === null) return;
    const statement = this.statements.get(key);
    if (statement) statement.count++;
    else if (this.statements.size < MAX_KEYS) this.statements.set(key, { sql, count: 1 });
  }

  /** The request's `content.queries`: families run at least `threshold` times are N+1. */
  summary(threshold: number): RequestQueries {
    const nPlusOne: RequestQueries['nPlusOne'] = [];
    for (const [familyHash, family] of this.families) if (family.count >= threshold) nPlusOne.push({ familyHash, sql: family.sql, count: family.count });
    const duplicates: RequestQueries['duplicates'] = [];
    for (const statement of this.statements.values()) if (statement.count >= 2) duplicates.push({ sql: statement.sql, count: statement.count });
    nPlusOne.sort((a, b) => b.count - a.count);
    duplicates.sort((a, b) => b.count - a.count);
    return {
      count: this.count,
      totalMs: Math.round(this.totalMs * 1000) / 1000,
      slowCount: this.slowCount,
      nPlusOne: nPlusOne.slice(0, MAX_LISTED),
      duplicates: duplicates.slice(0, MAX_LISTED),
    };
  }
}

/** The batch's query totals (created on first use when `create`). */
export function batchQueryStats(batch: TrackerContext, create: true): BatchQueryStats;
export function batchQueryStats(batch: TrackerContext, create?: false): BatchQueryStats | undefined;
export function batchQueryStats(batch: TrackerContext, create = false): BatchQueryStats | undefined {
  const slot = batch as unknown as Record<symbol, BatchQueryStats | undefined>;
  let stats = slot[SLOT];
  if (!stats && create) stats = slot[SLOT] = new BatchQueryStats();
  return stats;
}

/** Milliseconds the batch spent in queries so far (Rails' `db_runtime`); null when it ran none. */
export function batchQueryTimeMs(batch: TrackerContext | undefined): number | null {
  const stats = batch ? batchQueryStats(batch) : undefined;
  return stats ? Math.round(stats.totalMs * 1000) / 1000 : null;
}

/** Same SQL and same parameters; null when the parameters cannot be compared (never a duplicate). */
function statementKey(sql: string, values: unknown): string | null {
  let key: string;
  if (values === undefined || values === null) key = sql;
  else if (Array.isArray(values)) {
    key = sql + '\u0000';
    for (const value of values) {
      const part = valueKey(value);
      if (part === null) return null;
      key += part + '\u0001';
    }
  } else {
    const part = valueKey(values);
    if (part === null) return null;
    key = sql + '\u0000' + part;
  }
  return key.length <= MAX_KEY_CHARS ? key : createHash('sha1').update(key).digest('base64');
}

function valueKey(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return 's' + value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return (typeof value).charAt(0) + String(value);
    case 'undefined':
      return 'u';
  }
  if (value === null) return 'z';
  if (value instanceof Date) return 'd' + value.getTime();
  if (Buffer.isBuffer(value)) return 'b' + value.toString('base64');
  try {
    return 'j' + JSON.stringify(value);
  } catch {
    return null;
  }
}
