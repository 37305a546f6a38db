import { sanitizeValue } from './entry-sanitizer.js';
import { DEFAULT_SENSITIVE_KEYS, normalizeKey, REDACTED, SensitiveKeys, sensitiveKeyMatcher } from './sensitive-keys.js';

/**
 * filterSensitive was removed in capture core v2: the recorder's walker (sanitizeValue with
 * `isSensitive`) is the one payload walker. Its former guarantees are checked through it.
 */
function filterSensitive(value: unknown, isSensitive: (key: string) => boolean): unknown {
  return sanitizeValue(value, [], 1_000_000, { truncated: false, isSensitive });
}

describe('normalizeKey', () => {
  it('lower-cases and drops "-", "_", "." and whitespace', () => {
    expect(normalizeKey('X-Api-Key')).toBe('xapikey');
    expect(normalizeKey('client_secret')).toBe('clientsecret');
    expect(normalizeKey('Private.Key')).toBe('privatekey');
    expect(normalizeKey(' api\tkey ')).toBe('apikey');
    expect(normalizeKey('apiKey')).toBe('apikey');
  });
});

describe('sensitiveKeyMatcher (defaults)', () => {
  const isSensitive = sensitiveKeyMatcher();

  it.each([
    'X-Api-Key',
    'x-api-key',
    'api_key',
    'apiKey',
    'API_KEY',
    'api.key',
    'client_secret',
    'clientSecret',
    'Authorization',
    'authorization',
    'Proxy-Authorization',
    'Cookie',
    'Set-Cookie',
    'password',
    'newPassword',
    'PASSWORD_CONFIRMATION',
    'passwd',
    'access_token',
    'refreshToken',
    'X-CSRF-Token',
    'private_key',
    'privateKey',
    'aws_credentials',
    'sessionId',
    'secret',
  ])('%s is sensitive', (key) => {
    expect(isSensitive(key)).toBe(true);
  });

  it.each(['name', 'email', 'content-type', 'accept', 'user', 'id', 'keyboard', 'author', 'x-request-id', 'api', 'key', 'pass'])(
    '%s is not sensitive',
    (key) => {
      expect(isSensitive(key)).toBe(false);
    },
  );

  it('answers the same when asked again (cache) and stays correct past the cache bound', () => {
    const matcher = sensitiveKeyMatcher();
    for (let i = 0; i < 6000; i++) expect(matcher(`field${i}`)).toBe(false);
    expect(matcher('field1')).toBe(false);
    expect(matcher('my_token_5999')).toBe(true);
    expect(matcher('my_token_5999')).toBe(true);
  });
});

describe('sensitiveKeyMatcher (defaults): payment cards and national identifiers', () => {
  const isSensitive = sensitiveKeyMatcher();

  // Plain items match keys containing them; "=name" items match the whole (normalized) key only.
  it.each([
    'creditCard',
    'credit_card_number',
    'cardNumber',
    'card_number',
    'Card-Number',
    'debitCard',
    'card',
    'CARD',
    'cc',
    'CC',
    'cc_num',
    'ccNumber',
    'cvv',
    'CVV2',
    'cvc',
    'CVC',
    'cvc2',
    'csc',
    'card_verification_value',
    'securityCode',
    'security_code',
    'pan',
    'pin',
    'PIN',
    'iban',
    'IBAN',
    'ssn',
    'SSN',
    'social_security_number',
    'socialSecurityNo',
  ])('%s is sensitive', (key) => {
    expect(isSensitive(key)).toBe(true);
  });

  // Ordinary words containing a short "=name" item are left alone.
  it.each([
    'accept',
    'success',
    'access',
    'account',
    'discard',
    'cards',
    'cardinality',
    'pinned',
    'pinCount',
    'spinner',
    'span',
    'company',
    'panel',
    'lessons',
    'classname',
    'business_name',
    'ccEmail',
    'occupation',
    'prompt_tokens',
    'maxTokens',
    'tokenCount',
    'author',
  ])('%s is not sensitive', (key) => {
    expect(isSensitive(key)).toBe(false);
  });

  it('documents the "=name" rule: exact items are short names that would otherwise match ordinary words', () => {
    for (const item of ['=cc', '=pin', '=pan', '=card', '=iban', '^cvv', 'cvv$', '^cvc', 'cvc$', '^ssn', 'ssn$'])
      expect(DEFAULT_SENSITIVE_KEYS).toContain(item);
    // the same names as plain items would match by "contains"
    const contains = sensitiveKeyMatcher(['cc', 'pin', 'ssn']);
    expect(contains('accept')).toBe(true);
    expect(contains('spinner')).toBe(true);
    expect(contains('classname')).toBe(true);
  });
});

