import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { GENAI_PRICES_VERSION, LlmPricing, pricingRuleProblems, type DefaultPriceSource } from './llm-pricing.js';

const usage = (inputTokens: number, outputTokens: number, cacheReadTokens: number | null = null, cacheCreationTokens: number | null = null) => ({
  inputTokens,
  outputTokens,
  cacheReadTokens,
  cacheCreationTokens,
});
const JUNE = Date.parse('2025-06-15T12:00:00Z');

describe('LLM pricing rules', () => {
  it('the most specific matching rule wins: exact model over a longer glob over a shorter one over *', () => {
    const pricing = new LlmPricing([
      { id: 'any', model: '*', inputPerMillion: 100, outputPerMillion: 100 },
      { id: 'family', provider: 'openai', model: 'gpt-4o*', inputPerMillion: 2.5, outputPerMillion: 10 },
      { id: 'mini', provider: 'openai', model: 'gpt-4o-mini*', inputPerMillion: 0.15, outputPerMillion: 0.6 },
      { id: 'exact', provider: '*', model: 'gpt-4o-mini-2024-07-18', inputPerMillion: 0.1, outputPerMillion: 0.5 },
    ]);
    expect(pricing.ruleFor('openai', 'gpt-4o-mini-2024-07-18', JUNE)?.id).toBe('exact');
    expect(pricing.ruleFor('openai', 'gpt-4o-mini', JUNE)?.id).toBe('mini');
    expect(pricing.ruleFor('openai', 'gpt-4o-2024-08-06', JUNE)?.id).toBe('family');
    expect(pricing.ruleFor('anthropic', 'claude-3-5-haiku', JUNE)?.id).toBe('any');
  });

  it('an exact provider beats a wildcard one for the same model pattern', () => {
    const pricing = new LlmPricing([
      { id: 'wild', provider: '*', model: 'llama3*', inputPerMillion: 1, outputPerMillion: 1 },
      { id: 'ollama', provider: 'ollama', model: 'llama3*', inputPerMillion: 0, outputPerMillion: 0 },
    ]);
    expect(pricing.ruleFor('ollama', 'llama3.2', JUNE)?.id).toBe('ollama');
    expect(pricing.ruleFor('groq', 'llama3-70b', JUNE)?.id).toBe('wild');
  });

  it('effective dates: among equally specific rules, the one in force at the time of the call', () => {
    const pricing = new LlmPricing([
      { id: 'old', provider: 'openai', model: 'gpt-4o*', inputPerMillion: 5, outputPerMillion: 15, effectiveTo: '2024-10-01' },
      { id: 'new', provider: 'openai', model: 'gpt-4o*', inputPerMillion: 2.5, outputPerMillion: 10, effectiveFrom: '2024-10-01' },
      { id: 'promo', provider: 'openai', model: 'gpt-4o*', inputPerMillion: 1, outputPerMillion: 1, effectiveFrom: '2025-06-01', effectiveTo: '2025-07-01' },
    ]);
    expect(pricing.ruleFor('openai', 'gpt-4o', Date.parse('2024-09-30T23:59:59Z'))?.id).toBe('old');
    expect(pricing.ruleFor('openai', 'gpt-4o', Date.parse('2024-10-01T00:00:00Z'))?.id).toBe('new');
    expect(pricing.ruleFor('openai', 'gpt-4o', JUNE)?.id).toBe('promo');
    expect(pricing.ruleFor('openai', 'gpt-4o', Date.parse('2025-07-01T00:00:00Z'))?.id).toBe('new');
  });

  it('costs in integer micro-units; cached tokens priced at their own rates, never counted twice', () => {
    const pricing = new LlmPricing([{ id: 'r', model: 'm', inputPerMillion: 3, outputPerMillion: 15, cacheReadPerMillion: 0.3, cacheWritePerMillion: 3.75 }]);
    // 1000 input of which 200 read from cache and 100 written: 700 × 3 + 200 × 0.3 + 100 × 3.75 = 2535; 50 output × 15 = 750.
    expect(pricing.price('x', 'm', JUNE, usage(1000, 50, 200, 100))).toEqual({
      micros: 3285,
      inputMicros: 2535,
      outputMicros: 750,
      currency: 'USD',
      rule: 'r',
    });
    // Without cache prices, cache tokens cost the input price.
    const plain = new LlmPricing([{ id: 'p', model: 'm', inputPerMillion: 3, outputPerMillion: 15, currency: 'EUR' }]);
    expect(plain.price('x', 'm', JUNE, usage(1000, 50, 200, 100))).toMatchObject({ micros: 3750, currency: 'EUR' });
  });

  it('an unpriced call is null (marked unpriced), never 0', () => {
    const pricing = new LlmPricing([{ id: 'r', provider: 'openai', model: 'gpt-*', inputPerMillion: 1, outputPerMillion: 1 }]);
    expect(pricing.price('anthropic', 'claude-x', JUNE, usage(10, 10))).toBeNull();
    expect(pricing.price('openai', 'gpt-4o', JUNE, usage(0, 0))).toMatchObject({ micros: 0 });
    expect(pricing.price('openai', 'gpt-4o', JUNE, { inputTokens: null, outputTokens: null, cacheReadTokens: null, cacheCreationTokens: null })).toBeNull();
  });

  it('default prices from @pydantic/genai-prices (bundled, offline) when no rule matches, naming the source', () => {
    const pricing = new LlmPricing([], calcPrice as unknown as DefaultPriceSource);
    const expected = calcPrice({ input_tokens: 1_000_000, output_tokens: 1_000_000 }, 'gpt-4o', { providerId: 'openai', timestamp: new Date(JUNE) });
    expect(expected).not.toBeNull();
    const cost = pricing.price('openai', 'gpt-4o', JUNE, usage(1_000_000, 1_000_000));
    expect(cost).toEqual({
      micros: Math.round(expected!.input_price * 1e6) + Math.round(expected!.output_price * 1e6),
      inputMicros: Math.round(expected!.input_price * 1e6),
      outputMicros: Math.round(expected!.output_price * 1e6),
      currency: 'USD',
      rule: `genai-prices@${GENAI_PRICES_VERSION}`,
    });
    // Anthropic cache reads are cheaper than uncached input.
    const cached = pricing.price('anthropic', 'claude-3-5-sonnet-20241022', JUNE, usage(1_000_000, 0, 1_000_000, 0))!;
    const uncached = pricing.price('anthropic', 'claude-3-5-sonnet-20241022', JUNE, usage(1_000_000, 0))!;
    expect(cached.micros).toBeLessThan(uncached.micros);
    expect(pricing.price('ollama', 'llama3.2', JUNE, usage(10, 10))).toBeNull();
    expect(pricing.price('no-such-provider', 'no-such-model', JUNE, usage(10, 10))).toBeNull();
  });

  it('GENAI_PRICES_VERSION is the installed version', () => {
    const require = createRequire(import.meta.url);
    const main = require.resolve('@pydantic/genai-prices');
    const pkg = JSON.parse(readFileSync(join(dirname(main), '..', 'package.json'), 'utf8'));
    expect(pkg.version).toBe(GENAI_PRICES_VERSION);
  });

  it('rule problems name the field', () => {
    expect(pricingRuleProblems({ model: 'x', inputPerMillion: 1, outputPerMillion: 2 }, 'rule')).toEqual([]);
    expect(pricingRuleProblems({ model: '', inputPerMillion: -1, outputPerMillion: 'a', currency: 'usd', effectiveFrom: 'soon' }, 'rule')).toEqual([
      'rule.model must be a model glob such as "gpt-4o*" or "*"',
      'rule.inputPerMillion must be a price per 1M tokens (a number ≥ 0)',
      'rule.outputPerMillion must be a price per 1M tokens (a number ≥ 0)',
      'rule.currency must be an ISO 4217 code such as "USD"',
      'rule.effectiveFrom must be an ISO date or time',
    ]);
    expect(pricingRuleProblems({ model: 'x', inputPerMillion: 1, outputPerMillion: 1, effectiveFrom: '2025-02-01', effectiveTo: '2025-01-01' }, 'r')).toEqual([
      'r.effectiveFrom must be before effectiveTo',
    ]);
  });
});
