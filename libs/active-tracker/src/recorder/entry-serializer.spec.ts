import type { EntryDraft } from '../entries/entry.js';
import { JsonText } from '../entries/json-text.js';
import type { PreparedEntry } from '../storage/prepared-entry.js';
import { isClean, sanitizeValue, SanitizeState } from './entry-sanitizer.js';
import { Redactions, serializeDraft, SerializeOptions } from './entry-serializer.js';
import { REDACTED, SensitiveKeys } from './sensitive-keys.js';

/** Small seeded PRNG (mulberry32): the same corpus on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MAX_STRING = 40;
/** Literal secrets (redactCurrent): one needs JSON escaping. */
const SECRETS = ['s3cr3t-tok', 'pa"ss\\wd'];
/** Put only under sensitive keys: must never be stored. */
const SENSITIVE_MARK = 'ZZSENSITIVEZZ';
const SENSITIVE_KEYS = [
  'password',
  'Authorization',
  'x-api-key',
  'client_secret',
  'cardNumber',
  'card_number',
  'cvv',
  'CVC',
  'ssn',
  'creditCard',
  'session_id',
];
const ORDINARY_KEYS = ['id', 'name', 'accept', 'success', 'access', 'discard', 'pinned', 'items', 'é', '"quoted"', 'back\\slash', 'nested', 'a.b', 'toJSONish'];
const STRINGS = [
  '',
  'plain',
  'héllo wörld',
  '日本語',
  '😀 emoji',
  'quote " inside',
  'back \\ slash',
  'line\nbreak\ttab',
  '\u2028\u2029',
  '\u0000\u001f',
  '\ud800 lone',
  '{"json":"in a string"}',
  'x'.repeat(MAX_STRING),
  'y'.repeat(MAX_STRING + 1),
  'z'.repeat(200),
];
const NUMBERS = [0, -0, 1, -1, 1.5, 1e21, -1e-7, Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity];

interface Generated {
  value: unknown;
  /** Holds an object with toJSON or an empty Map: values the fast-path check refuses although the walker leaves their JSON alone. */
  conservative: boolean;
}

/**
 * A property-based corpus of payloads: every JSON value, and everything the walker converts
 * (bigint, non-finite numbers, Dates valid or not, Buffers, typed arrays, Maps, Sets, Errors,
 * toJSON, functions, symbols, undefined), long strings, arrays over 1000 items, nesting deeper
 * than 12, cycles and shared references, sensitive keys at any depth, literal secrets in keys and
 * values.
 */
function generator(seed: number) {
  const random = rng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)];
  let conservative = false;

  function text(): string {
    const base = pick(STRINGS);
    if (random() < 0.2) return `${base.slice(0, 10)}${pick(SECRETS)}${base.slice(0, 5)}`;
    return base;
  }

  function key(): string {
    const r = random();
    if (r < 0.15) return pick(SENSITIVE_KEYS);
    if (r < 0.22) return `k-${pick(SECRETS)}`;
    return pick(ORDINARY_KEYS) + (random() < 0.3 ? int(5) : '');
  }

  /** Nodes left for the value being generated (keeps each case small, so the corpus runs fast). */
  let budget = 0;

  function value(depth: number, ancestors: object[]): unknown {
    const r = random();
    if (depth > 14 || --budget <= 0 || r < 0.3) return scalar();
    if (r < 0.33 && ancestors.length > 0) return pick(ancestors); // a cycle
    if (r < 0.36) return deep(13 + int(4));
    if (r < 0.38) return Array.from({ length: 1001 + int(20) }, (_, i) => (i % 7 === 0 ? text() : i));
    if (r < 0.45) return special(depth, ancestors);
    if (r < 0.65) {
      const list: unknown[] = [];
      const n = int(5);
      for (let i = 0; i < n; i++) list.push(value(depth + 1, [...ancestors, list]));
      return list;
    }
    const obj: Record<string, unknown> = {};
    const n = int(6);
    for (let i = 0; i < n; i++) {
      const k = key();
      obj[k] = SENSITIVE_KEYS.includes(k) ? sensitiveValue() : value(depth + 1, [...ancestors, obj]);
    }
    return obj;
  }

  function sensitiveValue(): unknown {
    return pick([SENSITIVE_MARK, { inner: SENSITIVE_MARK }, [SENSITIVE_MARK], new Map([['m', SENSITIVE_MARK]]), 4111_1111_1111_1111, undefined]);
  }

  function scalar(): unknown {
    switch (int(9)) {
      case 0:
      case 1:
      case 2:
        return text();
      case 3:
        return pick(NUMBERS);
      case 4:
        return pick([true, false, null]);
      case 5:
        return BigInt(int(1_000_000)) * (random() < 0.5 ? -1n : 1n);
      case 6:
        return random() < 0.7 ? new Date(int(2_000_000_000_000)) : new Date('not a date');
      case 7:
        return pick([undefined, () => 1, Symbol('s')]);
      default:
        return text();
    }
  }

  function special(depth: number, ancestors: object[]): unknown {
    switch (int(7)) {
      case 0:
        return Buffer.from(text());
      case 1:
        return new Uint16Array(int(10));
      case 2: {
        const map = new Map<unknown, unknown>();
        const n = 1 + int(3);
        for (let i = 0; i < n; i++) {
          const k = key();
          map.set(k, SENSITIVE_KEYS.includes(k) ? sensitiveValue() : value(depth + 1, ancestors));
        }
        return map;
      }
      case 3:
        return new Set([text(), value(depth + 1, ancestors)]);
      case 4: {
        const error = new RangeError(text());
        return error;
      }
      case 5: {
        conservative = true;
        const inner = value(depth + 1, ancestors);
        return { hidden: 'not serialized', toJSON: () => inner };
      }
      default: {
        const shared = { s: text() };
        return { a: shared, b: shared, list: [shared, shared] };
      }
    }
  }

  function deep(levels: number): unknown {
    let node: unknown = { leaf: text() };
    for (let i = 0; i < levels; i++) node = random() < 0.5 ? { child: node } : [node];
    return node;
  }

  return {
    next(): Generated {
      conservative = false;
      budget = 60;
      const v = value(0, []);
      return { value: v, conservative };
    },
    content(): Record<string, unknown> {
      budget = 80;
      const out: Record<string, unknown> = {};
      const n = 1 + int(6);
      for (let i = 0; i < n; i++) {
        const k = key();
        out[k] = SENSITIVE_KEYS.includes(k) ? sensitiveValue() : value(1, [out]);
      }
      return out;
    },
  };
}

