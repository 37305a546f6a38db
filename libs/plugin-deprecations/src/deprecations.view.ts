import type { PluginNav, PluginView } from '@active-tracker/nestjs';

/**
 * The nav icon: a sun setting below the horizon, with a down arrow. Monochrome (`currentColor`
 * strokes), 24×24, so it takes the sidebar's color like the built-in icons.
 */
export const DEPRECATIONS_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">' +
  '<path d="M7 17a5 5 0 0 1 10 0"/>' +
  '<path d="M12 3v6M9 6.5 12 9l3-2.5"/>' +
  '<path d="M4.9 10.9l1.4 1.4M19.1 10.9l-1.4 1.4M2 17h2M20 17h2M2 21h20"/>' +
  '</svg>';

export const DEPRECATIONS_NAV: PluginNav = { title: 'Deprecations', path: 'deprecations', icon: DEPRECATIONS_ICON };

/**
 * Dashboard pages, rendered by the prebuilt dashboard from this metadata (no Angular code): the
 * list shows one row per deprecated endpoint or notice (its family: count, first and last seen),
 * the detail page one use, with the request it came from and the other uses.
 */
export const DEPRECATIONS_VIEW: PluginView = {
  list: {
    families: true,
    columns: [
      { field: 'content.subject', label: 'Deprecated', format: 'code' },
      { field: 'content.kind', label: 'Kind', format: 'badge' },
      { field: 'content.since', label: 'Since', format: 'badge' },
      { field: 'content.replacement', label: 'Replacement', format: 'code' },
      { field: 'content.sunset', label: 'Sunset', format: 'time' },
    ],
    filters: [
      { kind: 'tag', key: 'deprecation', label: 'Kind', options: ['endpoint', 'notice'] },
      { kind: 'tag', key: 'pastSunset', label: 'Used after its sunset', options: ['true'] },
      { kind: 'tag', key: 'client', label: 'Client' },
      { kind: 'text', label: 'Search' },
    ],
  },
  detail: {
    title: 'content.subject',
    sections: [
      {
        kind: 'fields',
        title: 'Deprecation',
        fields: [
          { field: 'content.kind', label: 'Kind', format: 'badge' },
          { field: 'content.since', label: 'Deprecated since', format: 'badge' },
          { field: 'content.sunset', label: 'Sunset', format: 'time' },
          { field: 'content.pastSunset', label: 'Used after its sunset', format: 'badge' },
          { field: 'content.replacement', label: 'Replacement', format: 'code' },
          { field: 'content.message', label: 'Message' },
          { field: 'occurredAt', label: 'Used at', format: 'time' },
        ],
      },
      {
        kind: 'fields',
        title: 'Endpoint',
        fields: [
          { field: 'content.method', label: 'Method', format: 'badge' },
          { field: 'content.route', label: 'Route', format: 'code' },
          { field: 'content.path', label: 'Path', format: 'code' },
          { field: 'content.controller', label: 'Controller', format: 'code' },
          { field: 'content.handler', label: 'Handler', format: 'code' },
          { field: 'content.status', label: 'Status', format: 'status' },
          { field: 'content.event', label: 'Event', format: 'code' },
        ],
      },
      {
        kind: 'fields',
        title: 'Client',
        fields: [
          { field: 'content.client', label: 'Client' },
          { field: 'content.userAgent', label: 'User agent', format: 'code' },
          { field: 'tags.user_name', label: 'User' },
        ],
      },
      {
        kind: 'related',
        title: 'Request',
        relation: 'batch',
        type: 'request',
        columns: [
          { field: 'content.method', label: 'Method', format: 'badge' },
          { field: 'content.path', label: 'Path', format: 'code' },
          { field: 'content.status', label: 'Status', format: 'status' },
          { field: 'durationMs', label: 'Duration', format: 'duration' },
        ],
      },
      {
        kind: 'related',
        title: 'Other uses',
        relation: 'family',
        columns: [
          { field: 'occurredAt', label: 'Used at', format: 'time' },
          { field: 'content.client', label: 'Client' },
          { field: 'content.userAgent', label: 'User agent', format: 'code' },
          { field: 'content.status', label: 'Status', format: 'status' },
        ],
      },
    ],
  },
};
