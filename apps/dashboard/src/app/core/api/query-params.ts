/** Query parameters as the API takes them; `undefined`/empty values are left out, arrays repeat. */
export type QueryParams = Record<string, string | number | boolean | readonly string[] | null | undefined>;

/** What remains of `params` once empty values are dropped (what goes on the URL). */
export type CompactParams = Record<string, string | number | boolean | readonly string[]>;

/** Drops empty parameters (and empty arrays) so that URLs stay clean and the API's validation is not tripped. */
export function compactParams(params: QueryParams): CompactParams {
  const out: CompactParams = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out;
}
