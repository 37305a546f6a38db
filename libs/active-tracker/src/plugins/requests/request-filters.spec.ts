import { matchesRequestFilter } from './request-filters.js';

describe('matchesRequestFilter', () => {
  it('matches nothing without filters', () => {
    expect(matchesRequestFilter('/anything', [])).toBe(false);
  });

  it('a string matches the start of the path only', () => {
    expect(matchesRequestFilter('/health', ['/health'])).toBe(true);
    expect(matchesRequestFilter('/health/live', ['/health'])).toBe(true);
    expect(matchesRequestFilter('/api/health', ['/health'])).toBe(false);
    expect(matchesRequestFilter('/HEALTH', ['/health'])).toBe(false);
    // As in the original gem: a plain prefix, not a path segment.
    expect(matchesRequestFilter('/healthz', ['/health'])).toBe(true);
  });

  it('a string is literal (no pattern characters)', () => {
    expect(matchesRequestFilter('/a.b', ['/a.b'])).toBe(true);
    expect(matchesRequestFilter('/aXb', ['/a.b'])).toBe(false);
    expect(matchesRequestFilter('/files/*', ['/files/*'])).toBe(true);
    expect(matchesRequestFilter('/files/x', ['/files/*'])).toBe(false);
  });

  it('a RegExp is tested against the whole path (unanchored, like the gem: /foobar/ matches "/a/foobar/b")', () => {
    expect(matchesRequestFilter('/a/foobar/b', [/foobar/])).toBe(true);
    expect(matchesRequestFilter('/foobar', [/foobar/])).toBe(true);
    expect(matchesRequestFilter('/a/foo/bar', [/foobar/])).toBe(false);
    expect(matchesRequestFilter('/assets/app.js', [/\.js$/])).toBe(true);
    expect(matchesRequestFilter('/assets/app.json', [/\.js$/])).toBe(false);
    expect(matchesRequestFilter('/x/foobar', [/^\/foobar/])).toBe(false);
    expect(matchesRequestFilter('/FOOBAR', [/foobar/i])).toBe(true);
  });

  it('matches when any filter matches', () => {
    const filters = ['/health', /\/metrics$/];
    expect(matchesRequestFilter('/health', filters)).toBe(true);
    expect(matchesRequestFilter('/v1/metrics', filters)).toBe(true);
    expect(matchesRequestFilter('/users', filters)).toBe(false);
  });

  it('gives the same answer every time for global and sticky RegExps (lastIndex is reset)', () => {
    for (const filter of [/foo/g, /foo/y, /foo/gy]) {
      const path = filter.sticky ? 'foo/bar' : '/a/foo';
      const answers = Array.from({ length: 4 }, () => matchesRequestFilter(path, [filter]));
      expect(answers).toEqual([true, true, true, true]);
    }
  });
});
