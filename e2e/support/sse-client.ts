import http from 'node:http';

/** One parsed Server-Sent Event, or a comment line (`comment` set, the rest empty). */
export interface ParsedEvent {
  event: string | null;
  id: string | null;
  data: string;
  comment: string | null;
}

/**
 * A real HTTP client reading a `text/event-stream` response as it arrives (node:http, no
 * EventSource polyfill): what is received is parsed into events, and `next()` waits for the
 * next one a predicate accepts, with a deadline so a missing event fails the test instead of
 * hanging it.
 */
export class SseClient {
  readonly events: ParsedEvent[] = [];
  private buffer = '';
  private read = 0;
  private ended = false;
  private wake: (() => void) | null = null;

  private constructor(
    private readonly req: http.ClientRequest,
    readonly res: http.IncomingMessage,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.parse();
    });
    res.on('close', () => {
      this.ended = true;
      this.notify();
    });
  }

  /** Opens `url`; resolves once the response headers arrived (whatever the status). */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => resolve(new SseClient(req, res)));
      req.on('error', reject);
    });
  }

  get status(): number {
    return this.res.statusCode ?? 0;
  }

  /** True once the server ended the response (or the connection dropped). */
  get closed(): boolean {
    return this.ended;
  }

  /**
   * The next event (after those already returned) that `accept` takes; the ones skipped are
   * consumed. Rejects when the stream ends or `timeoutMs` passes first.
   */
  async next(accept: (event: ParsedEvent) => boolean = (e) => e.comment === null, timeoutMs = 10_000): Promise<ParsedEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.read < this.events.length) {
        const event = this.events[this.read++];
        if (accept(event)) return event;
      }
      if (this.ended) throw new Error(`the stream ended; received: ${JSON.stringify(this.events)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms; received: ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** The next `event: entry` whose data (an Entry) `accept` takes. */
  async nextEntry(accept: (entry: any) => boolean = () => true, timeoutMs?: number): Promise<{ id: string; entry: any }> {
    const event = await this.next((e) => e.event === 'entry' && accept(JSON.parse(e.data)), timeoutMs);
    return { id: event.id!, entry: JSON.parse(event.data) };
  }

  /** Waits until the server has ended the response. */
  async waitClosed(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('the stream is still open');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  close(): void {
    this.req.destroy();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private parse(): void {
    let end: number;
    while ((end = this.buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      const event: ParsedEvent = { event: null, id: null, data: '', comment: null };
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith(':')) event.comment = line.slice(1).trim();
        else {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event.event = value;
          else if (field === 'id') event.id = value;
          else if (field === 'data') data.push(value);
        }
      }
      event.data = data.join('\n');
      this.events.push(event);
    }
    this.notify();
  }
}
