import { familyCount, occurrencesChart, rangeTotal } from './exception-family.model';

const occurrences = {
  range: 'day' as const,
  granularity: 'hour' as const,
  approximate: false,
  points: [
    { at: '2026-01-31T10:00:00.000Z', count: 0 },
    { at: '2026-01-31T11:00:00.000Z', count: 3 },
  ],
};
const family = {
  familyHash: 'f',
  class: 'BoomError',
  message: 'boom',
  location: null,
  count: 1234,
  firstSeen: 'a',
  lastSeen: 'b',
  lastEntryId: 'x',
  approximate: false,
};

describe('exception family figures', () => {
  it('charts occurrences per bucket', () => {
    expect(occurrencesChart({ occurrences })).toEqual({
      x: [Date.parse('2026-01-31T10:00:00.000Z') / 1000, Date.parse('2026-01-31T11:00:00.000Z') / 1000],
      series: [{ label: 'Occurrences', values: [0, 3], color: '--danger' }],
    });
  });

  it('counts, marking estimates', () => {
    expect(familyCount({ family })).toBe('1,234');
    expect(familyCount({ family: { ...family, approximate: true } })).toBe('≈1,234');
    expect(rangeTotal({ occurrences })).toBe('3 in the last day');
    expect(rangeTotal({ occurrences: { ...occurrences, range: 'hour', approximate: true } })).toBe('≈3 in the last hour');
  });
});
