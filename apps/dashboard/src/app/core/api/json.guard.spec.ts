import { ApiShapeError, arrayOf, either, members, nullable, num, object, oneOf, optional, parser, recordOf, str, variant } from './json.guard';

describe('json guards', () => {
  const point = parser(object<{ x: number; label?: string; tags: string[] }>({ x: num, label: optional(str), tags: arrayOf(str) }));

  it('accepts a matching value and returns it as is (extra keys kept)', () => {
    const value = { x: 1, tags: ['a'], extra: true };
    expect(point(value)).toBe(value);
  });

  it('names the path and what was found when a value drifts', () => {
    expect(() => point({ x: '1', tags: [] })).toThrow(new ApiShapeError('x', 'should be a number, got the string "1"'));
    expect(() => point({ x: 1, tags: ['a', 2] })).toThrow('unexpected answer from the API: tags[1] should be a string, got number 2');
    expect(() => point({ x: 1 })).toThrow('tags should be an array, got nothing');
    expect(() => point([])).toThrow('unexpected answer from the API: should be an object, got an array');
  });

  it('rejects non-finite numbers, and tells null and absent apart', () => {
    expect(() => num(Number.NaN, 'n')).toThrow('n should be a number');
    expect(nullable(str)(null, 'p')).toBeNull();
    expect(() => nullable(str)(undefined, 'p')).toThrow('p should be a string, got nothing');
    expect(optional(str)(undefined, 'p')).toBeUndefined();
    expect(() => optional(str)(null, 'p')).toThrow('p should be a string, got null');
  });

  it('checks literals, unions and records', () => {
    expect(oneOf('a', 'b')('b', 'k')).toBe('b');
    expect(() => oneOf('a', 'b')('c', 'k')).toThrow('k should be one of "a", "b", got the string "c"');
    expect(either(num, str, 'a number or a string')('x', 'v')).toBe('x');
    expect(() => either(num, str, 'a number or a string')(true, 'v')).toThrow('v should be a number or a string, got boolean true');
    expect(() => recordOf(str)({ a: 'x', b: 1 }, 'tags')).toThrow('tags.b should be a string, got number 1');
  });

  it('tells variants apart by their tag, and names the unknown tag', () => {
    type Shape = { kind: 'a'; n: number } | { kind: 'b'; s: string };
    const shape = variant<Shape, 'kind'>('kind', { a: object({ kind: oneOf('a'), n: num }), b: object({ kind: oneOf('b'), s: str }) });
    expect(shape({ kind: 'b', s: 'x' }, 'v')).toEqual({ kind: 'b', s: 'x' });
    expect(() => shape({ kind: 'b', s: 1 }, 'v')).toThrow('v.s should be a string');
    expect(() => shape({ kind: 'toString' }, 'v')).toThrow('v.kind should be one of a, b, got the string "toString"');
  });

  it('propagates normalized values to copies of their parents, never mutating the answer', () => {
    const upper = (v: unknown, p: string): string => str(v, p).toUpperCase();
    const raw = { items: [{ name: 'a' }, { name: 'B' }] };
    const parsed = object<{ items: Array<{ name: string }> }>({ items: arrayOf(object({ name: upper })) })(raw, '');
    expect(parsed).toEqual({ items: [{ name: 'A' }, { name: 'B' }] });
    expect(raw.items[0].name).toBe('a');
    expect(parsed.items[1]).toBe(raw.items[1]);
  });

  it('lists every member of a union (checked at compile time)', () => {
    type Level = 'a' | 'b';
    expect(members<Level>()(['a', 'b'])).toEqual(['a', 'b']);
    // @ts-expect-error 'b' is missing
    members<Level>()(['a']);
  });
});
