import { compactParams } from './query-params';

describe('compactParams', () => {
  it('drops empty values and empty arrays, keeps repeated ones', () => {
    expect(compactParams({ type: 'log', q: '', tag: [], before: undefined, family: null, limit: 0, on: false })).toEqual({ type: 'log', limit: 0, on: false });
    expect(compactParams({ tag: ['a:1', 'b:2'] })).toEqual({ tag: ['a:1', 'b:2'] });
  });
});
