import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { filter as rxFilter, firstValueFrom, map, take, toArray } from 'rxjs';
import { runInContext, TrackerContext } from '../context/request-context.js';
import { REDACTED } from '../recorder/sensitive-keys.js';
import {
  clearContext,
  context,
  epochNanoseconds,
  EventReporter,
  EventSubscriber,
  eventReporter,
  notify,
  serializeEvent,
  setContext,
  StructuredEvent,
  tagged,
  withDebug,
} from './event-reporter.js';
import { serializeEventPayload } from './event-payload.js';

/** Collects what it receives. */
class Collector implements EventSubscriber {
  readonly events: StructuredEvent<any>[] = [];
  emit(event: StructuredEvent<any>): void {
    this.events.push(event);
  }
}

function newReporter(): { reporter: EventReporter; sink: Collector; errors: unknown[] } {
  const reporter = new EventReporter();
  const errors: unknown[] = [];
  reporter.onError = (error) => errors.push(error);
  const sink = reporter.subscribe(new Collector());
  return { reporter, sink, errors };
}

class UserCreatedEvent {
  constructor(
    readonly id: number,
    readonly name: string,
    readonly password = 'hunter2',
  ) {}
  serialize(): Record<string, unknown> {
    return { id: this.id, name: this.name };
  }
}

/** The line of this file holding `marker` (read from the source, independent of stack parsing). */
function lineOf(marker: string): number {
  const lines = readFileSync(import.meta.filename, 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(marker) && !l.includes('lineOf('));
  if (index < 0) throw new Error(`marker ${marker} not found`);
  return index + 1;
}

