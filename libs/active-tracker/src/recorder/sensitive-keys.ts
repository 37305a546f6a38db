/**
 * Keys whose values are never recorded (headers, body fields, query params, URLs, logged objects,
 * event payloads). A key is compared in its normalized form (lower case, without `-`, `_`, `.`
 * and spaces):
 * - a plain item matches any key that contains it, so `X-Api-Key`, `api_key`, `apiKey` and
 *   `client_secret` all match;
 * - an item starting with `=` matches only a key equal to it (`=cc` matches `cc` and `CC`, but
 *   not `accept`): short names that would otherwise match ordinary words.
 */
export const DEFAULT_SENSITIVE_KEYS: readonly string[] = [
  'authorization',
  'cookie',
  'password',
  'passwd',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'credential',
  'session',
  // Payment cards and national identifiers.
  'cardnumber',
  'creditcard',
  'debitcard',
  'cardverification',
  'securitycode',
  'socialsecurity',
  '=card',
  '=cc',
  '=ccnum',
  '=ccnumber',
  '=cvv',
  '=cvv2',
  '=cvc',
  '=cvc2',
  '=csc',
  '=pan',
  '=pin',
  '=iban',
  '=ssn',
];

export const REDACTED = '[REDACTED]';

export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '');
}

const SEPARATORS = '[-_.\\s]*';

/** Regex source matching `fragment` in a key as written, with separators allowed between its letters. */
function spelled(fragment: string): string {
  return [...fragment].map((c) => c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')).join(SEPARATORS);
}

/**
 * A compiled list of sensitive keys: `matches(key)` for a walk over an object, and
 * `mayAppearIn(json)` to tell from serialized JSON, natively and without parsing it, whether any
 * object key in it could be sensitive (false positives only cost a slower, exact pass).
 */
export class SensitiveKeys {
  private readonly contains: string[];
  private readonly equals: Set<string>;
  private readonly cache = new Map<string, boolean>();
  private readonly keyPattern: RegExp | null;

  constructor(readonly items: readonly string[] = DEFAULT_SENSITIVE_KEYS) {
    this.contains = [];
    this.equals = new Set();
    for (const item of items) {
      if (item.startsWith('=')) {
        const name = normalizeKey(item.slice(1));
        if (name) this.equals.add(name);
      } else {
        const fragment = normalizeKey(item);
        if (fragment) this.contains.push(fragment);
      }
    }
    // A JSON object key: a string directly followed by a colon. Fragments may sit anywhere in it,
    // exact names must fill it (separators allowed, as normalization drops them).
    const alternatives = [
      ...this.contains.map((f) => `"(?:[^"\\\\]|\\\\.)*?${spelled(f)}(?:[^"\\\\]|\\\\.)*"\\s*:`),
      ...[...this.equals].map((name) => `"${SEPARATORS}${spelled(name)}${SEPARATORS}"\\s*:`),
    ];
    this.keyPattern = alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'i') : null;
  }

  /** True when the value of `key` must be redacted. */
  readonly matches = (key: string): boolean => {
    let hit = this.cache.get(key);
    if (hit === undefined) {
      const k = normalizeKey(key);
      hit = this.equals.has(k) || this.contains.some((f) => k.includes(f));
      if (this.cache.size < 5000) this.cache.set(key, hit);
    }
    return hit;
  };

  /** False when no object key of this JSON text can be sensitive (so it needs no redaction pass). */
  mayAppearIn(json: string): boolean {
    return this.keyPattern !== null && this.keyPattern.test(json);
  }

  /** This list plus more items. */
  with(extra: readonly string[] | undefined): SensitiveKeys {
    return extra && extra.length > 0 ? new SensitiveKeys([...this.items, ...extra]) : this;
  }
}

/** A predicate for the given list (see SensitiveKeys). */
export function sensitiveKeyMatcher(items: readonly string[] = DEFAULT_SENSITIVE_KEYS): (key: string) => boolean {
  return new SensitiveKeys(items).matches;
}
