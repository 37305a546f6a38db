import { Page, olderArrived, olderFailed, olderQuery, olderStarted, pagedState, rowsOf } from './paged.state';

const page = (rows: string[], next: string | null): Page<string> => ({ data: rows, next });

describe('paged state (load older)', () => {
  it('starts with the first page and its cursor', () => {
    const state = pagedState(page(['c', 'b'], 'b'));
    expect(rowsOf(state)).toEqual(['c', 'b']);
    expect(state.next).toBe('b');
    expect(rowsOf(pagedState(undefined))).toEqual([]);
  });

  it('asks for the older page with before=<cursor> and the list filters', () => {
    const state = pagedState(page(['c'], 'c'));
    expect(olderQuery(state, { type: 'log', tag: ['level:warn'] })).toEqual({ type: 'log', tag: ['level:warn'], before: 'c' });
  });

  it('has nothing to ask without a cursor, a first page or params, or while a page is on its way', () => {
    expect(olderQuery(pagedState(page(['a'], null)), {})).toBeNull();
    expect(olderQuery(pagedState(undefined), {})).toBeNull();
    expect(olderQuery(pagedState(page(['a'], 'a')), undefined)).toBeNull();
    expect(olderQuery(olderStarted(pagedState(page(['a'], 'a'))), {})).toBeNull();
  });

  it('appends older pages in order and follows their cursor to the end', () => {
    const first = page(['e', 'd'], 'd');
    let state = olderStarted(pagedState(first));
    expect(state.loadingOlder).toBe(true);
    state = olderArrived(state, first, page(['c', 'b'], 'b'));
    expect(state).toMatchObject({ loadingOlder: false, next: 'b' });
    state = olderArrived(olderStarted(state), first, page(['a'], null));
    expect(rowsOf(state)).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(olderQuery(state, {})).toBeNull();
  });

  it('starts over when the filters change, and drops an older page of the previous list', () => {
    const before = page(['b'], 'b');
    const loading = olderStarted(pagedState(before));
    // The filters changed: a new first page replaces the state while the older page is on its way.
    const after = pagedState(page(['x'], null));
    expect(olderArrived(after, before, page(['a'], null))).toBe(after);
    expect(olderFailed(after, before, 'boom')).toBe(after);
    expect(rowsOf(after)).toEqual(['x']);
    expect(loading.older).toEqual([]);
  });

  it('keeps the cursor after a failure so that it can be tried again', () => {
    const first = page(['b'], 'b');
    const failed = olderFailed(olderStarted(pagedState(first)), first, 'unexpected answer from the API: next should be a string');
    expect(failed).toMatchObject({ loadingOlder: false, next: 'b', error: 'unexpected answer from the API: next should be a string' });
    expect(olderQuery(failed, {})).toEqual({ before: 'b' });
    expect(olderStarted(failed).error).toBeNull();
  });
});
