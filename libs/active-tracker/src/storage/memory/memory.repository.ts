import type { Entry, EntryFamily } from '../../entries/entry.js';
import {
  bucketStart,
  bucketStarts,
  COUNTER_GRANULARITIES,
  counterTtlMs,
  type CounterGranularity,
  CounterQuery,
  CounterSeries,
  validIncrement,
} from '../counters.js';
import { applyPatch, auditRecord, MAX_AUDIT_RECORDS, patchProblems } from '../entry-patch.js';
import {
  AuditRecord,
  EntryNotFoundError,
  EntryPage,
  EntryPatch,
  EntryQuery,
  EntryRepository,
  FamilyPage,
  FamilyQuery,
  longestMaxAge,
  RetentionPolicy,
  retentionOf,
  UpdateOptions,
  VersionConflictError,
  WriteNotice,
} from '../entry-repository.js';
import {
  clampLimit,
  familyOrderKey,
  IndexRef,
  MAX_BATCH_SIZE,
  parseEntry,
  retentionCutoffId,
  scanAll,
  scanPage,
  selectIndex,
  ULID_LENGTH,
} from '../entry-query.js';
import {
  addToFamily,
  entryWeight,
  FamilyAggregate,
  familyScore,
  newFamilyAggregate,
  numericFamilyCursor,
  parseNumericFamilyCursor,
  toEntryFamily,
} from '../family-aggregate.js';
import type { PreparedEntry } from '../prepared-entry.js';
import { IdIndex, lowerBound, upperBound } from './id-index.js';

/** A stored entry: its JSON (copies in and out, like Redis) plus what eviction needs to unindex it. */
interface StoredEntry {
  json: string;
  type: string;
  familyHash: string | null;
  batchId: string | null;
  /** Tag index keys (only for tagged entries). */
  tagKeys: string[] | null;
}

interface TypeFamilies {
  byHash: Map<string, FamilyAggregate>;
  /** familyOrderKey(lastEntryId, hash) of every family, ascending (so least recently seen first). */
  order: string[];
}

interface CounterCell {
  values: Map<string, number>;
  approximate: boolean;
  expiresAt: number;
}

/** Counter cells of one counter name: per granularity, by bucket start (numbers: no key strings to build). */
type CounterCells = Record<CounterGranularity, Map<number, CounterCell>>;

/** Most counter buckets kept; beyond it the soonest to expire go first. */
const MAX_COUNTER_CELLS = 50_000;

/**
 * The embedded store used when no Redis is configured. Same semantics as `RedisRepository` (one
 * contract suite runs against both), bounded: at most `maxEntriesPerType` entries (and families)
 * per type, enforced on every save; entries older than their type's `maxAgeMs` are hidden from
 * reads at once and dropped by `prune()`; counter buckets expire like Redis keys.
 */
export class MemoryRepository implements EntryRepository {
  private readonly entries = new Map<string, StoredEntry>();
  /**
   * Index key -> ids. Keys: 'type:<t>', 'tag:<k>\0<v>', 'family:<hash>'. Type-less reads merge the
   * type indexes and batches are found from their start time (see batch()), so a save maintains
   * one to three indexes per entry instead of five.
   */
  private readonly indexes = new Map<string, IdIndex>();
  private readonly familiesByType = new Map<string, TypeFamilies>();
  private readonly counterCells = new Map<string, CounterCells>();
  private counterCellCount = 0;
  private readonly audits = new Map<string, AuditRecord[]>();
  private readonly listeners = new Set<(notice: WriteNotice) => void>();
  /** Named settings (the recording switch): kept through clear(). */
  private readonly settings = new Map<string, string>();
  private readonly isLive = (id: string): boolean => this.entries.has(id);

  constructor(private readonly retention: RetentionPolicy) {}

