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

/** A compiled list of sensitive keys: `matches(key)`, cached per key, for the walks over payloads. */
export class SensitiveKeys {
  private readonly contains: string[];
  private readonly equals: Set<string>;
  private readonly cache = new Map<string, boolean>();

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

  /** This list plus more items. */
  with(extra: readonly string[] | undefined): SensitiveKeys {
    return extra && extra.length > 0 ? new SensitiveKeys([...this.items, ...extra]) : this;
  }
}

/** A predicate for the given list (see SensitiveKeys). */
export function sensitiveKeyMatcher(items: readonly string[] = DEFAULT_SENSITIVE_KEYS): (key: string) => boolean {
  return new SensitiveKeys(items).matches;
}
