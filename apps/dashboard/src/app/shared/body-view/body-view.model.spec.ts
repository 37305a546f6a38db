import { bodyView, headerValue } from './body-view.model';

describe('body view (how a captured body is shown)', () => {
  it('shows objects, and JSON sent as text, as a JSON tree', () => {
    expect(bodyView({ id: 1 }, {})).toEqual({ kind: 'json', value: { id: 1 } });
    expect(bodyView('{"id":1}', { 'Content-Type': 'application/json; charset=utf-8' })).toEqual({ kind: 'json', value: { id: 1 } });
    expect(bodyView('[1,2]', { 'content-type': 'application/problem+json' })).toEqual({ kind: 'json', value: [1, 2] });
    expect(bodyView('{"a":true}', undefined)).toEqual({ kind: 'json', value: { a: true } });
  });

  it('shows HTML as its source text, never as markup', () => {
    const hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">';
    expect(bodyView(hostile, { 'content-type': ['text/html; charset=utf-8'] })).toEqual({ kind: 'html', text: hostile });
    expect(bodyView(hostile, {})).toEqual({ kind: 'text', text: hostile });
    expect(bodyView(hostile, { 'content-type': 'application/json' })).toEqual({ kind: 'text', text: hostile });
  });

  it('shows other strings and scalars as text, and nothing as empty', () => {
    expect(bodyView('plain', { 'content-type': 'text/plain' })).toEqual({ kind: 'text', text: 'plain' });
    expect(bodyView('{not json', {})).toEqual({ kind: 'text', text: '{not json' });
    expect(bodyView('"a string"', { 'content-type': 'application/json' })).toEqual({ kind: 'text', text: '"a string"' });
    expect(bodyView(42, {})).toEqual({ kind: 'text', text: '42' });
    for (const empty of [undefined, null, '', {}, []]) expect(bodyView(empty, {})).toEqual({ kind: 'empty' });
  });

  it('reads headers in any case, joining repeated values', () => {
    expect(headerValue({ 'Set-Cookie': ['a=1', 'b=2'] }, 'set-cookie')).toBe('a=1, b=2');
    expect(headerValue({ Accept: '*/*' }, 'accept')).toBe('*/*');
    expect(headerValue({}, 'accept')).toBeNull();
    expect(headerValue('[encrypted]', 'accept')).toBeNull();
  });
});
