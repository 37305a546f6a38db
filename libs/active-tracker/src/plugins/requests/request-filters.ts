/**
 * A request filter, as in the original gem: a string must match the start of the path; a RegExp is
 * tested against the whole path (so /foobar/ matches "/a/foobar/b").
 */
export type RequestFilter = string | RegExp;

export function matchesRequestFilter(path: string, filters: readonly RequestFilter[]): boolean {
  for (const filter of filters) {
    if (typeof filter === 'string') {
      if (path.startsWith(filter)) return true;
    } else {
      filter.lastIndex = 0;
      if (filter.test(path)) return true;
    }
  }
  return false;
}