describe('EventReporter.notify', () => {
  it('emits name, payload, tags, context, an epoch-ns timestamp and the source location', () => {
    const { reporter, sink } = newReporter();
    const beforeMs = Date.now();
    reporter.notify('user.created', { id: 123 }); // @marker-basic
    const afterMs = Date.now();
    expect(sink.events).toHaveLength(1);
    const event = sink.events[0];
    expect(event.name).toBe('user.created');
    expect(event.payload).toEqual({ id: 123 });
    expect(event.tags).toEqual({});
    expect(event.context).toEqual({});
    expect(typeof event.timestamp).toBe('number');
    expect(event.timestamp / 1e6).toBeGreaterThanOrEqual(beforeMs - 2);
    expect(event.timestamp / 1e6).toBeLessThanOrEqual(afterMs + 2);
    expect(event.sourceLocation).toEqual({ filepath: import.meta.filename, lineno: lineOf('@marker-basic'), label: expect.any(String) });
  });

  it('labels the source location with the calling function', () => {
    const { reporter, sink } = newReporter();
    class UserService {
      create(): void {
        reporter.notify('user.created', {}); // @marker-method
      }
    }
    new UserService().create();
    expect(sink.events[0].sourceLocation).toEqual({
      filepath: import.meta.filename,
      lineno: lineOf('@marker-method'),
      label: 'UserService.create',
    });
  });

  it('honours callerDepth, for helpers that wrap notify', () => {
    const { reporter, sink } = newReporter();
    function track(name: string): void {
      reporter.notify(name, {}, { callerDepth: 2 });
    }
    function trackDefault(name: string): void {
      reporter.notify(name, {}); // @marker-helper
    }
    track('a'); // @marker-depth2
    trackDefault('b');
    expect(sink.events[0].sourceLocation?.lineno).toBe(lineOf('@marker-depth2'));
    expect(sink.events[1].sourceLocation).toMatchObject({ lineno: lineOf('@marker-helper'), label: 'trackDefault' });
  });

  it('omits the source location when captureSourceLocation is off', () => {
    const { reporter, sink } = newReporter();
    reporter.captureSourceLocation = false;
    reporter.notify('x', {});
    expect(sink.events[0]).not.toHaveProperty('sourceLocation');
  });

  it('gives increasing timestamps within a millisecond', () => {
    const { reporter, sink } = newReporter();
    for (let i = 0; i < 50; i++) reporter.notify('tick', {});
    const stamps = sink.events.map((e) => e.timestamp);
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]).toBeGreaterThanOrEqual(stamps[i - 1]);
    expect(stamps[stamps.length - 1]).toBeGreaterThan(stamps[0]);
    expect(Math.abs(epochNanoseconds() / 1e6 - Date.now())).toBeLessThan(50);
  });

  it('coerces names to strings and defaults the payload to {}', () => {
    const { reporter, sink } = newReporter();
    reporter.notify(Symbol('user.deleted'));
    reporter.notify(404);
    expect(sink.events.map((e) => [e.name, e.payload])).toEqual([
      ['user.deleted', {}],
      ['404', {}],
    ]);
  });

  it('normalizes payload keys: symbol keys by description, Map keys stringified, copied from the caller', () => {
    const { reporter, sink } = newReporter();
    const payload: Record<PropertyKey, unknown> = { id: 1, [Symbol('source')]: 'api', nested: { a: 1 } };
    reporter.notify('a', payload);
    reporter.notify(
      'b',
      new Map<unknown, unknown>([
        ['x', 1],
        [2, 'two'],
      ]),
    );
    payload.id = 999;
    expect(sink.events[0].payload).toEqual({ id: 1, source: 'api', nested: { a: 1 } });
    expect(sink.events[1].payload).toEqual({ x: 1, '2': 'two' });
  });

  it('passes an event object through as the payload, named after its class', () => {
    const { reporter, sink } = newReporter();
    const event = new UserCreatedEvent(123, 'John Doe');
    reporter.notify(event);
    expect(sink.events[0].name).toBe('UserCreatedEvent');
    expect(sink.events[0].payload).toBe(event);
    // event objects are not filtered (Rails: subscribers filter them); serialize() is their stored form
    expect(sink.events[0].payload.password).toBe('hunter2');
    expect(serializeEventPayload(sink.events[0].payload)).toEqual({ id: 123, name: 'John Doe' });
    expect(serializeEventPayload({ plain: true })).toEqual({ plain: true });
    expect(serializeEvent(sink.events[0])).toMatchObject({ name: 'UserCreatedEvent', payload: { id: 123, name: 'John Doe' } });
  });

  it('reports a payload passed next to an event object, and still emits the event', () => {
    const { reporter, sink, errors } = newReporter();
    reporter.notify(new UserCreatedEvent(1, 'a'), { extra: true });
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0].payload).toBeInstanceOf(UserCreatedEvent);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('takes no payload');
  });

  it('reports invalid arguments and emits nothing; raiseOnError throws a TypeError', () => {
    const { reporter, sink, errors } = newReporter();
    reporter.notify({ name: 'not an event object' });
    reporter.notify('x', [1, 2] as any);
    reporter.notify('x', 'text' as any);
    reporter.notify(undefined as any);
    reporter.notify('');
    expect(sink.events).toHaveLength(0);
    expect(errors).toHaveLength(5);
    expect(errors.every((e) => e instanceof TypeError)).toBe(true);
    reporter.raiseOnError = true;
    expect(() => reporter.notify({ a: 1 })).toThrow(TypeError);
    expect(() => reporter.notify('x', 42 as any)).toThrow(/plain object or a Map/);
  });

  it('does nothing without subscribers', () => {
    const reporter = new EventReporter({ raiseOnError: true });
    expect(reporter.hasSubscribers).toBe(false);
    let touched = false;
    const payload = {
      get lazy() {
        touched = true;
        return 1;
      },
    };
    reporter.notify('x', payload);
    expect(touched).toBe(false);
  });
});

