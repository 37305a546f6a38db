import { encodeTime } from 'ulid';
import {
  ApiError,
  bucketStart,
  histogramBucket as histogramBucketOf,
  quantiles,
  type CounterGranularity,
  type Entry,
  type EntryReader,
  type TagFilter,
} from '../../plugin-api.js';
import { dimension, LLM_COUNTERS, LLM_ENTRY_TYPE } from './llm-interaction.builder.js';
import type { LlmEntryContent, LlmRollup, LlmTotals } from './llm.types.js';

export type { LlmRollup, LlmTotals } from './llm.types.js';

/** The filters of lists, exports and KPIs (query parameters, validated by the DTOs). */
export interface LlmFilters {
  provider?: string;
  model?: string;
  project?: string;
  status?: string;
  review?: string;
  tag?: string;
  user?: string;
  session?: string;
  from?: string;
  to?: string;
}

const DAY_MS = 86_400_000;
/** Pages one list call may read before it hands back a cursor (bounded work per request). */
const MAX_ROUNDS = 10;
/** Most entries KPIs aggregate when a filter is not served by the counters. */
export const KPI_SCAN_LIMIT = 10_000;

export function parseTime(value: string, name: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new ApiError(400, `${name} is not a valid time`);
  return ms;
}

/** The smallest ULID of a time: ids at or after it are not older than `ms`. */
function idAt(ms: number): string {
  return encodeTime(Math.max(0, Math.floor(ms)), 10) + '0'.repeat(16);
}

/** Entry tags and id bounds of a filter. */
export function filterQuery(f: LlmFilters): { tags: TagFilter[]; before?: string; fromId?: string } {
  const tags: TagFilter[] = [];
  const add = (key: string, value: string | undefined) => value !== undefined && tags.push({ key, value });
  add('provider', f.provider);
  add('model', f.model);
  add('project', f.project);
  add('status', f.status);
  add('review', f.review);
  add('user', f.user);
  add('chain', f.session);
  if (f.tag !== undefined) tags.push({ key: `tag.${f.tag}`, value: '1' });
  const from = f.from !== undefined ? parseTime(f.from, 'from') : undefined;
  const to = f.to !== undefined ? parseTime(f.to, 'to') : undefined;
  if (from !== undefined && to !== undefined && from > to) throw new ApiError(400, 'from must not be after to');
  return { tags, before: to !== undefined ? idAt(to + 1) : undefined, fromId: from !== undefined ? idAt(from) : undefined };
}

/** A page of interactions, newest first, with a cursor; bounded work (a cursor is handed back when the budget is spent). */
export async function listInteractions(entries: EntryReader, f: LlmFilters, limit: number, before?: string): Promise<{ data: Entry[]; next: string | null }> {
  const { tags, before: toCursor, fromId } = filterQuery(f);
  let cursor = before && toCursor ? (before < toCursor ? before : toCursor) : (before ?? toCursor);
  const data: Entry[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const page = await entries.list({ type: LLM_ENTRY_TYPE, tags, before: cursor, limit: Math.min(1000, Math.max(limit - data.length, 50)) });
    for (const entry of page.data) {
      if (fromId && entry.id < fromId) return { data, next: null };
      data.push(entry);
      if (data.length === limit) return { data, next: entry.id };
    }
    if (page.next === null) return { data, next: null };
    cursor = page.next;
  }
  return { data, next: cursor ?? null };
}

/** Every interaction matching the filters, newest first, page by page (exports: bounded memory). */
export async function* scanInteractions(entries: EntryReader, f: LlmFilters): AsyncGenerator<Entry> {
  const { tags, before, fromId } = filterQuery(f);
  for await (const entry of entries.scan({ type: LLM_ENTRY_TYPE, tags, before })) {
    if (fromId && entry.id < fromId) return;
    yield entry;
  }
}

class Accumulator {
  calls = 0;
  errors = 0;
  inputTokens = 0;
  outputTokens = 0;
  cacheReadTokens = 0;
  cacheCreationTokens = 0;
  reasoningTokens = 0;
  cost: Record<string, number> = {};
  unpriced = 0;
  latencySum = 0;
  latencyCalls = 0;
  histogram = new Map<number, number>();

  totals(): LlmTotals {
    const [p95] = quantiles(this.histogram, [0.95]);
    return {
      calls: this.calls,
      errors: this.errors,
      errorRate: this.calls > 0 ? Math.round((this.errors / this.calls) * 10_000) / 10_000 : null,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      cacheReadTokens: this.cacheReadTokens,
      cacheCreationTokens: this.cacheCreationTokens,
      reasoningTokens: this.reasoningTokens,
      totalTokens: this.inputTokens + this.outputTokens,
      cost: this.cost,
      unpriced: this.unpriced,
      avgLatencyMs: this.latencyCalls > 0 ? Math.round((this.latencySum / this.latencyCalls) * 1000) / 1000 : null,
      p95LatencyMs: p95,
    };
  }
}

const FIELD_OF: Record<string, keyof Accumulator> = {
  [LLM_COUNTERS.calls]: 'calls',
  [LLM_COUNTERS.errors]: 'errors',
  [LLM_COUNTERS.inputTokens]: 'inputTokens',
  [LLM_COUNTERS.outputTokens]: 'outputTokens',
  [LLM_COUNTERS.cacheReadTokens]: 'cacheReadTokens',
  [LLM_COUNTERS.cacheCreationTokens]: 'cacheCreationTokens',
  [LLM_COUNTERS.reasoningTokens]: 'reasoningTokens',
  [LLM_COUNTERS.unpriced]: 'unpriced',
  [LLM_COUNTERS.latencySum]: 'latencySum',
  [LLM_COUNTERS.latencyCalls]: 'latencyCalls',
};

