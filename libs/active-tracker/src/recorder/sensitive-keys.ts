/**
 * Keys whose values are never recorded (headers, body fields, query params, URLs, logged objects,
 * event payloads, tags). A key is compared in its normalized form (lower case, without `-`, `_`,
 * `.` and spaces):
 * - a plain item matches any key that contains it, so `X-Api-Key`, `api_key`, `apiKey` and
 *   `client_secret` all match;
 * - `=name` matches only the whole key (`=cc` matches `cc` and `CC`, not `accept`);
 * - `^name` matches a key that starts with it, `name$` one that ends with it (`^ssn` and `ssn$`
 *   match `ssn_last4` and `customer_ssn`, not `business_name`).
 * Token counts (`prompt_tokens`, `maxTokens`, `tokenCount`...) are counts, not secrets: they never
 * match the `token` fragment.
 */
export const DEFAULT_SENSITIVE_KEYS: readonly string[] = [
  'authorization',
  'cookie',
  'password',
  'passwd',
  'secret',
  'token',
  'apikey',
  'accesskey',
  'privatekey',
  'credential',
  'session',
  // Payment cards and national identifiers.
  'cardnumber',
  'cardnum',
  'cardno',
  'creditcard',
  'debitcard',
  'cardverification',
  'securitycode',
  'socialsecurity',
  'pincode',
  '=card',
  '=cc',
  '=ccnum',
  '=ccnumber',
  '=csc',
  '=pan',
  '=pin',
  '=iban',
  '^cvv',
  'cvv$',
  '^cvc',
  'cvc$',
  '^ssn',
  'ssn$',
];

/** Usage counts of LLM APIs and the like (`cacheReadTokens`, `timeToFirstTokenMs`...), which contain "token" without being secrets. */
const TOKEN_COUNT =
  /(?:prompt|completion|input|output|total|cached|reasoning|max|num|audio|text|image|accepted|rejected|eval|context|remaining|read|creation|write)tokens?(?:count|details)?$|tokens?(?:count|limit|used|usage)$|firsttokenms$/;

export const REDACTED = '[REDACTED]';

export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '');
}

/** A compiled list of sensitive keys: `matches(key)`, cached per key, for the walks over payloads. */
export class SensitiveKeys {
  private readonly contains: string[] = [];
  private readonly equals = new Set<string>();
  private readonly prefixes: string[] = [];
  private readonly suffixes: string[] = [];
  private readonly cache = new Map<string, boolean>();

  constructor(readonly items: readonly string[] = DEFAULT_SENSITIVE_KEYS) {
    for (const item of items) {
      if (item.startsWith('=')) add(this.equals, normalizeKey(item.slice(1)));
      else if (item.startsWith('^')) add(this.prefixes, normalizeKey(item.slice(1)));
      else if (item.endsWith('$')) add(this.suffixes, normalizeKey(item.slice(0, -1)));
      else add(this.contains, normalizeKey(item));
    }
  }

  /** True when the value of `key` must be redacted. */
  readonly matches = (key: string): boolean => {
    let hit = this.cache.get(key);
    if (hit === undefined) {
      hit = this.test(normalizeKey(key));
      if (this.cache.size < 5000) this.cache.set(key, hit);
    }
    return hit;
  };

  private test(k: string): boolean {
    if (this.equals.has(k)) return true;
    for (const p of this.prefixes) if (k.startsWith(p)) return true;
    for (const p of this.suffixes) if (k.endsWith(p)) return true;
    const count = TOKEN_COUNT.test(k);
    for (const f of this.contains) if (k.includes(f) && !(count && f === 'token')) return true;
    return false;
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

function add(target: string[] | Set<string>, value: string): void {
  if (!value) return;
  if (Array.isArray(target)) target.push(value);
  else target.add(value);
}