describe('EventReporter sensitive payload keys', () => {
  it('filters hash payloads at any depth before subscribers see them, leaving the caller object alone', () => {
    const { reporter, sink } = newReporter();
    const when = new Date('2025-01-01T00:00:00Z');
    const payload = {
      user: 'ann',
      password: 'p',
      profile: { apiKey: 'k', email: 'a@b.c' },
      attempts: [{ token: 't', n: 1 }],
      'X-Client-Secret': 's',
      when,
    };
    reporter.notify('login', payload);
    expect(sink.events[0].payload).toEqual({
      user: 'ann',
      password: REDACTED,
      profile: { apiKey: REDACTED, email: 'a@b.c' },
      attempts: [{ token: REDACTED, n: 1 }],
      'X-Client-Secret': REDACTED,
      when,
    });
    expect(sink.events[0].payload.when).toBe(when); // non-plain values kept by reference
    expect(payload.password).toBe('p');
    expect(payload.profile.apiKey).toBe('k');
  });

  it('handles cyclic payloads without leaking through the cycle', () => {
    const { reporter, sink } = newReporter();
    const payload: Record<string, unknown> = { secret: 's', name: 'n' };
    payload.self = payload;
    reporter.notify('cyclic', payload);
    const filtered = sink.events[0].payload;
    expect(filtered.secret).toBe(REDACTED);
    // the cycle is kept on the filtered copy, never back to the caller's unfiltered object
    expect(filtered.self).toBe(filtered);
    expect(payload.secret).toBe('s');
    const nested: Record<string, unknown> = { token: 't' };
    nested.list = [nested, { inner: nested }];
    reporter.notify('cyclic.nested', { nested });
    const copy = sink.events[1].payload.nested;
    expect(copy.token).toBe(REDACTED);
    expect(copy.list[0]).toBe(copy);
    expect(copy.list[1].inner).toBe(copy);
  });

  it('uses a configurable fragment list (filterParameters)', () => {
    const reporter = new EventReporter({ filterParameters: ['ssn'] });
    const sink = reporter.subscribe(new Collector());
    reporter.notify('x', { ssn: '123', password: 'p' });
    expect(sink.events[0].payload).toEqual({ ssn: REDACTED, password: 'p' });
    reporter.filterParameters = ['password', 'credit_card'];
    expect(reporter.filterParameters).toEqual(['password', 'credit_card']);
    reporter.notify('x', { ssn: '123', password: 'p', creditCard: '4242' });
    expect(sink.events[1].payload).toEqual({ ssn: '123', password: REDACTED, creditCard: REDACTED });
  });
});

describe('EventReporter subscribers', () => {
  it('requires an emit method', () => {
    const reporter = new EventReporter();
    class NotASubscriber {}
    expect(() => reporter.subscribe(new NotASubscriber() as any)).toThrow(new TypeError('Event subscriber NotASubscriber must have an emit(event) method'));
    expect(() => reporter.subscribe(null as any)).toThrow(TypeError);
    expect(() => reporter.subscribe({ emit: 'no' } as any)).toThrow(TypeError);
  });

  it('accepts subscribers at construction', () => {
    const sink = new Collector();
    const reporter = new EventReporter({ subscribers: [sink] });
    reporter.notify('x');
    expect(sink.events).toHaveLength(1);
  });

  it('filters per subscriber by name or by payload type', () => {
    const reporter = new EventReporter({ raiseOnError: true });
    const users = reporter.subscribe(new Collector(), (e) => e.name.startsWith('user.'));
    const typed = reporter.subscribe(new Collector(), (e) => e.payload instanceof UserCreatedEvent);
    const all = reporter.subscribe(new Collector());
    reporter.notify('user.created', { id: 1 });
    reporter.notify('order.paid', { id: 2 });
    reporter.notify(new UserCreatedEvent(3, 'c'));
    expect(users.events.map((e) => e.name)).toEqual(['user.created']);
    expect(typed.events.map((e) => e.name)).toEqual(['UserCreatedEvent']);
    expect(all.events).toHaveLength(3);
  });

  it('unsubscribes one subscriber, or every instance of a class', () => {
    const reporter = new EventReporter({ raiseOnError: true });
    class Other extends Collector {}
    const a = reporter.subscribe(new Collector());
    const b = reporter.subscribe(new Collector());
    const c = reporter.subscribe(new Other());
    reporter.unsubscribe(a);
    reporter.notify('one');
    reporter.unsubscribe(Other);
    reporter.notify('two');
    expect(a.events).toHaveLength(0);
    expect(b.events.map((e) => e.name)).toEqual(['one', 'two']);
    expect(c.events.map((e) => e.name)).toEqual(['one']);
    reporter.unsubscribe(Collector); // Other extends Collector: instanceof removes b too
    expect(reporter.hasSubscribers).toBe(false);
  });

  it('exposes the events as an RxJS observable', async () => {
    const reporter = new EventReporter({ raiseOnError: true });
    const names = firstValueFrom(
      reporter.events().pipe(
        rxFilter((e) => e.name !== 'skip'),
        map((e) => e.name),
        take(2),
        toArray(),
      ),
    );
    reporter.notify('a');
    reporter.notify('skip');
    reporter.notify('b');
    expect(reporter.hasSubscribers).toBe(false);
    await expect(names).resolves.toEqual(['a', 'b']);
    const onlyUsers = firstValueFrom(reporter.events((e) => e.name.startsWith('user.')));
    reporter.notify('order.x');
    reporter.notify('user.y');
    await expect(onlyUsers).resolves.toMatchObject({ name: 'user.y' });
  });

  it('reports subscriber and filter errors by default; the others still receive the event', () => {
    const { reporter, sink, errors } = newReporter();
    const bad = new Error('subscriber bug');
    const badFilter = new Error('filter bug');
    reporter.subscribe({
      emit: () => {
        throw bad;
      },
    });
    reporter.subscribe(new Collector(), () => {
      throw badFilter;
    });
    const after = reporter.subscribe(new Collector());
    expect(() => reporter.notify('x')).not.toThrow();
    expect(sink.events).toHaveLength(1);
    expect(after.events).toHaveLength(1);
    expect(errors).toEqual([bad, badFilter]);
  });

  it('raises subscriber errors with raiseOnError, after every subscriber ran', () => {
    const { reporter, sink, errors } = newReporter();
    reporter.raiseOnError = true;
    const bad = new Error('subscriber bug');
    reporter.subscribe({
      emit: () => {
        throw bad;
      },
    });
    const after = reporter.subscribe(new Collector());
    expect(() => reporter.notify('x')).toThrow(bad);
    expect(sink.events).toHaveLength(1);
    expect(after.events).toHaveLength(1);
    expect(errors).toHaveLength(0);
    reporter.subscribe({
      emit: () => {
        throw new Error('second');
      },
    });
    expect(() => reporter.notify('x')).toThrow(AggregateError);
  });

  it('prints reported errors with the default onError', () => {
    const reporter = new EventReporter();
    reporter.subscribe({
      emit: () => {
        throw new Error('printed');
      },
    });
    const printed: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => printed.push(args);
    try {
      reporter.notify('x');
    } finally {
      console.error = original;
    }
    expect(printed).toHaveLength(1);
    expect((printed[0][1] as Error).message).toBe('printed');
  });
});