  async save(entries: readonly PreparedEntry[]): Promise<void> {
    const types = new Set<string>();
    const written: WriteNotice['entries'] = [];
    const now = Date.now();
    for (const entry of entries) {
      // Idempotent per id: a retried or duplicated save neither stores nor counts twice.
      if (this.entries.has(entry.id)) continue;
      const tagKeys = this.tagKeysOf(entry);
      this.entries.set(entry.id, { json: entry.json, type: entry.type, familyHash: entry.familyHash, batchId: entry.batchId, tagKeys });
      this.index(this.indexKey({ kind: 'type', type: entry.type })).insert(entry.id);
      if (entry.familyHash) this.index(this.indexKey({ kind: 'family', familyHash: entry.familyHash })).insert(entry.id);
      if (tagKeys) for (const key of tagKeys) this.index(key).insert(entry.id);
      if (entry.familyHash) {
        const previousLast = this.countFamily(entry);
        if (entry.latestOnly) this.keepLatestOnly(entry, previousLast);
      }
      if (entry.counters) this.addCounters(entry, now);
      types.add(entry.type);
      written.push({ id: entry.id, type: entry.type, batchId: entry.batchId });
    }
    for (const type of types) {
      this.trimType(type, retentionOf(this.retention, type).maxEntriesPerType, undefined);
      this.trimFamilies(type, undefined);
    }
    if (written.length > 0) this.notify({ entries: written });
  }

  async find(id: string): Promise<Entry | null> {
    const stored = this.entries.get(id);
    if (!stored || id < this.cutoffId(stored.type)) return null;
    return parseEntry(stored.json);
  }

  async list(query: EntryQuery): Promise<EntryPage> {
    const ref = selectIndex(query);
    if (ref.kind === 'batch') return this.listBatch(ref.batchId, query);
    const indexes = ref.kind === 'all' ? this.typeIndexes() : [this.indexes.get(this.indexKey(ref))].filter((i): i is IdIndex => !!i);
    if (indexes.length === 0) return { data: [], next: query.after ? query.after : null };
    // The type's own cutoff when the index holds one type; the longest one otherwise (then each
    // loaded entry is checked against its type's cutoff).
    const floor = ref.kind === 'type' ? this.cutoffId(ref.type) : this.cutoffId();
    return scanPage(
      {
        ids: (before, count) => mergeDescending(indexes, floor, before, count),
        idsAfter: (after, count) => mergeAscending(indexes, floor, after, count),
        load: (ids) => ids.map((id) => this.liveJson(id)),
      },
      query,
    );
  }

  /** A batch's entries as an index (batch filters are rare: their ids are found by a bounded scan). */
  private async listBatch(batchId: string, query: EntryQuery): Promise<EntryPage> {
    const ids = this.batchIds(batchId);
    return scanPage(
      {
        ids: (before, count) => {
          const out: string[] = [];
          for (let at = (before === undefined ? ids.length : lowerBound(ids, before)) - 1; at >= 0 && out.length < count; at--) out.push(ids[at]);
          return out;
        },
        idsAfter: (after, count) => ids.slice(upperBound(ids, after), upperBound(ids, after) + count),
        load: (list) => list.map((id) => this.liveJson(id)),
      },
      query,
    );
  }

  scan(query: Omit<EntryQuery, 'limit' | 'after'>): AsyncIterable<Entry> {
    return scanAll((q) => this.list(q), query);
  }

  async batch(batchId: string): Promise<Entry[]> {
    const out: Entry[] = [];
    for (const id of this.batchIds(batchId)) {
      const json = this.liveJson(id);
      const entry = json === null ? null : parseEntry(json);
      if (entry) out.push(entry);
      if (out.length === MAX_BATCH_SIZE) break;
    }
    return out;
  }

  /**
   * Ids of a batch's entries within retention, oldest first. Entries are recorded after their batch
   * starts, and a batch id is a ULID of its start: only entries from that time on are examined.
   */
  private batchIds(batchId: string): string[] {
    const from = ULID_LIKE.test(batchId) ? batchId.slice(0, 10) : '';
    const cutoff = this.cutoffId();
    const ids: string[] = [];
    for (const index of this.typeIndexes()) {
      const list = index.ids;
      for (let at = lowerBound(list, from > cutoff ? from : cutoff); at < list.length; at++) {
        if (this.entries.get(list[at])?.batchId === batchId) ids.push(list[at]);
      }
    }
    return ids.sort();
  }

  private typeIndexes(): IdIndex[] {
    const out: IdIndex[] = [];
    for (const [key, index] of this.indexes) if (key.startsWith('type:')) out.push(index);
    return out;
  }

