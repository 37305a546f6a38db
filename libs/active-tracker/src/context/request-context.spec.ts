import { setTimeout as sleep } from 'node:timers/promises';
import { newUlid } from '../entries/entry-id.js';
import { appendContextLog, currentContext, MAX_REQUEST_LOG_BYTES, redactCurrent, runInContext, tagCurrent, TrackerContext } from './request-context.js';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe('TrackerContext', () => {
  it('gets a fresh ULID batchId, no tracker by default, and empty state', () => {
    const a = new TrackerContext();
    const b = new TrackerContext('tracker-1');
    expect(a.batchId).toMatch(ULID);
    expect(b.batchId).toMatch(ULID);
    expect(a.batchId).not.toBe(b.batchId);
    expect(a.trackerId).toBeNull();
    expect(b.trackerId).toBe('tracker-1');
    expect(a.tags).toEqual({});
    expect(a.redactions).toEqual([]);
    expect(a.log).toEqual([]);
    expect(a.logBytes).toBe(0);
    expect(a.logTruncated).toBe(false);
    expect(Math.abs(a.startedAt - Date.now())).toBeLessThan(1000);
  });

  it('keeps a given batchId', () => {
    expect(new TrackerContext('t', '01ARZ3NDEKTSV4RRFFQ69G5FAV').batchId).toBe('01ARZ3NDEKTSV4RRFFQ69G5FAV');
  });

  it('starts as an open request batch with no drafts, no end and no sampling decision', () => {
    const batch = new TrackerContext('t');
    expect(batch.kind).toBe('request');
    expect(batch.state).toBe('open');
    expect(batch.drafts).toEqual([]);
    expect(batch.droppedDrafts).toBe(0);
    expect(batch.endedAt).toBeNull();
    expect(batch.decision).toBeNull();
    expect(batch.http).toBeUndefined();
    expect(batch.route).toEqual({});
    expect(batch.eventContext).toEqual({});
  });

  it('takes the kind of a batch outside HTTP (a job, a scheduled run)', () => {
    const job = new TrackerContext('t', undefined, 'job');
    expect(job.kind).toBe('job');
    expect(job.batchId).toMatch(ULID);
  });

  it('gives every batch its own state (no shared arrays between contexts)', () => {
    const a = new TrackerContext('t');
    const b = new TrackerContext('t');
    a.drafts.push({ draft: { type: 'x', content: {} }, recordedAt: 1, id: newUlid() });
    a.tags.k = 'v';
    a.redactions.push('s');
    expect(b.drafts).toEqual([]);
    expect(b.tags).toEqual({});
    expect(b.redactions).toEqual([]);
  });
});

describe('runInContext / currentContext', () => {
  it('has no context outside, the given one inside, and returns fn’s value', () => {
    expect(currentContext()).toBeUndefined();
    const ctx = new TrackerContext('t');
    expect(runInContext(ctx, () => currentContext())).toBe(ctx);
    expect(currentContext()).toBeUndefined();
  });

  it('follows async work (await, timers, promise callbacks)', async () => {
    const ctx = new TrackerContext('t');
    const seen = await runInContext(ctx, async () => {
      const out: Array<TrackerContext | undefined> = [];
      await sleep(1);
      out.push(currentContext());
      await new Promise<void>((resolve) => setTimeout(() => (out.push(currentContext()), resolve()), 1));
      await Promise.resolve().then(() => out.push(currentContext()));
      await new Promise<void>((resolve) => setImmediate(() => (out.push(currentContext()), resolve())));
      return out;
    });
    expect(seen).toEqual([ctx, ctx, ctx, ctx]);
  });

  it('keeps overlapping requests apart', async () => {
    const a = new TrackerContext('t');
    const b = new TrackerContext('t');
    const work = async (ctx: TrackerContext, tag: string, delays: number[]) =>
      runInContext(ctx, async () => {
        for (const [i, d] of delays.entries()) {
          await sleep(d);
          tagCurrent({ [`${tag}${i}`]: tag });
          redactCurrent(`${tag}-secret`);
        }
      });
    await Promise.all([work(a, 'a', [5, 1, 5]), work(b, 'b', [1, 5, 1])]);
    expect(a.tags).toEqual({ a0: 'a', a1: 'a', a2: 'a' });
    expect(b.tags).toEqual({ b0: 'b', b1: 'b', b2: 'b' });
    expect(a.redactions).toEqual(['a-secret']);
    expect(b.redactions).toEqual(['b-secret']);
  });

  it('nests: the inner context wins inside and the outer one comes back', () => {
    const outer = new TrackerContext('t');
    const inner = new TrackerContext('t');
    runInContext(outer, () => {
      runInContext(inner, () => tagCurrent({ where: 'inner' }));
      tagCurrent({ where: 'outer' });
      expect(currentContext()).toBe(outer);
    });
    expect(inner.tags).toEqual({ where: 'inner' });
    expect(outer.tags).toEqual({ where: 'outer' });
  });
});