describe('EventReporter debug events', () => {
  it('are dropped unless in debug mode', () => {
    const { reporter, sink } = newReporter();
    expect(reporter.isDebugMode()).toBe(false);
    reporter.debug('sql.query', { sql: 'SELECT 1' });
    expect(sink.events).toHaveLength(0);
    reporter.debugMode = true;
    reporter.debug('sql.query', { sql: 'SELECT 1' }); // @marker-debug
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({ name: 'sql.query', payload: { sql: 'SELECT 1' } });
    expect(sink.events[0].sourceLocation?.lineno).toBe(lineOf('@marker-debug'));
  });

  it('computes a lazy payload only in debug mode', () => {
    const { reporter, sink } = newReporter();
    let calls = 0;
    const build = () => {
      calls++;
      return { expensive: true };
    };
    reporter.debug('x', build);
    expect(calls).toBe(0);
    reporter.withDebug(() => reporter.debug('x', build));
    expect(calls).toBe(1);
    expect(sink.events[0].payload).toEqual({ expensive: true });
  });

  it('withDebug enables debug events for its call tree only, across await, and returns fn result', async () => {
    const { reporter, sink } = newReporter();
    const inside = reporter.withDebug(async () => {
      expect(reporter.isDebugMode()).toBe(true);
      await sleep(5);
      reporter.debug('after.await', {});
      return 'value';
    });
    // concurrently, outside the withDebug tree, debug stays off
    await sleep(1);
    expect(reporter.isDebugMode()).toBe(false);
    reporter.debug('outside', {});
    await expect(inside).resolves.toBe('value');
    reporter.debug('after', {});
    expect(sink.events.map((e) => e.name)).toEqual(['after.await']);
    // the exported helper uses the process-wide reporter's scope
    expect(withDebug(() => eventReporter.isDebugMode())).toBe(true);
    expect(eventReporter.isDebugMode()).toBe(false);
  });
});

