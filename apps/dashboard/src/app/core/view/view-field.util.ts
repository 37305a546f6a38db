import type { Entry } from '@active-tracker/nestjs/contracts';
import { isRecord } from '../api/json.guard';

/** The Entry fields a path may name besides `tags.<key>` and `content.<path>`. */
const TOP_FIELDS = new Set(['id', 'type', 'batchId', 'occurredAt', 'durationMs', 'familyHash', 'version']);

/** `value[key]` when `value` holds it as its own (an index for arrays); never the prototype. */
export function childOf(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return /^\d+$/.test(key) ? value[Number(key)] : undefined;
  return isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/**
 * The value a view field path names in an entry: `durationMs`, `occurredAt`, `tags.level`,
 * `content.sql`, `content.request.method` (`content.items.0` indexes an array). Undefined when
 * the entry has nothing there.
 */
export function fieldValue(entry: Entry, path: string): unknown {
  const [head, ...rest] = path.split('.');
  if (head === 'tags') return rest.length === 1 ? childOf(entry.tags, rest[0]) : undefined;
  if (head === 'content') return rest.length ? rest.reduce<unknown>((value, key) => childOf(value, key), entry.content) : undefined;
  return rest.length === 0 && TOP_FIELDS.has(head) ? entry[head as keyof Entry] : undefined;
}

/** The last segment of a path, as a default title (`content.requestBody` → `requestBody`). */
export function fieldName(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}