const sensitive = new SensitiveKeys();
const redactions = new Redactions(SECRETS);
const OPTIONS: SerializeOptions = { maxString: MAX_STRING };

function serialize(content: Record<string, unknown>, extra: Partial<EntryDraft> = {}, options: SerializeOptions = OPTIONS, values = redactions): PreparedEntry {
  return serializeDraft(
    { id: '01J00000000000000000000000', draft: { type: 't', content, ...extra }, recordedAt: 0, batchId: null, redactions: values, sensitive, weight: 1 },
    options,
  );
}

/** What the walker stores for one value (JSON round trip), and whether it cut anything. */
function walked(value: unknown): { json: string | undefined; truncated: boolean } {
  const state: SanitizeState = { truncated: false, isSensitive: sensitive.matches };
  return { json: JSON.stringify(sanitizeValue(value, redactions.list, MAX_STRING, state)), truncated: state.truncated };
}

/** The content the walker makes of a draft's content, field by field (as the serializer works). */
function walkedContent(content: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let truncated = false;
  for (const key of Object.keys(content)) {
    const name = redactions.redact(key);
    if (sensitive.matches(key)) {
      out[name] = REDACTED;
      continue;
    }
    const w = walked(content[key]);
    truncated ||= w.truncated;
    if (w.json !== undefined) out[name] = JSON.parse(w.json);
  }
  if (truncated) out.truncated = true;
  return out;
}

/** True when a secret or a sensitive value appears in stored JSON (raw or JSON-escaped). */
function leaks(json: string): string | null {
  for (const secret of [...SECRETS, SENSITIVE_MARK, '4111111111111111']) {
    if (json.includes(secret) || json.includes(JSON.stringify(secret).slice(1, -1))) return secret;
  }
  return null;
}

/** Whether the walker changes anything JSON.stringify would store. */
function walkerChanges(value: unknown): boolean {
  let native: string | undefined;
  try {
    native = JSON.stringify(value);
  } catch {
    return true;
  }
  const w = walked(value);
  return w.truncated || w.json !== native;
}

const CORPUS_SIZE = 300;