describe('EventReporter.tagged', () => {
  class GraphqlTag {
    constructor(readonly operationName: string) {}
  }

  it('turns strings into { tag: true }, merges objects, and keeps tag objects under their class name', () => {
    const { reporter, sink } = newReporter();
    const tag = new GraphqlTag('user_created');
    reporter.tagged('graphql', { section: 'admin' }, tag, () => reporter.notify('user.created', { id: 1 }));
    expect(sink.events[0].tags).toEqual({ graphql: true, section: 'admin', GraphqlTag: tag });
    expect(sink.events[0].tags.GraphqlTag).toBe(tag);
    reporter.notify('untagged');
    expect(sink.events[1].tags).toEqual({});
  });

  it('stacks nested calls (inner values win) and returns fn results', () => {
    const { reporter, sink } = newReporter();
    const result = reporter.tagged('graphql', { section: 'public' }, () => {
      reporter.notify('outer');
      const inner = reporter.tagged({ section: 'admin' }, () => {
        reporter.notify('inner');
        return 'inner-result';
      });
      reporter.notify('outer.again');
      return inner;
    });
    expect(result).toBe('inner-result');
    expect(sink.events.map((e) => [e.name, e.tags])).toEqual([
      ['outer', { graphql: true, section: 'public' }],
      ['inner', { graphql: true, section: 'admin' }],
      ['outer.again', { graphql: true, section: 'public' }],
    ]);
  });

  it('keeps nested tags across await', async () => {
    const { reporter, sink } = newReporter();
    await reporter.tagged('outer', async () => {
      await sleep(2);
      await reporter.tagged({ step: 1 }, async () => {
        await sleep(2);
        reporter.notify('deep');
        await Promise.resolve();
        setImmediate(() => reporter.notify('scheduled'));
        await sleep(5);
      });
      reporter.notify('back.out');
    });
    reporter.notify('outside');
    expect(sink.events.map((e) => [e.name, e.tags])).toEqual([
      ['deep', { outer: true, step: 1 }],
      ['scheduled', { outer: true, step: 1 }],
      ['back.out', { outer: true }],
      ['outside', {}],
    ]);
  });

  it("gives events frozen tags, so no subscriber can change another event's tags", () => {
    const { reporter, sink } = newReporter();
    reporter.tagged('a', () => {
      reporter.notify('one');
      expect(() => {
        (sink.events[0].tags as Record<string, unknown>).mutated = true;
      }).toThrow(TypeError);
      reporter.notify('two');
    });
    expect(Object.isFrozen(sink.events[0].tags)).toBe(true);
    expect(sink.events[1].tags).toEqual({ a: true });
  });

  it('gives each event its own copy of the context', () => {
    const { reporter, sink } = newReporter();
    runInContext(new TrackerContext(), () => {
      reporter.setContext({ step: 1 });
      reporter.notify('one');
      sink.events[0].context.mutated = true;
      reporter.setContext({ step: 2 });
      reporter.notify('two');
    });
    expect(sink.events.map((e) => e.context)).toEqual([{ step: 1, mutated: true }, { step: 2 }]);
  });

  it('requires a function as the last argument', () => {
    const reporter = new EventReporter();
    expect(() => (reporter.tagged as any)('graphql')).toThrow(TypeError);
  });
});

describe('EventReporter context store', () => {
  it('merges setContext calls, returns copies, and clears', () => {
    const { reporter, sink } = newReporter();
    runInContext(new TrackerContext(), () => {
      reporter.setContext({ requestId: 'abcd123', userAgent: 'TestAgent' });
      reporter.setContext({ jobId: 'abc123', userAgent: 'Other' });
      const snapshot = reporter.context();
      expect(snapshot).toEqual({ requestId: 'abcd123', userAgent: 'Other', jobId: 'abc123' });
      snapshot.injected = true;
      reporter.tagged('graphql', () => reporter.notify('user_created', { id: 123 }));
      reporter.clearContext();
      expect(reporter.context()).toEqual({});
      reporter.notify('after.clear');
    });
    expect(sink.events[0]).toMatchObject({
      name: 'user_created',
      payload: { id: 123 },
      tags: { graphql: true },
      context: { requestId: 'abcd123', userAgent: 'Other', jobId: 'abc123' },
    });
    expect(sink.events[1].context).toEqual({});
  });

  it('lives in the request context (ctx.eventContext): a new request starts empty', () => {
    const reporter = new EventReporter();
    const first = new TrackerContext();
    runInContext(first, () => reporter.setContext({ requestId: 'r1' }));
    expect(first.eventContext).toEqual({ requestId: 'r1' });
    expect(reporter.context()).toEqual({}); // outside any request: the fallback store
    runInContext(new TrackerContext(), () => expect(reporter.context()).toEqual({}));
  });

  it('uses a process-wide fallback outside any request', () => {
    const reporter = new EventReporter();
    reporter.setContext({ boot: true });
    expect(reporter.context()).toEqual({ boot: true });
    runInContext(new TrackerContext(), () => expect(reporter.context()).toEqual({}));
    reporter.clearContext();
    expect(reporter.context()).toEqual({});
  });

  it('rejects non-object context', () => {
    const reporter = new EventReporter();
    expect(() => reporter.setContext('x' as any)).toThrow(TypeError);
  });

  it('can be replaced by a custom store', () => {
    let store: Record<string, unknown> = {};
    const calls: string[] = [];
    const reporter = new EventReporter({
      contextStore: {
        context: () => (calls.push('context'), store),
        setContext: (c) => (calls.push('set'), (store = { ...store, ...c })),
        clear: () => (calls.push('clear'), (store = {})),
      },
    });
    const sink = reporter.subscribe(new Collector());
    reporter.setContext({ tenant: 't1' });
    reporter.notify('x');
    reporter.clearContext();
    expect(sink.events[0].context).toEqual({ tenant: 't1' });
    expect(calls).toEqual(['set', 'context', 'clear']);
    reporter.contextStore = { context: () => ({ swapped: true }), setContext: () => undefined, clear: () => undefined };
    expect(reporter.context()).toEqual({ swapped: true });
  });
});

