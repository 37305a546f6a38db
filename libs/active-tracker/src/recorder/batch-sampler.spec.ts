import type { IncomingMessage, ServerResponse } from 'node:http';
import { BatchDraft, TrackerContext } from '../context/request-context.js';
import type { EntryDraft } from '../entries/entry.js';
import { newUlid } from '../entries/entry-id.js';
import { BatchSampler, SamplingOptions, unitHash } from './batch-sampler.js';

function sampler(options: Partial<SamplingOptions> = {}): BatchSampler {
  return new BatchSampler({ rate: 0.5, keepSlowerThanMs: null, ...options });
}

function drafts(...list: EntryDraft[]): BatchDraft[] {
  return list.map((draft) => ({ draft, recordedAt: 0, id: newUlid() }));
}

/** An ended batch that lasted `ms`, answered with `status` when given. */
function batch({ id, ms = 1, status, kind }: { id?: string; ms?: number; status?: number; kind?: string } = {}): TrackerContext {
  const b = new TrackerContext('t', id, kind);
  b.endedAt = b.startedAt + ms;
  if (status !== undefined) b.http = { req: {} as IncomingMessage & Record<string, any>, res: { statusCode: status } as ServerResponse };
  return b;
}

/** A fresh batch whose id the hash puts out of (or in) the sample at `rate`. */
function batchSampled(rate: number, kept: boolean, extra: { ms?: number; status?: number; kind?: string } = {}): TrackerContext {
  for (;;) {
    const b = batch(extra);
    if (unitHash(b.batchId) < rate === kept) return b;
  }
}

