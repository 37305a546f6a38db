import type { ExceptionFamilyDetailResponse, OverviewResponse, RecordingResponse } from '@active-tracker/nestjs/contracts';
import { anEntry, builtInEntries, exceptionContent } from '../../../testing/api.fixtures';
import { parseExceptionFamilyDetail } from './api.parsers';
import { parseOverview, parseRecording, parseStreamEntry } from './live.parsers';

const overview = {
  data: {
    range: 'hour',
    granularity: 'minute',
    from: '2026-01-31T11:00:00.000Z',
    to: '2026-01-31T12:00:00.000Z',
    totals: { requests: 10, errors: 1, clientErrors: 2, errorRate: 0.1, p95Ms: 120, perMinute: 0.17 },
    series: [
      { at: '2026-01-31T11:00:00.000Z', requests: 0, errors: 0, clientErrors: 0, errorRate: null, p95Ms: null },
      { at: '2026-01-31T11:01:00.000Z', requests: 10, errors: 1, clientErrors: 2, errorRate: 0.1, p95Ms: 120 },
    ],
    slowestRoutes: [{ familyHash: 'r1', method: 'GET', route: '/users/:id', count: 4, errors: 0, avgMs: 80, p95Ms: null }],
    tiles: [
      { plugin: 'exceptions', key: 'exceptions', label: 'Exceptions', value: 3, hint: '1 family', link: 'exceptions', error: true, series: [0, 3] },
      { plugin: 'llm', key: 'cost', label: 'LLM cost', value: '1.20', unit: '$' },
    ],
    approximate: false,
  },
} satisfies OverviewResponse;

describe('live dashboard answer parsers', () => {
  it('parse the stream entry data, and reject drifted entries', () => {
    const [request] = builtInEntries();
    expect(parseStreamEntry(JSON.stringify(request))).toEqual(request);
    expect(() => parseStreamEntry(JSON.stringify({ ...request, content: { ...request.content, status: '200' } }))).toThrow(
      'unexpected answer from the API: content.status should be a number',
    );
    expect(() => parseStreamEntry('not json')).toThrow();
  });

  it('parse the recording status', () => {
    const answer = { data: { recording: false, changedAt: '2026-01-31T12:00:00.000Z', changedBy: 'ada' } } satisfies RecordingResponse;
    expect(parseRecording(answer)).toEqual(answer);
    expect(() => parseRecording({ data: { recording: 'no', changedAt: null, changedBy: null } })).toThrow('data.recording should be a boolean');
  });

  it('parse the overview, tiles with optional parts', () => {
    expect(parseOverview(overview)).toEqual(overview);
    expect(() => parseOverview({ data: { ...overview.data, range: 'week' } })).toThrow('data.range should be one of "hour", "day"');
    expect(() => parseOverview({ data: { ...overview.data, tiles: [{ plugin: 'x', key: 'k', label: 'L', value: null }] } })).toThrow(
      'data.tiles[0].value should be a number or a string',
    );
  });

  it('parse an exception family with its latest occurrence, occurrences over time and recent requests', () => {
    const latest = anEntry('exception', exceptionContent, { familyHash: 'f1' });
    const answer = {
      data: {
        family: {
          familyHash: 'f1',
          class: 'BoomError',
          message: 'boom',
          location: 'src/a.ts:1',
          count: 2,
          firstSeen: 'a',
          lastSeen: 'b',
          lastEntryId: latest.id,
          approximate: false,
        },
        latest,
        occurrences: { range: 'day', granularity: 'hour', points: [{ at: '2026-01-31T11:00:00.000Z', count: 2 }], approximate: false },
        recent: [
          { id: latest.id, occurredAt: latest.occurredAt, batchId: 'b1', message: 'boom', request: { id: 'r1', method: 'GET', path: '/boom', status: 500 } },
          { id: 'x', occurredAt: latest.occurredAt, batchId: null, message: 'boom', request: null },
        ],
      },
    } satisfies ExceptionFamilyDetailResponse;
    expect(parseExceptionFamilyDetail(answer)).toEqual(answer);
    expect(() => parseExceptionFamilyDetail({ data: { ...answer.data, occurrences: { ...answer.data.occurrences, points: [{ at: 'a' }] } } })).toThrow(
      'data.occurrences.points[0].count should be a number, got nothing',
    );
  });
});
