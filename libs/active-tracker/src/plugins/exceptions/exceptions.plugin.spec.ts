import { BadRequestException, InternalServerErrorException, NotFoundException } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fakeHost } from '../../../test/support/fake-host.js';
import { InstrumentationBus } from '../../bus/instrumentation-bus.js';
import { BatchDraft, runInContext, TrackerContext } from '../../context/request-context.js';
import type { EntryDraft } from '../../entries/entry.js';
import { newUlid } from '../../entries/entry-id.js';
import { exceptions, ExceptionsPlugin, ExceptionsPluginOptions } from './exceptions.plugin.js';

class PaymentDeclined extends Error {}

function setup(options: ExceptionsPluginOptions = {}) {
  const bus = new InstrumentationBus();
  bus.raiseOnError = true;
  const plugin = exceptions(options);
  const fake = fakeHost(plugin, { bus });
  const teardown = plugin.register(fake.host);
  return { bus, drafts: fake.drafts, records: fake.records, processBatch: fake.processBatch, plugin, teardown };
}

/** A request batch whose response went out with `status`. */
function requestBatch(status: number): TrackerContext {
  const batch = new TrackerContext('tracker-1');
  batch.http = { req: {} as IncomingMessage & Record<string, any>, res: { statusCode: status } as ServerResponse };
  return batch;
}

const inBatch = (drafts: EntryDraft[]): BatchDraft[] => drafts.map((draft) => ({ draft, recordedAt: Date.now(), id: newUlid() }));

