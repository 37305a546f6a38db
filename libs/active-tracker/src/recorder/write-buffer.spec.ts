import type { PreparedEntry } from '../storage/prepared-entry.js';
import { WriteBuffer } from './write-buffer.js';

/** A prepared entry whose JSON is exactly `bytes` long. */
function entry(id: string, bytes: number): PreparedEntry {
  const base = `{"id":"${id}","p":""}`;
  const json = `{"id":"${id}","p":"${'x'.repeat(Math.max(0, bytes - base.length))}"}`;
  return { id, type: 't', batchId: null, familyHash: null, tags: {}, occurredAt: '1970-01-01T00:00:00.000Z', durationMs: null, json } as PreparedEntry;
}

const ids = (list: PreparedEntry[]): string[] => list.map((e) => e.id);

/** Small seeded PRNG (mulberry32): the same sequence on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('WriteBuffer', () => {
  it('counts entries and bytes (the JSON length)', () => {
    const b = new WriteBuffer(10, 1000);
    expect(b.push(entry('a', 100))).toBe(true);
    expect(b.push(entry('b', 250))).toBe(true);
    expect(b.length).toBe(2);
    expect(b.bytes).toBe(350);
    expect(b.dropped).toBe(0);
  });

  it('refuses an entry that would go past maxBytes, and counts it; smaller ones still fit', () => {
    const b = new WriteBuffer(100, 1000);
    expect(b.push(entry('a', 600))).toBe(true);
    expect(b.push(entry('b', 401))).toBe(false);
    expect(b.push(entry('c', 400))).toBe(true);
    expect(b.bytes).toBe(1000);
    expect(b.push(entry('d', 20))).toBe(false);
    expect(b.dropped).toBe(2);
    expect(ids(b.take(10, 10_000))).toEqual(['a', 'c']);
    // one entry larger than the whole bound is never held
    expect(b.push(entry('huge', 1001))).toBe(false);
    expect(b.length).toBe(0);
  });

  it('refuses entries beyond maxEntries, and counts them', () => {
    const b = new WriteBuffer(2, 1_000_000);
    expect([b.push(entry('a', 30)), b.push(entry('b', 30)), b.push(entry('c', 30))]).toEqual([true, true, false]);
    expect(b.dropped).toBe(1);
    expect(b.length).toBe(2);
  });

  it('take() returns the oldest first, up to maxEntries and maxBytes, and always at least one entry', () => {
    const b = new WriteBuffer(100, 100_000);
    for (const [id, size] of [
      ['a', 100],
      ['b', 100],
      ['c', 100],
      ['d', 5000],
      ['e', 100],
    ] as const)
      b.push(entry(id, size));
    expect(ids(b.take(2, 100_000))).toEqual(['a', 'b']);
    expect(ids(b.take(10, 250))).toEqual(['c']);
    expect(ids(b.take(10, 250))).toEqual(['d']); // larger than maxBytes: taken alone
    expect(b.bytes).toBe(100);
    expect(ids(b.take(10, 250))).toEqual(['e']);
    expect(b.take(10, 250)).toEqual([]);
    expect(b.bytes).toBe(0);
  });

  it('requeue() puts a failed write back in front, in order, when it fits', () => {
    const b = new WriteBuffer(10, 1000);
    for (const id of ['a', 'b', 'c']) b.push(entry(id, 100));
    const failed = b.take(2, 1000);
    b.push(entry('d', 100));
    b.requeue(failed);
    expect(b.dropped).toBe(0);
    expect(b.bytes).toBe(400);
    expect(ids(b.take(10, 1000))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('requeue() keeps both bounds, dropping the oldest of the failed write (newer entries win)', () => {
    const bytes = new WriteBuffer(100, 1000);
    for (let i = 0; i < 10; i++) bytes.push(entry(`old${i}`, 100));
    const failed = bytes.take(10, 10_000);
    for (let i = 0; i < 7; i++) bytes.push(entry(`new${i}`, 100));
    bytes.requeue(failed);
    expect(bytes.bytes).toBe(1000);
    expect(bytes.dropped).toBe(7);
    expect(ids(bytes.take(100, 10_000))).toEqual(['old7', 'old8', 'old9', 'new0', 'new1', 'new2', 'new3', 'new4', 'new5', 'new6']);

    const count = new WriteBuffer(4, 1_000_000);
    for (const id of ['a', 'b', 'c', 'd']) count.push(entry(id, 10));
    const taken = count.take(3, 1_000_000);
    count.push(entry('e', 10));
    count.push(entry('f', 10));
    count.requeue(taken);
    expect(count.dropped).toBe(2);
    expect(ids(count.take(10, 1_000_000))).toEqual(['c', 'd', 'e', 'f']);
  });

  it('never holds more than maxBytes or maxEntries, and accounts for every entry, whatever the sequence of operations', () => {
    const random = rng(20240607);
    for (let round = 0; round < 20; round++) {
      const maxBytes = 500 + Math.floor(random() * 5000);
      const maxEntries = 1 + Math.floor(random() * 40);
      const b = new WriteBuffer(maxEntries, maxBytes);
      let pushed = 0;
      let taken = 0;
      const out: PreparedEntry[][] = [];
      for (let step = 0; step < 400; step++) {
        const op = random();
        if (op < 0.6) {
          pushed++;
          b.push(entry(`e${round}-${step}`, 20 + Math.floor(random() * 600)));
        } else if (op < 0.8) {
          const batch = b.take(1 + Math.floor(random() * 10), 100 + Math.floor(random() * 2000));
          taken += batch.length;
          out.push(batch);
        } else if (out.length > 0) {
          const failed = out.splice(Math.floor(random() * out.length), 1)[0];
          taken -= failed.length;
          b.requeue(failed);
        }
        expect(b.bytes).toBeLessThanOrEqual(maxBytes);
        expect(b.length).toBeLessThanOrEqual(maxEntries);
        // every pushed entry is held, taken (and not requeued) or counted as dropped
        expect(b.length + taken + b.dropped).toBe(pushed);
      }
      const rest = b.take(maxEntries, Number.MAX_SAFE_INTEGER);
      expect(b.bytes).toBe(0);
      expect(rest.length).toBeLessThanOrEqual(maxEntries);
    }
  });
});
