/** First position in sorted `ids` whose value is >= `id`. */
export function lowerBound(ids: readonly string[], id: string): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position in sorted `ids` whose value is > `id`. */
export function upperBound(ids: readonly string[], id: string): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A sorted array of ids (one index of the memory store). Evicted ids are removed lazily: they stay
 * until dead ones make up half of the array, then one filter pass drops them, so eviction is
 * amortized O(1). Reads skip ids whose entry is gone.
 */
export class IdIndex {
  ids: string[] = [];
  /** Ids in `ids` whose entry is gone. */
  dead = 0;
  /** Every id before this position is dead (lets oldest-first eviction skip them). */
  front = 0;

  insert(id: string): void {
    const ids = this.ids;
    if (ids.length === 0 || ids[ids.length - 1] < id) {
      ids.push(id);
      return;
    }
    const at = lowerBound(ids, id);
    if (ids[at] === id) return;
    ids.splice(at, 0, id);
    if (at < this.front) this.front = 0;
  }

  /** Removes a live id at once (an entry leaving this index while it stays stored: a changed tag). */
  remove(id: string): void {
    const at = lowerBound(this.ids, id);
    if (this.ids[at] !== id) return;
    this.ids.splice(at, 1);
    if (at < this.front) this.front--;
  }

  get live(): number {
    return this.ids.length - this.dead;
  }

  compact(isLive: (id: string) => boolean): void {
    this.ids = this.ids.filter(isLive);
    this.dead = 0;
    this.front = 0;
  }
}
