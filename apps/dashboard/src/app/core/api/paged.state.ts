import type { QueryParams } from './query-params';

/** A page of a newest-first list (entries, families): `next` is the cursor of the older page. */
export interface Page<T> {
  data: T[];
  next: string | null;
}

/**
 * The "load older" side of a cursor-paged list, as plain data: the first page it continues, the
 * older rows appended so far, the cursor, and the state of the older page in flight. Pure, so the
 * cursor rules are tested without Angular; `pagedResource` holds it in a signal.
 */
export interface PagedState<T> {
  /** The first page these rows continue; a new one (filters changed, reload) starts over. */
  readonly first: Page<T> | undefined;
  readonly older: readonly T[];
  readonly next: string | null;
  readonly loadingOlder: boolean;
  readonly error: string | null;
}

/** The state of a list whose first page is `first` (undefined: not loaded yet). */
export function pagedState<T>(first: Page<T> | undefined): PagedState<T> {
  return { first, older: [], next: first?.next ?? null, loadingOlder: false, error: null };
}

/** Every row loaded so far: the first page, then the older ones in order. */
export function rowsOf<T>(state: PagedState<T>): T[] {
  return [...(state.first?.data ?? []), ...state.older];
}

/**
 * The query of the next older page (`params` plus `before=<cursor>`), or null when there is none
 * to load: no cursor, no first page or params yet, or a page already on its way.
 */
export function olderQuery<T>(state: PagedState<T>, params: QueryParams | undefined): QueryParams | null {
  if (!state.first || !state.next || !params || state.loadingOlder) return null;
  return { ...params, before: state.next };
}

export function olderStarted<T>(state: PagedState<T>): PagedState<T> {
  return { ...state, loadingOlder: true, error: null };
}

/**
 * An older page arrived for the list whose first page was `base`. When the list was reset since
 * (filters changed while it was on its way), it belongs to another list and is dropped.
 */
export function olderArrived<T>(state: PagedState<T>, base: Page<T> | undefined, page: Page<T>): PagedState<T> {
  if (state.first !== base) return state;
  return { ...state, older: [...state.older, ...page.data], next: page.next, loadingOlder: false, error: null };
}

/** Loading the older page failed; the cursor stays, so "load older" can be tried again. */
export function olderFailed<T>(state: PagedState<T>, base: Page<T> | undefined, message: string): PagedState<T> {
  if (state.first !== base) return state;
  return { ...state, loadingOlder: false, error: message };
}
