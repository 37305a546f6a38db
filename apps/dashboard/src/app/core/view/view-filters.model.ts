import type { ViewFilter } from '@active-tracker/nestjs/contracts';
import { QueryParams } from '../api/query-params';
import { ListFilters, filterParams, tagValue } from '../../shared/filter-bar/list-filters.state';

/** A tag filter control: a select when the plugin lists the values, else a free value box. */
export interface TagControl {
  key: string;
  label: string;
  /** The values offered (the current one included); empty: type a value. */
  options: string[];
  value: string | null;
}

/** The filter controls of a plugin's list. */
export interface ListControls {
  /** Placeholder of the search box, or null when the plugin declares no text filter. */
  search: string | null;
  tags: TagControl[];
}

/** The controls a plugin's `list.filters` asks for, with the values the URL holds. */
export function listControls(filters: readonly ViewFilter[] | undefined, state: ListFilters): ListControls {
  let search: string | null = null;
  const tags: TagControl[] = [];
  for (const filter of filters ?? []) {
    if (filter.kind === 'text') {
      search ??= filter.label;
      continue;
    }
    const value = tagValue(state, filter.key);
    const options = filter.options ? [...filter.options] : [];
    if (options.length && value !== null && !options.includes(value)) options.push(value);
    tags.push({ key: filter.key, label: filter.label, options, value });
  }
  return { search, tags };
}

/** The `GET entries` query of a plugin's list. */
export function listQuery(entryType: string, state: ListFilters): QueryParams {
  return { type: entryType, ...filterParams(state) };
}
