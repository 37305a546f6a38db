import { LlmRedaction } from './llm-redaction.js';
import { DEFAULT_SENSITIVE_KEYS, SensitiveKeys } from '../../recorder/sensitive-keys.js';

describe('LLM PII redaction', () => {
  const r = new LlmRedaction(undefined, [], new SensitiveKeys(DEFAULT_SENSITIVE_KEYS).matches);

  it('built-in detectors: e-mail, phone, Luhn-valid card numbers, SSNs, API keys, bearer tokens', () => {
    expect(r.text('Write to ada.lovelace+work@example.co.uk today')).toBe('Write to [REDACTED:email] today');
    expect(r.text('Call +44 20 7946 0958 or (555) 123-4567 or 555-123-4567')).toBe('Call [REDACTED:phone] or [REDACTED:phone] or [REDACTED:phone]');
    expect(r.text('card 4242 4242 4242 4242, also 4111-1111-1111-1111')).toBe('card [REDACTED:card], also [REDACTED:card]');
    expect(r.text('SSN 123-45-6789')).toBe('SSN [REDACTED:ssn]');
    expect(r.text('key sk-proj-abcdefghijklmnop1234 and AKIAIOSFODNN7EXAMPLE')).toBe('key [REDACTED:api-key] and [REDACTED:api-key]');
    expect(r.text('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig')).toBe('Authorization: Bearer [REDACTED]');
  });

  it('leaves numbers that are not PII alone: a Luhn-invalid card, dates, amounts, token counts, invalid SSNs', () => {
    const text = 'order 4242 4242 4242 4241 on 2025-06-15 for $1,234.56, 1500 tokens, ids 000-12-3456 and 123456789';
    expect(r.text(text)).toBe(text);
  });

  it('custom redactors: a RegExp, a pattern with its replacement, a function; a failing one is skipped', () => {
    const custom = new LlmRedaction(false, [
      /ticket-\d+/,
      { pattern: /ACME-[A-Z]+/, replacement: '[CUSTOMER]' },
      (t) => t.replace('secret plan', '[PLAN]'),
      () => {
        throw new Error('broken');
      },
    ]);
    expect(custom.text('ticket-42 and ticket-43 for ACME-CORP: secret plan, ada@example.com')).toBe(
      '[REDACTED] and [REDACTED] for [CUSTOMER]: [PLAN], ada@example.com',
    );
  });

  it('payloads: every string through the detectors, sensitive keys redacted, token counts kept, the input untouched', () => {
    const payload = {
      model: 'gpt-4o',
      api_key: 'k',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'mail me at bob@example.com' }] }],
      usage: { prompt_tokens: 5, cacheReadTokens: 2 },
    };
    const copy = JSON.parse(JSON.stringify(payload));
    expect(r.value(payload)).toEqual({
      model: 'gpt-4o',
      api_key: '[REDACTED]',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'mail me at [REDACTED:email]' }] }],
      usage: { prompt_tokens: 5, cacheReadTokens: 2 },
    });
    expect(payload).toEqual(copy);
  });
});
