import { randomFillSync } from 'node:crypto';
import { encodeTime, ulid } from 'ulid';

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
  let lastTime = -1;
  let prefix = '';
  // The random part as 16 base32 digits, most significant first; incremented within a millisecond.
  const digits = new Uint8Array(16);
  return (seedTime = Date.now()) => {
    if (seedTime > lastTime) {
      lastTime = seedTime;
      prefix = encodeTime(seedTime, 10);
      for (let i = 0; i < 16; i++) digits[i] = Math.floor(pooledRandom() * 32);
      // Leave room to count up within the millisecond without overflowing the random part.
      digits[0] &= 0x0f;
    } else {
      let i = 15;
      while (i >= 0 && digits[i] === 31) digits[i--] = 0;
      if (i < 0) throw new Error('ULID random part overflow within one millisecond');
      digits[i]++;
    }
    let random = '';
    for (let i = 0; i < 16; i++) random += ALPHABET[digits[i]];
    return prefix + random;
  };
}

/** Crockford's base32, as ULIDs use it. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
