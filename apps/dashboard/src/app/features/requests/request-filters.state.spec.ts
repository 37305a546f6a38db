import {
  formatDurationFilter,
  parseDurationFilter,
  parseStatusFilter,
  readRequestFilters,
  requestFilterChips,
  requestFilterParams,
  requestMatches,
  statusMatches,
} from './request-filters.state';

describe('request filters (URL state)', () => {
  it('reads a status or a status class', () => {
    expect(parseStatusFilter('500')).toBe('500');
    expect(parseStatusFilter(' 5XX ')).toBe('5xx');
    expect(parseStatusFilter('4xx')).toBe('4xx');
    for (const bad of ['', '6xx', '99', '5000', 'xx', 'abc', '5x', null, undefined]) expect(parseStatusFilter(bad)).toBeNull();
  });

  it('reads a minimum duration with or without ">" and a unit', () => {
    expect(parseDurationFilter('>500ms')).toBe(500);
    expect(parseDurationFilter('> 500 ms')).toBe(500);
    expect(parseDurationFilter('>=1.5s')).toBe(1500);
    expect(parseDurationFilter('250')).toBe(250);
    expect(parseDurationFilter('2m')).toBe(120_000);
    expect(parseDurationFilter('>0.25ms')).toBe(0);
    for (const bad of ['', '<500ms', '-5', '500h', 'fast', '>']) expect(parseDurationFilter(bad)).toBeNull();
  });

  it('writes durations back the way a person types them', () => {
    expect(formatDurationFilter(500)).toBe('>500ms');
    expect(formatDurationFilter(1500)).toBe('>1.5s');
    expect(formatDurationFilter(1234)).toBe('>1234ms');
    expect(parseDurationFilter(formatDurationFilter(1500))).toBe(1500);
  });

  it('turns URL parameters into API parameters and removable chips', () => {
    const filters = readRequestFilters({ method: 'post', path: ' /users ', status: '5xx', duration: '>1s' });
    expect(filters).toEqual({ method: 'POST', path: '/users', status: '5xx', minDurationMs: 1000, family: null, problems: [] });
    expect(requestFilterParams(filters)).toEqual({ method: 'POST', path: '/users', status: '5xx', minDurationMs: 1000 });
    expect(requestFilterChips(filters)).toEqual([
      { key: 'method', label: 'method', value: 'POST' },
      { key: 'path', label: 'path', value: '/users' },
      { key: 'status', label: 'status', value: '5xx' },
      { key: 'duration', label: 'duration', value: '>1s' },
    ]);
    expect(requestFilterParams(readRequestFilters({}))).toEqual({});
    const route = readRequestFilters({ family: 'abc123' });
    expect(requestFilterParams(route)).toEqual({ family: 'abc123' });
    expect(requestFilterChips(route)).toEqual([{ key: 'family', label: 'route', value: 'abc123' }]);
    expect(requestFilterParams(readRequestFilters({ duration: '0' }))).toEqual({ minDurationMs: 0 });
  });

  it('names unreadable parameters instead of sending them', () => {
    const filters = readRequestFilters({ method: 'G3T', status: 'oops', duration: 'slow', path: ['a', 'b'] });
    expect(requestFilterParams(filters)).toEqual({});
    expect(filters.problems).toEqual([
      'method "G3T" is not an HTTP method',
      'status "oops" is not a status such as 500, 5xx or 4xx',
      'duration "slow" is not a minimum such as >500ms or >1s',
    ]);
  });

  it('matches a status exactly or by class', () => {
    expect(statusMatches(503, '5xx')).toBe(true);
    expect(statusMatches(404, '5xx')).toBe(false);
    expect(statusMatches(500, '500')).toBe(true);
    expect(statusMatches(501, '500')).toBe(false);
  });

  it('tells which live requests the filters let through', () => {
    const request = (method: string, path: string, status: number, durationMs: number | null) => ({
      content: { method, path, url: path, status },
      durationMs,
      familyHash: 'route-1',
    });
    const slowErrors = readRequestFilters({ status: '5xx', duration: '>500ms' });
    expect(requestMatches(request('GET', '/boom', 500, 900), slowErrors)).toBe(true);
    expect(requestMatches(request('GET', '/boom', 500, 20), slowErrors)).toBe(false);
    expect(requestMatches(request('GET', '/boom', 500, null), slowErrors)).toBe(false);
    expect(requestMatches(request('GET', '/ok', 200, 900), slowErrors)).toBe(false);
    const users = readRequestFilters({ method: 'get', path: 'USERS' });
    expect(requestMatches(request('GET', '/api/users/1', 200, 1), users)).toBe(true);
    expect(requestMatches(request('POST', '/api/users', 201, 1), users)).toBe(false);
    expect(requestMatches(request('GET', '/x', 200, 1), readRequestFilters({ family: 'route-1' }))).toBe(true);
    expect(requestMatches(request('GET', '/x', 200, 1), readRequestFilters({ family: 'route-2' }))).toBe(false);
  });
});
