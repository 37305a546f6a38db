import type { PluginSettings } from '../../plugin-api.js';
import { pricingRuleProblems, type LlmPricing, type LlmPricingRule } from './llm-pricing.js';

/** Name of the plugin setting holding the rule changes made through the API. */
export const PRICING_SETTING = 'pricing-rules';

/** What the store keeps: rules added (or replaced) through the API, and option rules removed through it. */
interface PricingChanges {
  added: LlmPricingRule[];
  removed: string[];
}

const NONE: PricingChanges = { added: [], removed: [] };

/**
 * Pricing rules changed through the API (`POST`/`DELETE pricing-rules`), kept in the store so that
 * every instance sharing it prices alike: the instance that changes them at once, the others when
 * they next read them (every `refreshMs`, on an unref'd timer, and before answering the list).
 * The option rules are each instance's configuration; the store holds only the changes, applied
 * over them. Pricing on the capture path reads memory only. Two changes made at the same moment on
 * two instances: the last write wins (each change re-reads the store first). With no settings
 * (a store that keeps none) the changes stay in the instance.
 */
export class SharedPricingRules {
  private local: PricingChanges = NONE;
  private settings: PluginSettings | undefined;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;

  constructor(
    private readonly pricing: LlmPricing,
    /** The option rules, with their ids (as LlmPricing assigned them: the same on every instance). */
    private readonly optionRules: readonly LlmPricingRule[],
  ) {}

  /** Reads the stored changes now (boot waits at most `bootWaitMs`), then every `refreshMs`. */
  async start(settings: PluginSettings | undefined, refreshMs: number, bootWaitMs = 1000): Promise<void> {
    this.settings = settings;
    if (!settings) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.poll(), new Promise<void>((resolve) => (timer = setTimeout(resolve, bootWaitMs)))]);
    clearTimeout(timer);
    this.timer ??= setInterval(() => void this.poll(), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The rules in force, as stored now (rejects when the store cannot be read). */
  async list(): Promise<LlmPricingRule[]> {
    this.apply(await this.read());
    return this.pricing.list();
  }

  /** Adds a rule (validated by the caller), or replaces the one with its id, on every instance. */
  async add(rule: LlmPricingRule): Promise<LlmPricingRule> {
    const changes = await this.read();
    this.apply(changes);
    const id = rule.id ?? nextId(this.pricing.list());
    const added = { ...rule, id, provider: rule.provider ?? '*', currency: rule.currency ?? 'USD' };
    await this.write({ added: [...changes.added.filter((r) => r.id !== id), added], removed: changes.removed.filter((r) => r !== id) });
    return { ...added };
  }

  /** Removes a rule on every instance; false when no rule has that id. */
  async remove(id: string): Promise<boolean> {
    const changes = await this.read();
    this.apply(changes);
    if (!this.pricing.list().some((r) => r.id === id)) return false;
    const fromOptions = this.optionRules.some((r) => r.id === id);
    await this.write({ added: changes.added.filter((r) => r.id !== id), removed: fromOptions ? [...new Set([...changes.removed, id])] : changes.removed });
    return true;
  }

  private poll(): Promise<void> {
    this.polling ??= this.read()
      .then((changes) => this.apply(changes))
      .catch(() => undefined)
      .finally(() => (this.polling = null));
    return this.polling;
  }

  private async read(): Promise<PricingChanges> {
    if (!this.settings) return this.local;
    const raw = await this.settings.read(PRICING_SETTING);
    return raw === null ? NONE : parseChanges(raw);
  }

  private async write(changes: PricingChanges): Promise<void> {
    await this.settings?.write(PRICING_SETTING, JSON.stringify(changes));
    this.local = changes;
    this.apply(changes);
  }

  private apply(changes: PricingChanges): void {
    const removed = new Set(changes.removed);
    const added = new Set(changes.added.map((r) => r.id));
    this.pricing.replace([...this.optionRules.filter((r) => !removed.has(r.id!) && !added.has(r.id)), ...changes.added]);
  }
}

/** `rule-<n>` after the highest such id in use (ids are shared by instances, so not a per-process counter). */
function nextId(rules: readonly LlmPricingRule[]): string {
  let highest = 0;
  for (const r of rules) {
    const n = /^rule-(\d+)$/.exec(r.id ?? '')?.[1];
    if (n) highest = Math.max(highest, Number(n));
  }
  return `rule-${highest + 1}`;
}

/** The stored changes; invalid rules (another version wrote them, or they were damaged) are left out. */
function parseChanges(raw: string): PricingChanges {
  try {
    const value = JSON.parse(raw) as Partial<PricingChanges> | null;
    const added = Array.isArray(value?.added) ? value.added.filter((r) => pricingRuleProblems(r, 'rule').length === 0 && typeof r.id === 'string') : [];
    const removed = Array.isArray(value?.removed) ? value.removed.filter((id): id is string => typeof id === 'string') : [];
    return { added, removed };
  } catch {
    return NONE;
  }
}
