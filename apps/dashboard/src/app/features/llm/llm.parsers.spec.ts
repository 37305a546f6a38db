import { llmInteractionFixture } from './llm.fixtures';
import { parseLlmBulkReview, parseLlmClear, parseLlmInteractionDetail, parseLlmInteractions, parseLlmKpis, parseLlmRollups } from './llm.parsers';

describe('LLM answer parsers', () => {
  const totals = {
    calls: 2,
    errors: 1,
    errorRate: 0.5,
    inputTokens: 10,
    outputTokens: 5,
    cacheReadTokens: 0,
    cacheCreationTokens: 0,
    reasoningTokens: 0,
    totalTokens: 15,
    cost: { USD: 1200 },
    unpriced: 1,
    avgLatencyMs: 100,
    p95LatencyMs: 150,
  };

  it('reads a list page, keeping extra fields a newer server may send', () => {
    const page = parseLlmInteractions({ data: [{ ...llmInteractionFixture(), extra: 1 }], next: null });
    expect(page.data[0].model).toBe('gpt-4o-mini');
    expect(page.next).toBeNull();
  });

  it('names what drifted: an unknown review state, a cost without micros', () => {
    expect(() => parseLlmInteractions({ data: [llmInteractionFixture({ reviewState: 'maybe' as never })], next: null })).toThrow(
      'unexpected answer from the API: data[0].reviewState should be one of "unreviewed", "approved", "flagged", "rejected", got the string "maybe"',
    );
    const noMicros = { ...llmInteractionFixture(), cost: { currency: 'USD', rule: 'x', inputMicros: 0, outputMicros: 0 } };
    expect(() => parseLlmInteractions({ data: [noMicros], next: null })).toThrow('data[0].cost.micros should be a number, got nothing');
  });

  it('reads a detail with its audit trail, relations and session tree (nested)', () => {
    const node = { id: 'a', occurredAt: '2026-11-28T10:00:00.000Z', label: 'root', provider: 'openai', model: 'm', status: 'success', parentId: null };
    const detail = parseLlmInteractionDetail({
      data: llmInteractionFixture(),
      audit: [
        {
          entryId: 'a',
          version: 2,
          at: '2026-11-28T10:01:00.000Z',
          actor: 'ada',
          comment: 'ok',
          from: { content: { reviewState: 'unreviewed' } },
          to: { tags: { review: 'approved' } },
        },
      ],
      parent: null,
      children: [{ ...node, id: 'b', parentId: 'a' }],
      session: [node],
      sessionTree: [{ ...node, children: [{ ...node, id: 'b', parentId: 'a', children: [] }] }],
    });
    expect(detail.sessionTree[0].children[0].id).toBe('b');
    expect(() => parseLlmInteractionDetail({ ...detail, sessionTree: [{ ...node, children: [{ ...node, children: 'none' }] }] })).toThrow(
      'sessionTree[0].children[0].children should be an array',
    );
  });

  it('reads KPIs, rollups and a bulk review result', () => {
    expect(parseLlmKpis({ data: totals, source: 'counters', approximate: false }).data.cost).toEqual({ USD: 1200 });
    expect(() => parseLlmKpis({ data: totals, source: 'guess' })).toThrow('source should be one of "counters", "entries"');
    expect(parseLlmRollups({ data: [{ ...totals, date: '2026-11-28', provider: 'openai', model: 'm', project: null }], approximate: false }).data).toHaveLength(
      1,
    );
    const bulk = parseLlmBulkReview({
      data: [
        { id: 'a', ok: true, version: 2 },
        { id: 'b', ok: false, status: 404, message: 'interaction b not found' },
      ],
      reviewed: 1,
    });
    expect(bulk.data[1].message).toBe('interaction b not found');
    expect(parseLlmClear({ data: { deleted: 3 } }).data.deleted).toBe(3);
    expect(() => parseLlmClear({ data: {} })).toThrow('data.deleted should be a number, got nothing');
  });
});
