import { randomFillSync } from 'node:crypto';
import { monotonicFactory, ulid } from 'ulid';

/**
 * ulid's default PRNG makes one crypto call per character (16 per id), which showed up at ~8% of a
 * tracked request's CPU. This PRNG serves the same crypto-quality bytes from a pooled buffer.
 */
const pool = new Uint32Array(1024);
let cursor = pool.length;

function pooledRandom(): number {
  if (cursor >= pool.length) {
    randomFillSync(pool);
    cursor = 0;
  }
  return pool[cursor++] / 0x1_0000_0000;
}

/** A new ULID (time-sortable, unique). Used for batch ids. */
export function newUlid(): string {
  return ulid(undefined, pooledRandom);
}

/**
 * A factory of strictly increasing ULIDs within the process (entry ids of one recorder). `seedTime`
 * is when the thing happened (ids are made when a batch is written, after the fact); an earlier
 * seed than the last one yields the next id after the last one, so ids never go backwards.
 */
export function monotonicUlidFactory(): (seedTime?: number) => string {
  const next = monotonicFactory(pooledRandom);
  return (seedTime) => next(seedTime);
}