describe('unitHash', () => {
  it('maps an id to [0, 1), the same every time, from its last 16 characters (the random part of a ULID)', () => {
    for (let i = 0; i < 200; i++) {
      const id = new TrackerContext().batchId;
      const h = unitHash(id);
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThan(1);
      expect(unitHash(id)).toBe(h);
      expect(unitHash('0000000000' + id.slice(10))).toBe(h); // the time part does not count
    }
    expect(unitHash('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBe(unitHash('01ARZ3NDEKTSV4RRFFQ69G5FAV'));
    expect(unitHash('01ARZ3NDEKTSV4RRFFQ69G5FAV')).not.toBe(unitHash('01ARZ3NDEKTSV4RRFFQ69G5FAW'));
  });
});

describe('BatchSampler', () => {
  it('decides the same for the same batch id, on any instance (no state, no randomness)', () => {
    const a = sampler();
    const b = sampler();
    for (let i = 0; i < 300; i++) {
      const one = batch();
      const twin = batch({ id: one.batchId });
      const first = a.decide(one, []);
      expect(a.decide(one, [])).toEqual(first);
      expect(b.decide(twin, [])).toEqual(first);
      expect(first).toEqual(unitHash(one.batchId) < 0.5 ? { keep: true, weight: 2 } : { keep: false, weight: 0 });
    }
  });

  it('keeps about `rate` of ordinary batches (2000 batches at 0.5: between 35% and 65%)', () => {
    const s = sampler({ rate: 0.5 });
    let kept = 0;
    for (let i = 0; i < 2000; i++) if (s.decide(batch(), drafts({ type: 'request', content: { status: 200 } })).keep) kept++;
    expect(kept).toBeGreaterThanOrEqual(700);
    expect(kept).toBeLessThanOrEqual(1300);
  });

  it('keeps about `rate` at other rates too (2000 batches at 0.1: between 4% and 16%)', () => {
    const s = sampler({ rate: 0.1 });
    let kept = 0;
    for (let i = 0; i < 2000; i++) {
      const decision = s.decide(batch(), []);
      if (decision.keep) {
        kept++;
        expect(decision.weight).toBeCloseTo(10, 10);
      }
    }
    expect(kept).toBeGreaterThanOrEqual(80);
    expect(kept).toBeLessThanOrEqual(320);
  });

  it('keeps everything with weight 1 at rate 1, even a rule that says no', () => {
    const s = sampler({ rate: 1, keep: () => false });
    for (let i = 0; i < 100; i++) expect(s.decide(batch(), [])).toEqual({ keep: true, weight: 1 });
  });

  describe('batches always kept, with weight 1', () => {
    const s = sampler({ rate: 0.01, keepSlowerThanMs: 1000 });

    it('with an exception', () => {
      const b = batchSampled(0.01, false);
      expect(s.decide(b, drafts({ type: 'request', content: {} }))).toEqual({ keep: false, weight: 0 });
      expect(s.decide(b, drafts({ type: 'request', content: {} }, { type: 'exception', content: { class: 'E' } }))).toEqual({ keep: true, weight: 1 });
    });

    it('answered with a 5xx, or failed (a job that threw); not for an outbound call that got a 5xx', () => {
      expect(s.decide(batchSampled(0.01, false, { status: 500 }), [])).toEqual({ keep: true, weight: 1 });
      expect(s.decide(batchSampled(0.01, false, { status: 503 }), [])).toEqual({ keep: true, weight: 1 });
      expect(s.decide(batchSampled(0.01, false, { status: 499 }), [])).toEqual({ keep: false, weight: 0 });
      const job = batchSampled(0.01, false, { kind: 'job' });
      // The batch's own answer decides: a dependency's 502 that the app handled is not a failure.
      expect(s.decide(job, drafts({ type: 'http-client', content: { status: 502 } }))).toEqual({ keep: false, weight: 0 });
      job.failed = true;
      expect(s.decide(job, drafts({ type: 'http-client', content: { status: 502 } }))).toEqual({ keep: true, weight: 1 });
    });

    it('slower than keepSlowerThanMs (at the threshold included), unless the rule is null', () => {
      const slow = batchSampled(0.01, false, { ms: 1000 });
      expect(s.decide(slow, [])).toEqual({ keep: true, weight: 1 });
      expect(s.decide(batchSampled(0.01, false, { ms: 999 }), [])).toEqual({ keep: false, weight: 0 });
      expect(sampler({ rate: 0.01, keepSlowerThanMs: null }).decide(slow, [])).toEqual({ keep: false, weight: 0 });
      const notEnded = batchSampled(0.01, false);
      notEnded.endedAt = null;
      expect(s.decide(notEnded, [])).toEqual({ keep: false, weight: 0 });
    });

    it('chosen by the keep rule, which sees the batch and its drafts; a throwing rule keeps the batch', () => {
      const seen: unknown[] = [];
      const custom = sampler({
        rate: 0.01,
        keep: (b, list) => {
          seen.push([b.kind, list.length]);
          return b.tags.plan === 'enterprise';
        },
      });
      const vip = batchSampled(0.01, false);
      vip.tags.plan = 'enterprise';
      expect(custom.decide(vip, drafts({ type: 'request', content: {} }))).toEqual({ keep: true, weight: 1 });
      expect(custom.decide(batchSampled(0.01, false), [])).toEqual({ keep: false, weight: 0 });
      expect(seen).toEqual([
        ['request', 1],
        ['request', 0],
      ]);
      const truthy = sampler({ rate: 0.01, keep: () => 1 as unknown as boolean });
      expect(truthy.decide(batchSampled(0.01, false), [])).toEqual({ keep: false, weight: 0 }); // only `true` keeps
      const throwing = sampler({
        rate: 0.01,
        keep: () => {
          throw new Error('rule bug');
        },
      });
      expect(throwing.decide(batchSampled(0.01, false), [])).toEqual({ keep: true, weight: 1 });
    });

    it('even when the hash would have kept it by chance (weight 1, not 1/rate)', () => {
      const lucky = batchSampled(0.01, true, { status: 500 });
      expect(s.decide(lucky, [])).toEqual({ keep: true, weight: 1 });
    });
  });
});