  async families(query: FamilyQuery): Promise<FamilyPage> {
    const families = this.familiesByType.get(query.type);
    if (!families) return { data: [], next: null };
    const limit = clampLimit(query.limit);
    const orderBy = query.orderBy ?? 'lastSeen';
    if (orderBy === 'lastSeen') {
      const order = families.order;
      let at = (query.before ? lowerBound(order, query.before) : order.length) - 1;
      const data: EntryFamily[] = [];
      for (; at >= 0 && data.length < limit; at--) {
        const hash = order[at].slice(ULID_LENGTH);
        const aggregate = families.byHash.get(hash);
        if (aggregate) data.push(toEntryFamily(query.type, hash, aggregate));
      }
      // `at` now points at the next older family, if any: the page ended at order[at + 1].
      return { data, next: at >= 0 ? order[at + 1] : null };
    }
    // Numeric orders: families per type are bounded (maxEntriesPerType), so sorting on read is cheap.
    const scored = [...families.byHash].map(([hash, aggregate]) => {
      const family = toEntryFamily(query.type, hash, aggregate);
      return { family, score: familyScore(family, orderBy) };
    });
    scored.sort((a, b) => b.score - a.score || (a.family.familyHash < b.family.familyHash ? 1 : a.family.familyHash > b.family.familyHash ? -1 : 0));
    const cursor = parseNumericFamilyCursor(query.before);
    const start = cursor ? scored.findIndex((s) => s.score < cursor.score || (s.score === cursor.score && s.family.familyHash < cursor.familyHash)) : 0;
    if (start < 0) return { data: [], next: null };
    const page = scored.slice(start, start + limit);
    const last = page[page.length - 1];
    return {
      data: page.map((s) => s.family),
      next: start + limit < scored.length && last ? numericFamilyCursor(last.score, last.family.familyHash) : null,
    };
  }

  async family(type: string, familyHash: string): Promise<EntryFamily | null> {
    const aggregate = this.familiesByType.get(type)?.byHash.get(familyHash);
    return aggregate ? toEntryFamily(type, familyHash, aggregate) : null;
  }

  async counters(query: CounterQuery): Promise<CounterSeries> {
    const now = Date.now();
    let approximate = false;
    const cells = this.counterCells.get(query.name)?.[query.granularity];
    const buckets = bucketStarts(query).map((at) => {
      const cell = cells?.get(at);
      if (!cell || cell.expiresAt <= now) return { at: new Date(at).toISOString(), values: {} };
      approximate ||= cell.approximate;
      return { at: new Date(at).toISOString(), values: Object.fromEntries(cell.values) };
    });
    return { name: query.name, granularity: query.granularity, buckets, approximate };
  }

  async update(id: string, patch: EntryPatch, options: UpdateOptions): Promise<Entry> {
    const problems = patchProblems(patch);
    if (problems.length > 0) throw new TypeError(problems.join('; '));
    const stored = this.entries.get(id);
    const entry = stored && id >= this.cutoffId(stored.type) ? parseEntry(stored.json) : null;
    if (!stored || !entry) throw new EntryNotFoundError(id);
    const version = entry.version ?? 1;
    if (version !== options.expectedVersion) throw new VersionConflictError(id, options.expectedVersion, version);
    const applied = applyPatch(entry, patch);
    stored.json = JSON.stringify(applied.entry);
    for (const tag of applied.removedTags) {
      const key = this.indexKey({ kind: 'tag', ...tag });
      this.indexes.get(key)?.remove(id);
      stored.tagKeys = stored.tagKeys?.filter((k) => k !== key) ?? null;
    }
    for (const tag of applied.addedTags) {
      const key = this.indexKey({ kind: 'tag', ...tag });
      this.index(key).insert(id);
      (stored.tagKeys ??= []).push(key);
    }
    const trail = this.audits.get(id) ?? [];
    trail.push(auditRecord(applied, options));
    if (trail.length > MAX_AUDIT_RECORDS) trail.splice(0, trail.length - MAX_AUDIT_RECORDS);
    this.audits.set(id, trail);
    return parseEntry(stored.json)!;
  }

  async audit(id: string): Promise<AuditRecord[]> {
    return structuredClone(this.audits.get(id) ?? []);
  }

  async count(type: string): Promise<number> {
    return this.indexes.get(this.indexKey({ kind: 'type', type }))?.live ?? 0;
  }