describe('tagCurrent', () => {
  it('adds stringified tags to the current context, later values winning; null/undefined skipped', () => {
    const ctx = new TrackerContext('t');
    runInContext(ctx, () => {
      tagCurrent({ user_name: 'Ann', user_email: 'ann@example.com', plan: 'pro' });
      tagCurrent({ plan: 'free', attempt: 3, admin: false, gone: undefined, nothing: null, when: new Date(0).toISOString() });
    });
    expect(ctx.tags).toEqual({
      user_name: 'Ann',
      user_email: 'ann@example.com',
      plan: 'free',
      attempt: '3',
      admin: 'false',
      when: '1970-01-01T00:00:00.000Z',
    });
  });

  it('does nothing (and does not throw) outside a context or with no tags', () => {
    expect(() => tagCurrent({ a: 1 })).not.toThrow();
    const ctx = new TrackerContext('t');
    runInContext(ctx, () => {
      expect(() => tagCurrent(null as unknown as Record<string, unknown>)).not.toThrow();
      expect(() => tagCurrent(undefined as unknown as Record<string, unknown>)).not.toThrow();
    });
    expect(ctx.tags).toEqual({});
    // A tag set outside never leaks into a later context.
    const later = new TrackerContext('t');
    runInContext(later, () => undefined);
    expect(later.tags).toEqual({});
  });
});

describe('redactCurrent', () => {
  it('collects literal values once each, stringified; empty and null values ignored', () => {
    const ctx = new TrackerContext('t');
    runInContext(ctx, () => {
      redactCurrent('tok_1');
      redactCurrent('tok_1', 'ann@example.com', 4111111111111111n, 1234, '', null, undefined);
    });
    expect(ctx.redactions).toEqual(['tok_1', 'ann@example.com', '4111111111111111', '1234']);
  });

  it('does nothing outside a context', () => {
    expect(() => redactCurrent('x')).not.toThrow();
    const ctx = new TrackerContext('t');
    runInContext(ctx, () => undefined);
    expect(ctx.redactions).toEqual([]);
  });
});

describe('appendContextLog', () => {
  const line = (message: string, context?: string) => ({ level: 'log', message, context, at: new Date().toISOString() });

  it('appends to the current context', () => {
    const ctx = new TrackerContext('t');
    runInContext(ctx, () => {
      appendContextLog(line('one', 'Ctx'));
      appendContextLog(line('two'));
    });
    expect(ctx.log.map((l) => l.message)).toEqual(['one', 'two']);
    expect(ctx.logBytes).toBe('one'.length + 'Ctx'.length + 32 + 'two'.length + 32);
    expect(ctx.logTruncated).toBe(false);
  });

  it('does nothing outside a context, unless a context is passed explicitly', () => {
    expect(() => appendContextLog(line('lost'))).not.toThrow();
    const ctx = new TrackerContext('t');
    appendContextLog(line('explicit'), ctx);
    expect(ctx.log).toHaveLength(1);
  });

  it('stops at 64 KB and marks the log truncated; nothing is added afterwards', () => {
    expect(MAX_REQUEST_LOG_BYTES).toBe(64 * 1024);
    const ctx = new TrackerContext('t');
    const message = 'x'.repeat(1000);
    runInContext(ctx, () => {
      for (let i = 0; i < 100; i++) appendContextLog(line(message));
    });
    expect(ctx.logTruncated).toBe(true);
    expect(ctx.log.length).toBe(Math.floor(MAX_REQUEST_LOG_BYTES / 1032));
    expect(ctx.logBytes).toBeLessThanOrEqual(MAX_REQUEST_LOG_BYTES);
    const kept = ctx.log.length;
    runInContext(ctx, () => appendContextLog(line('small')));
    expect(ctx.log.length).toBe(kept);
  });

  it('refuses a single line larger than the cap', () => {
    const ctx = new TrackerContext('t');
    appendContextLog(line('y'.repeat(MAX_REQUEST_LOG_BYTES + 1)), ctx);
    expect(ctx.log).toEqual([]);
    expect(ctx.logTruncated).toBe(true);
  });
});
