import { matchesAnyFilter, type StringFilter } from '../../plugin-api.js';

/**
 * A request filter, as in the original gem: a string must match the start of the path; a RegExp is
 * tested against the whole path (so /foobar/ matches "/a/foobar/b").
 */
export type RequestFilter = StringFilter;

export function matchesRequestFilter(path: string, filters: readonly RequestFilter[]): boolean {
  return matchesAnyFilter(filters, path, 'prefix');
}
