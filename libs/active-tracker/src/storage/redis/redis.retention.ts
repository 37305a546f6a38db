import { COUNTER_GRANULARITIES, counterTtlMs } from '../counters.js';
import { longestMaxAge, RetentionPolicy, retentionOf, TypeRetention } from '../entry-repository.js';
import { retentionCutoffId } from '../entry-query.js';

/**
 * How long keys outlive their retention. Reads hide anything past the cutoff at once; the extra
 * time lets prune() (every minute in the recorder) still read an evicted entry's JSON to know
 * which tag/family/batch indexes to remove it from, instead of leaving dangling ids behind.
 */
export const PRUNE_GRACE_MS = 10 * 60_000;

/** TTL of keys that hold data kept for `maxAgeMs`. */
export function keepMs(maxAgeMs: number): number {
  return Math.max(1, Math.ceil(maxAgeMs + Math.min(maxAgeMs, PRUNE_GRACE_MS)));
}

/** Retention of one store, precomputed per type: TTLs for writes, id cutoffs for reads. */
export class RetentionPlan {
  /** Longest maxAgeMs of any type: what keys shared by types (tags, families, batches) honour. */
  readonly longestMaxAgeMs: number;
  /** TTL of keys shared by all types. */
  readonly sharedKeepMs: number;
  /** TTL of counter buckets per granularity (minute, hour, day), as counters.ts defines it. */
  readonly counterTtls: readonly number[];
  /**
   * True when some type keeps entries for less than the longest retention: entries read through
   * an index shared by types must then be checked against their own type's cutoff.
   */
  readonly perTypeCutoffs: boolean;

  constructor(readonly policy: RetentionPolicy) {
    this.longestMaxAgeMs = longestMaxAge(policy);
    this.sharedKeepMs = keepMs(this.longestMaxAgeMs);
    this.counterTtls = COUNTER_GRANULARITIES.map((g) => counterTtlMs(g, policy.maxAgeMs));
    this.perTypeCutoffs =
      policy.maxAgeMs < this.longestMaxAgeMs ||
      Object.values(policy.types ?? {}).some((own) => own?.maxAgeMs !== undefined && own.maxAgeMs < this.longestMaxAgeMs);
  }

  of(type: string): TypeRetention {
    return retentionOf(this.policy, type);
  }

  keepOf(type: string): number {
    return keepMs(this.of(type).maxAgeMs);
  }

  /** Smallest id still within `type`'s retention (the longest retention when no type is given). */
  cutoff(type?: string, now = Date.now()): string {
    return retentionCutoffId(type === undefined ? this.longestMaxAgeMs : this.of(type).maxAgeMs, now);
  }

  /** Types whose retention is shorter than the longest, by name (the others use the longest cutoff). */
  shorterTypes(): string[] {
    return Object.keys(this.policy.types ?? {}).filter((type) => this.of(type).maxAgeMs < this.longestMaxAgeMs);
  }
}
