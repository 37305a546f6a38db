import type { Entry } from '@active-tracker/nestjs/contracts';

/**
 * The type-specific `content` of an entry, typed as its contract. Built-in types are checked
 * when parsed (entry.guards.ts); a field may still hold the encryption placeholder, so views
 * check arrays and objects before walking them.
 */
export function contentOf<C extends object>(entry: Pick<Entry, 'content'>): C {
  return entry.content as unknown as C;
}

/** `value` when it is an array, else none (an encrypted field holds a placeholder string). */
export function listOf<T>(value: readonly T[] | null | undefined): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}
