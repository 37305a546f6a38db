import { Entry, EntryFamily } from '../../entries/entry.js';
import {
  EntryPage,
  EntryQuery,
  EntryRepository,
  FamilyQuery,
  RetentionPolicy,
} from '../entry-repository.js';
import {
  IndexRef,
  MAX_BATCH_SIZE,
  clampLimit,
  familyDeltas,
  familyOrderKey,
  familySummary,
  retentionCutoffId,
  scanNewestFirst,
  selectIndex,
  ULID_LENGTH,
} from '../entry-filter.js';

/** A stored entry: its JSON (copies in and out, like Redis) plus what eviction needs to unindex it. */
interface StoredEntry {
  json: string;
  indexKeys: string[];
}

interface FamilyRecord {
  count: number;
  firstEntryId: string;
  firstSeen: string;
  lastEntryId: string;
  lastSeen: string;
  summary: Record<string, string>;
}

interface TypeFamilies {
  byHash: Map<string, FamilyRecord>;
  /** familyOrderKey(lastEntryId, hash) of every family, ascending (so least recently seen first). */
  order: string[];
}

/** First position in sorted `ids` whose value is >= `id`. */
function lowerBound(ids: readonly string[], id: string): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts into a sorted array; ids mostly arrive in increasing order, so this is usually a push. */
function insertSorted(ids: string[], id: string): void {
  if (ids.length === 0 || ids[ids.length - 1] < id) ids.push(id);
  else ids.splice(lowerBound(ids, id), 0, id);
}

function removeSorted(ids: string[], id: string): void {
  const at = lowerBound(ids, id);
  if (ids[at] === id) ids.splice(at, 1);
}

/**
 * A sorted array of ids. Evicted ids are removed lazily: they stay until dead ones make up half
 * of the array, then one filter pass drops them, so eviction is amortized O(1).
 */
class IdIndex {
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
    ids.splice(at, 0, id);
    if (at < this.front) this.front = 0;
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

/**
 * The embedded store used when no Redis is configured. Same semantics as `RedisRepository` (one
 * contract suite runs against both), bounded: at most `maxEntriesPerType` entries (and families)
 * per type, enforced on every save; entries older than `maxAgeMs` are hidden from reads at once
 * and dropped by `prune()`.
 */
export class MemoryRepository implements EntryRepository {
  private readonly entries = new Map<string, StoredEntry>();
  /** Index key -> ids. Keys: 'all', 'type:<t>', 'tag:<k>\0<v>', 'family:<hash>', 'batch:<id>'. */
  private readonly indexes = new Map<string, IdIndex>();
  private readonly familiesByType = new Map<string, TypeFamilies>();
  private readonly isLive = (id: string): boolean => this.entries.has(id);

  constructor(private readonly retention: RetentionPolicy) {}

  async save(entries: readonly Entry[]): Promise<void> {
    const types = new Set<string>();
    for (const entry of entries) {
      const existing = this.entries.get(entry.id);
      if (existing) this.unindexNow(entry.id, existing);
      const indexKeys = this.indexKeysOf(entry);
      this.entries.set(entry.id, { json: JSON.stringify(entry), indexKeys });
      for (const key of indexKeys) {
        let index = this.indexes.get(key);
        if (!index) this.indexes.set(key, (index = new IdIndex()));
        index.insert(entry.id);
      }
      types.add(entry.type);
    }
    for (const delta of familyDeltas(entries)) this.updateFamily(delta.type, delta.familyHash, delta);
    for (const type of types) {
      this.trimType(type, this.retention.maxEntriesPerType, undefined);
      this.trimFamilies(type, undefined);
    }
  }

  async find(id: string): Promise<Entry | null> {
    if (id < this.cutoffId()) return null;
    const stored = this.entries.get(id);
    return stored ? (JSON.parse(stored.json) as Entry) : null;
  }

