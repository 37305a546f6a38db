import type { Entry } from '@active-tracker/nestjs/contracts';

/**
 * What the live stream brought to a list since its rows were loaded, as plain data: the list does
 * not jump; it shows "N new entries — show" and reloads when asked (or at once with auto-load).
 * Entry ids are ULIDs, so "newer" is string order.
 */
export interface LiveListState {
  /** Id of the newest row the list shows (null: nothing shown, or not loaded yet). */
  readonly newestShown: string | null;
  /** Ids of matching entries newer than it, newest first, at most MAX_PENDING. */
  readonly pending: readonly string[];
  /** True once more arrived than MAX_PENDING. */
  readonly overflow: boolean;
  /** True when the stream said entries were missed (`event: reset`): the count is unknown. */
  readonly missed: boolean;
}

/** Ids kept per list: the banner says "99+" past that, and a reload shows them anyway. */
export const MAX_PENDING = 99;

/** The state of a list whose newest shown row is `newestShown`; pending ids older than it are dropped. */
export function liveListState(newestShown: string | null, previous?: LiveListState): LiveListState {
  const pending = (previous?.pending ?? []).filter((id) => newestShown === null || id > newestShown);
  return { newestShown, pending, overflow: (previous?.overflow ?? false) && pending.length >= MAX_PENDING, missed: false };
}

/** The stream lost entries (a reset): offer a reload without a count. */
export function entriesMissed(state: LiveListState): LiveListState {
  return { ...state, missed: true };
}

/** A matching entry arrived: counted once, and only when it is newer than what is shown. */
export function entryArrived(state: LiveListState, id: string): LiveListState {
  if (state.newestShown !== null && id <= state.newestShown) return state;
  if (state.pending.includes(id)) return state;
  const pending = [id, ...state.pending].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  const overflow = state.overflow || pending.length > MAX_PENDING;
  return { ...state, pending: pending.slice(0, MAX_PENDING), overflow };
}

/** How many new entries wait. */
export function pendingCount(state: LiveListState): number {
  return state.pending.length;
}

/**
 * The banner's text, or null when nothing new arrived: `1 new entry`, `3 new entries`,
 * `99+ new entries`, or `New entries` when the stream could not say how many.
 */
export function bannerText(state: LiveListState): string | null {
  const count = state.pending.length;
  if (count === 0) return state.missed ? 'New entries' : null;
  return `${count}${state.overflow ? '+' : ''} new ${count === 1 && !state.overflow ? 'entry' : 'entries'}`;
}

/** Whether an entry of the stream belongs to a list of `type` (null: every type) filtered by `key:value` tags (all must match). */
export function streamEntryMatches(entry: Pick<Entry, 'type' | 'tags'>, type: string | null, tags: readonly string[]): boolean {
  if (type !== null && entry.type !== type) return false;
  return tags.every((tag) => {
    const i = tag.indexOf(':');
    return Object.hasOwn(entry.tags, tag.slice(0, i)) && entry.tags[tag.slice(0, i)] === tag.slice(i + 1);
  });
}
