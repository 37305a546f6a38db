/**
 * The one matcher of the plugins' `string | RegExp` filters (request paths, outbound URLs, log
 * lines, event names, exception classes). A RegExp is tested on the text; how a string compares
 * is each option's documented rule, named here once.
 */
export type StringFilter = string | RegExp;

/** How a string filter compares with the text: equal to it, starting it, or contained in it. */
export type StringFilterMode = 'exact' | 'prefix' | 'contains';

/** One filter against one text. A global or sticky RegExp is tested from the start every time (`lastIndex` carries over otherwise). */
export function matchesFilter(filter: StringFilter, text: string, mode: StringFilterMode): boolean {
  if (typeof filter === 'string') {
    if (mode === 'exact') return text === filter;
    return mode === 'prefix' ? text.startsWith(filter) : text.includes(filter);
  }
  filter.lastIndex = 0;
  return filter.test(text);
}

/** Whether any of `filters` matches `text` (see `matchesFilter`). */
export function matchesAnyFilter(filters: readonly StringFilter[], text: string, mode: StringFilterMode): boolean {
  for (let i = 0; i < filters.length; i++) if (matchesFilter(filters[i], text, mode)) return true;
  return false;
}

/** A valid filter: a non-empty string or a RegExp (for the plugins' option checks). */
export function isStringFilter(value: unknown): value is StringFilter {
  return (typeof value === 'string' && value.length > 0) || value instanceof RegExp;
}

/** Boot problems of a filter list option: `"<option>[i]" must be a non-empty string or a RegExp`, one per bad item. */
export function stringFilterProblems(option: string, filters: readonly unknown[]): string[] {
  const problems: string[] = [];
  filters.forEach((f, i) => {
    if (!isStringFilter(f)) problems.push(`"${option}[${i}]" must be a non-empty string or a RegExp`);
  });
  return problems;
}
