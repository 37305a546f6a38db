import type { AuditRecord, LlmRollup, SessionNode } from '@active-tracker/nestjs/contracts';
import {
  auditLines,
  costPerDay,
  formatCost,
  formatCostTotals,
  inputMessages,
  labelOf,
  llmExportQuery,
  llmFilters,
  llmStreamTags,
  outputOf,
  reviewTargets,
  sessionPath,
  toggled,
  toggledAll,
  treeRows,
} from './llm-view.model';

describe('LLM page helpers', () => {
  it('llmFilters: known keys from the URL, blanks dropped', () => {
    expect(llmFilters({ provider: ' openai ', model: '', review: 'flagged', user: undefined })).toEqual({ provider: 'openai', review: 'flagged' });
  });

  it("llmStreamTags: the filters as the entry tags a live interaction must carry (session is 'chain', a tag 'tag.<name>')", () => {
    expect(llmStreamTags({ provider: 'openai', session: 's1', tag: 'triage', review: 'flagged' })).toEqual([
      'provider:openai',
      'review:flagged',
      'chain:s1',
      'tag.triage:1',
    ]);
    expect(llmStreamTags({})).toEqual([]);
  });

  it('llmExportQuery: the format and the filters set, encoded', () => {
    expect(llmExportQuery('csv', { provider: 'openai', tag: 'a&b' })).toBe('format=csv&provider=openai&tag=a%26b');
    expect(llmExportQuery('ndjson', {})).toBe('format=ndjson');
  });

  it('labelOf: the first 100 characters of the request on one line; nothing is a dash', () => {
    expect(labelOf({ label: null, requestText: `a\n\n${'b'.repeat(200)}` })).toBe(`a ${'b'.repeat(98)}`);
    expect(labelOf({ label: '<img src=x onerror=alert(1)>', requestText: null })).toBe('<img src=x onerror=alert(1)>');
    expect(labelOf({ label: null, requestText: null })).toBe('—');
  });

  it('costs: micro-units as money, unpriced never as $0, totals per currency', () => {
    expect(formatCost({ micros: 4200, currency: 'USD', rule: 'r', inputMicros: 0, outputMicros: 0 })).toBe('$0.0042');
    expect(formatCost({ micros: 1_500_000, currency: 'EUR', rule: 'r', inputMicros: 0, outputMicros: 0 })).toBe('EUR 1.50');
    expect(formatCost(null)).toBe('unpriced');
    expect(formatCostTotals({ USD: 1_200_000, EUR: 300_000 }, 2)).toBe('EUR 0.30 + $1.20 (+2 unpriced)');
    expect(formatCostTotals({}, 0)).toBe('$0.00');
  });

  it('costPerDay: one bar per UTC day of the range (0 on quiet days), summed over providers and models', () => {
    const row = (date: string, micros: number, model: string): LlmRollup => ({
      date,
      provider: 'openai',
      model,
      project: null,
      calls: 1,
      errors: 0,
      errorRate: 0,
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheCreationTokens: 0,
      reasoningTokens: 0,
      totalTokens: 0,
      cost: { USD: micros },
      unpriced: 0,
      avgLatencyMs: null,
      p95LatencyMs: null,
    });
    const now = Date.parse('2026-11-28T15:00:00Z');
    const chart = costPerDay(
      [row('2026-11-26', 500_000, 'a'), row('2026-11-28', 250_000, 'a'), row('2026-11-28', 250_000, 'b'), row('2026-10-01', 9, 'a')],
      3,
      now,
    );
    expect(chart.x).toEqual([Date.parse('2026-11-26') / 1000, Date.parse('2026-11-27') / 1000, Date.parse('2026-11-28') / 1000]);
    expect(chart.series).toHaveLength(1);
    expect(chart.series[0].label).toBe('Cost (USD)');
    expect(chart.series[0].values).toEqual([0.5, 0, 0.5]);
    expect(costPerDay([], 3, now).series).toEqual([]);
  });

  it('selection: toggle one, toggle all (then none); review keys act on the checked rows, else the focused one', () => {
    const one = toggled(new Set(), 'a');
    expect([...one]).toEqual(['a']);
    expect([...toggled(one, 'a')]).toEqual([]);
    expect([...toggledAll(one, ['a', 'b'])]).toEqual(['a', 'b']);
    expect([...toggledAll(new Set(['a', 'b']), ['a', 'b'])]).toEqual([]);
    expect(reviewTargets(new Set(['a', 'b']), 'c')).toEqual(['a', 'b']);
    expect(reviewTargets(new Set(), 'c')).toEqual(['c']);
    expect(reviewTargets(new Set(), null)).toEqual([]);
  });

  it('inputMessages: OpenAI chat, Anthropic system + blocks, OpenAI responses, Ollama generate; else the request text', () => {
    expect(
      inputMessages(
        {
          messages: [
            { role: 'system', content: 'Be brief' },
            { role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'image_url' }] },
          ],
        },
        null,
      ),
    ).toEqual([
      { role: 'system', text: 'Be brief' },
      { role: 'user', text: 'Hi\n[image_url]' },
    ]);
    expect(inputMessages({ system: 'S', messages: [{ role: 'user', content: [{ type: 'tool_result', content: '42' }] }] }, null)).toEqual([
      { role: 'system', text: 'S' },
      { role: 'user', text: '[tool result] 42' },
    ]);
    expect(inputMessages({ input: 'Tell me', instructions: 'Kind' }, null)).toEqual([
      { role: 'system', text: 'Kind' },
      { role: 'user', text: 'Tell me' },
    ]);
    expect(inputMessages({ prompt: 'Why?' }, null)).toEqual([{ role: 'user', text: 'Why?' }]);
    expect(inputMessages('[encrypted]', 'plain text')).toEqual([{ role: 'user', text: 'plain text' }]);
  });

  it('outputOf: text and tool calls of OpenAI chat, Anthropic, OpenAI responses and Ollama; else the response text', () => {
    expect(
      outputOf(
        {
          choices: [{ message: { content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] } }],
        },
        null,
      ),
    ).toEqual({ text: null, toolCalls: [{ id: 'c1', name: 'weather', arguments: '{"city":"Oslo"}' }] });
    expect(
      outputOf(
        {
          content: [
            { type: 'text', text: 'Let me check' },
            { type: 'tool_use', id: 't1', name: 'weather', input: { city: 'Oslo' } },
          ],
        },
        null,
      ),
    ).toEqual({
      text: 'Let me check',
      toolCalls: [{ id: 't1', name: 'weather', arguments: { city: 'Oslo' } }],
    });
    expect(
      outputOf(
        {
          output: [
            { type: 'message', content: [{ type: 'output_text', text: 'Done' }] },
            { type: 'function_call', call_id: 'f1', name: 'save', arguments: '{}' },
          ],
        },
        null,
      ),
    ).toEqual({ text: 'Done', toolCalls: [{ id: 'f1', name: 'save', arguments: '{}' }] });
    expect(outputOf({ message: { role: 'assistant', content: 'Ollama says hi' } }, null).text).toBe('Ollama says hi');
    expect(outputOf({ response: 'generated' }, null).text).toBe('generated');
    expect(outputOf(null, 'from text')).toEqual({ text: 'from text', toolCalls: [] });
  });

  it('auditLines: each change as from → to, with who, when and the comment', () => {
    const records: AuditRecord[] = [
      {
        entryId: 'a',
        version: 2,
        at: 't1',
        actor: 'ada',
        comment: null,
        from: { content: { reviewState: 'unreviewed' } },
        to: { content: { reviewState: 'flagged', reviewComment: 'odd' } },
      },
      { entryId: 'a', version: 3, at: 't2', actor: null, comment: 'fine', from: { tags: { review: 'flagged' } }, to: { tags: { review: 'approved' } } },
    ];
    expect(auditLines(records)).toEqual([
      { at: 't1', actor: 'ada', from: 'unreviewed', to: 'flagged', comment: 'odd', version: 2 },
      { at: 't2', actor: null, from: 'flagged', to: 'approved', comment: 'fine', version: 3 },
    ]);
  });

  it('session tree: rows with depth, and the breadcrumb from the root down to an interaction', () => {
    const node = (id: string, children: SessionNode[] = []): SessionNode => ({
      id,
      occurredAt: 't',
      label: id,
      provider: 'p',
      model: 'm',
      status: 'success',
      parentId: null,
      children,
    });
    const tree = [node('root', [node('plan', [node('tool')]), node('answer')])];
    expect(treeRows(tree).map((r) => `${r.depth}:${r.node.id}`)).toEqual(['0:root', '1:plan', '2:tool', '1:answer']);
    expect(sessionPath(tree, 'tool').map((n) => n.id)).toEqual(['root', 'plan', 'tool']);
    expect(sessionPath(tree, 'nope')).toEqual([]);
  });
});
