import { callerLocation, parseStackFrame } from './source-location.js';

describe('parseStackFrame', () => {
  it.each([
    ['    at UserService.create (/app/src/user.service.ts:12:5)', { filepath: '/app/src/user.service.ts', lineno: 12, label: 'UserService.create' }],
    ['    at /app/src/main.ts:3:1', { filepath: '/app/src/main.ts', lineno: 3, label: '<anonymous>' }],
    ['    at async handle (/app/src/a b.ts:40:9)', { filepath: '/app/src/a b.ts', lineno: 40, label: 'handle' }],
    ['    at new Foo (/app/foo.js:1:2)', { filepath: '/app/foo.js', lineno: 1, label: 'Foo' }],
    ['    at Object.<anonymous> (file:///app/src/x%20y.mjs:7:3)', { filepath: '/app/src/x y.mjs', lineno: 7, label: 'Object.<anonymous>' }],
    ['    at run (C:\\app\\src\\main.ts:9:4)', { filepath: 'C:\\app\\src\\main.ts', lineno: 9, label: 'run' }],
  ])('parses %s', (line, expected) => {
    expect(parseStackFrame(line)).toEqual(expected);
  });

  it('returns undefined for lines that are not frames', () => {
    expect(parseStackFrame('Error: boom')).toBeUndefined();
    expect(parseStackFrame('    at new Promise (<anonymous>)')).toBeUndefined();
  });
});

describe('callerLocation', () => {
  function here(depth?: number) {
    return callerLocation(depth);
  }
  function outer() {
    return here(2);
  }

  it('returns the caller of the function that asks (depth 1), or further up', () => {
    const direct = here();
    const viaOuter = outer();
    expect(direct?.filepath).toBe(import.meta.filename);
    expect(direct?.label).toBe('here');
    expect(viaOuter?.label).toBe('outer');
    expect(viaOuter?.lineno).toBeGreaterThan(direct!.lineno - 20);
  });

  it('works when the stack is deeper than Error.stackTraceLimit', () => {
    const previous = Error.stackTraceLimit;
    Error.stackTraceLimit = 1;
    try {
      expect(outer()?.label).toBe('outer');
    } finally {
      Error.stackTraceLimit = previous;
    }
    expect(Error.stackTraceLimit).toBe(previous);
  });
});
