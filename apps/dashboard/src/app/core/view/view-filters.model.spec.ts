import { cacheView } from '../../../testing/api.fixtures';
import { readListFilters } from '../../shared/filter-bar/list-filters.state';
import { listControls, listQuery } from './view-filters.model';

describe('metadata-driven list filters', () => {
  it('offer a select per tag filter with declared values, a free box otherwise, and the search box of a text filter', () => {
    const controls = listControls(cacheView.list.filters, readListFilters(undefined, ['op:miss', 'store:redis']));
    expect(controls).toEqual({
      search: 'Search keys',
      tags: [
        { key: 'op', label: 'Operation', options: ['hit', 'miss'], value: 'miss' },
        { key: 'store', label: 'Store', options: [], value: 'redis' },
      ],
    });
  });

  it('keep a URL value that is not among the declared ones selectable', () => {
    const [op] = listControls(cacheView.list.filters, readListFilters(undefined, 'op:expired')).tags;
    expect(op.options).toEqual(['hit', 'miss', 'expired']);
    expect(op.value).toBe('expired');
  });

  it('have no search box without a text filter', () => {
    expect(listControls(undefined, readListFilters('x', undefined))).toEqual({ search: null, tags: [] });
  });

  it('turn the filters into the GET entries query of the plugin type', () => {
    expect(listQuery('cache-op', readListFilters('user:', ['op:hit']))).toEqual({ type: 'cache-op', q: 'user:', tag: ['op:hit'] });
    expect(listQuery('cache-op', readListFilters(undefined, undefined))).toEqual({ type: 'cache-op' });
  });
});