describe('serializeDraft: the fast path and the walker agree (property-based corpus)', () => {
  it("stores, for every generated content, valid JSON equal to the walker's copy, with the truncated flag", () => {
    const gen = generator(0x5eed);
    for (let i = 0; i < CORPUS_SIZE; i++) {
      const content = gen.content();
      const prepared = serialize(content);
      let stored: { content: Record<string, unknown> };
      try {
        stored = JSON.parse(prepared.json);
      } catch (error) {
        throw new Error(`case ${i}: invalid JSON ${prepared.json.slice(0, 200)}: ${(error as Error).message}`);
      }
      const expected = walkedContent(content);
      // string comparison first (fast; key order is the same on both sides), a readable diff otherwise
      if (JSON.stringify(stored.content) !== JSON.stringify(expected)) expect({ case: i, content: stored.content }).toEqual({ case: i, content: expected });
      expect({ case: i, leak: leaks(prepared.json) }).toEqual({ case: i, leak: null });
    }
  });

  it("stores a single field value exactly as JSON.stringify of the walker's copy (byte for byte)", () => {
    const gen = generator(42);
    for (let i = 0; i < CORPUS_SIZE; i++) {
      const { value } = gen.next();
      const prepared = serialize({ f: value });
      const w = walked(value);
      const expected = w.json === undefined ? '' : `"f":${w.json}`;
      const body = prepared.json.slice(prepared.json.indexOf('"content":{') + '"content":{'.length, prepared.json.lastIndexOf('},"version"'));
      expect({ case: i, body }).toEqual({ case: i, body: w.truncated ? (expected ? `${expected},"truncated":true` : '"truncated":true') : expected });
    }
  });
});

describe('isClean: false exactly when the walker would change something (same corpus)', () => {
  it('is never true when the walker changes something (the fast path never skips a redaction, a cut or a conversion)', () => {
    const gen = generator(7);
    let clean = 0;
    for (let i = 0; i < CORPUS_SIZE * 2; i++) {
      const { value } = gen.next();
      if (isClean(value, redactions.list, MAX_STRING, sensitive.matches)) {
        clean++;
        expect({ case: i, changes: walkerChanges(value) }).toEqual({ case: i, changes: false });
      }
    }
    expect(clean).toBeGreaterThan(50); // the corpus does exercise the fast path
  });

  it('is true whenever the walker changes nothing (values with toJSON and empty Maps aside: refused on purpose)', () => {
    const gen = generator(8);
    let refused = 0;
    for (let i = 0; i < CORPUS_SIZE * 2; i++) {
      const { value, conservative } = gen.next();
      if (conservative) continue;
      const clean = isClean(value, redactions.list, MAX_STRING, sensitive.matches);
      if (!clean) refused++;
      expect({ case: i, clean }).toEqual({ case: i, clean: !walkerChanges(value) });
    }
    expect(refused).toBeGreaterThan(50);
  });

  it('refuses objects with toJSON (the walker calls it) although their JSON may come out the same', () => {
    expect(isClean({ toJSON: () => 'x' }, [], 100, undefined)).toBe(false);
    expect(walkerChanges({ toJSON: () => 'x' })).toBe(false);
  });

  it('answers for each reason on its own', () => {
    const check = (value: unknown) => isClean(value, ['SECRET'], 10, sensitive.matches);
    expect(check({ a: [1, 'two', { b: null, c: true }], d: new Date(0), e: new Date('bad') })).toBe(true);
    expect(check({ a: 'has SECRET' })).toBe(false);
    expect(check({ 'SECRET-key': 1 })).toBe(false);
    expect(check({ nested: [{ password: 'x' }] })).toBe(false);
    expect(check({ long: 'x'.repeat(11) })).toBe(false);
    expect(check({ exact: 'x'.repeat(10) })).toBe(true);
    expect(check({ n: NaN })).toBe(false);
    expect(check({ n: 1n })).toBe(false);
    expect(check({ b: Buffer.from('x') })).toBe(false);
    expect(check({ m: new Map() })).toBe(false);
    expect(check({ s: new Set() })).toBe(false);
    expect(check({ e: new Error('x') })).toBe(false);
    expect(check(Array.from({ length: 1001 }, () => 0))).toBe(false);
    expect(check(Array.from({ length: 1000 }, () => 0))).toBe(true);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(check(cycle)).toBe(false);
    const throwing = Object.defineProperty({}, 'x', {
      enumerable: true,
      get: () => {
        throw new Error('getter');
      },
    });
    expect(check(throwing)).toBe(false);
    // undefined, functions and symbols are left out by both
    expect(check({ u: undefined, f: () => 1, s: Symbol('s') })).toBe(true);
  });

  it('stops at depth 12 like the walker', () => {
    const nest = (levels: number) => {
      let v: unknown = 1;
      for (let i = 0; i < levels; i++) v = { c: v };
      return v;
    };
    expect(isClean(nest(12), [], 10, undefined)).toBe(true);
    expect(walkerChanges(nest(12))).toBe(false);
    expect(isClean(nest(13), [], 10, undefined)).toBe(false);
    expect(walkerChanges(nest(13))).toBe(true);
  });
});