  async list(query: EntryQuery): Promise<EntryPage> {
    const index = this.indexes.get(this.indexKey(selectIndex(query)));
    if (!index) return { data: [], next: null };
    const cutoff = this.cutoffId();
    return scanNewestFirst(
      {
        ids: (before, count) => {
          const ids = index.ids;
          const floor = lowerBound(ids, cutoff);
          let at = (before === undefined ? ids.length : lowerBound(ids, before)) - 1;
          const out: string[] = [];
          for (; at >= floor && out.length < count; at--) out.push(ids[at]);
          return out;
        },
        load: (ids) => ids.map((id) => this.entries.get(id)?.json ?? null),
      },
      query,
    );
  }

  async batch(batchId: string): Promise<Entry[]> {
    const index = this.indexes.get(this.indexKey({ kind: 'batch', batchId }));
    if (!index) return [];
    const out: Entry[] = [];
    for (let at = lowerBound(index.ids, this.cutoffId()); at < index.ids.length && out.length < MAX_BATCH_SIZE; at++) {
      const stored = this.entries.get(index.ids[at]);
      if (stored) out.push(JSON.parse(stored.json) as Entry);
    }
    return out;
  }

  async families(query: FamilyQuery): Promise<{ data: EntryFamily[]; next: string | null }> {
    const families = this.familiesByType.get(query.type);
    if (!families) return { data: [], next: null };
    const limit = clampLimit(query.limit);
    const order = families.order;
    let at = (query.before ? lowerBound(order, query.before) : order.length) - 1;
    const data: EntryFamily[] = [];
    for (; at >= 0 && data.length < limit; at--) {
      const hash = order[at].slice(ULID_LENGTH);
      const record = families.byHash.get(hash);
      if (record) data.push(this.toFamily(query.type, hash, record));
    }
    // `at` now points at the next older family, if any: the page ended at order[at + 1].
    return { data, next: at >= 0 ? order[at + 1] : null };
  }

  async family(type: string, familyHash: string): Promise<EntryFamily | null> {
    const record = this.familiesByType.get(type)?.byHash.get(familyHash);
    return record ? this.toFamily(type, familyHash, record) : null;
  }

  async count(type: string): Promise<number> {
    return this.indexes.get(this.indexKey({ kind: 'type', type }))?.live ?? 0;
  }

  async clear(): Promise<void> {
    this.entries.clear();
    this.indexes.clear();
    this.familiesByType.clear();
  }

  async prune(): Promise<void> {
    const cutoff = this.cutoffId();
    for (const key of [...this.indexes.keys()]) {
      if (key.startsWith('type:')) this.trimType(key.slice('type:'.length), this.retention.maxEntriesPerType, cutoff);
    }
    for (const type of [...this.familiesByType.keys()]) this.trimFamilies(type, cutoff);
    for (const [key, index] of this.indexes) {
      if (index.dead > 0) index.compact(this.isLive);
      if (index.ids.length === 0) this.indexes.delete(key);
    }
  }

  isReady(): boolean {
    return true;
  }

  async close(): Promise<void> {
    // Nothing to release: the data lives and dies with this object.
  }

  private cutoffId(): string {
    return retentionCutoffId(this.retention.maxAgeMs);
  }

  private indexKey(ref: IndexRef): string {
    switch (ref.kind) {
      case 'batch':
        return `batch:${ref.batchId}`;
      case 'family':
        return `family:${ref.familyHash}`;
      case 'tag':
        return `tag:${ref.key}\u0000${ref.value}`;
      case 'type':
        return `type:${ref.type}`;
      case 'all':
        return 'all';
    }
  }

  private indexKeysOf(entry: Entry): string[] {
    const keys = ['all', this.indexKey({ kind: 'type', type: entry.type })];
    for (const [key, value] of Object.entries(entry.tags ?? {})) keys.push(this.indexKey({ kind: 'tag', key, value }));
    if (entry.familyHash) keys.push(this.indexKey({ kind: 'family', familyHash: entry.familyHash }));
    if (entry.batchId) keys.push(this.indexKey({ kind: 'batch', batchId: entry.batchId }));
    return keys;
  }