describe('two concurrent requests', () => {
  it('never see each other’s tags or context while they interleave', async () => {
    const { reporter, sink } = newReporter();
    const gate = { a: deferred(), b: deferred() };

    async function request(id: 'a' | 'b', other: 'a' | 'b', ctx: TrackerContext): Promise<void> {
      await runInContext(ctx, () =>
        reporter.tagged({ request: id }, async () => {
          reporter.setContext({ requestId: id, [`only_${id}`]: true });
          reporter.notify('start', { id });
          gate[id].resolve();
          await gate[other].promise; // both are now inside their own frames
          await sleep(id === 'a' ? 10 : 2);
          await reporter.tagged(`step_${id}`, async () => {
            await sleep(3);
            reporter.notify('step', { id });
          });
          await new Promise<void>((resolve) =>
            setTimeout(() => {
              reporter.notify('timer', { id });
              resolve();
            }, 1),
          );
        }),
      );
    }

    const ctxA = new TrackerContext();
    const ctxB = new TrackerContext();
    await Promise.all([request('a', 'b', ctxA), request('b', 'a', ctxB)]);

    expect(sink.events).toHaveLength(6);
    const names = sink.events.map((e) => `${e.payload.id}:${e.name}`);
    expect(names.indexOf('b:step')).toBeLessThan(names.indexOf('a:step')); // they really interleaved
    for (const event of sink.events) {
      const id = event.payload.id as string;
      const other = id === 'a' ? 'b' : 'a';
      expect(event.context).toEqual({ requestId: id, [`only_${id}`]: true });
      expect(event.tags.request).toBe(id);
      expect(event.tags).not.toHaveProperty(`step_${other}`);
      if (event.name === 'step') expect(event.tags).toEqual({ request: id, [`step_${id}`]: true });
      else expect(event.tags).toEqual({ request: id });
    }
    expect(ctxA.eventContext).toEqual({ requestId: 'a', only_a: true });
    expect(ctxB.eventContext).toEqual({ requestId: 'b', only_b: true });
    expect(reporter.context()).toEqual({});
  });
});

describe('process-wide reporter and bound helpers', () => {
  it('notify/tagged/setContext/context/clearContext act on eventReporter', () => {
    const sink = eventReporter.subscribe(new Collector());
    try {
      runInContext(new TrackerContext(), () => {
        setContext({ requestId: 'r' });
        expect(context()).toEqual({ requestId: 'r' });
        tagged('api', () => notify('helper.event', { ok: true })); // @marker-helper-export
        clearContext();
        expect(context()).toEqual({});
      });
    } finally {
      eventReporter.unsubscribe(sink);
    }
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({
      name: 'helper.event',
      payload: { ok: true },
      tags: { api: true },
      context: { requestId: 'r' },
      sourceLocation: { filepath: import.meta.filename, lineno: lineOf('@marker-helper-export') },
    });
  });
});

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