/** Adds one counter value (key `provider|model|project[|extra]`) to an accumulator. */
function addCounter(acc: Accumulator, name: string, extra: string | undefined, value: number): void {
  if (name === LLM_COUNTERS.cost && extra) acc.cost[extra] = (acc.cost[extra] ?? 0) + value;
  else if (name === LLM_COUNTERS.latencyHistogram && extra?.startsWith('h')) {
    const bucket = Number(extra.slice(1));
    acc.histogram.set(bucket, (acc.histogram.get(bucket) ?? 0) + value);
  } else {
    const field = FIELD_OF[name];
    if (field) (acc as unknown as Record<string, number>)[field] += value;
  }
}

export interface RollupRange {
  from: number;
  to: number;
  provider?: string;
  model?: string;
  project?: string;
}

function matches(dims: string[], range: RollupRange): boolean {
  return (
    (range.provider === undefined || dims[0] === dimension(range.provider)) &&
    (range.model === undefined || dims[1] === dimension(range.model)) &&
    (range.project === undefined || dims[2] === dimension(range.project))
  );
}

/** Reads every LLM counter over a range and folds it with `group(bucketAt, dims)` (null = skip). */
async function foldCounters(
  entries: EntryReader,
  range: RollupRange,
  granularity: CounterGranularity,
  group: (at: string, dims: string[]) => string | null,
): Promise<{ groups: Map<string, Accumulator>; approximate: boolean }> {
  const names = Object.values(LLM_COUNTERS);
  const series = await Promise.all(names.map((name) => entries.counters({ name, granularity, from: range.from, to: range.to })));
  const groups = new Map<string, Accumulator>();
  let approximate = false;
  series.forEach((s, i) => {
    approximate ||= s.approximate;
    for (const bucket of s.buckets) {
      for (const [key, value] of Object.entries(bucket.values)) {
        const parts = key.split('|');
        const dims = parts.slice(0, 3);
        if (!matches(dims, range)) continue;
        const id = group(bucket.at, dims);
        if (id === null) continue;
        let acc = groups.get(id);
        if (!acc) groups.set(id, (acc = new Accumulator()));
        addCounter(acc, names[i], parts[3], value);
      }
    }
  });
  return { groups, approximate };
}

const undim = (v: string): string | null => (v === '-' ? null : v);

/** Daily rollups per day × provider × model × project, kept at write time (no nightly job). */
export async function rollups(entries: EntryReader, range: RollupRange): Promise<{ data: LlmRollup[]; approximate: boolean }> {
  if (range.to - range.from > 366 * DAY_MS) throw new ApiError(400, 'at most 366 days of rollups per call: narrow from/to');
  const { groups, approximate } = await foldCounters(entries, range, 'day', (at, dims) => `${at.slice(0, 10)}|${dims.join('|')}`);
  const data = [...groups.entries()].map(([id, acc]) => {
    const [date, provider, model, project] = id.split('|');
    return { date, provider, model, project: undim(project), ...acc.totals() };
  });
  data.sort((a, b) => (a.date === b.date ? a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model) : b.date.localeCompare(a.date)));
  return { data, approximate };
}

/** KPIs of a range from the counters (hours up to 62 days, else days: whole buckets). */
export async function kpisFromCounters(entries: EntryReader, range: RollupRange): Promise<{ data: LlmTotals; approximate: boolean }> {
  const granularity: CounterGranularity = range.to - range.from <= 62 * DAY_MS ? 'hour' : 'day';
  if (range.to - range.from > 1400 * DAY_MS) throw new ApiError(400, 'at most 1400 days per call: narrow from/to');
  const { groups, approximate } = await foldCounters(entries, { ...range, from: bucketStart(range.from, granularity) }, granularity, () => 'all');
  return { data: (groups.get('all') ?? new Accumulator()).totals(), approximate };
}

/** KPIs of the interactions matching any filter, from the entries (at most KPI_SCAN_LIMIT, newest first). */
export async function kpisFromEntries(entries: EntryReader, f: LlmFilters): Promise<{ data: LlmTotals; truncated: boolean }> {
  const acc = new Accumulator();
  let seen = 0;
  for await (const entry of scanInteractions(entries, f)) {
    if (++seen > KPI_SCAN_LIMIT) return { data: acc.totals(), truncated: true };
    const c = entry.content as unknown as LlmEntryContent;
    acc.calls++;
    if (c.status === 'error') acc.errors++;
    acc.inputTokens += c.inputTokens ?? 0;
    acc.outputTokens += c.outputTokens ?? 0;
    acc.cacheReadTokens += c.cacheReadTokens ?? 0;
    acc.cacheCreationTokens += c.cacheCreationTokens ?? 0;
    acc.reasoningTokens += c.reasoningTokens ?? 0;
    if (c.cost && typeof c.cost.micros === 'number') acc.cost[c.cost.currency] = (acc.cost[c.cost.currency] ?? 0) + c.cost.micros;
    else acc.unpriced++;
    if (typeof c.latencyMs === 'number') {
      acc.latencySum += c.latencyMs;
      acc.latencyCalls++;
      addCounter(acc, LLM_COUNTERS.latencyHistogram, `h${histogramBucketOf(c.latencyMs)}`, 1);
    }
  }
  return { data: acc.totals(), truncated: false };
}
