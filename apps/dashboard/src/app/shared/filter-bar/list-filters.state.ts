import type { ActiveFilter } from './filter-bar.model';

/**
 * The filters of a list as they live in the URL: `q` (search text) and `tag` (`key:value`,
 * repeated for several tags; every one must match). Pure, so lists, chips and the API query agree.
 */
export interface ListFilters {
  q: string | null;
  /** `key:value` filters, at most one per key. */
  tags: readonly string[];
}

const TAG = /^[^:]+:/;

/** Filters from the `q` and `tag` query parameters (a repeated parameter arrives as an array). */
export function readListFilters(q: unknown, tag: unknown): ListFilters {
  const raw = Array.isArray(tag) ? tag : tag === undefined || tag === null ? [] : [tag];
  const byKey = new Map<string, string>();
  for (const value of raw) {
    if (typeof value === 'string' && TAG.test(value)) byKey.set(tagKey(value), value);
  }
  const text = typeof q === 'string' ? q.trim() : '';
  return { q: text || null, tags: [...byKey.values()] };
}

/** `key` of a `key:value` filter. */
export function tagKey(tag: string): string {
  return tag.slice(0, tag.indexOf(':'));
}

/** The value filtered for `key`, if any. */
export function tagValue(filters: ListFilters, key: string): string | null {
  const found = filters.tags.find((tag) => tagKey(tag) === key);
  return found === undefined ? null : found.slice(key.length + 1);
}

/** The `tag` query parameter once `tag` (`key:value`) replaces any filter on its key. */
export function withTag(filters: ListFilters, tag: string): string[] {
  return [...filters.tags.filter((t) => tagKey(t) !== tagKey(tag)), tag];
}

/** The `tag` query parameter once the filter on `key` is dropped (null: no tag left). */
export function withoutTag(filters: ListFilters, key: string): string[] | null {
  const rest = filters.tags.filter((t) => tagKey(t) !== key);
  return rest.length ? rest : null;
}

/** What `GET entries` takes for these filters. */
export function filterParams(filters: ListFilters): { q?: string; tag?: string[] } {
  return { ...(filters.q ? { q: filters.q } : {}), ...(filters.tags.length ? { tag: [...filters.tags] } : {}) };
}

/** The removable chips of the filter bar: one per tag (the search text is in the box). */
export function filterChips(filters: ListFilters): ActiveFilter[] {
  return filters.tags.map((tag) => ({ key: `tag:${tagKey(tag)}`, label: tagKey(tag), value: tag.slice(tag.indexOf(':') + 1) }));
}

/**
 * The query parameters that remove the chip `chipKey` (as `filterChips` names them), merged into
 * the URL by the list.
 */
export function removeChip(filters: ListFilters, chipKey: string): Record<string, string[] | null> {
  return chipKey.startsWith('tag:') ? { tag: withoutTag(filters, chipKey.slice(4)) } : { [chipKey]: null };
}
