import { redactString, sanitizeValue, SanitizeState } from './entry-sanitizer.js';
import { REDACTED, sensitiveKeyMatcher } from './sensitive-keys.js';

/** Runs one pass and returns the result with its state. */
function sanitize(value: unknown, options: { redactions?: string[]; max?: number } = {}): { out: any; state: SanitizeState } {
  const state: SanitizeState = { truncated: false };
  const out = sanitizeValue(value, options.redactions ?? [], options.max ?? 10_000, state);
  return { out, state };
}

describe('sanitizeValue: JSON safety', () => {
  it('keeps JSON values as they are', () => {
    const input = { s: 'text', n: 1.5, z: 0, b: false, nil: null, list: [1, 'two', { three: 3 }], nested: { deep: { x: 'y' } } };
    const { out, state } = sanitize(input);
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
    expect(state.truncated).toBe(false);
  });

  it('turns BigInt into its decimal string and non-finite numbers into strings', () => {
    const { out } = sanitize({ big: 12345678901234567890n, neg: -5n, nan: NaN, inf: Infinity, ninf: -Infinity });
    expect(out).toEqual({ big: '12345678901234567890', neg: '-5', nan: 'NaN', inf: 'Infinity', ninf: '-Infinity' });
    expect(() => JSON.stringify(out)).not.toThrow();
  });

  it('drops undefined, functions and symbols from objects, and nulls them in arrays', () => {
    const { out } = sanitize({ u: undefined, f: () => 1, s: Symbol('x'), keep: 1, list: [undefined, () => 1, Symbol('y'), 2] });
    expect(out).toEqual({ keep: 1, list: [null, null, null, 2] });
    expect(Object.keys(out)).toEqual(['keep', 'list']);
  });

  it('cuts cycles with "[Circular]" but keeps shared (non-cyclic) references', () => {
    const shared = { v: 1 };
    const input: any = { a: shared, b: shared, arr: [shared] };
    input.self = input;
    input.arr.push(input.arr);
    const { out } = sanitize(input);
    expect(out.self).toBe('[Circular]');
    expect(out.a).toEqual({ v: 1 });
    expect(out.b).toEqual({ v: 1 });
    expect(out.arr).toEqual([{ v: 1 }, '[Circular]']);
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });

  it('records Errors as name and message (redacted, truncated)', () => {
    class PaymentError extends Error {
      override name = 'PaymentError';
    }
    const { out, state } = sanitize(
      { error: new PaymentError('card 4111-SECRET declined'), plain: new TypeError('x'.repeat(50)) },
      { redactions: ['SECRET'], max: 40 },
    );
    expect(out.error).toEqual({ name: 'PaymentError', message: `card 4111-${REDACTED} declined` });
    expect(out.plain.name).toBe('TypeError');
    expect(out.plain.message).toMatch(/^x{40}… \[truncated 10 characters\]$/);
    expect(state.truncated).toBe(true);
  });

  it('describes Buffers and typed arrays instead of copying their bytes', () => {
    const { out } = sanitize({ buf: Buffer.alloc(2048), bytes: new Uint8Array(100_000), floats: new Float64Array(3) });
    expect(out.buf).toBe('[Buffer 2048 bytes]');
    expect(typeof out.bytes).toBe('string');
    expect(out.bytes).toContain('100000 bytes');
    expect(out.floats).toContain('24 bytes');
  });

  it('turns Maps into objects and Sets into arrays, sanitizing their contents', () => {
    const { out } = sanitize(
      {
        map: new Map<unknown, unknown>([
          ['a', 1n],
          ['token', 'SECRET'],
          [2, new Set([1, 2])],
        ]),
        set: new Set(['x', 3n, new Date('2020-01-01T00:00:00Z')]),
      },
      { redactions: ['SECRET'] },
    );
    expect(out.map).toEqual({ a: '1', token: REDACTED, 2: [1, 2] });
    expect(out.set).toEqual(['x', '3', '2020-01-01T00:00:00.000Z']);
  });

  it('turns Dates into ISO strings and invalid Dates into null', () => {
    const { out } = sanitize({ at: new Date(0), bad: new Date('nope') });
    expect(out).toEqual({ at: '1970-01-01T00:00:00.000Z', bad: null });
  });

  it('uses toJSON when present and sanitizes its result', () => {
    const money = { cents: 1, toJSON: () => ({ amount: '0.01', big: 5n }) };
    const { out } = sanitize({ money, id: { toJSON: () => 'abc' } });
    expect(out).toEqual({ money: { amount: '0.01', big: '5' }, id: 'abc' });
  });

  it('skips a throwing getter and keeps the other keys', () => {
    const input = {
      ok: 1,
      get broken(): never {
        throw new Error('getter exploded');
      },
      after: 'kept',
    };
    const { out } = sanitize(input);
    expect(out).toEqual({ ok: 1, after: 'kept' });
  });

  it('never throws, even for objects that refuse to be read (throwing toJSON, hostile proxies)', () => {
    const throwingToJson = {
      toJSON: () => {
        throw new Error('no');
      },
    };
    const throwingToJsonGetter = Object.defineProperty({}, 'toJSON', {
      get: () => {
        throw new Error('no');
      },
    });
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no keys');
        },
        get: () => {
          throw new Error('no get');
        },
      },
    );
    const state: SanitizeState = { truncated: false };
    let out: any;
    expect(() => {
      out = sanitizeValue({ a: throwingToJson, b: throwingToJsonGetter, c: hostile, d: 'fine' }, [], 100, state);
    }).not.toThrow();
    expect(out.d).toBe('fine');
    expect(typeof out.a).toBe('string');
    expect(typeof out.b).toBe('string');
    expect(typeof out.c).toBe('string');
    expect(() => JSON.stringify(out)).not.toThrow();
  });

  it('does not mutate the input', () => {
    const input = { s: 'SECRET'.repeat(10), list: [1, 2, 3], big: 1n };
    const copy = { ...input, list: [...input.list] };
    sanitize(input, { redactions: ['SECRET'], max: 5 });
    expect(input).toEqual(copy);
  });
});

