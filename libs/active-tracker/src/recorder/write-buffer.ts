import type { PreparedEntry } from '../storage/prepared-entry.js';

/**
 * Serialized entries waiting to be written, bounded in entries and in bytes (the JSON length of
 * what is held): when storage is slow or gone, memory stays under `maxBytes` and the newest entries
 * beyond the bound are dropped and counted.
 */
export class WriteBuffer {
  private items: PreparedEntry[] = [];
  private size = 0;
  dropped = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  get length(): number {
    return this.items.length;
  }

  /** Bytes held (UTF-16 length of the JSON, a close upper bound of its UTF-8 size for ASCII-heavy entries). */
  get bytes(): number {
    return this.size;
  }

  /** Adds an entry unless the buffer is full; false when it was dropped. */
  push(entry: PreparedEntry): boolean {
    const weight = entry.json.length;
    if (this.items.length >= this.maxEntries || this.size + weight > this.maxBytes) {
      this.dropped++;
      return false;
    }
    this.items.push(entry);
    this.size += weight;
    return true;
  }

  /** Removes and returns up to `maxEntries` entries and about `maxBytes` bytes, oldest first. */
  take(maxEntries: number, maxBytes: number): PreparedEntry[] {
    let count = 0;
    let bytes = 0;
    while (count < this.items.length && count < maxEntries && (count === 0 || bytes + this.items[count].json.length <= maxBytes)) {
      bytes += this.items[count].json.length;
      count++;
    }
    const taken = this.items.splice(0, count);
    this.size -= bytes;
    return taken;
  }

  /** Puts a failed write back in front, keeping the bounds: the oldest of it are dropped first. */
  requeue(batch: PreparedEntry[]): void {
    let keepFrom = 0;
    let bytes = batch.reduce((sum, e) => sum + e.json.length, 0);
    while (keepFrom < batch.length && (this.items.length + batch.length - keepFrom > this.maxEntries || this.size + bytes > this.maxBytes)) {
      bytes -= batch[keepFrom].json.length;
      keepFrom++;
    }
    this.dropped += keepFrom;
    this.items = batch.slice(keepFrom).concat(this.items);
    this.size += bytes;
  }
}
