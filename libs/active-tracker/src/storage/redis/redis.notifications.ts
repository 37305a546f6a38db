import type { WriteNotice } from '../entry-repository.js';
import { isCluster, type RedisClient } from './redis.client.js';
import type { RedisKeys } from './redis.keys.js';

/** How long `P live` lasts without a refresh; refreshed every third of it while listeners exist. */
export const LIVE_TTL_MS = 30_000;

/**
 * Write notices across instances. The write script PUBLISHes the new entries of each call on
 * `P written`, but only while the key `P live` exists: this class sets it (with a TTL, refreshed
 * on an unref'd timer) while it has listeners, so an app without a live dashboard publishes
 * nothing. Messages arrive on a dedicated connection (a subscribed connection cannot send other
 * commands), duplicated from the store's client when the first listener comes and closed when
 * the last one leaves. A listener that throws never affects the others or the writer.
 */
export class RedisNotifications {
  private readonly listeners = new Set<(notice: WriteNotice) => void>();
  private subscriber: RedisClient | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  subscribe(listener: (notice: WriteNotice) => void): () => void {
    // A wrapper per subscription, so the same function subscribed twice is two subscriptions.
    const own = (notice: WriteNotice): void => listener(notice);
    this.listeners.add(own);
    if (this.listeners.size === 1) this.start();
    return () => {
      if (this.listeners.delete(own) && this.listeners.size === 0) this.stop();
    };
  }

  /** Drops every listener and the subscriber connection. */
  close(): void {
    this.listeners.clear();
    this.stop();
  }

  private start(): void {
    // The store's client may refuse to queue commands while connecting (the tracker's own
    // clients do): the subscriber may queue its SUBSCRIBE until it is connected.
    const subscriber = isCluster(this.client)
      ? this.client.duplicate(undefined, { enableOfflineQueue: true })
      : this.client.duplicate({ enableOfflineQueue: true, lazyConnect: false });
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined);
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.keys.channel) this.deliver(message);
    });
    subscriber.subscribe(this.keys.channel).catch(() => undefined);
    this.markLive();
    this.timer = setInterval(() => this.markLive(), LIVE_TTL_MS / 3);
    this.timer.unref();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const subscriber = this.subscriber;
    this.subscriber = null;
    // `P live` is left to expire: other instances may still listen.
    if (subscriber) subscriber.quit().catch(() => subscriber.disconnect());
  }

  private markLive(): void {
    this.client.set(this.keys.live, '1', 'PX', LIVE_TTL_MS).catch(() => undefined);
  }

  private deliver(message: string): void {
    let notice: WriteNotice;
    try {
      const rows = JSON.parse(message) as Array<[string, string, string | false]>;
      notice = { entries: rows.map(([id, type, batchId]) => ({ id, type, batchId: batchId === false ? null : batchId })) };
    } catch {
      return;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(notice);
      } catch {
        // A failing listener never affects the others.
      }
    }
  }
}