  /**
   * Evicts the oldest entries of a type: those past `cutoff` (when given) and any beyond `max`.
   * The type index is sorted, so they are its first live ids.
   */
  private trimType(type: string, max: number, cutoff: string | undefined): void {
    const index = this.indexes.get(this.indexKey({ kind: 'type', type }));
    if (!index) return;
    let excess = index.live - max;
    for (let at = index.front; at < index.ids.length; at++) {
      const id = index.ids[at];
      const stored = this.entries.get(id);
      if (!stored) continue;
      if (excess <= 0 && (cutoff === undefined || id >= cutoff)) {
        index.front = at;
        return;
      }
      this.evict(id, stored);
      excess--;
      // evict() may have compacted this very index: continue from its (now clean) beginning.
      if (index.dead === 0) at = -1;
    }
  }

  /** Removes an entry and lazily its references from every index it is in. */
  private evict(id: string, stored: StoredEntry): void {
    this.entries.delete(id);
    for (const key of stored.indexKeys) {
      const index = this.indexes.get(key);
      if (!index) continue;
      index.dead++;
      if (index.live === 0) this.indexes.delete(key);
      else if (index.dead * 2 > index.ids.length) index.compact(this.isLive);
    }
  }

  /** Rare path (an id saved twice): unindexes the old version right away so no id appears twice. */
  private unindexNow(id: string, stored: StoredEntry): void {
    this.entries.delete(id);
    for (const key of stored.indexKeys) {
      const index = this.indexes.get(key);
      if (!index) continue;
      removeSorted(index.ids, id);
      if (index.ids.length === 0) this.indexes.delete(key);
    }
  }

  private updateFamily(type: string, familyHash: string, delta: { count: number; oldest: Entry; newest: Entry }): void {
    let families = this.familiesByType.get(type);
    if (!families) this.familiesByType.set(type, (families = { byHash: new Map(), order: [] }));
    const record = families.byHash.get(familyHash);
    if (!record) {
      families.byHash.set(familyHash, {
        count: delta.count,
        firstEntryId: delta.oldest.id,
        firstSeen: delta.oldest.occurredAt,
        lastEntryId: delta.newest.id,
        lastSeen: delta.newest.occurredAt,
        summary: familySummary(delta.newest),
      });
      insertSorted(families.order, familyOrderKey(delta.newest.id, familyHash));
      return;
    }
    record.count += delta.count;
    if (delta.oldest.id < record.firstEntryId) {
      record.firstEntryId = delta.oldest.id;
      record.firstSeen = delta.oldest.occurredAt;
    }
    if (delta.newest.id > record.lastEntryId) {
      removeSorted(families.order, familyOrderKey(record.lastEntryId, familyHash));
      record.lastEntryId = delta.newest.id;
      record.lastSeen = delta.newest.occurredAt;
      record.summary = familySummary(delta.newest);
      insertSorted(families.order, familyOrderKey(record.lastEntryId, familyHash));
    }
  }

  /** Drops the least recently seen families beyond `maxEntriesPerType`, and those not seen since `cutoff`. */
  private trimFamilies(type: string, cutoff: string | undefined): void {
    const families = this.familiesByType.get(type);
    if (!families) return;
    const order = families.order;
    let drop = Math.max(0, order.length - this.retention.maxEntriesPerType);
    if (cutoff !== undefined) drop = Math.max(drop, lowerBound(order, cutoff));
    for (const key of order.slice(0, drop)) families.byHash.delete(key.slice(ULID_LENGTH));
    order.splice(0, drop);
    if (order.length === 0) this.familiesByType.delete(type);
  }

  private toFamily(type: string, familyHash: string, record: FamilyRecord): EntryFamily {
    return {
      type,
      familyHash,
      count: record.count,
      firstSeen: record.firstSeen,
      lastSeen: record.lastSeen,
      lastEntryId: record.lastEntryId,
      summary: { ...record.summary },
    };
  }
}