describe('serializeDraft: JsonText (JSON the host already wrote)', () => {
  const entryOf = (prepared: PreparedEntry) => JSON.parse(prepared.json) as { content: Record<string, unknown> };

  it('embeds valid, clean JSON text as written (spacing and key order kept), with or without its source', () => {
    const text = '{ "b": 1,  "a": [true, null, "é"] }';
    for (const body of [new JsonText(text), new JsonText(text, { b: 1, a: [true, null, 'é'] })]) {
      const prepared = serialize({ status: 200, body });
      expect(prepared.json).toContain(`"body":${text}`);
      expect(entryOf(prepared).content).toEqual({ status: 200, body: { b: 1, a: [true, null, 'é'] } });
    }
  });

  it('stores invalid JSON text as a string (literals still redacted)', () => {
    const content = entryOf(serialize({ body: new JsonText(`{not json ${SECRETS[0]}`) })).content;
    expect(content.body).toBe(`{not json ${REDACTED}`);
    expect(content.truncated).toBeUndefined();
  });

  it('redacts a sensitive key inside the text at any depth, with or without a source, keeping the rest', () => {
    const value = { user: 'ann', auth: { password: 'hunter2', token: 'abc' }, list: [{ cvv: '123', n: 1 }] };
    for (const body of [new JsonText(JSON.stringify(value)), new JsonText(JSON.stringify(value), value)]) {
      const prepared = serialize({ body }, {}, { maxString: 1000 });
      expect(entryOf(prepared).content.body).toEqual({ user: 'ann', auth: { password: REDACTED, token: REDACTED }, list: [{ cvv: REDACTED, n: 1 }] });
      expect(prepared.json).not.toContain('hunter2');
      expect(prepared.json).not.toContain('"123"');
    }
  });

  it('redacts literal secrets in the text (escaped as JSON writes them), with or without a source', () => {
    const value = { note: `see ${SECRETS[1]}`, [SECRETS[0]]: 1 };
    const text = JSON.stringify(value);
    expect(text).toContain('pa\\"ss'); // the quote and the backslash are escaped in the text
    for (const body of [new JsonText(text), new JsonText(text, value)]) {
      const prepared = serialize({ body }, {}, { maxString: 1000 });
      expect(entryOf(prepared).content.body).toEqual({ note: `see ${REDACTED}`, [REDACTED]: 1 });
      expect(leaks(prepared.json)).toBeNull();
    }
  });

  it('never embeds a text holding a literal, even when its source is clean (a text that differs from its source: an Express json replacer)', () => {
    const text = JSON.stringify({ note: `added by a replacer: ${SECRETS[0]}` });
    const prepared = serialize({ body: new JsonText(text, { note: 'clean source' }) }, {}, { maxString: 1000 });
    expect(leaks(prepared.json)).toBeNull();
  });

  it('cuts long strings inside the text and marks the entry truncated', () => {
    const value = { short: 'ok', long: 'L'.repeat(MAX_STRING + 5) };
    const text = JSON.stringify(value);
    // The text as a whole is within the cap here only when the cap is larger: use a larger one.
    const prepared = serialize({ body: new JsonText(text, value) }, {}, { maxString: text.length });
    expect(entryOf(prepared).content).toEqual({ body: value });
    const cut = entryOf(serialize({ body: new JsonText(text, value) }, {}, { maxString: MAX_STRING + 4 })).content;
    expect(cut.truncated).toBe(true);
  });

  it('never stores a sensitive value or a literal of text longer than the cap (cut, marked truncated)', () => {
    const value = { password: 'hunter2', note: SECRETS[0], data: 'd'.repeat(200) };
    for (const body of [new JsonText(JSON.stringify(value)), new JsonText(JSON.stringify(value), value)]) {
      const prepared = serialize({ body });
      const content = entryOf(prepared).content;
      expect(content.truncated).toBe(true);
      expect(prepared.json).not.toContain('hunt');
      expect(leaks(prepared.json)).toBeNull();
      expect(String(content.body).length).toBeLessThan(MAX_STRING + 40);
    }
    // Long invalid JSON keeps the literal redaction
    const invalid = entryOf(serialize({ body: new JsonText(`{${SECRETS[0]} ${'x'.repeat(100)}`) })).content;
    expect(invalid).toMatchObject({ truncated: true });
    expect(leaks(JSON.stringify(invalid))).toBeNull();
  });

  it('embeds long text as JSON when the redacted copy fits the cap (compact form of pretty-printed JSON)', () => {
    const value = { a: 1, b: [1, 2] };
    const pretty = JSON.stringify(value, null, 10);
    expect(pretty.length).toBeGreaterThan(MAX_STRING);
    const content = entryOf(serialize({ body: new JsonText(pretty) })).content;
    expect(content).toEqual({ body: value });
  });
});

