import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import { ActiveTracker, type Entry } from '@active-tracker/nestjs';

/** Reads the tracker API of `app` the way scripts do, after flushing the recorder. */
export class TrackerClient {
  constructor(
    private readonly app: INestApplication,
    readonly base = '/activetracker/api',
  ) {}

  get server() {
    return this.app.getHttpServer();
  }

  async flush(): Promise<void> {
    await this.app.get(ActiveTracker).flush();
  }

  async entries(query: Record<string, string | number> = {}): Promise<{ data: Entry[]; next: string | null }> {
    await this.flush();
    const res = await request(this.server).get(`${this.base}/entries`).query(query).expect(200);
    return res.body;
  }

  async entry(id: string): Promise<{ data: Entry; batch: Entry[] }> {
    await this.flush();
    const res = await request(this.server).get(`${this.base}/entries/${id}`).expect(200);
    return res.body;
  }

  /**
   * The entry and its batch, once `ready(batch)` holds (polled for up to 5 s): some entries of a
   * batch are recorded a little after the response, e.g. an outbound call is recorded when its
   * response body has been read to the end, which undici reports after the caller's await.
   */
  async entryWhen(id: string, ready: (batch: Entry[]) => boolean): Promise<{ data: Entry; batch: Entry[] }> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = await this.entry(id);
      if (ready(found.batch) || Date.now() > deadline) return found;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** The newest request entry whose path is `path`. */
  async request(path: string): Promise<Entry> {
    const page = await this.entries({ type: 'request', limit: 200 });
    const found = page.data.find((e) => e.content.path === path);
    if (!found) throw new Error(`no request entry for ${path}; have ${page.data.map((e) => e.content.path).join(', ')}`);
    return found;
  }
}