describe('sanitizeValue: bounds', () => {
  function nest(levels: number): Record<string, unknown> {
    let value: Record<string, unknown> = { leaf: 'bottom' };
    for (let i = 0; i < levels; i++) value = { child: value };
    return value;
  }

  it('cuts structures deeper than 12 levels and marks the state truncated', () => {
    const { out, state } = sanitize(nest(20));
    let node = out;
    let depth = 0;
    while (typeof node === 'object') {
      node = node.child;
      depth++;
    }
    expect(node).toBe('[Truncated: too deep]');
    expect(depth).toBe(12);
    expect(state.truncated).toBe(true);
  });

  it('keeps a structure of depth 11 whole', () => {
    const { out, state } = sanitize(nest(10));
    expect(JSON.stringify(out)).toContain('bottom');
    expect(state.truncated).toBe(false);
  });

  it('keeps the first 1000 array items and marks the state truncated', () => {
    const { out, state } = sanitize({ list: Array.from({ length: 1500 }, (_, i) => i) });
    expect(out.list).toHaveLength(1000);
    expect(out.list[999]).toBe(999);
    expect(state.truncated).toBe(true);
    expect(sanitize({ list: Array.from({ length: 1000 }, (_, i) => i) }).state.truncated).toBe(false);
  });

  it('cuts long strings, says how much was cut, and marks the state truncated', () => {
    const { out, state } = sanitize({ body: 'a'.repeat(25), short: 'b'.repeat(10) }, { max: 10 });
    expect(out.body).toBe(`${'a'.repeat(10)}… [truncated 15 characters]`);
    expect(out.short).toBe('b'.repeat(10));
    expect(state.truncated).toBe(true);
    expect(sanitize({ exact: 'b'.repeat(10) }, { max: 10 }).state.truncated).toBe(false);
  });

  it('redacts before cutting, so a secret crossing the cut never leaks a fragment', () => {
    const { out } = sanitize('aaaaaaaaSECRETVALUE', { redactions: ['SECRETVALUE'], max: 10 });
    expect(out.startsWith('aaaaaaaa[R')).toBe(true);
    expect(out).not.toContain('SE');
  });
});

describe('sanitizeValue: literal redaction', () => {
  it('replaces every occurrence of every literal in values and keys', () => {
    const { out } = sanitize(
      {
        header: 'Bearer tok_123 and again tok_123',
        ['user-tok_123']: 'x',
        nested: [{ note: 'mail ann@example.com please' }],
        untouched: 'nothing here',
      },
      { redactions: ['tok_123', 'ann@example.com'] },
    );
    expect(out).toEqual({
      header: `Bearer ${REDACTED} and again ${REDACTED}`,
      [`user-${REDACTED}`]: 'x',
      nested: [{ note: `mail ${REDACTED} please` }],
      untouched: 'nothing here',
    });
    expect(JSON.stringify(out)).not.toContain('tok_123');
  });

  it('does not redact numbers or booleans (only strings are matched literally)', () => {
    expect(sanitize({ n: 1234 }, { redactions: ['1234'] }).out).toEqual({ n: 1234 });
  });
});

describe('redactString', () => {
  it('replaces literals and ignores empty ones', () => {
    expect(redactString('a-b-a', ['a'])).toBe(`${REDACTED}-b-${REDACTED}`);
    expect(redactString('abc', [''])).toBe('abc');
    expect(redactString('abc', [])).toBe('abc');
  });

  it('never leaks part of a secret that contains another secret, whatever the order', () => {
    for (const redactions of [
      ['abc', 'abcdef'],
      ['abcdef', 'abc'],
    ]) {
      const out = redactString('x abcdef y abc z', redactions);
      expect(out).toBe(`x ${REDACTED} y ${REDACTED} z`);
      expect(out).not.toContain('def');
    }
  });

  it('treats regex metacharacters literally', () => {
    expect(redactString('p4$$.w0rd* and p4$$Xw0rd*', ['p4$$.w0rd*'])).toBe(`${REDACTED} and p4$$Xw0rd*`);
  });
});

describe('sanitizeValue: sensitive keys (draft.sensitiveKeys)', () => {
  const isSensitive = sensitiveKeyMatcher();

  it('replaces values of sensitive keys at any depth, in the same copy', () => {
    const input = {
      requestHeaders: { authorization: 'Bearer abc', 'x-api-key': 'k', accept: '*/*' },
      body: { user: 'ann', password: 'pw', nested: [{ client_secret: 's', keep: 1 }] },
      responseBody: { token: { a: 1 } },
    };
    const state: SanitizeState = { truncated: false, isSensitive };
    const out = sanitizeValue(input, [], 1000, state) as any;
    expect(out).toEqual({
      requestHeaders: { authorization: REDACTED, 'x-api-key': REDACTED, accept: '*/*' },
      body: { user: 'ann', password: REDACTED, nested: [{ client_secret: REDACTED, keep: 1 }] },
      responseBody: { token: REDACTED },
    });
    expect(input.body.password).toBe('pw'); // the host's objects are never changed
  });

  it('leaves keys alone without a matcher', () => {
    const out = sanitizeValue({ password: 'pw' }, [], 1000, { truncated: false }) as any;
    expect(out.password).toBe('pw');
  });
});
