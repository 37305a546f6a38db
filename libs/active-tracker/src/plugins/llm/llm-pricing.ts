import type { LlmCost } from './llm.types.js';

/**
 * A pricing rule: prices per 1M tokens of the calls whose provider and model match, while it is
 * effective. The most specific matching rule wins (most literal characters in the model pattern,
 * then an exact provider over a wildcard); among equally specific ones, the one effective at the
 * time of the call that started last.
 */
export interface LlmPricingRule {
  /** Set when the rule is added (`rule-<n>` when omitted); what a cost names as its source. */
  id?: string;
  /** Provider glob (default `*`). */
  provider?: string;
  /** Model glob: `gpt-4o*`, `claude-3-5-*`, `*`. */
  model: string;
  inputPerMillion: number;
  outputPerMillion: number;
  /** Cache reads (default: the input price). */
  cacheReadPerMillion?: number;
  /** Cache writes (default: the input price). */
  cacheWritePerMillion?: number;
  /** Default 'USD'. */
  currency?: string;
  /** ISO date or time from which it applies (inclusive); none = always. */
  effectiveFrom?: string | null;
  /** ISO date or time until which it applies (exclusive); none = still. */
  effectiveTo?: string | null;
}

/** Token counts a price applies to (`inputTokens` includes the cached ones). */
export interface LlmUsage {
  inputTokens: number | null;
  outputTokens: number | null;
  cacheReadTokens: number | null;
  cacheCreationTokens: number | null;
}

/** The default price source: `calcPrice` of @pydantic/genai-prices (bundled data, offline). */
export type DefaultPriceSource = (
  usage: Record<string, number>,
  model: string,
  options: { providerId?: string; timestamp?: Date },
) => {
  input_price: number;
  output_price: number;
  total_price: number;
} | null;

/** The pinned version of @pydantic/genai-prices (libs/active-tracker/package.json), named on every cost it prices. */
export const GENAI_PRICES_VERSION = '0.1.8';

/** Problems with one rule (empty = valid); `where` prefixes the messages. */
export function pricingRuleProblems(rule: unknown, where: string): string[] {
  if (rule === null || typeof rule !== 'object') return [`${where} must be an object { provider?, model, inputPerMillion, outputPerMillion, ... }`];
  const r = rule as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof r.model !== 'string' || !r.model) problems.push(`${where}.model must be a model glob such as "gpt-4o*" or "*"`);
  if (r.provider !== undefined && (typeof r.provider !== 'string' || !r.provider))
    problems.push(`${where}.provider must be a provider glob such as "openai" or "*"`);
  for (const key of ['inputPerMillion', 'outputPerMillion', 'cacheReadPerMillion', 'cacheWritePerMillion']) {
    const v = r[key];
    const required = key === 'inputPerMillion' || key === 'outputPerMillion';
    if (v === undefined && !required) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) problems.push(`${where}.${key} must be a price per 1M tokens (a number ≥ 0)`);
  }
  if (r.currency !== undefined && (typeof r.currency !== 'string' || !/^[A-Z]{3}$/.test(r.currency)))
    problems.push(`${where}.currency must be an ISO 4217 code such as "USD"`);
  for (const key of ['effectiveFrom', 'effectiveTo']) {
    const v = r[key];
    if (v !== undefined && v !== null && (typeof v !== 'string' || !Number.isFinite(Date.parse(v))))
      problems.push(`${where}.${key} must be an ISO date or time`);
  }
  if (typeof r.effectiveFrom === 'string' && typeof r.effectiveTo === 'string' && Date.parse(r.effectiveFrom) >= Date.parse(r.effectiveTo)) {
    problems.push(`${where}.effectiveFrom must be before effectiveTo`);
  }
  return problems;
}

interface CompiledRule {
  rule: Required<Pick<LlmPricingRule, 'id' | 'provider' | 'model' | 'currency'>> & LlmPricingRule;
  provider: RegExp;
  model: RegExp;
  specificity: number;
  from: number;
  to: number;
}

function glob(pattern: string): RegExp {
  return new RegExp(
    '^' +
      pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.') +
      '$',
    'i',
  );
}

/** Literal characters of a glob: `gpt-4o-mini` beats `gpt-4o*`, which beats `*`. */
function literals(pattern: string): number {
  return pattern.replace(/[*?]/g, '').length;
}