describe('ExceptionsPlugin', () => {
  let teardown: (() => void) | undefined;
  afterEach(() => teardown?.());

  it('records errors published by the Nest exception hook with class, message, app location and family', () => {
    const s = setup();
    teardown = s.teardown;
    const ctx = new TrackerContext('tracker-1');
    ctx.tags.plan = 'pro';
    const error = new PaymentDeclined('card declined');
    runInContext(ctx, () => s.bus.instrument('handle_exception.nest', { exception: error, request: { method: 'POST', originalUrl: '/pay?x=1' } }));
    expect(s.drafts).toHaveLength(1);
    const d = s.drafts[0];
    expect(d.type).toBe('exception');
    expect(d.batchId).toBe(ctx.batchId);
    expect(d.tags).toEqual({ plan: 'pro' });
    expect(d.content).toMatchObject({
      class: 'PaymentDeclined',
      message: 'card declined',
      status: 500,
      origin: 'http',
      request: { method: 'POST', path: '/pay' },
    });
    const location = d.content.location as { file: string; line: number };
    expect(location.file).toMatch(/exceptions\.plugin\.spec\.ts$/);
    expect(d.content.locationLabel).toBe(`${location.file}:${location.line}`);
    expect(d.familyHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives the same family to the same class at the same place, another to another place', () => {
    const s = setup();
    teardown = s.teardown;
    const throwHere = () => new PaymentDeclined('a');
    s.plugin.capture(throwHere(), 'manual');
    s.plugin.capture(throwHere(), 'manual');
    s.plugin.capture(new PaymentDeclined('b'), 'manual');
    expect(s.drafts[0].familyHash).toBe(s.drafts[1].familyHash);
    expect(s.drafts[2].familyHash).not.toBe(s.drafts[0].familyHash);
  });

  it('skips 4xx HttpExceptions by default and records them with captureClientErrors', () => {
    const s = setup();
    teardown = s.teardown;
    s.bus.instrument('handle_exception.nest', { exception: new NotFoundException() });
    s.bus.instrument('handle_exception.nest', { exception: new BadRequestException() });
    s.bus.instrument('handle_exception.nest', { exception: new InternalServerErrorException() });
    expect(s.drafts.map((d) => d.content.status)).toEqual([500]);
    teardown();
    const t = setup({ captureClientErrors: true });
    teardown = t.teardown;
    t.bus.instrument('handle_exception.nest', { exception: new NotFoundException() });
    expect(t.drafts.map((d) => d.content.status)).toEqual([404]);
  });

  it('applies filters: class exact, name string exact, RegExp on the class name', () => {
    for (const filter of [PaymentDeclined, 'PaymentDeclined', /Declined$/]) {
      const s = setup({ filters: [filter] });
      s.plugin.capture(new PaymentDeclined('x'), 'manual');
      s.plugin.capture(new TypeError('y'), 'manual');
      expect(s.drafts.map((d) => d.content.class)).toEqual(['TypeError']);
      s.teardown();
    }
    const s = setup({ filters: ['Payment', Error] }); // neither a partial name nor a parent class matches
    teardown = s.teardown;
    s.plugin.capture(new PaymentDeclined('x'), 'manual');
    expect(s.drafts).toHaveLength(1);
  });

  it('records an error object only once even when several hooks see it', () => {
    const s = setup();
    teardown = s.teardown;
    const error = new Error('once');
    s.plugin.capture(error, 'http');
    s.plugin.capture(error, 'http');
    expect(s.drafts).toHaveLength(1);
  });

  it('sees uncaught exceptions and crashing rejections through uncaughtExceptionMonitor without handling them', () => {
    const s = setup();
    teardown = s.teardown;
    const before = process.listenerCount('uncaughtException');
    process.emit('uncaughtExceptionMonitor' as any, new RangeError('kaboom') as any, 'uncaughtException' as any);
    process.emit('uncaughtExceptionMonitor' as any, new Error('rejected') as any, 'unhandledRejection' as any);
    expect(s.drafts.map((d) => [d.content.class, d.content.origin, d.content.status])).toEqual([
      ['RangeError', 'uncaughtException', null],
      ['Error', 'unhandledRejection', null],
    ]);
    expect(process.listenerCount('uncaughtException')).toBe(before); // Node's crash behaviour is untouched
  });

  it('listens to unhandledRejection only when the host handles them itself', async () => {
    const listenersBefore = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    try {
      const s = setup();
      teardown = s.teardown;
      expect(process.listenerCount('unhandledRejection')).toBe(0); // we never add the first one
      const hostListener = () => undefined;
      process.on('unhandledRejection', hostListener);
      await new Promise((r) => setImmediate(r));
      expect(process.listenerCount('unhandledRejection')).toBe(2);
      process.emit('unhandledRejection', new Error('nobody caught me'), Promise.resolve());
      expect(s.drafts.map((d) => d.content.message)).toEqual(['nobody caught me']);
      s.teardown();
      teardown = undefined;
      expect(process.listeners('unhandledRejection')).toEqual([hostListener]);
      process.off('unhandledRejection', hostListener);
    } finally {
      for (const l of listenersBefore) process.on('unhandledRejection', l as any);
    }
  });

  it('records into the batch running now (explicit batch for the recorder)', () => {
    const s = setup();
    teardown = s.teardown;
    const ctx = new TrackerContext('tracker-1');
    runInContext(ctx, () => s.plugin.capture(new Error('in a batch'), 'manual'));
    s.plugin.capture(new Error('outside'), 'manual');
    expect(s.records.map((r) => [r.draft.content.message, r.batch])).toEqual([
      ['in a batch', ctx],
      ['outside', undefined],
    ]);
    expect(s.drafts[1].batchId).toBeNull();
  });

  describe('batch processor: the status the client got', () => {
    it("sets an HTTP exception's status to the response's (a filter answered 503 to an error that looked like a 500)", () => {
      const s = setup();
      teardown = s.teardown;
      const batch = requestBatch(503);
      runInContext(batch, () => s.bus.instrument('handle_exception.nest', { exception: new Error('db down') }));
      expect(s.drafts[0].content.status).toBe(500);
      const drafts = inBatch(s.drafts);
      s.processBatch(batch, drafts);
      expect(drafts.map((d) => d.draft.content.status)).toEqual([503]);
    });

    it('drops an HTTP exception a filter answered with a 4xx, unless captureClientErrors', () => {
      for (const captureClientErrors of [false, true]) {
        const s = setup({ captureClientErrors });
        const batch = requestBatch(422);
        runInContext(batch, () => {
          s.bus.instrument('handle_exception.nest', { exception: new Error('validation, mapped by a filter') });
          s.plugin.capture(new Error('handled by the app, recorded by hand'), 'manual');
        });
        const other: EntryDraft = { type: 'log', content: { level: 'error', message: 'kept' } };
        const drafts = inBatch([...s.drafts, other]);
        s.processBatch(batch, drafts);
        expect(drafts.map((d) => d.draft.content.message)).toEqual(
          captureClientErrors
            ? ['validation, mapped by a filter', 'handled by the app, recorded by hand', 'kept']
            : ['handled by the app, recorded by hand', 'kept'],
        );
        // only HTTP-origin exceptions take the response status
        expect(drafts.find((d) => d.draft.content.origin === 'manual')!.draft.content.status).toBeNull();
        s.teardown();
      }
    });

    it('leaves batches without an HTTP exchange (jobs) alone', () => {
      const s = setup();
      teardown = s.teardown;
      const job = new TrackerContext('tracker-1', undefined, 'job');
      runInContext(job, () => s.plugin.capture(new Error('job failed'), 'http'));
      const drafts = inBatch(s.drafts);
      s.processBatch(job, drafts);
      expect(drafts.map((d) => d.draft.content.status)).toEqual([500]);
    });

    it('stops processing batches after teardown', () => {
      const s = setup();
      const batch = requestBatch(404);
      runInContext(batch, () => s.plugin.capture(new Error('x'), 'http'));
      s.teardown();
      const drafts = inBatch(s.drafts);
      s.processBatch(batch, drafts);
      expect(drafts).toHaveLength(1);
    });
  });

  it('validates its options', () => {
    expect(new ExceptionsPlugin({ filters: [42 as any], captureClientErrors: 'yes' as any }).validate()).toEqual([
      '"filters[0]" must be an error class, a class name or a RegExp',
      '"captureClientErrors" must be a boolean',
    ]);
  });
});
