import type { AuditRecord, LlmCost, LlmInteraction, LlmReviewState, LlmRollup, SessionNode } from '@active-tracker/nestjs/contracts';
import type { ChartData } from '../../shared/chart/chart.model';
import type { QueryParams } from '../../core/api/query-params';

/**
 * The LLM pages' data layer, pure: filters from the URL, labels and costs as shown, the
 * cost-per-day series, the bulk selection, and the messages and tool calls read out of the
 * providers' payloads (OpenAI chat and responses, Anthropic messages, Ollama).
 */

/** The list's filters, as query parameters of the page and of `GET api/llm/interactions`. */
export const LLM_FILTER_KEYS = ['provider', 'model', 'project', 'status', 'review', 'user', 'session', 'tag'] as const;
export type LlmFilterKey = (typeof LLM_FILTER_KEYS)[number];
export type LlmFilterValues = Partial<Record<LlmFilterKey, string>>;

/** The filters set in the URL (blank values dropped). */
export function llmFilters(raw: Partial<Record<LlmFilterKey, string | null | undefined>>): LlmFilterValues {
  const out: LlmFilterValues = {};
  for (const key of LLM_FILTER_KEYS) {
    const value = raw[key]?.trim();
    if (value) out[key] = value;
  }
  return out;
}

/** The API query of a filter set (a new object, as QueryParams). */
export function llmQuery(filters: LlmFilterValues): QueryParams {
  return { ...filters };
}

/**
 * The entry tags (`key:value`) an interaction of the live stream must carry to belong to the list
 * of these filters, as the server tags interactions (the session is `chain`, a tag `tag.<name>`).
 */
export function llmStreamTags(filters: LlmFilterValues): string[] {
  const tagKey: Record<LlmFilterKey, string> = {
    provider: 'provider',
    model: 'model',
    project: 'project',
    status: 'status',
    review: 'review',
    user: 'user',
    session: 'chain',
    tag: 'tag',
  };
  return LLM_FILTER_KEYS.flatMap((key) => {
    const value = filters[key];
    if (value === undefined) return [];
    return key === 'tag' ? [`tag.${value}:1`] : [`${tagKey[key]}:${value}`];
  });
}

/** The query of `GET api/llm/export` for a format and the page's filters. */
export function llmExportQuery(format: 'csv' | 'ndjson', filters: LlmFilterValues): string {
  const params = new URLSearchParams({ format });
  for (const key of LLM_FILTER_KEYS) if (filters[key]) params.set(key, filters[key]);
  return params.toString();
}

/** The list label: the first 100 characters of the request. */
export function labelOf(i: Pick<LlmInteraction, 'label' | 'requestText'>): string {
  const text = i.label ?? i.requestText ?? '';
  const line = text.replace(/\s+/g, ' ').trim();
  return line ? line.slice(0, 100) : '—';
}

/** Micro-units of a currency as money: `$0.0042`, `EUR 1.20`. */
export function formatMicros(micros: number, currency: string): string {
  const amount = micros / 1_000_000;
  const digits = amount !== 0 && Math.abs(amount) < 0.01 ? 4 : 2;
  const value = amount.toFixed(digits);
  return currency === 'USD' ? `$${value}` : `${currency} ${value}`;
}

/** A call's cost, or "unpriced" (an unpriced call is never shown as $0). */
export function formatCost(cost: LlmCost | null): string {
  return cost ? formatMicros(cost.micros, cost.currency) : 'unpriced';
}

/** Totals per currency (`$1.20 + EUR 0.30`), and the unpriced calls that are not in them. */
export function formatCostTotals(cost: Record<string, number>, unpriced: number): string {
  const parts = Object.entries(cost)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, micros]) => formatMicros(micros, currency));
  const priced = parts.length ? parts.join(' + ') : '$0.00';
  return unpriced > 0 ? `${priced} (+${unpriced.toLocaleString('en-US')} unpriced)` : priced;
}

export function formatTokens(n: number | null): string {
  return n === null ? '—' : n.toLocaleString('en-US');
}