describe('serializeDraft: entry fields', () => {
  it('marks the entry truncated only when something was cut', () => {
    expect(JSON.parse(serialize({ a: 'x'.repeat(MAX_STRING) }).json).content.truncated).toBeUndefined();
    expect(JSON.parse(serialize({ a: 'x'.repeat(MAX_STRING + 1) }).json).content.truncated).toBe(true);
    expect(JSON.parse(serialize({ a: [{ b: 'x'.repeat(MAX_STRING + 1) }] }).json).content.truncated).toBe(true);
    expect(JSON.parse(serialize({ a: Array.from({ length: 1001 }, () => 1) }).json).content.truncated).toBe(true);
  });

  it('redacts literals in tags, stringifies them, caps them at 1024 characters and drops null/undefined ones', () => {
    const prepared = serialize({}, { tags: { who: `user ${SECRETS[0]}`, n: 3, none: null, gone: undefined, long: 'l'.repeat(2000) } });
    expect(prepared.tags).toEqual({ who: `user ${REDACTED}`, n: '3', long: 'l'.repeat(1024) });
    expect(JSON.parse(prepared.json).tags).toEqual(prepared.tags);
  });

  it('carries counters and the weight of a sampled batch on the prepared entry', () => {
    const counters = [{ name: 'requests', key: '2xx', value: 1 }];
    const one = serialize({}, { counters });
    expect(one.counters).toEqual(counters);
    expect(one.weight ?? 1).toBe(1);
    const weighted = serializeDraft(
      { id: '01J00000000000000000000000', draft: { type: 't', content: {} }, recordedAt: 0, batchId: 'b', redactions, sensitive, weight: 4 },
      OPTIONS,
    );
    expect(weighted.weight).toBe(4);
    expect(weighted.batchId).toBe('b');
    expect(serialize({}, { counters: [] }).counters).toBeUndefined();
  });

  it("produces JSON whose fields equal the prepared entry's", () => {
    const prepared = serialize({ a: 1 }, { familyHash: 'fam', durationMs: 1.23456, occurredAt: '2024-01-02T03:04:05Z', tags: { k: 'v' } });
    expect(JSON.parse(prepared.json)).toEqual({
      id: prepared.id,
      type: 't',
      batchId: null,
      occurredAt: '2024-01-02T03:04:05.000Z',
      durationMs: 1.235,
      familyHash: 'fam',
      tags: { k: 'v' },
      content: { a: 1 },
      version: 1,
    });
    expect(prepared).toMatchObject({ occurredAt: '2024-01-02T03:04:05.000Z', durationMs: 1.235, familyHash: 'fam', tags: { k: 'v' } });
  });
});

describe('serializeDraft: family summary', () => {
  it('keeps top-level scalars, never a sensitive field, with literals redacted', () => {
    const prepared = serialize(
      {
        class: 'PaymentError',
        message: `card ${SECRETS[0]} declined`,
        status: 402,
        ok: false,
        password: 'hunter2',
        cardNumber: '4111111111111111',
        nested: { a: 1 },
      },
      { familyHash: 'fam' },
    );
    expect(prepared.summary).toEqual({ class: 'PaymentError', message: `card ${REDACTED} declined`, status: '402', ok: 'false' });
  });

  it('has no summary without a family', () => {
    expect(serialize({ a: 'b' }).summary).toBeUndefined();
  });

  it("never keeps a literal secret, in a key nor cut in half by the summary's length cap", () => {
    const prepared = serialize({ [`id-${SECRETS[0]}`]: 'x', message: `${'m'.repeat(295)}${SECRETS[0]}` }, { familyHash: 'fam' });
    const text = JSON.stringify(prepared.summary);
    expect(leaks(text)).toBeNull();
    // not even the start of the secret where the 300-character cap falls
    expect(text).not.toContain(SECRETS[0].slice(0, 5));
  });

  it('never contains sensitive or literal secrets for any generated content', () => {
    const gen = generator(99);
    for (let i = 0; i < CORPUS_SIZE; i++) {
      const content = gen.content();
      const prepared = serialize(content, { familyHash: 'fam' });
      for (const key of Object.keys(prepared.summary ?? {})) expect(sensitive.matches(key)).toBe(false);
      expect({ case: i, leak: leaks(JSON.stringify(prepared.summary)) }).toEqual({ case: i, leak: null });
    }
  });
});
