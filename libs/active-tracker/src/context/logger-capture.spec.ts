import { ConsoleLogger, Logger, LoggerService } from '@nestjs/common';
import { notifications, Subscription } from '../bus/instrumentation-bus.js';
import { installLoggerCapture, NEST_LOG_EVENT, NestLogEvent } from './logger-capture.js';
import { currentContext, MAX_REQUEST_LOG_BYTES, runInContext, TrackerContext } from './request-context.js';

type Call = [method: string, args: unknown[]];

/** A host's own LoggerService that records exactly what it receives. */
class RecordingLogger implements LoggerService {
  calls: Call[] = [];
  log(...args: unknown[]): void {
    this.calls.push(['log', args]);
  }
  error(...args: unknown[]): void {
    this.calls.push(['error', args]);
  }
  warn(...args: unknown[]): void {
    this.calls.push(['warn', args]);
  }
  debug(...args: unknown[]): void {
    this.calls.push(['debug', args]);
  }
  verbose(...args: unknown[]): void {
    this.calls.push(['verbose', args]);
  }
  fatal(...args: unknown[]): void {
    this.calls.push(['fatal', args]);
  }
}

const STACK = 'Error: boom\n    at Service.run (/srv/app/service.js:1:1)\n    at main (/srv/app/main.js:2:2)';
const payload = { id: 1, nested: { ok: true } };
const error = new Error('as object');

/** The same calls, made once without and once with capture installed. */
function makeCalls(): void {
  new Logger('Ctx').log('instance log');
  new Logger('Ctx').log('with params', payload, 42);
  new Logger('Ctx').warn('instance warn', 'OtherCtx');
  new Logger('Ctx').error('instance error', STACK);
  new Logger('Ctx').error('instance error without stack');
  new Logger('Ctx').debug(payload);
  new Logger('Ctx').verbose('verbose');
  new Logger('Ctx').fatal(error);
  new Logger().log('no context');
  Logger.log('static log', 'StaticCtx');
  Logger.warn('static warn', 'Ctx');
  Logger.error('static error', STACK, 'Ctx');
  Logger.error('static error, trailing undefined', undefined, 'Ctx');
  Logger.debug('static debug');
  Logger.fatal('static fatal', 'Ctx');
}

// Printed output of the default ConsoleLogger, kept off the test output and inspected.
let printed: string[] = [];
let restoreWrites: () => void;
let events: NestLogEvent[] = [];
let subscription: Subscription | null = null;
const defaultLogger = (Logger as unknown as { staticInstanceRef: LoggerService }).staticInstanceRef;

function listen(): void {
  events = [];
  subscription = notifications.subscribe<NestLogEvent>(NEST_LOG_EVENT, (event) => events.push({ ...event.payload }));
}

function inContext<T>(fn: () => T): { ctx: TrackerContext; result: T } {
  const ctx = new TrackerContext('tracker');
  const result = runInContext(ctx, fn);
  return { ctx, result };
}

const baseline = new RecordingLogger();

