import { durationBars, highlightSql, querySortOf, sparklinePoints } from './query-view.model';

describe('Queries page helpers', () => {
  it('querySortOf: a known sort, else the default (total)', () => {
    expect(['count', 'p95', 'slowest', undefined, null].map((s) => querySortOf(s))).toEqual(['count', 'p95', 'total', 'total', 'total']);
  });

  it('highlightSql: keywords, strings (with escapes), numbers, placeholders and comments; the text is kept whole', () => {
    const sql = "SELECT id FROM users WHERE name = 'O''Brien' AND age > 42 AND org = $1 -- hot\nLIMIT ?";
    const pieces = highlightSql(sql);
    expect(pieces.map((p) => p.text).join('')).toBe(sql);
    expect(pieces.filter((p) => p.kind !== 'plain').map((p) => [p.kind, p.text])).toEqual([
      ['keyword', 'SELECT'],
      ['keyword', 'FROM'],
      ['keyword', 'WHERE'],
      ['string', "'O''Brien'"],
      ['keyword', 'AND'],
      ['number', '42'],
      ['keyword', 'AND'],
      ['param', '$1'],
      ['comment', '-- hot'],
      ['keyword', 'LIMIT'],
      ['param', '?'],
    ]);
  });

  it('sparklinePoints: oldest left, the largest at the top; one value is a flat line; none is nothing', () => {
    expect(sparklinePoints([1, 4, 2], 100, 20)).toBe('0,15 50,0 100,10');
    expect(sparklinePoints([3], 100, 20)).toBe('0,0 100,0');
    expect(sparklinePoints([0, 0], 100, 20)).toBe('0,20 100,20');
    expect(sparklinePoints([], 100, 20)).toBe('');
  });

  it('durationBars: percent of the longest, never thinner than 1', () => {
    expect(durationBars([10, 5, 0.01, null])).toEqual([100, 50, 1, 1]);
    expect(durationBars([])).toEqual([]);
  });
});
