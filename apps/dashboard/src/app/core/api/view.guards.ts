import type { PluginView, ViewColumn, ViewFilter, ViewFormat, ViewSection } from '@active-tracker/nestjs/contracts';
import { Guard, arrayOf, bool, matching, members, object, oneOf, optional, str, variant } from './json.guard.js';

/** Every view format, in the order the docs list them. */
export const VIEW_FORMATS = members<ViewFormat>()(['text', 'number', 'duration', 'bytes', 'status', 'time', 'badge', 'code']);

/**
 * A field path as the server validates it (`durationMs`, `tags.level`, `content.a.b`): only these
 * are read from an entry, so a path can never reach the prototype or a method.
 */
export const FIELD_PATH = /^(id|type|batchId|occurredAt|durationMs|familyHash|version|tags\.[^.\s]+|content(\.[^.\s]+)+)$/;

const field = matching(FIELD_PATH, 'a field path such as "content.sql" or "durationMs"');

export const viewColumn = object<ViewColumn>({ field, label: str, format: optional(oneOf(...VIEW_FORMATS)) });
const title = optional(str);

export const viewSection: Guard<ViewSection> = variant<ViewSection, 'kind'>('kind', {
  fields: object({ kind: oneOf('fields'), title, fields: arrayOf(viewColumn) }),
  json: object({ kind: oneOf('json'), title, field }),
  code: object({ kind: oneOf('code'), title, field, language: optional(oneOf('sql', 'json', 'text')) }),
  backtrace: object({ kind: oneOf('backtrace'), title, field }),
  related: object({
    kind: oneOf('related'),
    title,
    relation: oneOf('batch', 'family'),
    type: optional(str),
    columns: arrayOf(viewColumn),
  }),
});

export const viewFilter: Guard<ViewFilter> = variant<ViewFilter, 'kind'>('kind', {
  tag: object({ kind: oneOf('tag'), key: str, label: str, options: optional(arrayOf(str)) }),
  text: object({ kind: oneOf('text'), label: str }),
});

export const pluginView = object<PluginView>({
  list: object<PluginView['list']>({ columns: arrayOf(viewColumn), filters: optional(arrayOf(viewFilter)), families: optional(bool) }),
  detail: object<PluginView['detail']>({ title: optional(field), sections: arrayOf(viewSection) }),
});