  subscribe(listener: (notice: WriteNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async readSetting(name: string): Promise<string | null> {
    return this.settings.get(name) ?? null;
  }

  async writeSetting(name: string, value: string): Promise<void> {
    this.settings.set(name, value);
  }

  async clear(): Promise<void> {
    this.entries.clear();
    this.indexes.clear();
    this.familiesByType.clear();
    this.counterCells.clear();
    this.counterCellCount = 0;
    this.audits.clear();
  }

  async clearType(type: string, counters: readonly string[] = []): Promise<number> {
    let deleted = 0;
    const index = this.indexes.get(this.indexKey({ kind: 'type', type }));
    // A copy: evict() may compact the index under the loop.
    for (const id of index ? [...index.ids] : []) {
      const stored = this.entries.get(id);
      if (!stored || stored.type !== type) continue;
      this.evict(id, stored);
      deleted++;
    }
    this.familiesByType.delete(type);
    for (const name of counters) {
      const cells = this.counterCells.get(name);
      if (!cells) continue;
      for (const byStart of Object.values(cells)) this.counterCellCount -= byStart.size;
      this.counterCells.delete(name);
    }
    return deleted;
  }

  async prune(): Promise<void> {
    for (const key of [...this.indexes.keys()]) {
      if (!key.startsWith('type:')) continue;
      const type = key.slice('type:'.length);
      this.trimType(type, retentionOf(this.retention, type).maxEntriesPerType, this.cutoffId(type));
    }
    for (const type of [...this.familiesByType.keys()]) this.trimFamilies(type, this.cutoffId(type));
    for (const [key, index] of this.indexes) {
      if (index.dead > 0) index.compact(this.isLive);
      if (index.ids.length === 0) this.indexes.delete(key);
    }
    const now = Date.now();
    for (const byGranularity of this.counterCells.values()) {
      for (const cells of Object.values(byGranularity)) {
        for (const [at, cell] of cells) {
          if (cell.expiresAt > now) continue;
          cells.delete(at);
          this.counterCellCount--;
        }
      }
    }
    for (const id of this.audits.keys()) if (!this.entries.has(id)) this.audits.delete(id);
  }

  isReady(): boolean {
    return true;
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  /** The JSON of a stored entry within its type's retention, else null. */
  private liveJson(id: string): string | null {
    const stored = this.entries.get(id);
    return stored && id >= this.cutoffId(stored.type) ? stored.json : null;
  }

  /** The retention cutoff of a type, or the most permissive one when no type is given. */
  private cutoffId(type?: string): string {
    const maxAge = type === undefined ? longestMaxAge(this.retention) : retentionOf(this.retention, type).maxAgeMs;
    return retentionCutoffId(maxAge);
  }

  private index(key: string): IdIndex {
    let index = this.indexes.get(key);
    if (!index) this.indexes.set(key, (index = new IdIndex()));
    return index;
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

  private tagKeysOf(entry: PreparedEntry): string[] | null {
    let keys: string[] | null = null;
    for (const key in entry.tags) (keys ??= []).push(this.indexKey({ kind: 'tag', key, value: entry.tags[key] }));
    return keys;
  }

  /**
   * "Latest one, counted": of the family's entries only the newest stays stored (the aggregate has
   * counted them all). A late, older occurrence is counted and not kept.
   */
  private keepLatestOnly(entry: PreparedEntry, previousLast: string | null): void {
    if (previousLast === null || previousLast === entry.id) return;
    const drop = entry.id > previousLast ? previousLast : entry.id;
    const stored = this.entries.get(drop);
    if (stored) this.evict(drop, stored);
  }

  /** Counts the entry in its family; returns the family's newest entry id before it, if any. */
  private countFamily(entry: PreparedEntry): string | null {
    let families = this.familiesByType.get(entry.type);
    if (!families) this.familiesByType.set(entry.type, (families = { byHash: new Map(), order: [] }));
    const hash = entry.familyHash!;
    const aggregate = families.byHash.get(hash);
    if (!aggregate) {
      families.byHash.set(hash, newFamilyAggregate(entry));
      insertSorted(families.order, familyOrderKey(entry.id, hash));
      return null;
    }
    const previousLast = aggregate.lastEntryId;
    addToFamily(aggregate, entry);
    if (aggregate.lastEntryId !== previousLast) {
      removeSorted(families.order, familyOrderKey(previousLast, hash));
      insertSorted(families.order, familyOrderKey(aggregate.lastEntryId, hash));
    }
    return previousLast;
  }

  private addCounters(entry: PreparedEntry, now: number): void {
    const occurred = entry.occurredAtMs;
    const weight = entryWeight(entry);
    for (const increment of entry.counters ?? []) {
      if (!validIncrement(increment)) continue;
      let byGranularity = this.counterCells.get(increment.name);
      if (!byGranularity) this.counterCells.set(increment.name, (byGranularity = { minute: new Map(), hour: new Map(), day: new Map() }));
      for (const granularity of COUNTER_GRANULARITIES) {
        const at = bucketStart(occurred, granularity);
        const cells = byGranularity[granularity];
        let cell = cells.get(at);
        if (!cell) {
          const expiresAt = at + counterTtlMs(granularity, this.retention.maxAgeMs);
          if (expiresAt <= now) continue;
          if (this.counterCellCount >= MAX_COUNTER_CELLS) this.dropSoonestCounter();
          cells.set(at, (cell = { values: new Map(), approximate: false, expiresAt }));
          this.counterCellCount++;
        }
        cell.values.set(increment.key, (cell.values.get(increment.key) ?? 0) + increment.value * weight);
        if (weight !== 1) cell.approximate = true;
      }
    }
  }

  private dropSoonestCounter(): void {
    let soonest: Map<number, CounterCell> | undefined;
    let soonestAt = 0;
    let expiresAt = Infinity;
    for (const byGranularity of this.counterCells.values()) {
      for (const cells of Object.values(byGranularity)) {
        for (const [at, cell] of cells) {
          if (cell.expiresAt < expiresAt) {
            expiresAt = cell.expiresAt;
            soonest = cells;
            soonestAt = at;
          }
        }
      }
    }
    if (soonest?.delete(soonestAt)) this.counterCellCount--;
  }

  private notify(notice: WriteNotice): void {
    for (const listener of this.listeners) {
      try {
        listener(notice);
      } catch {
        /* a failing listener never fails a write */
      }
    }
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
    this.audits.delete(id);
    this.markDead(this.indexKey({ kind: 'type', type: stored.type }));
    if (stored.familyHash) this.markDead(this.indexKey({ kind: 'family', familyHash: stored.familyHash }));
    if (stored.tagKeys) for (const key of stored.tagKeys) this.markDead(key);
  }

  private markDead(key: string): void {
    const index = this.indexes.get(key);
    if (!index) return;
    index.dead++;
    if (index.live === 0) this.indexes.delete(key);
    else if (index.dead * 2 > index.ids.length) index.compact(this.isLive);
  }

  /** Drops the least recently seen families beyond maxEntriesPerType, and those not seen since `cutoff`. */
  private trimFamilies(type: string, cutoff: string | undefined): void {
    const families = this.familiesByType.get(type);
    if (!families) return;
    const order = families.order;
    let drop = Math.max(0, order.length - retentionOf(this.retention, type).maxEntriesPerType);
    if (cutoff !== undefined) drop = Math.max(drop, lowerBound(order, cutoff));
    for (const key of order.slice(0, drop)) families.byHash.delete(key.slice(ULID_LENGTH));
    order.splice(0, drop);
    if (order.length === 0) this.familiesByType.delete(type);
  }
}

/** A ULID, or an id that starts like one (its first 10 characters are its time). */
const ULID_LIKE = /^[0-9A-HJKMNP-TV-Z]{10}/;

/** Up to `count` ids strictly before `before` and not before `floor`, newest first, across sorted indexes. */
function mergeDescending(indexes: readonly IdIndex[], floor: string, before: string | undefined, count: number): string[] {
  if (indexes.length === 1) {
    const ids = indexes[0].ids;
    const low = lowerBound(ids, floor);
    const out: string[] = [];
    for (let at = (before === undefined ? ids.length : lowerBound(ids, before)) - 1; at >= low && out.length < count; at--) out.push(ids[at]);
    return out;
  }
  const all: string[] = [];
  for (const index of indexes) all.push(...mergeDescending([index], floor, before, count));
  return all.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)).slice(0, count);
}

/** Up to `count` ids strictly after `after` and not before `floor`, oldest first, across sorted indexes. */
function mergeAscending(indexes: readonly IdIndex[], floor: string, after: string, count: number): string[] {
  const all: string[] = [];
  for (const index of indexes) {
    const ids = index.ids;
    for (let at = Math.max(upperBound(ids, after), lowerBound(ids, floor)), n = 0; at < ids.length && n < count; at++, n++) all.push(ids[at]);
  }
  if (indexes.length > 1) all.sort();
  return all.slice(0, count);
}

/** Inserts into a sorted array; keys mostly arrive in increasing order, so this is usually a push. */
function insertSorted(ids: string[], id: string): void {
  if (ids.length === 0 || ids[ids.length - 1] < id) ids.push(id);
  else ids.splice(lowerBound(ids, id), 0, id);
}

function removeSorted(ids: string[], id: string): void {
  const at = lowerBound(ids, id);
  if (ids[at] === id) ids.splice(at, 1);
}