export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(rate === 0 || rate >= 0.1 ? 0 : 1)}%`;
}

const DAY_MS = 86_400_000;

/** UTC day (`YYYY-MM-DD`) of a time. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Cost per UTC day over the `days` days ending `now`, one series per currency (in currency units),
 * from the rollups (day × provider × model × project). A day without calls is 0, not a gap.
 */
export function costPerDay(rows: readonly LlmRollup[], days: number, now: number): ChartData {
  const start = Date.parse(dayOf(now - (days - 1) * DAY_MS));
  const dates = Array.from({ length: days }, (_, i) => dayOf(start + i * DAY_MS));
  const index = new Map(dates.map((d, i) => [d, i]));
  const perCurrency = new Map<string, number[]>();
  for (const row of rows) {
    const at = index.get(row.date);
    if (at === undefined) continue;
    for (const [currency, micros] of Object.entries(row.cost)) {
      let values = perCurrency.get(currency);
      if (!values) perCurrency.set(currency, (values = new Array<number>(days).fill(0)));
      values[at] += micros;
    }
  }
  const currencies = [...perCurrency.keys()].sort();
  return {
    x: dates.map((d) => Date.parse(d) / 1000),
    series: currencies.map((currency, i) => ({
      label: `Cost (${currency})`,
      values: perCurrency.get(currency)!.map((micros) => micros / 1_000_000),
      color: i === 0 ? '--accent' : '--warning',
      fill: true,
    })),
  };
}

/** The selection with `id` toggled. */
export function toggled(selection: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(selection);
  if (!next.delete(id)) next.add(id);
  return next;
}

/** Select every id of the page, or none when all are selected already. */
export function toggledAll(selection: ReadonlySet<string>, ids: readonly string[]): Set<string> {
  return ids.length > 0 && ids.every((id) => selection.has(id)) ? new Set() : new Set(ids);
}

/** What a review key acts on: the checked rows, else the row that has the focus. */
export function reviewTargets(selection: ReadonlySet<string>, focused: string | null): string[] {
  if (selection.size > 0) return [...selection];
  return focused ? [focused] : [];
}

/** The review keys of the list and detail pages. */
export const REVIEW_KEYS: ReadonlyArray<{ key: string; state: LlmReviewState; does: string }> = [
  { key: 'a', state: 'approved', does: 'Approve (the checked rows, or the selected one)' },
  { key: 'f', state: 'flagged', does: 'Flag' },
  { key: 'r', state: 'rejected', does: 'Reject' },
];

/** One message of a prompt, as text (content blocks joined; other blocks named). */
export interface LlmMessage {
  role: string;
  text: string;
}

/** A tool call of an answer: its name and arguments (as JSON text or a value). */
export interface LlmToolCall {
  id: string | null;
  name: string;
  arguments: unknown;
}

export interface LlmOutput {
  text: string | null;
  toolCalls: LlmToolCall[];
}

function record(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function strOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Text of a content field: a string, or blocks (`text`, `input_text`, `output_text`; others shown by type). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined || content === null ? '' : JSON.stringify(content);
  return content
    .map((block) => {
      const b = record(block);
      if (!b) return typeof block === 'string' ? block : '';
      const text = strOf(b['text']);
      if (text !== null) return text;
      if (b['type'] === 'tool_result') return `[tool result] ${contentText(b['content'])}`;
      return `[${String(b['type'] ?? 'block')}]`;
    })
    .filter(Boolean)
    .join('\n');
}

/** The prompt's messages, from the request payload; the request text as one message when the payload says nothing. */
export function inputMessages(payload: unknown, requestText: string | null): LlmMessage[] {
  const p = record(payload);
  const out: LlmMessage[] = [];
  if (p) {
    const system = p['system'] ?? p['instructions'];
    if (system !== undefined && system !== null) out.push({ role: 'system', text: contentText(system) });
    const list = Array.isArray(p['messages']) ? p['messages'] : Array.isArray(p['input']) ? p['input'] : null;
    if (list) {
      for (const m of list) {
        const message = record(m);
        if (message)
          out.push({ role: strOf(message['role']) ?? strOf(message['type']) ?? 'message', text: contentText(message['content'] ?? message['output']) });
      }
    } else if (typeof p['input'] === 'string') out.push({ role: 'user', text: p['input'] });
    else if (typeof p['prompt'] === 'string') out.push({ role: 'user', text: p['prompt'] });
  }
  if (out.length === 0 && requestText) out.push({ role: 'user', text: requestText });
  return out;
}

function openAiToolCalls(calls: unknown): LlmToolCall[] {
  if (!Array.isArray(calls)) return [];
  return calls.flatMap((c) => {
    const call = record(c);
    const fn = record(call?.['function']);
    return fn ? [{ id: strOf(call?.['id']), name: strOf(fn['name']) ?? '?', arguments: fn['arguments'] ?? null }] : [];
  });
}

/** The answer's text and tool calls, from the response payload (every provider's shape), else the response text. */
export function outputOf(payload: unknown, responseText: string | null): LlmOutput {
  const p = record(payload);
  const texts: string[] = [];
  const toolCalls: LlmToolCall[] = [];
  if (p) {
    // OpenAI chat completions
    if (Array.isArray(p['choices'])) {
      for (const c of p['choices']) {
        const message = record(record(c)?.['message']);
        if (!message) continue;
        if (message['content'] !== null && message['content'] !== undefined) texts.push(contentText(message['content']));
        toolCalls.push(...openAiToolCalls(message['tool_calls']));
      }
    }
    // Anthropic messages (content blocks) and OpenAI responses (output items)
    const blocks = Array.isArray(p['content']) ? p['content'] : Array.isArray(p['output']) ? p['output'] : [];
    for (const b of blocks) {
      const block = record(b);
      if (!block) continue;
      if (block['type'] === 'text' && typeof block['text'] === 'string') texts.push(block['text']);
      else if (block['type'] === 'tool_use') toolCalls.push({ id: strOf(block['id']), name: strOf(block['name']) ?? '?', arguments: block['input'] ?? null });
      else if (block['type'] === 'message') texts.push(contentText(block['content']));
      else if (block['type'] === 'function_call')
        toolCalls.push({ id: strOf(block['call_id']) ?? strOf(block['id']), name: strOf(block['name']) ?? '?', arguments: block['arguments'] ?? null });
    }
    // Ollama chat and generate
    const message = record(p['message']);
    if (message) {
      if (typeof message['content'] === 'string' && message['content']) texts.push(message['content']);
      toolCalls.push(...openAiToolCalls(message['tool_calls']));
    }
    if (typeof p['response'] === 'string') texts.push(p['response']);
  }
  const text = texts.filter((t) => t !== '').join('\n') || responseText || null;
  return { text, toolCalls };
}

/** One line of the audit trail: the review state it moved from and to. */
export interface AuditLine {
  at: string;
  actor: string | null;
  from: string;
  to: string;
  comment: string | null;
  version: number;
}

export function auditLines(records: readonly AuditRecord[]): AuditLine[] {
  const state = (patch: AuditRecord['from']): string => {
    const value = patch.content?.['reviewState'] ?? patch.tags?.['review'];
    return typeof value === 'string' ? value : 'unreviewed';
  };
  const comment = (r: AuditRecord): string | null => {
    if (r.comment !== null) return r.comment;
    const c = r.to.content?.['reviewComment'];
    return typeof c === 'string' ? c : null;
  };
  return records.map((r) => ({ at: r.at, actor: r.actor, from: state(r.from), to: state(r.to), comment: comment(r), version: r.version }));
}

/** A session tree as rows with their depth (depth-first, children after their parent). */
export function treeRows(tree: readonly SessionNode[]): Array<{ node: SessionNode; depth: number }> {
  const rows: Array<{ node: SessionNode; depth: number }> = [];
  const walk = (nodes: readonly SessionNode[], depth: number): void => {
    for (const node of nodes) {
      rows.push({ node, depth });
      walk(node.children, depth + 1);
    }
  };
  walk(tree, 0);
  return rows;
}

/** The breadcrumb of an interaction in its session: the chain from its root down to it (empty when it is not in the tree). */
export function sessionPath(tree: readonly SessionNode[], id: string): SessionNode[] {
  for (const node of tree) {
    if (node.id === id) return [node];
    const below = sessionPath(node.children, id);
    if (below.length) return [node, ...below];
  }
  return [];
}
