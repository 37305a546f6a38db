import { normalizeKey, REDACTED, SensitiveKeys } from './sensitive-keys.js';

/** Query parameter fragments redacted on top of the tracker's sensitive keys (signed URLs, API keys). */
const QUERY_FRAGMENTS = ['signature', '=auth', 'authtoken', 'authkey', 'credential', 'accesskey', 'apikey', 'privatekey', 'jwt', 'hmac'];
/** Whole query parameter names redacted (normalized). */
const QUERY_NAMES = new Set(['key', 'sig', 'sign', 'code', 'pass', 'pwd']);

/**
 * Redacts URLs, inbound (a request's URL) and outbound (an HTTP client call): credentials in the
 * authority and the values of sensitive query parameters become [REDACTED]; the fragment is
 * dropped. Query parameters are sensitive by the tracker's sensitive keys, a few fragments and
 * names common in signed URLs, and any name ending in "key".
 */
export class UrlRedactor {
  private readonly keys: SensitiveKeys;

  constructor(sensitiveKeys: readonly string[], extra: readonly string[] = []) {
    this.keys = new SensitiveKeys([...sensitiveKeys, ...QUERY_FRAGMENTS, ...extra]);
  }

  isSensitiveParam(name: string): boolean {
    if (this.keys.matches(name)) return true;
    const k = normalizeKey(name);
    return QUERY_NAMES.has(k) || k.endsWith('key');
  }

  /** An absolute URL (`https://user:pw@host/p?q`) or a request target (`/p?q`), redacted. */
  redact(raw: string): string {
    const hash = raw.indexOf('#');
    const url = hash < 0 ? raw : raw.slice(0, hash);
    const q = url.indexOf('?');
    const base = q < 0 ? url : url.slice(0, q);
    const redactedBase = base.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, `$1${REDACTED}@`);
    if (q < 0) return redactedBase;
    const params = url
      .slice(q + 1)
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        const key = eq < 0 ? pair : pair.slice(0, eq);
        return eq >= 0 && this.isSensitiveParam(decodeSafe(key)) ? `${key}=${REDACTED}` : pair;
      });
    return `${redactedBase}?${params.join('&')}`;
  }
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
