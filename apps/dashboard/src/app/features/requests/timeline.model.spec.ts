import { MIN_WIDTH_PCT, TimelineInput, notePlacement, offsetBetween, tickStep, timelineLayout } from './timeline.model';

const item = (id: string, offsetMs: number | null, durationMs: number | null, type = 'query'): TimelineInput => ({
  id,
  type,
  label: id,
  offsetMs,
  durationMs,
});

describe('request timeline layout', () => {
  it('places entries by offset and sizes them by duration over the request', () => {
    const layout = timelineLayout([item('sql', 20, 30), item('log', 10, null, 'log'), item('call', 50, 50, 'http-client')], 100);
    expect(layout.spanMs).toBe(100);
    expect(layout.rows.map((r) => [r.id, r.leftPct, r.widthPct, r.point])).toEqual([
      ['log', 10, 0, true],
      ['sql', 20, 30, false],
      ['call', 50, 50, false],
    ]);
  });

  it('widens the span when something ends after the request', () => {
    const layout = timelineLayout([item('late', 150, 50)], 100);
    expect(layout.spanMs).toBe(200);
    expect(layout.rows[0].leftPct).toBe(75);
    expect(layout.rows[0].widthPct).toBe(25);
  });

  it('keeps very short spans visible, never past the right edge', () => {
    const layout = timelineLayout([item('tiny', 10, 0.01), item('edge', 1000, 0.01)], 1000);
    expect(layout.rows[0].widthPct).toBe(MIN_WIDTH_PCT);
    expect(layout.rows[1].leftPct).toBeCloseTo(100, 0);
    expect(layout.rows[1].leftPct + layout.rows[1].widthPct).toBeLessThanOrEqual(100);
  });

  it('clamps skewed and unknown offsets to the start, keeping the given order for ties', () => {
    const layout = timelineLayout([item('b', -5, 1), item('a', null, 1), item('c', 0, 1)], 10);
    expect(layout.rows.map((r) => [r.id, r.startMs, r.leftPct])).toEqual([
      ['b', 0, 0],
      ['a', 0, 0],
      ['c', 0, 0],
    ]);
  });

  it('draws something for an empty batch or an unknown duration', () => {
    expect(timelineLayout([], null)).toEqual({ spanMs: 1, rows: [], ticks: expect.any(Array) });
    expect(timelineLayout([item('x', 4, null)], null).spanMs).toBe(4);
  });

  it('puts round ticks across the span', () => {
    expect(tickStep(100)).toBe(20);
    expect(tickStep(1000)).toBe(200);
    expect(tickStep(37)).toBe(10);
    expect(tickStep(3)).toBe(1);
    expect(tickStep(0.4)).toBeCloseTo(0.1);
    expect(timelineLayout([], 100).ticks.map((t) => [t.atMs, t.leftPct])).toEqual([
      [0, 0],
      [20, 20],
      [40, 40],
      [60, 60],
      [80, 80],
      [100, 100],
    ]);
  });

  it('measures offsets between ISO times', () => {
    expect(offsetBetween('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.250Z')).toBe(250);
    expect(offsetBetween('nope', '2026-01-01T00:00:00.250Z')).toBeNull();
  });

  it('puts the note after the bar, before it near the right edge, or inside a bar across the span', () => {
    expect(notePlacement({ leftPct: 10, widthPct: 20 })).toBe('after');
    expect(notePlacement({ leftPct: 80, widthPct: 0 })).toBe('before');
    expect(notePlacement({ leftPct: 40, widthPct: 50 })).toBe('before');
    expect(notePlacement({ leftPct: 0, widthPct: 100 })).toBe('inside');
  });
});
