import { formatCell, instant, numeric, toText } from './view-cell.model';

describe('view cells (formats)', () => {
  it('shows nothing for absent, null and empty values', () => {
    for (const format of ['text', 'number', 'duration', 'bytes', 'status', 'time', 'badge', 'code'] as const) {
      expect(formatCell(undefined, format)).toBeNull();
      expect(formatCell(null, format)).toBeNull();
      expect(formatCell('', format)).toBeNull();
    }
  });

  it('text: strings as they are, objects as JSON, never [object Object]', () => {
    expect(formatCell('hello')).toEqual({ kind: 'text', text: 'hello' });
    expect(formatCell({ name: 'TypeError', message: 'x' })).toEqual({ kind: 'text', text: '{"name":"TypeError","message":"x"}' });
    expect(formatCell(false, 'text')).toEqual({ kind: 'text', text: 'false' });
    expect(toText([1, 'a'])).toBe('[1,"a"]');
  });

  it('number: grouped digits (numeric strings from family summaries too)', () => {
    expect(formatCell(1234567, 'number')).toEqual({ kind: 'number', text: '1,234,567' });
    expect(formatCell('2048', 'number')).toEqual({ kind: 'number', text: '2,048' });
    expect(formatCell('n/a', 'number')).toEqual({ kind: 'text', text: 'n/a' });
  });

  it('duration: milliseconds in human units', () => {
    expect(formatCell(0.42, 'duration')).toEqual({ kind: 'number', text: '0.42 ms' });
    expect(formatCell(12.3, 'duration')).toEqual({ kind: 'number', text: '12 ms' });
    expect(formatCell(1350, 'duration')).toEqual({ kind: 'number', text: '1.35 s' });
    expect(formatCell(125_000, 'duration')).toEqual({ kind: 'number', text: '2m 05s' });
  });

  it('bytes: binary units', () => {
    expect(formatCell(512, 'bytes')).toEqual({ kind: 'number', text: '512 B' });
    expect(formatCell(1536, 'bytes')).toEqual({ kind: 'number', text: '1.5 KB' });
    expect(formatCell('3145728', 'bytes')).toEqual({ kind: 'number', text: '3.0 MB' });
  });

  it('status: a badge coloured by class, words by meaning', () => {
    expect(formatCell(201, 'status')).toEqual({ kind: 'badge', text: '201', tone: 'tone-ok' });
    expect(formatCell(302, 'status')).toMatchObject({ tone: 'tone-info' });
    expect(formatCell(404, 'status')).toMatchObject({ tone: 'tone-warn' });
    expect(formatCell(503, 'status')).toMatchObject({ tone: 'tone-danger' });
    expect(formatCell('error', 'status')).toEqual({ kind: 'badge', text: 'error', tone: 'tone-danger' });
  });

  it('time: ISO strings and epoch milliseconds, kept as an instant', () => {
    const cell = formatCell('2026-01-31T12:00:00.000Z', 'time');
    expect(cell).toMatchObject({ kind: 'time', iso: '2026-01-31T12:00:00.000Z' });
    expect(cell?.text).toMatch(/^2026-01-3[01] \d\d:00:00\.000$/);
    expect(formatCell(Date.UTC(2026, 0, 31), 'time')).toMatchObject({ kind: 'time', iso: '2026-01-31T00:00:00.000Z' });
    expect(formatCell('yesterday', 'time')).toEqual({ kind: 'text', text: 'yesterday' });
    expect(instant(Number.NaN)).toBeNull();
  });

  it('badge: a pill, coloured for levels and states', () => {
    expect(formatCell('warn', 'badge')).toEqual({ kind: 'badge', text: 'warn', tone: 'tone-warn' });
    expect(formatCell('ERROR', 'badge')).toMatchObject({ tone: 'tone-danger' });
    expect(formatCell('hit', 'badge')).toMatchObject({ tone: 'tone-muted' });
    expect(formatCell('toString', 'badge')).toMatchObject({ tone: 'tone-muted' });
  });

  it('code: monospace text (objects as JSON)', () => {
    expect(formatCell('SELECT 1', 'code')).toEqual({ kind: 'code', text: 'SELECT 1' });
    expect(formatCell({ a: 1 }, 'code')).toEqual({ kind: 'code', text: '{"a":1}' });
  });

  it('shows values that do not fit their format as text instead of hiding them', () => {
    expect(formatCell('fast', 'duration')).toEqual({ kind: 'text', text: 'fast' });
    expect(formatCell({ n: 1 }, 'bytes')).toEqual({ kind: 'text', text: '{"n":1}' });
    expect(numeric(' 12 ')).toBe(12);
    expect(numeric('12px')).toBeNull();
    expect(numeric(Infinity)).toBeNull();
  });
});
