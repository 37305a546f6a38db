import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { bufferCount, filter, firstValueFrom, map, take, toArray } from 'rxjs';
import { runInContext, TrackerContext } from '../context/request-context.js';
import {
  CAPTURE_EVENT_PATTERN,
  CAPTURE_EVENT_SUFFIX,
  captureEventName,
  InstrumentationBus,
  InstrumentationEvent,
  notifications,
  Subscription,
} from './instrumentation-bus.js';

class CustomError extends Error {}

function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* spin */
  }
}

/** A bus whose subscriber errors are collected instead of printed. */
function newBus(): { bus: InstrumentationBus; reported: Array<{ error: unknown; event: InstrumentationEvent<any> }> } {
  const bus = new InstrumentationBus();
  const reported: Array<{ error: unknown; event: InstrumentationEvent<any> }> = [];
  bus.onSubscriberError = (error, event) => reported.push({ error, event });
  return { bus, reported };
}

function collect(bus: InstrumentationBus, pattern?: string | RegExp): InstrumentationEvent<any>[] {
  const events: InstrumentationEvent<any>[] = [];
  bus.subscribe(pattern, (e) => events.push(e));
  return events;
}

describe('InstrumentationBus.instrument', () => {
  it('runs a sync fn, returns its value, and notifies with name, payload, timing, id and transaction id', () => {
    const { bus } = newBus();
    const events = collect(bus, 'render');
    const before = Date.now();
    const result = bus.instrument('render', { extra: 'information' } as Record<string, unknown>, (payload) => {
      payload.rendered = true;
      busyWait(15);
      return 42;
    });
    const after = Date.now();
    expect(result).toBe(42);
    expect(events).toHaveLength(1);
    const [e] = events;
    expect(e.name).toBe('render');
    expect(e.payload).toEqual({ extra: 'information', rendered: true });
    expect(e.duration).toBeGreaterThanOrEqual(15);
    expect(e.duration).toBeLessThan(1000);
    expect(e.finish - e.start).toBeCloseTo(e.duration, 3);
    // wall clock (epoch ms), Date.now() has 1 ms resolution
    expect(e.start).toBeGreaterThanOrEqual(before - 2);
    expect(e.finish).toBeLessThanOrEqual(after + 2);
    expect(typeof e.id).toBe('string');
    expect(e.id.length).toBeGreaterThan(0);
    expect(e.transactionId).toBeNull();
  });

  it('measures async fns until their promise settles', async () => {
    const { bus } = newBus();
    const events = collect(bus, 'job.perform');
    const value = await bus.instrument('job.perform', {}, async () => {
      await sleep(30);
      return 'done';
    });
    expect(value).toBe('done');
    expect(events).toHaveLength(1);
    expect(events[0].duration).toBeGreaterThanOrEqual(25);
  });

  it('gives each notification a unique id', () => {
    const { bus } = newBus();
    const events = collect(bus);
    for (let i = 0; i < 100; i++) bus.instrument('x', {});
    expect(new Set(events.map((e) => e.id)).size).toBe(100);
  });

  it('sets exception and exceptionObject when a sync fn throws, notifies, and rethrows the same error', () => {
    const { bus } = newBus();
    const events = collect(bus, 'sql');
    const error = new CustomError('boom');
    let caught: unknown;
    try {
      bus.instrument('sql', { sql: 'SELECT 1' }, () => {
        throw error;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(error);
    expect(events).toHaveLength(1);
    expect(events[0].payload.exception).toEqual(['CustomError', 'boom']);
    expect(events[0].payload.exceptionObject).toBe(error);
    expect(events[0].payload.sql).toBe('SELECT 1');
  });

  it('sets exception and exceptionObject when an async fn rejects, and rejects with the same error', async () => {
    const { bus } = newBus();
    const events = collect(bus, 'http');
    const error = new TypeError('fetch failed');
    const promise = bus.instrument('http', { url: 'http://x' }, async () => {
      await sleep(5);
      throw error;
    });
    await expect(promise).rejects.toBe(error);
    expect(events[0].payload.exception).toEqual(['TypeError', 'fetch failed']);
    expect(events[0].payload.exceptionObject).toBe(error);
    expect(events[0].duration).toBeGreaterThanOrEqual(4);
  });

  it('describes thrown non-errors too', () => {
    const { bus } = newBus();
    const events = collect(bus, 'odd');
    expect(() =>
      bus.instrument('odd', {}, () => {
        throw 'plain string';
      }),
    ).toThrow('plain string');
    expect(events[0].payload.exception).toEqual(['string', 'plain string']);
  });

  it('rethrows unchanged when nobody listens', () => {
    const { bus } = newBus();
    const error = new Error('alone');
    expect(() =>
      bus.instrument('nobody', {}, () => {
        throw error;
      }),
    ).toThrow(error);
  });

  it('notifies at once without fn (duration 0) and returns undefined', () => {
    const { bus } = newBus();
    const events = collect(bus, 'my.custom.event');
    expect(bus.instrument('my.custom.event', { this: 'data' })).toBeUndefined();
    expect(events).toHaveLength(1);
    expect(events[0].payload).toEqual({ this: 'data' });
    expect(events[0].duration).toBe(0);
    expect(events[0].start).toBe(events[0].finish);
  });

  it('accepts instrument(name, fn) with an empty payload', () => {
    const { bus } = newBus();
    const events = collect(bus, 'short');
    expect(bus.instrument('short', () => 7)).toBe(7);
    expect(events[0].payload).toEqual({});
  });

  it('runs fn and returns its value when nobody listens to the name', async () => {
    const { bus } = newBus();
    const others = collect(bus, 'other');
    expect(bus.instrument('unheard', { a: 1 }, (p) => p.a + 1)).toBe(2);
    await expect(bus.instrument('unheard', {}, async () => 'async')).resolves.toBe('async');
    expect(others).toHaveLength(0);
    expect(bus.isListening('unheard')).toBe(false);
    expect(bus.isListening('other')).toBe(true);
  });

  it('stamps the batch id of the current request context as transactionId, also after await', async () => {
    const { bus } = newBus();
    const events = collect(bus);
    const ctx = new TrackerContext();
    await runInContext(ctx, async () => {
      bus.instrument('sync', {});
      await bus.instrument('async', {}, async () => {
        await sleep(1);
      });
      await sleep(1);
      bus.instrument('after.await', {});
    });
    bus.instrument('outside', {});
    expect(events.map((e) => [e.name, e.transactionId])).toEqual([
      ['sync', ctx.batchId],
      ['async', ctx.batchId],
      ['after.await', ctx.batchId],
      ['outside', null],
    ]);
  });
});

describe('InstrumentationBus.subscribe', () => {
  it('matches a string exactly, a RegExp, and undefined as everything', () => {
    const { bus } = newBus();
    const exact = collect(bus, 'render');
    const regexp = collect(bus, /\.action_controller$/);
    const global = collect(bus, /sql/g); // a global RegExp must match every time (lastIndex reset)
    const all = collect(bus);
    for (const name of ['render', 'render.partial', 'process_action.action_controller', 'sql.active_record', 'sql.active_record']) {
      bus.instrument(name, {});
    }
    expect(exact.map((e) => e.name)).toEqual(['render']);
    expect(regexp.map((e) => e.name)).toEqual(['process_action.action_controller']);
    expect(global.map((e) => e.name)).toEqual(['sql.active_record', 'sql.active_record']);
    expect(all).toHaveLength(5);
  });

  it('delivers in subscription order, subscriptions added later included', () => {
    const { bus } = newBus();
    const order: string[] = [];
    bus.subscribe('x', () => order.push('first'));
    bus.instrument('x', {});
    bus.subscribe('x', () => order.push('second'));
    bus.instrument('x', {});
    expect(order).toEqual(['first', 'first', 'second']);
  });

  it('accepts an object with a call(event) method (Rails callable subscriber)', () => {
    const { bus } = newBus();
    class PageRequest {
      readonly seen: string[] = [];
      call(event: InstrumentationEvent): void {
        this.seen.push(event.name);
      }
    }
    const subscriber = new PageRequest();
    const sub = bus.subscribe('process_action', subscriber);
    bus.instrument('process_action', {});
    expect(subscriber.seen).toEqual(['process_action']);
    expect(sub.listener).toBe(subscriber);
    bus.unsubscribe(subscriber);
    bus.instrument('process_action', {});
    expect(subscriber.seen).toHaveLength(1);
  });

  it('rejects listeners that are neither functions nor callable objects', () => {
    const { bus } = newBus();
    expect(() => bus.subscribe('x', {} as any)).toThrow(TypeError);
    expect(() => bus.subscribe('x', null as any)).toThrow(TypeError);
  });

  it('returns a Subscription carrying the pattern', () => {
    const { bus } = newBus();
    const sub = bus.subscribe(/a/, () => undefined);
    expect(sub).toBeInstanceOf(Subscription);
    expect(sub.pattern).toEqual(/a/);
    expect(sub.monotonic).toBe(false);
  });
});

describe('InstrumentationBus.monotonicSubscribe', () => {
  it('gives start and finish on the monotonic clock, while subscribe gets wall-clock times', () => {
    const { bus } = newBus();
    const mono: InstrumentationEvent[] = [];
    const wall: InstrumentationEvent[] = [];
    const sub = bus.monotonicSubscribe('tick', (e) => mono.push(e));
    bus.subscribe('tick', (e) => wall.push(e));
    const before = performance.now();
    bus.instrument('tick', {}, () => busyWait(5));
    const after = performance.now();
    expect(sub.monotonic).toBe(true);
    expect(mono[0].start).toBeGreaterThanOrEqual(before);
    expect(mono[0].finish).toBeLessThanOrEqual(after);
    expect(mono[0].finish - mono[0].start).toBeCloseTo(mono[0].duration, 6);
    expect(Math.abs(wall[0].start - Date.now())).toBeLessThan(1000);
    expect(wall[0].id).toBe(mono[0].id);
    expect(wall[0].duration).toBe(mono[0].duration);
  });
});

describe('InstrumentationBus.unsubscribe', () => {
  it('removes one subscription', () => {
    const { bus } = newBus();
    const a: string[] = [];
    const b: string[] = [];
    const subA = bus.subscribe('x', (e) => a.push(e.name));
    bus.subscribe('x', (e) => b.push(e.name));
    bus.instrument('x', {});
    bus.unsubscribe(subA);
    bus.instrument('x', {});
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(2);
  });

  it('by name removes every subscriber of that name; RegExp ones stop receiving that name only', () => {
    const { bus } = newBus();
    const one = collect(bus, 'render');
    const two = collect(bus, 'render');
    const other = collect(bus, 'other');
    const regexp = collect(bus, /^render/);
    const all = collect(bus);
    bus.unsubscribe('render');
    bus.instrument('render', {});
    bus.instrument('render.partial', {});
    bus.instrument('other', {});
    expect(one).toHaveLength(0);
    expect(two).toHaveLength(0);
    expect(other.map((e) => e.name)).toEqual(['other']);
    expect(regexp.map((e) => e.name)).toEqual(['render.partial']);
    expect(all.map((e) => e.name)).toEqual(['render', 'render.partial', 'other']);
  });

  it('by listener removes every subscription made with that function', () => {
    const { bus } = newBus();
    const seen: string[] = [];
    const handler = (e: InstrumentationEvent) => seen.push(e.name);
    bus.subscribe('a', handler);
    bus.subscribe(/b/, handler);
    bus.instrument('a', {});
    bus.instrument('b', {});
    bus.unsubscribe(handler);
    bus.instrument('a', {});
    bus.instrument('b', {});
    expect(seen).toEqual(['a', 'b']);
  });
});

describe('InstrumentationBus.subscribed', () => {
  it('subscribes only while a sync fn runs and returns its value', () => {
    const { bus } = newBus();
    const seen: string[] = [];
    bus.instrument('sql', { n: 0 });
    const value = bus.subscribed(
      (e) => seen.push(`${e.name}:${e.payload.n}`),
      'sql',
      () => {
        bus.instrument('sql', { n: 1 });
        bus.instrument('other', { n: 1 });
        return 'result';
      },
    );
    bus.instrument('sql', { n: 2 });
    expect(value).toBe('result');
    expect(seen).toEqual(['sql:1']);
    expect(bus.isListening('sql')).toBe(false);
  });

  it('unsubscribes when a sync fn throws, rethrowing the error', () => {
    const { bus } = newBus();
    const error = new Error('inside');
    expect(() =>
      bus.subscribed(
        () => undefined,
        'sql',
        () => {
          throw error;
        },
      ),
    ).toThrow(error);
    expect(bus.isListening('sql')).toBe(false);
  });

  it('with an async fn, stays subscribed across await and unsubscribes when the promise settles', async () => {
    const { bus } = newBus();
    const seen: number[] = [];
    const promise = bus.subscribed(
      (e) => seen.push(e.payload.n),
      /^sql/,
      async () => {
        bus.instrument('sql.a', { n: 1 });
        await sleep(5);
        bus.instrument('sql.b', { n: 2 });
        return 'ok';
      },
    );
    expect(bus.isListening('sql.a')).toBe(true);
    await expect(promise).resolves.toBe('ok');
    bus.instrument('sql.c', { n: 3 });
    expect(seen).toEqual([1, 2]);
    expect(bus.isListening('sql.a')).toBe(false);

    const error = new Error('rejected');
    await expect(
      bus.subscribed(
        () => undefined,
        'sql',
        async () => {
          await sleep(1);
          throw error;
        },
      ),
    ).rejects.toBe(error);
    expect(bus.isListening('sql')).toBe(false);
  });

  it('supports monotonic delivery', () => {
    const { bus } = newBus();
    const starts: number[] = [];
    bus.subscribed(
      (e) => starts.push(e.start),
      'x',
      () => bus.instrument('x', {}),
      { monotonic: true },
    );
    expect(Math.abs(starts[0] - performance.now())).toBeLessThan(1000);
  });
});

describe('InstrumentationBus.events (RxJS)', () => {
  it('composes with operators and unsubscribes from the bus on teardown', async () => {
    const { bus } = newBus();
    const firstTwoSlow = firstValueFrom(
      bus.events<{ ms: number }>(/^sql\./).pipe(
        filter((e) => e.payload.ms > 10),
        map((e) => `${e.name}:${e.payload.ms}`),
        take(2),
        toArray(),
      ),
    );
    expect(bus.isListening('sql.select')).toBe(true);
    bus.instrument('sql.select', { ms: 5 });
    bus.instrument('sql.select', { ms: 20 });
    bus.instrument('http.get', { ms: 50 });
    bus.instrument('sql.insert', { ms: 30 });
    expect(bus.isListening('sql.select')).toBe(false); // take(2) completed → teardown
    bus.instrument('sql.select', { ms: 99 });
    await expect(firstTwoSlow).resolves.toEqual(['sql.select:20', 'sql.insert:30']);
  });

  it('streams every event without a pattern, in batches', () => {
    const { bus } = newBus();
    const batches: string[][] = [];
    const subscription = bus
      .events()
      .pipe(
        map((e) => e.name),
        bufferCount(2),
      )
      .subscribe((names) => batches.push(names));
    for (const name of ['a', 'b', 'c', 'd']) bus.instrument(name, {});
    subscription.unsubscribe();
    bus.instrument('e', {});
    expect(batches).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(bus.isListening('e')).toBe(false);
  });
});

describe('InstrumentationBus subscriber errors', () => {
  it('are reported, not raised, by default: the instrumented code and other subscribers go on', () => {
    const { bus, reported } = newBus();
    const error = new Error('subscriber bug');
    const seen: string[] = [];
    bus.subscribe('x', () => {
      throw error;
    });
    bus.subscribe('x', (e) => seen.push(e.name));
    expect(bus.instrument('x', {}, () => 'value')).toBe('value');
    expect(seen).toEqual(['x']);
    expect(reported).toHaveLength(1);
    expect(reported[0].error).toBe(error);
    expect(reported[0].event.name).toBe('x');
  });

  it('go to console.error with the default reporter', () => {
    const bus = new InstrumentationBus();
    bus.subscribe('x', () => {
      throw new Error('printed');
    });
    const printed: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => printed.push(args);
    try {
      bus.instrument('x', {});
    } finally {
      console.error = original;
    }
    expect(printed).toHaveLength(1);
    expect(String(printed[0][0])).toContain('ActiveTracker');
    expect((printed[0][1] as Error).message).toBe('printed');
  });

  it('are raised with raiseOnError, after every subscriber ran', async () => {
    const { bus, reported } = newBus();
    bus.raiseOnError = true;
    const error = new Error('subscriber bug');
    const seen: string[] = [];
    bus.subscribe('x', () => {
      throw error;
    });
    bus.subscribe('x', (e) => seen.push(e.name));
    expect(() => bus.instrument('x', {})).toThrow(error);
    expect(() => bus.instrument('x', {}, () => 1)).toThrow(error);
    await expect(bus.instrument('x', {}, async () => 1)).rejects.toBe(error);
    expect(seen).toEqual(['x', 'x', 'x']);
    expect(reported).toHaveLength(0);
  });

  it('are raised as one AggregateError when several subscribers fail with raiseOnError', () => {
    const { bus } = newBus();
    bus.raiseOnError = true;
    const e1 = new Error('one');
    const e2 = new Error('two');
    bus.subscribe('x', () => {
      throw e1;
    });
    bus.subscribe('x', () => {
      throw e2;
    });
    let caught: unknown;
    try {
      bus.instrument('x', {});
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AggregateError);
    expect((caught as AggregateError).errors).toEqual([e1, e2]);
  });

  it('never replace the error of the instrumented code, even with raiseOnError (they are reported)', async () => {
    const { bus, reported } = newBus();
    bus.raiseOnError = true;
    const subscriberError = new Error('subscriber');
    bus.subscribe('x', () => {
      throw subscriberError;
    });
    const appError = new Error('app');
    expect(() =>
      bus.instrument('x', {}, () => {
        throw appError;
      }),
    ).toThrow(appError);
    await expect(
      bus.instrument('x', {}, async () => {
        throw appError;
      }),
    ).rejects.toBe(appError);
    expect(reported.map((r) => r.error)).toEqual([subscriberError, subscriberError]);
  });

  it('a failing onSubscriberError is swallowed', () => {
    const bus = new InstrumentationBus();
    bus.onSubscriberError = () => {
      throw new Error('reporter broken');
    };
    bus.subscribe('x', () => {
      throw new Error('subscriber');
    });
    expect(bus.instrument('x', {}, () => 'fine')).toBe('fine');
  });
});

describe('InstrumentationBus.start (handles)', () => {
  it('notifies on finish with the measured duration and extra payload, once', () => {
    const { bus } = newBus();
    const events = collect(bus, 'http.request');
    const ctx = new TrackerContext();
    const handle = runInContext(ctx, () => bus.start('http.request', { method: 'GET' }));
    expect(events).toHaveLength(0);
    busyWait(5);
    handle.finish({ status: 200 });
    handle.finish({ status: 500 });
    expect(events).toHaveLength(1);
    expect(events[0].payload).toEqual({ method: 'GET', status: 200 });
    expect(events[0].duration).toBeGreaterThanOrEqual(5);
    expect(events[0].transactionId).toBe(ctx.batchId);
  });

  it('fail(error) sets the exception keys', () => {
    const { bus } = newBus();
    const events = collect(bus, 'http.request');
    const error = new CustomError('ECONNREFUSED');
    bus.start('http.request', {}).fail(error);
    expect(events[0].payload.exception).toEqual(['CustomError', 'ECONNREFUSED']);
    expect(events[0].payload.exceptionObject).toBe(error);
  });

  it('fixes the subscribers at start', () => {
    const { bus } = newBus();
    const handle = bus.start('late', {});
    const events = collect(bus, 'late');
    handle.finish();
    expect(events).toHaveLength(0);
    expect(handle.payload).toEqual({});
  });
});

describe('process-wide bus and capture event names', () => {
  it('exports a shared bus and the capture naming helpers', () => {
    expect(notifications).toBeInstanceOf(InstrumentationBus);
    expect(captureEventName('request')).toBe('request' + CAPTURE_EVENT_SUFFIX);
    expect(CAPTURE_EVENT_PATTERN.test(captureEventName('log'))).toBe(true);
    expect(CAPTURE_EVENT_PATTERN.test('log.other')).toBe(false);
    const seen: string[] = [];
    const sub = notifications.subscribe(CAPTURE_EVENT_PATTERN, (e) => seen.push(e.name));
    notifications.instrument(captureEventName('event'), { content: {} });
    notifications.unsubscribe(sub);
    expect(seen).toEqual(['event.active_tracker']);
  });
});
