import type { Entry } from '../entries/entry.js';
import type { ServerSentEvent } from '../plugins/plugin-route.js';
import type { EntryFilter } from '../storage/entry-repository.js';
import { entryMatcher, type EntryCheck } from '../storage/entry-filter.js';

/** `event: reset`: the client missed entries and should reload its list. */
export function resetEvent(reason: string): ServerSentEvent {
  return { event: 'reset', data: { reason } };
}

/**
 * One client of `GET stream`: the events waiting to be sent, as an async iterator that `sse()`
 * reads. Bounded: when the client reads slower than entries arrive and `maxQueued` events wait,
 * they are replaced by one `reset` event. While the resume replay runs, live entries are held
 * back (bounded too) and sent after it, without the ones the replay already sent.
 */
export class EntryStreamConnection implements AsyncIterableIterator<ServerSentEvent> {
  private queue: ServerSentEvent[] = [];
  private waiting: ((result: IteratorResult<ServerSentEvent>) => void) | null = null;
  private closed = false;
  private held: Entry[] | null = null;
  private heldOverflow = false;
  private replayed: Set<string> | null = null;
  private readonly matches: EntryCheck;

  constructor(
    readonly filter: EntryFilter,
    private readonly decode: (entry: Entry) => Entry,
    private readonly maxQueued: number,
    private readonly onEnd: (connection: EntryStreamConnection) => void,
  ) {
    this.matches = entryMatcher(filter);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Whether a written entry of this type and batch may interest this client (before loading it). */
  wants(type: string, batchId: string | null): boolean {
    return !this.closed && (!this.filter.type || this.filter.type === type) && (!this.filter.batch || this.filter.batch === batchId);
  }

  /** A new entry: sent when it matches the filters. */
  offer(entry: Entry): void {
    if (this.closed) return;
    if (this.held) {
      if (this.held.length < this.maxQueued) this.held.push(entry);
      else this.heldOverflow = true;
      return;
    }
    if (this.replayed?.has(entry.id) || !this.matches(entry)) return;
    this.push({ id: entry.id, event: 'entry', data: this.decode(entry) });
  }

  /** Tells the client to reload: what waits is dropped. */
  reset(reason: string): void {
    if (this.closed) return;
    this.queue = [];
    this.push(resetEvent(reason));
  }

  /** Holds live entries back until `endReplay`. */
  beginReplay(): void {
    this.held = [];
  }

  /** Sends the replayed entries (they match the filters), then the live ones held meanwhile. */
  endReplay(entries: readonly Entry[], missed: string | null): void {
    const held = this.held ?? [];
    this.held = null;
    this.replayed = new Set(entries.map((e) => e.id));
    for (const entry of entries) if (!this.closed) this.push({ id: entry.id, event: 'entry', data: this.decode(entry) });
    if (missed) this.push(resetEvent(missed));
    for (const entry of held) this.offer(entry);
    if (this.heldOverflow) this.reset('more entries arrived during the resume than the stream holds');
    this.heldOverflow = false;
  }

  next(): Promise<IteratorResult<ServerSentEvent>> {
    const event = this.queue.shift();
    if (event) return Promise.resolve({ value: event, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** The client went away (or the tracker shuts down): releases everything at once. */
  return(): Promise<IteratorResult<ServerSentEvent>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.held = null;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.({ value: undefined, done: true });
    this.onEnd(this);
  }

  private push(event: ServerSentEvent): void {
    if (this.closed) return;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = null;
      waiting({ value: event, done: false });
      return;
    }
    if (this.queue.length >= this.maxQueued) {
      this.queue = [resetEvent('the client read slower than entries arrived: entries were missed')];
      return;
    }
    this.queue.push(event);
  }
}
