import { jest } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import type { Entry } from '../entries/entry.js';
import { monotonicUlidFactory } from '../entries/entry-id.js';
import { ApiError } from '../http/api-error.js';
import type { ServerSentEvent } from '../plugins/plugin-route.js';
import { MemoryRepository } from '../storage/memory/memory.repository.js';
import { prepareEntry } from '../storage/prepared-entry.js';
import { EntryStreamHub, MAX_QUEUED_EVENTS, REPLAY_LIMIT, SUBSCRIPTION_LINGER_MS } from './entry-stream.hub.js';

const quiet: LoggerService = { log: () => undefined, warn: () => undefined, error: () => undefined };
const nextId = monotonicUlidFactory();

function entry(type: string, content: Record<string, unknown> = {}): Entry {
  const id = nextId();
  return { id, type, batchId: null, occurredAt: new Date().toISOString(), durationMs: null, familyHash: null, tags: {}, content, version: 1 };
}

/** A real memory store whose subscriptions are counted (what the hub holds open). */
function store(): { repo: MemoryRepository; active: () => number } {
  const repo = new MemoryRepository({ maxAgeMs: 3_600_000, maxEntriesPerType: 10_000 });
  const subscribe = repo.subscribe.bind(repo);
  let active = 0;
  repo.subscribe = (listener) => {
    active++;
    const off = subscribe(listener);
    return () => {
      active--;
      off();
    };
  };
  return { repo, active: () => active };
}

async function take(iterator: AsyncIterator<ServerSentEvent>, n: number): Promise<ServerSentEvent[]> {
  const out: ServerSentEvent[] = [];
  while (out.length < n) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

const same = (e: Entry) => e;

describe('EntryStreamHub', () => {
  it('offers each written entry to every client whose filters match, and subscribes only while clients are connected', async () => {
    const { repo, active } = store();
    const hub = new EntryStreamHub(repo, 10, quiet);
    expect(active()).toBe(0);
    const logs = hub.open({ type: 'log', level: 'warn' }, same);
    const all = hub.open({}, same);
    expect(active()).toBe(1);
    const written = [entry('request'), entry('log', { level: 'log' }), entry('log', { level: 'error' })];
    await repo.save(written.map((e) => prepareEntry(e)));
    expect((await take(all, 3)).map((e) => e.id)).toEqual(written.map((e) => e.id));
    expect(await take(logs, 1)).toEqual([{ id: written[2].id, event: 'entry', data: written[2] }]);
    await logs.return();
    await all.return();
    // The subscription lingers for a reconnecting client, then goes (at once at shutdown).
    expect([hub.size, active(), hub.subscribed]).toEqual([0, 1, true]);
    const again = hub.open({}, same);
    expect(active()).toBe(1);
    again.end();
    hub.close();
    expect([hub.size, active(), hub.subscribed]).toEqual([0, 0, false]);
  });

  it('drops the subscription SUBSCRIPTION_LINGER_MS after the last client left', async () => {
    jest.useFakeTimers();
    try {
      const { repo, active } = store();
      const hub = new EntryStreamHub(repo, 10, quiet);
      hub.open({}, same).end();
      jest.advanceTimersByTime(SUBSCRIPTION_LINGER_MS - 1);
      expect(active()).toBe(1);
      jest.advanceTimersByTime(1);
      expect([active(), hub.subscribed]).toEqual([0, false]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses more than maxConnections clients with a 429 and accepts again once one leaves', async () => {
    const { repo } = store();
    const hub = new EntryStreamHub(repo, 2, quiet);
    const a = hub.open({}, same);
    hub.open({}, same);
    const refused = (() => {
      try {
        hub.open({}, same);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(429);
    a.end();
    expect(() => hub.open({}, same)).not.toThrow();
    hub.close();
    expect(hub.size).toBe(0);
  });

  it('replaces what a slow client has waiting by one reset event', async () => {
    const { repo } = store();
    const hub = new EntryStreamHub(repo, 10, quiet);
    const client = hub.open({}, same);
    const written = Array.from({ length: MAX_QUEUED_EVENTS + 20 }, () => entry('event'));
    await repo.save(written.map((e) => prepareEntry(e)));
    await new Promise((resolve) => setImmediate(resolve));
    const [first, second] = await take(client, 2);
    expect(first.event).toBe('reset');
    // What arrived after the reset is still sent.
    expect(second).toMatchObject({ event: 'entry' });
    expect(written.map((e) => e.id)).toContain(second.id);
    hub.close();
  });

  it('replays what was written after Last-Event-ID, at most REPLAY_LIMIT entries then a reset, and live entries once each', async () => {
    const { repo } = store();
    const hub = new EntryStreamHub(repo, 10, quiet);
    const before = entry('request');
    await repo.save([prepareEntry(before)]);
    const few = [entry('request'), entry('log'), entry('request')];
    await repo.save(few.map((e) => prepareEntry(e)));
    const resumed = hub.open({ type: 'request' }, same, before.id);
    const live = entry('request');
    await repo.save([prepareEntry(live)]);
    expect((await take(resumed, 3)).map((e) => e.id)).toEqual([few[0].id, few[2].id, live.id]);
    resumed.end();

    const many = Array.from({ length: REPLAY_LIMIT + 5 }, () => entry('request'));
    await repo.save(many.map((e) => prepareEntry(e)));
    const behind = hub.open({ type: 'request' }, same, live.id);
    const events = await take(behind, REPLAY_LIMIT + 1);
    expect(events.slice(0, REPLAY_LIMIT).map((e) => e.id)).toEqual(many.slice(0, REPLAY_LIMIT).map((e) => e.id));
    expect(events[REPLAY_LIMIT].event).toBe('reset');
    hub.close();
  });

  it('tells every client to reload on resetAll (a clear)', async () => {
    const { repo } = store();
    const hub = new EntryStreamHub(repo, 10, quiet);
    const a = hub.open({}, same);
    const b = hub.open({ type: 'log' }, same);
    hub.resetAll('the entries were cleared');
    expect(await take(a, 1)).toEqual([{ event: 'reset', data: { reason: 'the entries were cleared' } }]);
    expect(await take(b, 1)).toEqual([{ event: 'reset', data: { reason: 'the entries were cleared' } }]);
    hub.close();
    expect(await a.next()).toEqual({ value: undefined, done: true });
  });
});
