import { MAX_PENDING, bannerText, entriesMissed, entryArrived, liveListState, pendingCount, streamEntryMatches } from './live-list.state';

// ULID-like ids: later ids sort after earlier ones.
const id = (n: number): string => `01J0000000000000000000${String(n).padStart(4, '0')}`;

describe('live list state (the "N new entries" banner)', () => {
  it('counts entries newer than the newest shown row, once each', () => {
    let state = liveListState(id(10));
    expect(bannerText(state)).toBeNull();
    state = entryArrived(state, id(11));
    state = entryArrived(state, id(12));
    state = entryArrived(state, id(11)); // the same entry twice (reconnect replay)
    state = entryArrived(state, id(9)); // older than what is shown
    state = entryArrived(state, id(10)); // the shown row itself
    expect(pendingCount(state)).toBe(2);
    expect(bannerText(state)).toBe('2 new entries');
    expect(state.pending).toEqual([id(12), id(11)]);
  });

  it('says "1 new entry" for one', () => {
    expect(bannerText(entryArrived(liveListState(null), id(1)))).toBe('1 new entry');
  });

  it('keeps what arrived before the first page and drops what the page already shows', () => {
    let state = liveListState(null);
    state = entryArrived(state, id(5));
    state = entryArrived(state, id(7));
    state = liveListState(id(6), state); // the first page arrives with id 6 on top
    expect(state.pending).toEqual([id(7)]);
    expect(liveListState(id(7), state).pending).toEqual([]); // "show" reloaded: nothing pending
  });

  it('stays bounded and says 99+ past the cap', () => {
    let state = liveListState(id(0));
    for (let n = 1; n <= MAX_PENDING + 5; n++) state = entryArrived(state, id(n));
    expect(pendingCount(state)).toBe(MAX_PENDING);
    expect(state.pending[0]).toBe(id(MAX_PENDING + 5));
    expect(bannerText(state)).toBe('99+ new entries');
  });

  it('offers a reload without a count when the stream missed entries, until the list reloads', () => {
    const state = entriesMissed(liveListState(id(1)));
    expect(bannerText(state)).toBe('New entries');
    expect(bannerText(entryArrived(state, id(2)))).toBe('1 new entry');
    expect(bannerText(liveListState(id(3), state))).toBeNull();
  });

  it('matches stream entries by type and every tag filter', () => {
    const entry = { type: 'request', tags: { tenant: 'acme', url: 'http://x:1' } };
    expect(streamEntryMatches(entry, 'request', [])).toBe(true);
    expect(streamEntryMatches(entry, null, ['tenant:acme', 'url:http://x:1'])).toBe(true);
    expect(streamEntryMatches(entry, 'log', [])).toBe(false);
    expect(streamEntryMatches(entry, 'request', ['tenant:acme', 'plan:pro'])).toBe(false);
    expect(streamEntryMatches(entry, 'request', ['tenant:other'])).toBe(false);
    expect(streamEntryMatches({ type: 'request', tags: {} }, 'request', ['constructor:'])).toBe(false);
  });
});
