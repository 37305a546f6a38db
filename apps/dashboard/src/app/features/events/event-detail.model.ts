import type { EventEntryContent } from '@active-tracker/nestjs/contracts';
import { formatLocation } from '../../shared/entry-table/entry-summary.util';

/** What the event page shows besides the data: the EventReporter tags and context, the source. */
export interface EventDetailModel {
  /** `content.eventTags` (the entry's own `tags` are its string index, shown with the facts). */
  eventTags: Record<string, unknown> | null;
  context: Record<string, unknown> | null;
  /** `file:line in function`, or null. */
  source: string | null;
}

/** Null for anything that is not a non-empty plain object (empty, or an encryption placeholder). */
function filled(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length ? (value as Record<string, unknown>) : null;
}

export function eventDetailModel(content: EventEntryContent): EventDetailModel {
  const source = content.source && typeof content.source === 'object' ? content.source : null;
  const where = formatLocation(source, 100);
  return {
    eventTags: filled(content.eventTags),
    context: filled(content.context),
    source: where ? `${where}${source?.function ? ` in ${source.function}` : ''}` : null,
  };
}
