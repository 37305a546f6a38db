import { sanitizeValue } from '../../plugin-api.js';

/**
 * PII redaction of LLM payloads and texts, before anything is stored. Built-in detectors find
 * e-mail addresses, phone numbers, card numbers (Luhn-checked), US SSNs, API keys and bearer
 * tokens; custom redactors are a RegExp, `{ pattern, replacement }` or a function of the text.
 * Payloads go through the tracker's one payload walker (`sanitizeValue`), which also redacts the
 * values of sensitive keys.
 */
export type LlmDetector = 'email' | 'phone' | 'card' | 'ssn' | 'apiKey' | 'bearer';
export const LLM_DETECTORS: readonly LlmDetector[] = ['email', 'phone', 'card', 'ssn', 'apiKey', 'bearer'];

export type LlmRedactor = RegExp | { pattern: RegExp; replacement?: string } | ((text: string) => string);

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const DETECTORS: Record<LlmDetector, (text: string) => string> = {
  email: (t) => t.replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, '[REDACTED:email]'),
  // Numbers that look like dates, amounts or ids are left alone: a phone needs a + prefix or the usual separators.
  phone: (t) =>
    t
      .replace(/(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}(?![\w])/g, '[REDACTED:phone]')
      .replace(/(?<![\w-])(?:\(\d{3}\)\s?|\d{3}[.-])\d{3}[.-]\d{4}(?![\w-])/g, '[REDACTED:phone]'),
  card: (t) =>
    t.replace(/(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g, (match) => {
      const digits = match.replace(/\D/g, '');
      return digits.length >= 13 && digits.length <= 19 && luhn(digits) ? '[REDACTED:card]' : match;
    }),
  ssn: (t) => t.replace(/(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])/g, '[REDACTED:ssn]'),
  apiKey: (t) =>
    t.replace(
      /\b(?:sk|pk|rk)-(?:[A-Za-z]+-)?[A-Za-z0-9_-]{16,}|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bxox[abprs]-[A-Za-z0-9-]{10,}|\bAIza[0-9A-Za-z_-]{35}\b/g,
      '[REDACTED:api-key]',
    ),
  bearer: (t) => t.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]{8,}=*/g, '$1 [REDACTED]'),
};

/** Problems with the redaction options (empty = valid). */
export function redactionProblems(detectors: unknown, redactors: unknown): string[] {
  const problems: string[] = [];
  if (detectors !== undefined && detectors !== false && (!Array.isArray(detectors) || detectors.some((d) => !LLM_DETECTORS.includes(d)))) {
    problems.push(`"redaction.detectors" must be false or an array of ${LLM_DETECTORS.join(', ')}`);
  }
  if (redactors !== undefined) {
    if (!Array.isArray(redactors)) problems.push('"redaction.redactors" must be an array of RegExps, { pattern, replacement } or functions');
    else
      redactors.forEach((r, i) => {
        const ok =
          r instanceof RegExp ||
          typeof r === 'function' ||
          (r && typeof r === 'object' && r.pattern instanceof RegExp && (r.replacement === undefined || typeof r.replacement === 'string'));
        if (!ok) problems.push(`"redaction.redactors[${i}]" must be a RegExp, { pattern: RegExp, replacement? } or (text) => string`);
      });
  }
  return problems;
}

export class LlmRedaction {
  private readonly steps: Array<(text: string) => string>;

  constructor(
    detectors: readonly LlmDetector[] | false = LLM_DETECTORS,
    redactors: readonly LlmRedactor[] = [],
    private readonly isSensitive?: (key: string) => boolean,
  ) {
    this.steps = [
      ...(detectors === false ? [] : detectors.map((d) => DETECTORS[d])),
      ...redactors.map((r): ((text: string) => string) => {
        if (typeof r === 'function') return r;
        const { pattern, replacement } =
          r instanceof RegExp ? { pattern: r, replacement: '[REDACTED]' } : { pattern: r.pattern, replacement: r.replacement ?? '[REDACTED]' };
        // Always global: every occurrence is replaced.
        const global = pattern.global ? pattern : new RegExp(pattern.source, pattern.flags + 'g');
        return (text) => text.replace(global, replacement);
      }),
    ];
  }

  /** A text with every detector and redactor applied (a failing custom redactor leaves its step out). */
  readonly text = (text: string): string => {
    let out = text;
    for (const step of this.steps) {
      try {
        const next = step(out);
        if (typeof next === 'string') out = next;
      } catch {
        /* a custom redactor's failure never loses the interaction */
      }
    }
    return out;
  };

  /** A payload copied through the payload walker, every string redacted, sensitive keys' values replaced. */
  value(payload: unknown): unknown {
    if (payload === undefined || payload === null) return payload ?? null;
    return sanitizeValue(payload, [], Number.MAX_SAFE_INTEGER, { truncated: false, isSensitive: this.isSensitive, mapString: this.text });
  }
}
