import { epochSeconds, isolatedPoints, withAlpha } from './chart.model';

describe('chart data helpers', () => {
  it('turns theme colours into translucent fills', () => {
    expect(withAlpha('#2563eb', 0.2)).toBe('rgba(37, 99, 235, 0.2)');
    expect(withAlpha(' #fff ', 0.5)).toBe('rgba(255, 255, 255, 0.5)');
    expect(withAlpha('rebeccapurple', 0.5)).toBe('rebeccapurple');
  });

  it('puts ISO times on uPlot time scale (epoch seconds)', () => {
    expect(epochSeconds('2026-01-31T11:00:00.000Z')).toBe(1769857200);
  });

  it('finds the values a line cannot draw (no neighbour on either side)', () => {
    expect(isolatedPoints([null, 5, null, 1, 2, null, 3])).toEqual([1, 6]);
    expect(isolatedPoints([4])).toEqual([0]);
    expect(isolatedPoints([1, 2])).toEqual([]);
    expect(isolatedPoints([])).toEqual([]);
  });
});
