import { Entry } from './api.models';

/**
 * The type-specific `content` of an entry, typed as the caller expects. The API does not promise
 * every field, so views still guard optional ones.
 */
export function contentOf<C extends object>(entry: Pick<Entry, 'content'>): Partial<C> & C {
  return entry.content as unknown as C;
}