describe('SensitiveKeys', () => {
  it('matches "=name" items on the whole normalized key and plain items by "contains"', () => {
    const keys = new SensitiveKeys(['=Order-Id', 'tenant']);
    expect(keys.matches('order_id')).toBe(true);
    expect(keys.matches('ORDERID')).toBe(true);
    expect(keys.matches('order_id_2')).toBe(false);
    expect(keys.matches('myTenantName')).toBe(true);
    expect(keys.matches('password')).toBe(false);
    expect(new SensitiveKeys(['=', '=-']).matches('')).toBe(false);
  });

  it('with() adds items to a copy; without items it returns the same list', () => {
    const base = new SensitiveKeys(['token']);
    const more = base.with(['=region']);
    expect(more).not.toBe(base);
    expect(more.matches('region')).toBe(true);
    expect(more.matches('token')).toBe(true);
    expect(base.matches('region')).toBe(false);
    expect(base.with([])).toBe(base);
    expect(base.with(undefined)).toBe(base);
  });

  it('uses the defaults when given no list', () => {
    expect(new SensitiveKeys().items).toBe(DEFAULT_SENSITIVE_KEYS);
    expect(new SensitiveKeys().matches('cardNumber')).toBe(true);
  });
});

describe('sensitiveKeyMatcher (custom fragments)', () => {
  it('uses exactly the given fragments, normalized', () => {
    const isSensitive = sensitiveKeyMatcher(['SSN', 'Card-Number']);
    expect(isSensitive('user_ssn')).toBe(true);
    expect(isSensitive('cardNumber')).toBe(true);
    expect(isSensitive('card_number')).toBe(true);
    // The defaults are replaced, not extended.
    expect(isSensitive('password')).toBe(false);
  });

  it('ignores empty fragments (which would otherwise match every key)', () => {
    const isSensitive = sensitiveKeyMatcher(['', '-', 'pin']);
    expect(isSensitive('name')).toBe(false);
    expect(isSensitive('pin_code')).toBe(true);
  });

  it('exports the documented default list', () => {
    for (const fragment of ['authorization', 'cookie', 'password', 'secret', 'token', 'apikey']) {
      expect(DEFAULT_SENSITIVE_KEYS).toContain(fragment);
    }
  });
});

describe('sensitive keys in the walker (what filterSensitive did)', () => {
  const isSensitive = sensitiveKeyMatcher();

  it('replaces the values of sensitive keys at any depth, leaving the rest alone', () => {
    const input = {
      user: 'ann',
      password: 'hunter2',
      headers: { Authorization: 'Bearer abc', 'X-Api-Key': 'k', accept: 'json' },
      items: [{ token: { nested: 'object' }, id: 1 }, 'plain', null],
      profile: { client_secret: ['a', 'b'], count: 3, ok: true },
    };
    expect(filterSensitive(input, isSensitive)).toEqual({
      user: 'ann',
      password: REDACTED,
      headers: { Authorization: REDACTED, 'X-Api-Key': REDACTED, accept: 'json' },
      items: [{ token: REDACTED, id: 1 }, 'plain', null],
      profile: { client_secret: REDACTED, count: 3, ok: true },
    });
  });

  it('returns a copy and never mutates the input', () => {
    const input = { password: 'x', nested: { token: 'y' } };
    const out = filterSensitive(input, isSensitive) as typeof input;
    expect(input).toEqual({ password: 'x', nested: { token: 'y' } });
    expect(out).not.toBe(input);
    expect(out.nested).not.toBe(input.nested);
  });

  it('passes primitives through', () => {
    for (const value of ['text', 3, true, null, undefined]) expect(filterSensitive(value, isSensitive)).toBe(value);
  });

  it('redacts a sensitive key whatever its value (objects, arrays, undefined) and keeps the key', () => {
    expect(filterSensitive({ token: undefined, cvv: [1, 2], card: { number: '4111' } }, isSensitive)).toEqual({
      token: REDACTED,
      cvv: REDACTED,
      card: REDACTED,
    });
  });

  it('cuts cycles but keeps an object that is merely referenced twice', () => {
    const shared = { name: 'shared', secret: 's' };
    const input: Record<string, unknown> = { a: shared, b: shared, list: [shared, shared] };
    input.self = input;
    const out = filterSensitive(input, isSensitive) as Record<string, unknown>;
    expect(out.self).toBe('[Circular]');
    expect(out.a).toEqual({ name: 'shared', secret: REDACTED });
    expect(out.b).toEqual({ name: 'shared', secret: REDACTED });
    expect(out.list).toEqual([
      { name: 'shared', secret: REDACTED },
      { name: 'shared', secret: REDACTED },
    ]);
    expect(() => JSON.stringify(out)).not.toThrow();
  });

  it('cuts very deep structures', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 30; i++) deep = { child: deep };
    const text = JSON.stringify(filterSensitive(deep, isSensitive));
    expect(text).toContain('[Truncated: too deep]');
    expect(text).not.toContain('leaf');
  });

  it('describes Buffers and turns Dates into ISO strings', () => {
    const at = new Date('2024-01-02T03:04:05.000Z');
    expect(filterSensitive({ file: Buffer.from('abcd'), at }, isSensitive)).toEqual({ file: '[Buffer 4 bytes]', at: at.toISOString() });
    expect(filterSensitive({ bad: new Date('not a date') }, isSensitive)).toEqual({ bad: null });
  });
});
