import type { LoggerService } from '@nestjs/common';
import type { Entry } from '../entries/entry.js';
import { ApiError } from '../http/api-error.js';
import type { EntryFilter, EntryRepository, WriteNotice } from '../storage/entry-repository.js';
import { EntryStreamConnection } from './entry-stream.connection.js';

/** Events one client may have waiting before they are replaced by a `reset`. */
export const MAX_QUEUED_EVENTS = 500;
/** Most entries a resume (Last-Event-ID) replays; beyond, the client gets a `reset`. */
export const REPLAY_LIMIT = 500;
/** Pages of a resume replay (a filtered page examines at most 5000 entries). */
const REPLAY_ROUNDS = 12;
/** Written entries waiting to be loaded; beyond, they are dropped and every client gets a `reset`. */
const MAX_PENDING = 5000;
/** Entries loaded per round. */
const LOAD_CHUNK = 200;
/**
 * How long the store subscription outlives the last client: an EventSource reconnects within
 * seconds, and a subscription that is still there hears everything written meanwhile (a new one
 * would miss what is written before its SUBSCRIBE is done).
 */
export const SUBSCRIPTION_LINGER_MS = 30_000;

/**
 * The live stream of one app instance: one subscription to the store's write notices (Redis
 * pub/sub carries those of every instance sharing it), held only while clients are connected.
 * Each written entry that some client may want is loaded once and offered to every client, whose
 * own filters decide. Bounded everywhere: clients per instance, pending notices, events per
 * client. Runs off the host's requests: a notice only queues ids, loading happens on its own.
 */
export class EntryStreamHub {
  private readonly connections = new Set<EntryStreamConnection>();
  private unsubscribe: (() => void) | null = null;
  private linger: NodeJS.Timeout | null = null;
  private pending: WriteNotice['entries'] = [];
  private draining = false;
  private warned = false;

  constructor(
    private readonly repository: EntryRepository,
    private readonly maxConnections: number,
    private readonly logger: LoggerService,
  ) {}

  /** Open streams. */
  get size(): number {
    return this.connections.size;
  }

  /**
   * A new client. `after`: the last entry id it saw (Last-Event-ID), whose successors are
   * replayed first. Throws ApiError 429 when the instance serves `maxConnections` already.
   */
  open(filter: EntryFilter, decode: (entry: Entry) => Entry, after?: string): EntryStreamConnection {
    if (this.connections.size >= this.maxConnections) {
      throw new ApiError(429, `at most ${this.maxConnections} live streams per app instance (the live.maxConnections option); close another dashboard tab`);
    }
    const connection = new EntryStreamConnection(filter, decode, MAX_QUEUED_EVENTS, (c) => this.release(c));
    this.connections.add(connection);
    if (this.linger) clearTimeout(this.linger);
    this.linger = null;
    this.unsubscribe ??= this.repository.subscribe((notice) => this.onNotice(notice));
    if (after) void this.replay(connection, after);
    return connection;
  }

  /** Every client reloads (after a clear, or when the stream fell behind). */
  resetAll(reason: string): void {
    for (const connection of this.connections) connection.reset(reason);
  }

  /** Ends every stream and the subscription (shutdown: open responses would keep the HTTP server from closing). */
  close(): void {
    for (const connection of [...this.connections]) connection.end();
    this.stopListening();
  }

  /** True while the store's write notices are listened to. */
  get subscribed(): boolean {
    return this.unsubscribe !== null;
  }

  private release(connection: EntryStreamConnection): void {
    this.connections.delete(connection);
    if (this.connections.size > 0 || this.linger || !this.unsubscribe) return;
    this.pending = [];
    this.linger = setTimeout(() => this.stopListening(), SUBSCRIPTION_LINGER_MS);
    this.linger.unref();
  }

  private stopListening(): void {
    if (this.linger) clearTimeout(this.linger);
    this.linger = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.pending = [];
  }

  private onNotice(notice: WriteNotice): void {
    for (const row of notice.entries) {
      if (!this.anyWants(row.type, row.batchId)) continue;
      if (this.pending.length >= MAX_PENDING) {
        this.pending = [];
        this.resetAll('entries were written faster than the live stream could load them');
        return;
      }
      this.pending.push(row);
    }
    if (this.pending.length > 0 && !this.draining) void this.drain();
  }

  private anyWants(type: string, batchId: string | null): boolean {
    for (const connection of this.connections) if (connection.wants(type, batchId)) return true;
    return false;
  }

  /** Loads what was written, chunk by chunk, and offers it to every client, in id order. */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.pending.length > 0 && this.connections.size > 0) {
        const rows = this.pending.splice(0, LOAD_CHUNK);
        const loaded = await Promise.all(rows.map((row) => this.repository.find(row.id).catch(() => null)));
        const entries = loaded.filter((e): e is Entry => e !== null).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        for (const entry of entries) {
          for (const connection of this.connections) {
            try {
              connection.offer(entry);
            } catch (error) {
              this.warnOnce(`a live stream could not send entry ${entry.id}: ${(error as Error)?.message ?? error}`);
            }
          }
        }
      }
    } finally {
      // No await between the loop's last check and here: a notice arriving now starts a new drain.
      this.draining = false;
    }
  }

  /** Sends a resuming client what was written after `after` (bounded), then its held live entries. */
  private async replay(connection: EntryStreamConnection, after: string): Promise<void> {
    connection.beginReplay();
    const entries: Entry[] = [];
    let missed: string | null = null;
    try {
      let cursor = after;
      let caughtUp = false;
      for (let round = 0; round < REPLAY_ROUNDS && !connection.isClosed; round++) {
        const page = await this.repository.list({ ...connection.filter, after: cursor, limit: REPLAY_LIMIT - entries.length + 1 });
        entries.push(...page.data);
        if (entries.length > REPLAY_LIMIT) break;
        if (page.next === null || page.next === cursor) {
          caughtUp = true;
          break;
        }
        cursor = page.next;
      }
      if (!caughtUp) {
        entries.length = Math.min(entries.length, REPLAY_LIMIT);
        missed = `more was written since ${after} than a resume replays (${REPLAY_LIMIT} entries)`;
      }
    } catch (error) {
      missed = `the entries since ${after} could not be read: ${(error as Error)?.message ?? error}`;
    }
    connection.endReplay(entries, missed);
  }

  private warnOnce(message: string): void {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn(message);
  }
}
