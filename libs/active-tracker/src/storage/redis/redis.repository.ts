import type { Entry, EntryFamily } from '../../entries/entry.js';
import { bucketStarts, CounterQuery, CounterSeries } from '../counters.js';
import {
  AuditRecord,
  EntryPage,
  EntryPatch,
  EntryQuery,
  EntryRepository,
  FamilyPage,
  FamilyQuery,
  RetentionPolicy,
  UpdateOptions,
  WriteNotice,
} from '../entry-repository.js';
import { scanAll, scanPage, selectIndex } from '../entry-query.js';
import type { PreparedEntry } from '../prepared-entry.js';
import { clientKeyPrefix, RedisClient, throwFirstError } from './redis.client.js';
import { RedisEntryReads } from './redis.entry-reads.js';
import { RedisFamilyReads } from './redis.family-reads.js';
import { assertClusterPrefix, COUNTER_APPROX_FIELD, RedisKeys } from './redis.keys.js';
import { RedisNotifications } from './redis.notifications.js';
import { RedisPruner } from './redis.pruner.js';
import { RetentionPlan } from './redis.retention.js';
import { RedisUpdates } from './redis.update-script.js';
import { WRITE_CHUNK, WRITE_LUA, writeArguments } from './redis.write-script.js';

export type { RedisClient } from './redis.client.js';

export interface RedisRepositoryOptions {
  /** Prepended to every key, e.g. `{activetracker}:`. On Redis Cluster it must contain a hash tag. */
  keyPrefix: string;
  retention: RetentionPolicy;
  /** True when this repository created the client and must quit it on close(). Default false. */
  ownsClient?: boolean;
}

/**
 * The production store (v2). Layout: redis.keys.ts. Each concern lives in its own file: the write
 * script (one script call per save, idempotent per entry), entry and family reads (one round trip
 * per page), updates with compare-and-set, write notices over pub/sub, retention (prune) and
 * clear(). Nothing uses KEYS or SCAN. All keys share the prefix, so with a hash-tagged prefix
 * the store lives in one Redis Cluster slot and every script may touch every key.
 */
export class RedisRepository implements EntryRepository {
  private readonly keys: RedisKeys;
  private readonly retention: RetentionPlan;
  private readonly ownsClient: boolean;
  private readonly entries: RedisEntryReads;
  private readonly familyReads: RedisFamilyReads;
  private readonly updates: RedisUpdates;
  private readonly notifications: RedisNotifications;
  private readonly pruner: RedisPruner;

  constructor(
    private readonly client: RedisClient,
    options: RedisRepositoryOptions,
  ) {
    const clientPrefix = clientKeyPrefix(client);
    assertClusterPrefix(client, clientPrefix + options.keyPrefix);
    this.keys = new RedisKeys(options.keyPrefix, clientPrefix);
    this.retention = new RetentionPlan(options.retention);
    this.ownsClient = options.ownsClient ?? false;
    client.defineCommand('atWriteV2', { numberOfKeys: 1, lua: WRITE_LUA });
    this.entries = new RedisEntryReads(client, this.keys, this.retention);
    this.familyReads = new RedisFamilyReads(client, this.keys);
    this.updates = new RedisUpdates(client, this.keys, this.retention);
    this.notifications = new RedisNotifications(client, this.keys);
    this.pruner = new RedisPruner(client, this.keys, this.retention);
  }

  /** One script call (EVALSHA) per WRITE_CHUNK entries; several calls go out as one pipeline. */
  async save(entries: readonly PreparedEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const now = Date.now();
    const P = this.keys.scriptPrefix;
    // The arguments go as one array (ioredis flattens it): spreading thousands of them into a call is slow.
    type Writer = { atWriteV2(key: string, args: Array<string | Buffer>): Promise<number> };
    if (entries.length <= WRITE_CHUNK) {
      await (this.client as unknown as Writer).atWriteV2(this.keys.types, writeArguments(entries, P, this.retention, now));
      return;
    }
    const pipeline = this.client.pipeline();
    for (let i = 0; i < entries.length; i += WRITE_CHUNK) {
      (pipeline as unknown as Writer).atWriteV2(this.keys.types, writeArguments(entries.slice(i, i + WRITE_CHUNK), P, this.retention, now));
    }
    throwFirstError(await pipeline.exec());
  }

  find(id: string): Promise<Entry | null> {
    return this.entries.find(id);
  }

  list(query: EntryQuery): Promise<EntryPage> {
    return scanPage(this.entries.source(selectIndex(query)), query);
  }

  scan(query: Omit<EntryQuery, 'limit' | 'after'>): AsyncIterable<Entry> {
    return scanAll((q) => this.list(q), query);
  }

  batch(batchId: string): Promise<Entry[]> {
    return this.entries.batch(batchId);
  }

  families(query: FamilyQuery): Promise<FamilyPage> {
    return this.familyReads.families(query);
  }

  family(type: string, familyHash: string): Promise<EntryFamily | null> {
    return this.familyReads.family(type, familyHash);
  }

  /** One pipeline of HGETALL, one per bucket. */
  async counters(query: CounterQuery): Promise<CounterSeries> {
    const starts = bucketStarts(query);
    const pipeline = this.client.pipeline();
    for (const at of starts) pipeline.hgetall(this.keys.counter(query.name, query.granularity, at));
    const results = starts.length > 0 ? (throwFirstError(await pipeline.exec()) as Record<string, string>[]) : [];
    let approximate = false;
    const buckets = starts.map((at, i) => {
      const values: Record<string, number> = {};
      for (const [key, raw] of Object.entries(results[i] ?? {})) {
        if (key === COUNTER_APPROX_FIELD) approximate = true;
        else values[key] = Number(raw);
      }
      return { at: new Date(at).toISOString(), values };
    });
    return { name: query.name, granularity: query.granularity, buckets, approximate };
  }

  update(id: string, patch: EntryPatch, options: UpdateOptions): Promise<Entry> {
    return this.updates.update(id, patch, options);
  }

  audit(id: string): Promise<AuditRecord[]> {
    return this.updates.audit(id);
  }

  count(type: string): Promise<number> {
    return this.client.zcard(this.keys.type(type));
  }

  subscribe(listener: (notice: WriteNotice) => void): () => void {
    return this.notifications.subscribe(listener);
  }

  readSetting(name: string): Promise<string | null> {
    return this.client.get(this.keys.setting(name));
  }

  async writeSetting(name: string, value: string): Promise<void> {
    await this.client.set(this.keys.setting(name), value);
  }

  clear(): Promise<void> {
    return this.pruner.clear();
  }

  clearType(type: string, counters: readonly string[] = []): Promise<number> {
    return this.pruner.clearType(type, counters);
  }

  prune(): Promise<void> {
    return this.pruner.prune();
  }

  isReady(): boolean {
    return this.client.status === 'ready';
  }

  /** Waits for a connection that is being made ('ready'), at most `timeoutMs`; never rejects. */
  whenReady(timeoutMs: number): Promise<void> {
    if (this.isReady() || this.client.status === 'end') return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.client.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref?.();
      this.client.once('ready', done);
    });
  }

  /** Stops notifications; quits the client only when this repository owns it, and waits until it is closed. */
  async close(): Promise<void> {
    this.notifications.close();
    if (!this.ownsClient || this.client.status === 'end') return;
    const ended = new Promise<void>((resolve) => {
      this.client.once('end', () => resolve());
      setTimeout(resolve, 2000).unref();
    });
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
    await ended;
  }
}