beforeAll(() => {
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  process.stdout.write = ((chunk: unknown) => (printed.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => (printed.push(String(chunk)), true)) as typeof process.stderr.write;
  restoreWrites = () => {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  };
  // What a host logger receives BEFORE the tracker patches anything (each spec file has its own Nest module instance).
  Logger.overrideLogger(baseline);
  makeCalls();
  Logger.overrideLogger(defaultLogger);
  installLoggerCapture();
});

afterAll(() => {
  restoreWrites();
  Logger.overrideLogger(defaultLogger);
});

beforeEach(() => {
  printed = [];
});

afterEach(() => {
  if (subscription) notifications.unsubscribe(subscription);
  subscription = null;
  Logger.overrideLogger(defaultLogger);
});

describe('logger capture with the default ConsoleLogger', () => {
  it('captures new Logger(ctx).log(...) once, with its context, and still prints it', () => {
    listen();
    const { ctx } = inContext(() => new Logger('Ctx').log('hello'));
    expect(ctx.log).toEqual([{ level: 'log', message: 'hello', context: 'Ctx', at: expect.any(String) }]);
    expect(new Date(ctx.log[0].at).toISOString()).toBe(ctx.log[0].at);
    expect(events).toEqual([{ level: 'log', message: 'hello', context: 'Ctx' }]);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain('hello');
    expect(printed[0]).toContain('[Ctx]');
  });

  it('captures static Logger.warn(msg, ctx)', () => {
    listen();
    const { ctx } = inContext(() => Logger.warn('careful', 'Ctx'));
    expect(ctx.log).toEqual([{ level: 'warn', message: 'careful', context: 'Ctx', at: expect.any(String) }]);
    expect(events).toEqual([{ level: 'warn', message: 'careful', context: 'Ctx' }]);
    expect(printed.join('')).toContain('careful');
  });

  it('captures static Logger.error(msg, stack, ctx) with the stack apart', () => {
    listen();
    const { ctx } = inContext(() => Logger.error('failed', STACK, 'Ctx'));
    expect(ctx.log).toEqual([{ level: 'error', message: 'failed', context: 'Ctx', at: expect.any(String) }]);
    expect(events).toEqual([{ level: 'error', message: 'failed', context: 'Ctx', stack: STACK }]);
    expect(printed.join('')).toContain('failed');
    expect(printed.join('')).toContain('at Service.run');
  });

  it('captures instance error(msg, stack) with the instance context', () => {
    listen();
    inContext(() => new Logger('Svc').error('failed', STACK));
    expect(events).toEqual([{ level: 'error', message: 'failed', context: 'Svc', stack: STACK }]);
  });

  it('counts a direct new ConsoleLogger().log(...) once', () => {
    listen();
    const { ctx } = inContext(() => {
      new ConsoleLogger().log('direct');
      new ConsoleLogger('Own').warn('direct warn');
    });
    expect(ctx.log.map(({ level, message, context }) => ({ level, message, context }))).toEqual([
      { level: 'log', message: 'direct', context: undefined },
      { level: 'warn', message: 'direct warn', context: 'Own' },
    ]);
    expect(events).toEqual([
      { level: 'log', message: 'direct' },
      { level: 'warn', message: 'direct warn', context: 'Own' },
    ]);
    expect(printed).toHaveLength(2);
  });

  it('counts a ConsoleLogger subclass calling super once', () => {
    class PrefixLogger extends ConsoleLogger {
      override log(message: unknown, ...rest: unknown[]): void {
        super.log(`[p] ${String(message)}`, ...rest);
      }
    }
    Logger.overrideLogger(new PrefixLogger());
    listen();
    const { ctx } = inContext(() => {
      new Logger('Ctx').log('via Logger');
      new PrefixLogger().log('direct');
    });
    expect(ctx.log.map((l) => l.message)).toEqual(['via Logger', '[p] direct']);
    expect(events).toHaveLength(2);
  });

  it('captures every level, stringifying objects and Errors', () => {
    listen();
    const { ctx } = inContext(() => {
      const logger = new Logger('L');
      logger.verbose('v');
      logger.debug({ a: 1 });
      logger.log('l', { b: 2 });
      logger.warn('w');
      logger.error(new TypeError('bad'));
      logger.fatal('f');
    });
    expect(ctx.log.map((l) => [l.level, l.message])).toEqual([
      ['verbose', 'v'],
      ['debug', '{"a":1}'],
      ['log', 'l {"b":2}'],
      ['warn', 'w'],
      ['error', 'TypeError: bad'],
      ['fatal', 'f'],
    ]);
    expect(events[4].stack).toContain('TypeError: bad');
  });

  it('records nothing outside a request when nobody listens, and publishes without a request when someone does', () => {
    const before = new TrackerContext('x');
    new Logger('Ctx').log('outside');
    expect(before.log).toEqual([]);
    listen();
    Logger.log('outside, listened', 'Ctx');
    expect(currentContext()).toBeUndefined();
    expect(events).toEqual([{ level: 'log', message: 'outside, listened', context: 'Ctx' }]);
  });

  it('keeps concurrent requests apart', async () => {
    const a = new TrackerContext('t');
    const b = new TrackerContext('t');
    const logger = new Logger('Ctx');
    await Promise.all([
      runInContext(a, async () => {
        logger.log('a1');
        await new Promise((r) => setTimeout(r, 5));
        logger.log('a2');
      }),
      runInContext(b, async () => {
        await new Promise((r) => setTimeout(r, 1));
        logger.log('b1');
      }),
    ]);
    expect(a.log.map((l) => l.message)).toEqual(['a1', 'a2']);
    expect(b.log.map((l) => l.message)).toEqual(['b1']);
  });

  it('applies the 64 KB cap and marks the request log truncated', () => {
    const { ctx } = inContext(() => {
      const logger = new Logger('Big');
      for (let i = 0; i < 80; i++) logger.log('z'.repeat(1024));
    });
    expect(ctx.logTruncated).toBe(true);
    expect(ctx.log.length).toBeGreaterThan(50);
    expect(ctx.log.length).toBeLessThan(80);
    expect(ctx.logBytes).toBeLessThanOrEqual(MAX_REQUEST_LOG_BYTES);
    // Printing is not capped.
    expect(printed).toHaveLength(80);
  });

  it('does not recurse when a bus subscriber logs, and keeps counting after a logger throws', () => {
    listen();
    const nested = notifications.subscribe(NEST_LOG_EVENT, () => new Logger('Sub').log('from subscriber'));
    try {
      const { ctx } = inContext(() => new Logger('Ctx').log('outer'));
      expect(ctx.log.map((l) => l.message)).toEqual(['outer']);
    } finally {
      notifications.unsubscribe(nested);
    }
    const throwing: LoggerService = {
      log: () => {
        throw new Error('sink down');
      },
      error: () => undefined,
      warn: () => undefined,
    };
    Logger.overrideLogger(throwing);
    const { ctx } = inContext(() => {
      expect(() => Logger.log('first', 'Ctx')).toThrow('sink down');
      Logger.warn('after the throw', 'Ctx');
    });
    expect(ctx.log.map((l) => l.message)).toEqual(['first', 'after the throw']);
  });

  it('is idempotent: installing twice does not count twice', () => {
    installLoggerCapture();
    installLoggerCapture();
    listen();
    const { ctx } = inContext(() => {
      new Logger('Ctx').log('once');
      Logger.log('once static', 'Ctx');
      new ConsoleLogger().log('once direct');
    });
    expect(ctx.log).toHaveLength(3);
    expect(events).toHaveLength(3);
  });

  it('counts buffered boot logs once (Logger.attachBuffer / flush)', () => {
    listen();
    Logger.attachBuffer();
    try {
      new Logger('Boot').log('buffered');
      Logger.warn('buffered static', 'Boot');
      expect(printed).toHaveLength(0);
    } finally {
      Logger.flush();
    }
    expect(printed).toHaveLength(2);
    expect(events.map((e) => e.message)).toEqual(['buffered', 'buffered static']);
  });

  it('counts buffered boot logs once with a host logger, and the host still gets them on flush', () => {
    const custom = new RecordingLogger();
    Logger.overrideLogger(custom);
    listen();
    const { ctx } = inContext(() => {
      Logger.attachBuffer();
      try {
        new Logger('Boot').log('buffered');
        expect(custom.calls).toEqual([]);
      } finally {
        Logger.flush();
      }
    });
    expect(custom.calls).toEqual([['log', ['buffered', 'Boot']]]);
    expect(events).toEqual([{ level: 'log', message: 'buffered', context: 'Boot' }]);
    expect(ctx.log).toHaveLength(1);
  });
});

describe('logger capture: sensitive keys of logged objects never reach a log line', () => {
  const CARD = '4111111111111111';

  it('redacts card numbers, CVCs, SSNs, passwords and tokens in logged objects, at any depth, in the request log and the event', () => {
    listen();
    const { ctx } = inContext(() => {
      new Logger('Pay').log({ cardNumber: CARD, amount: 5 });
      new Logger('Pay').log('charging', { user: 'ann', card: { number: CARD, cvc: '123' }, meta: [{ ssn: '078-05-1120', cvv: '999' }] });
      Logger.warn({ password: 'hunter2', nested: { access_token: 'tok-1', ok: true } }, 'Auth');
      new Logger('Pay').error({ creditCard: CARD }, STACK);
    });
    expect(ctx.log.map((l) => l.message)).toEqual([
      '{"cardNumber":"[REDACTED]","amount":5}',
      'charging {"user":"ann","card":"[REDACTED]","meta":[{"ssn":"[REDACTED]","cvv":"[REDACTED]"}]}',
      '{"password":"[REDACTED]","nested":{"access_token":"[REDACTED]","ok":true}}',
      '{"creditCard":"[REDACTED]"}',
    ]);
    expect(events.map((e) => e.message)).toEqual(ctx.log.map((l) => l.message));
    const all = JSON.stringify([ctx.log, events]);
    for (const secret of [CARD, '123', '078-05-1120', '999', 'hunter2', 'tok-1']) expect(all).not.toContain(`"${secret}`);
    expect(events[2].context).toBe('Auth');
    expect(events[3].stack).toBe(STACK);
  });

  it('also in Maps, Sets, class instances and objects with toJSON, and cuts cycles instead of losing the line', () => {
    listen();
    class Payment {
      constructor(
        readonly cardNumber: string,
        readonly amount: number,
      ) {}
    }
    const cyclic: Record<string, unknown> = { token: 't', id: 1 };
    cyclic.self = cyclic;
    const { ctx } = inContext(() => {
      const logger = new Logger('L');
      logger.log(
        new Map<string, unknown>([
          ['cvv', '321'],
          ['id', 7],
        ]),
      );
      logger.log(new Payment(CARD, 3));
      logger.log({ toJSON: () => ({ secret: 's', shown: 'yes' }) });
      logger.log(cyclic);
      logger.log(new Set([{ pin: '0000' }]));
    });
    expect(ctx.log.map((l) => l.message)).toEqual([
      '{"cvv":"[REDACTED]","id":7}',
      '{"cardNumber":"[REDACTED]","amount":3}',
      '{"secret":"[REDACTED]","shown":"yes"}',
      '{"token":"[REDACTED]","id":1,"self":"[Circular]"}',
      '[{"pin":"[REDACTED]"}]',
    ]);
  });

  it('leaves ordinary keys, primitives and clean objects as JSON.stringify writes them', () => {
    listen();
    const { ctx } = inContext(() => {
      const logger = new Logger('L');
      logger.log({ accept: 'json', success: true, access: 'ro', discard: 1, n: null, at: new Date(0) });
      logger.log('n', 42, true, null);
      logger.log([1, 'two', { three: 3 }]);
    });
    expect(ctx.log.map((l) => l.message)).toEqual([
      '{"accept":"json","success":true,"access":"ro","discard":1,"n":null,"at":"1970-01-01T00:00:00.000Z"}',
      'n 42 true null',
      '[1,"two",{"three":3}]',
    ]);
  });

  it('gives the host logger the original object, unredacted (only what the tracker keeps is redacted)', () => {
    const custom = new RecordingLogger();
    Logger.overrideLogger(custom);
    const logged = { cardNumber: CARD };
    const { ctx } = inContext(() => new Logger('Pay').log(logged));
    expect(custom.calls).toEqual([['log', [logged, 'Pay']]]);
    expect(custom.calls[0][1][0]).toBe(logged);
    expect(logged.cardNumber).toBe(CARD);
    expect(ctx.log[0].message).toBe('{"cardNumber":"[REDACTED]"}');
  });
});

describe('logger capture with a host LoggerService (Logger.overrideLogger)', () => {
  it('still captures every call, once', () => {
    const custom = new RecordingLogger();
    Logger.overrideLogger(custom);
    listen();
    const { ctx } = inContext(() => {
      new Logger('Ctx').log('custom instance');
      Logger.warn('custom static', 'Ctx');
    });
    expect(ctx.log.map(({ level, message, context }) => [level, message, context])).toEqual([
      ['log', 'custom instance', 'Ctx'],
      ['warn', 'custom static', 'Ctx'],
    ]);
    expect(events).toHaveLength(2);
    expect(custom.calls).toEqual([
      ['log', ['custom instance', 'Ctx']],
      ['warn', ['custom static', 'Ctx']],
    ]);
    expect(printed).toEqual([]);
  });

  it('gives the host logger exactly the arguments it received without the tracker', () => {
    const custom = new RecordingLogger();
    Logger.overrideLogger(custom);
    listen();
    const { ctx } = inContext(makeCalls);
    expect(baseline.calls.length).toBeGreaterThan(10);
    expect(custom.calls).toEqual(baseline.calls);
    // Same arguments, same identities (nothing copied or stringified on the way).
    const withPayload = custom.calls.find(([, args]) => args[0] === 'with params');
    expect(withPayload?.[1][1]).toBe(payload);
    expect(custom.calls.find(([m]) => m === 'fatal')?.[1][0]).toBe(error);
    expect(ctx.log).toHaveLength(custom.calls.length);
    expect(events).toHaveLength(custom.calls.length);
  });
});
