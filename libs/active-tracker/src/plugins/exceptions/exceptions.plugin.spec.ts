import { BadRequestException, InternalServerErrorException, Logger, NotFoundException } from '@nestjs/common';
import { InstrumentationBus } from '../../bus/instrumentation-bus.js';
import { runInContext, TrackerContext } from '../../context/request-context.js';
import type { EntryDraft } from '../../entries/entry.js';
import type { PluginHost } from '../plugin.js';
import { resolveOptions } from '../../active-tracker.options.js';
import { exceptions, ExceptionsPlugin, ExceptionsPluginOptions } from './exceptions.plugin.js';

class PaymentDeclined extends Error {}

function setup(options: ExceptionsPluginOptions = {}) {
  const bus = new InstrumentationBus();
  bus.raiseOnError = true;
  const drafts: EntryDraft[] = [];
  const plugin = exceptions(options);
  const host: PluginHost = {
    bus,
    trackerId: 'tracker-1',
    options: resolveOptions({ plugins: [plugin] }, () => []),
    logger: new Logger('test'),
    record: (draft) => drafts.push(draft),
  };
  const teardown = plugin.register(host);
  return { bus, drafts, plugin, teardown };
}

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
    expect(d.content).toMatchObject({ class: 'PaymentDeclined', message: 'card declined', status: 500, origin: 'http', request: { method: 'POST', path: '/pay' } });
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

  it('validates its options', () => {
    expect(new ExceptionsPlugin({ filters: [42 as any], captureClientErrors: 'yes' as any }).validate()).toEqual([
      '"filters[0]" must be an error class, a class name or a RegExp',
      '"captureClientErrors" must be a boolean',
    ]);
  });
});
