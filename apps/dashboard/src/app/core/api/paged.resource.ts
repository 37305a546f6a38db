import { httpResource } from '@angular/common/http';
import { Signal, computed, inject, linkedSignal, untracked } from '@angular/core';
import { ApiClient, errorMessage } from './api.client';
import { Page, olderArrived, olderFailed, olderQuery, olderStarted, pagedState, rowsOf } from './paged.state';
import { QueryParams } from './query-params';
import { valueOf } from './resource.util';

/** A newest-first list that grows with "load older" pages. */
export interface PagedResource<T> {
  /** Every row loaded so far: the first page, then the older pages in order. */
  readonly rows: Signal<T[]>;
  /** True while the first page loads (not while older pages load). */
  readonly loading: Signal<boolean>;
  /** True while an older page loads. */
  readonly loadingOlder: Signal<boolean>;
  /** Message of the last failure, if any. */
  readonly error: Signal<string | null>;
  /** True when the API said there is more (`next` cursor present). */
  readonly hasOlder: Signal<boolean>;
  /** True once the first page arrived. */
  readonly loaded: Signal<boolean>;
  /** The first page as last fetched (a new object after each reload, even with the same rows). */
  readonly firstPage: Signal<Page<T> | undefined>;
  /** Fetches the next older page with `before=<next>` and appends it. */
  loadOlder(): Promise<void>;
  /** Refetches the first page (and drops the older ones). */
  reload(): void;
}

/**
 * A cursor-paged list over `GET api/<path>`: the first page is an `httpResource` keyed on the
 * params (so a filter change refetches it), older pages accumulate in a PagedState until the first
 * page changes. Every page goes through `parse`. Must be called in an injection context.
 * `params` returning `undefined` means "not yet".
 */
export function pagedResource<T>(path: string, params: () => QueryParams | undefined, parse: (raw: unknown) => Page<T>): PagedResource<T> {
  const api = inject(ApiClient);
  const first = httpResource(
    () => {
      const current = params();
      return current === undefined ? undefined : api.request(path, current);
    },
    { parse },
  );
  const firstPage = computed(() => valueOf(first));
  const state = linkedSignal(() => pagedState(firstPage()));

  return {
    rows: computed(() => rowsOf(state())),
    loading: computed(() => first.isLoading() && !first.hasValue()),
    loadingOlder: computed(() => state().loadingOlder),
    error: computed(() => (first.error() ? errorMessage(first.error()) : state().error)),
    hasOlder: computed(() => state().next !== null),
    loaded: computed(() => firstPage() !== undefined),
    firstPage,
    async loadOlder(): Promise<void> {
      const query = olderQuery(untracked(state), untracked(params));
      if (!query) return;
      const base = untracked(firstPage);
      state.update(olderStarted);
      try {
        const page = await api.get(path, query, parse);
        state.update((current) => olderArrived(current, base, page));
      } catch (error) {
        state.update((current) => olderFailed(current, base, errorMessage(error)));
      }
    },
    reload(): void {
      first.reload();
    },
  };
}
