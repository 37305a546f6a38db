import { filterChips, filterParams, readListFilters, removeChip, tagValue, withTag, withoutTag } from './list-filters.state';

describe('list filters (URL state)', () => {
  it('reads q and one or several tag parameters, one per key (the last wins), ignoring malformed ones', () => {
    expect(readListFilters(' kettle ', 'order_status:paid')).toEqual({ q: 'kettle', tags: ['order_status:paid'] });
    expect(readListFilters(undefined, ['op:hit', 'store:redis', 'op:miss', 'nocolon', ':x', 3])).toEqual({ q: null, tags: ['op:miss', 'store:redis'] });
    expect(readListFilters('', null)).toEqual({ q: null, tags: [] });
  });

  it('keeps colons of tag values', () => {
    const filters = readListFilters(undefined, 'url:http://x');
    expect(tagValue(filters, 'url')).toBe('http://x');
    expect(tagValue(filters, 'op')).toBeNull();
  });

  it('sets and removes the filter of one key, leaving the others', () => {
    const filters = readListFilters(undefined, ['op:hit', 'store:redis']);
    expect(withTag(filters, 'op:miss')).toEqual(['store:redis', 'op:miss']);
    expect(withTag(filters, 'level:warn')).toEqual(['op:hit', 'store:redis', 'level:warn']);
    expect(withoutTag(filters, 'op')).toEqual(['store:redis']);
    expect(withoutTag(readListFilters(undefined, 'op:hit'), 'op')).toBeNull();
  });

  it('turns filters into API parameters (tag repeated) and removable chips', () => {
    const filters = readListFilters('grace', ['op:hit', 'store:redis']);
    expect(filterParams(filters)).toEqual({ q: 'grace', tag: ['op:hit', 'store:redis'] });
    expect(filterParams(readListFilters(undefined, undefined))).toEqual({});
    const chips = filterChips(filters);
    expect(chips).toEqual([
      { key: 'tag:op', label: 'op', value: 'hit' },
      { key: 'tag:store', label: 'store', value: 'redis' },
    ]);
    expect(removeChip(filters, chips[0].key)).toEqual({ tag: ['store:redis'] });
    expect(removeChip(filters, 'level')).toEqual({ level: null });
  });
});
