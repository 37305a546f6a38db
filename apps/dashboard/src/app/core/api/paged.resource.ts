import { httpResource } from '@angular/common/http';
import { Signal, computed, inject, linkedSignal, signal, untracked } from '@angular/core';
import { ApiClient, QueryParams, errorMessage } from './api.client';
import { Page } from './api.models';
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
  /** Fetches the next older page with `before=<next>` and appends it. */
  loadOlder(): Promise<void>;
  /** Refetches the first page (and drops the older ones). */
  reload(): void;
}

/**
 * A cursor-paged list over `GET api/<path>`: the first page is an `httpResource` keyed on the
 * params (so a filter change refetches it), older pages accumulate until the params change.
 * Must be called in an injection context. `params` returning `undefined` means "not yet".
 */
export function pagedResource<T>(path: string, params: () => QueryParams | undefined): PagedResource<T> {
  const api = inject(ApiClient);
  const first = httpResource<Page<T>>(() => {
    const current = params();
    return current === undefined ? undefined : api.request(path, current);
  });
  const firstPage = computed(() => valueOf(first));
  const older = linkedSignal<Page<T> | undefined, T[]>({ source: firstPage, computation: () => [] });
  const next = linkedSignal(() => firstPage()?.next ?? null);
  const olderError = linkedSignal<Page<T> | undefined, string | null>({ source: firstPage, computation: () => null });
  const loadingOlder = signal(false);

  return {
    rows: computed(() => [...(firstPage()?.data ?? []), ...older()]),
    loading: computed(() => first.isLoading() && !first.hasValue()),
    loadingOlder: loadingOlder.asReadonly(),
    error: computed(() => (first.error() ? errorMessage(first.error()) : olderError())),
    hasOlder: computed(() => next() !== null),
    loaded: computed(() => firstPage() !== undefined),
    async loadOlder(): Promise<void> {
      const cursor = next();
      const current = untracked(params);
      const base = untracked(firstPage);
      if (!cursor || !current || loadingOlder()) return;
      loadingOlder.set(true);
      try {
        const page = await api.get<Page<T>>(path, { ...current, before: cursor });
        // The filters changed while this page was on its way: it belongs to another list.
        if (untracked(firstPage) !== base) return;
        older.update((rows) => [...rows, ...page.data]);
        next.set(page.next);
      } catch (error) {
        olderError.set(errorMessage(error));
      } finally {
        loadingOlder.set(false);
      }
    },
    reload(): void {
      first.reload();
    },
  };
}
