import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import type { Entry } from '@active-tracker/nestjs/contracts';
import { ApiClient } from '../api/api.client';
import { parseStreamEntry } from '../api/live.parsers';

/** Wait before reopening a stream the server refused or closed for good (429, 4xx, 5xx). */
const RETRY_MS = 10_000;

/** What a stream listener receives. */
export type LiveEvent = { kind: 'entry'; entry: Entry } | { kind: 'reset' };

/**
 * The dashboard's one connection to `GET api/stream` (Server-Sent Events of new entries), shared
 * by every list, the sidebar statistics and the overview: one connection whatever the page, so
 * the browser's few connections per host stay free for API calls. Reconnects are the
 * EventSource's own (it sends Last-Event-ID, the server replays what was missed); a stream the
 * server refused is reopened later from the last id seen.
 */
@Injectable({ providedIn: 'root' })
export class LiveStream {
  private readonly api = inject(ApiClient);
  private readonly listeners = new Set<(event: LiveEvent) => void>();
  private source: EventSource | null = null;
  private lastId: string | null = null;
  private retry: ReturnType<typeof setTimeout> | undefined;

  /** True while the stream is open. */
  readonly connected = signal(false);

  constructor() {
    inject(DestroyRef).onDestroy(() => this.close());
    if (typeof EventSource !== 'undefined') this.open();
  }

  /** Calls `listener` for every new entry and reset; returns the unsubscribe function. */
  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private open(): void {
    const url = new URL(this.api.url('stream'));
    if (this.lastId) url.searchParams.set('after', this.lastId);
    const source = new EventSource(url.toString());
    this.source = source;
    source.onopen = () => this.connected.set(true);
    source.onerror = () => {
      this.connected.set(false);
      // CONNECTING: the browser retries by itself. CLOSED: it gave up (an error status); try later.
      if (source.readyState === EventSource.CLOSED) {
        this.source = null;
        clearTimeout(this.retry);
        this.retry = setTimeout(() => this.open(), RETRY_MS);
      }
    };
    source.addEventListener('entry', (message) => {
      const event = message as MessageEvent<string>;
      let entry: Entry;
      try {
        entry = parseStreamEntry(event.data);
      } catch (error) {
        console.warn('ActiveTracker: skipped a stream entry:', error);
        return;
      }
      this.lastId = event.lastEventId || entry.id;
      this.emit({ kind: 'entry', entry });
    });
    source.addEventListener('reset', () => this.emit({ kind: 'reset' }));
  }

  private emit(event: LiveEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private close(): void {
    clearTimeout(this.retry);
    this.source?.close();
    this.source = null;
  }
}
