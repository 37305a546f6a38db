import { httpResource } from '@angular/common/http';
import { Signal, computed, effect, inject } from '@angular/core';
import { Router } from '@angular/router';
import type { Entry, TimelineItem } from '@active-tracker/nestjs/contracts';
import { ApiClient, errorMessage } from './api.client';
import { parseEntryDetail } from './api.parsers';
import { MetaStore } from './meta.store';
import { valueOf } from './resource.util';

/** One entry with its batch, as detail pages use it. */
export interface EntryDetailResource {
  /** The entry, once loaded. */
  readonly entry: Signal<Entry | undefined>;
  /** Everything else with the same batchId, oldest first. */
  readonly batch: Signal<Entry[]>;
  /** The whole batch, the entry included, oldest first. */
  readonly wholeBatch: Signal<Entry[]>;
  /** The batch as a waterfall: each entry's offset from the batch start and its duration. */
  readonly timeline: Signal<TimelineItem[]>;
  /** True while the first load is in flight. */
  readonly loading: Signal<boolean>;
  /** Why it could not be loaded (e.g. "entry ... not found", or an unexpected answer). */
  readonly error: Signal<string | null>;
}

/**
 * `GET api/entries/:id` for a detail page, parsed (content of built-in types included). When
 * `expectedType` gives a type and the entry turns out to be of another one (a hand-edited or
 * stale link), the page is replaced by the right one. Must be called in an injection context.
 */
export function entryDetailResource(id: () => string, expectedType?: () => string | undefined): EntryDetailResource {
  const api = inject(ApiClient);
  const meta = inject(MetaStore);
  const router = inject(Router);
  const resource = httpResource(() => api.request(`entries/${encodeURIComponent(id())}`), { parse: parseEntryDetail });
  const entry = computed(() => valueOf(resource)?.data);

  if (expectedType) {
    effect(() => {
      const current = entry();
      const expected = expectedType();
      if (current && expected && current.type !== expected) void router.navigate(meta.linkTo(current), { replaceUrl: true });
    });
  }

  return {
    entry,
    batch: computed(() => (valueOf(resource)?.batch ?? []).filter((e) => e.id !== entry()?.id)),
    wholeBatch: computed(() => valueOf(resource)?.batch ?? []),
    timeline: computed(() => valueOf(resource)?.timeline ?? []),
    loading: computed(() => resource.isLoading() && !resource.hasValue()),
    error: computed(() => (resource.error() ? errorMessage(resource.error()) : null)),
  };
}