/** Micro-units of a price per 1M tokens times a token count: a price per 1M tokens is the micro-unit price of one token. */
function micros(tokens: number | null, perMillion: number): number {
  return tokens ? tokens * perMillion : 0;
}

/** Pricing rules plus the default price source. */
export class LlmPricing {
  private rules: CompiledRule[] = [];
  private sequence = 0;

  constructor(
    rules: readonly LlmPricingRule[] = [],
    private defaults: DefaultPriceSource | null = null,
  ) {
    for (const rule of rules) this.add(rule);
  }

  /** The default price source (set when the plugin starts and the price data is loaded). */
  setDefaults(defaults: DefaultPriceSource | null): void {
    this.defaults = defaults;
  }

  list(): LlmPricingRule[] {
    return this.rules.map((r) => ({ ...r.rule }));
  }

  /** Adds a rule (validated by the caller); returns it with its id. */
  add(rule: LlmPricingRule): LlmPricingRule {
    const id = rule.id ?? `rule-${++this.sequence}`;
    const full = { ...rule, id, provider: rule.provider ?? '*', currency: rule.currency ?? 'USD' };
    this.rules = this.rules.filter((r) => r.rule.id !== id);
    this.rules.push({
      rule: full,
      provider: glob(full.provider),
      model: glob(full.model),
      // Model literals first; an exact provider breaks ties between equally specific models.
      specificity: literals(full.model) * 2 + (full.provider.includes('*') ? 0 : 1),
      from: full.effectiveFrom ? Date.parse(full.effectiveFrom) : -Infinity,
      to: full.effectiveTo ? Date.parse(full.effectiveTo) : Infinity,
    });
    return { ...full };
  }

  /** Replaces every rule (ids kept as given): what the store says the rules are now. */
  replace(rules: readonly LlmPricingRule[]): void {
    this.rules = [];
    for (const rule of rules) this.add(rule);
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.rule.id !== id);
    return this.rules.length !== before;
  }

  /** The rule pricing a call of `provider`/`model` at `at` (epoch ms), if any. */
  ruleFor(provider: string, model: string, at: number): LlmPricingRule | null {
    let best: CompiledRule | null = null;
    for (const r of this.rules) {
      if (at < r.from || at >= r.to || !r.provider.test(provider) || !r.model.test(model)) continue;
      if (!best || r.specificity > best.specificity || (r.specificity === best.specificity && r.from > best.from)) best = r;
    }
    return best ? best.rule : null;
  }

  /** The cost of a call, or null when nothing prices it (unpriced, never 0 by default). */
  price(provider: string, model: string, at: number, usage: LlmUsage): LlmCost | null {
    if (usage.inputTokens === null && usage.outputTokens === null) return null;
    const rule = this.ruleFor(provider, model, at);
    if (rule) {
      const read = usage.cacheReadTokens ?? 0;
      const written = usage.cacheCreationTokens ?? 0;
      const uncached = Math.max(0, (usage.inputTokens ?? 0) - read - written);
      const inputMicros = Math.round(
        micros(uncached, rule.inputPerMillion) +
          micros(read, rule.cacheReadPerMillion ?? rule.inputPerMillion) +
          micros(written, rule.cacheWritePerMillion ?? rule.inputPerMillion),
      );
      const outputMicros = Math.round(micros(usage.outputTokens, rule.outputPerMillion));
      return { micros: inputMicros + outputMicros, inputMicros, outputMicros, currency: rule.currency ?? 'USD', rule: rule.id! };
    }
    if (!this.defaults) return null;
    try {
      const found = this.defaults(
        {
          input_tokens: usage.inputTokens ?? 0,
          output_tokens: usage.outputTokens ?? 0,
          ...(usage.cacheReadTokens ? { cache_read_tokens: usage.cacheReadTokens } : {}),
          ...(usage.cacheCreationTokens ? { cache_write_tokens: usage.cacheCreationTokens } : {}),
        },
        model,
        { providerId: provider, timestamp: new Date(at) },
      );
      if (!found) return null;
      const inputMicros = Math.round(found.input_price * 1e6);
      const outputMicros = Math.round(found.output_price * 1e6);
      return { micros: inputMicros + outputMicros, inputMicros, outputMicros, currency: 'USD', rule: `genai-prices@${GENAI_PRICES_VERSION}` };
    } catch {
      return null; // an unknown provider id: unpriced
    }
  }
}
