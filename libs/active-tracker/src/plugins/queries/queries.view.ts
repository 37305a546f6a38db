import type { PluginNav, PluginView } from '../../plugin-api.js';

/** A database cylinder: monochrome, 24×24, takes the sidebar's color like the other icons. */
export const QUERIES_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">' +
  '<ellipse cx="12" cy="5" rx="8" ry="3"/><path d="M4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5"/><path d="M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3"/>' +
  '</svg>';

export const QUERIES_NAV: PluginNav = { title: 'Queries', path: 'queries', icon: QUERIES_ICON };

/**
 * How the prebuilt dashboard shows queries without code of its own: the list is the families (one
 * row per statement shape, with count, total, p95...), the detail one execution with the request
 * it came from and the other executions of its family.
 */
export const QUERIES_VIEW: PluginView = {
  list: {
    families: true,
    columns: [
      { field: 'content.sql', label: 'SQL', format: 'code' },
      { field: 'content.orm', label: 'ORM', format: 'badge' },
      { field: 'content.location', label: 'Location', format: 'code' },
    ],
    filters: [
      { kind: 'tag', key: 'slow', label: 'Slow', options: ['true'] },
      { kind: 'tag', key: 'n_plus_one', label: 'N+1', options: ['true'] },
      { kind: 'text', label: 'Search' },
    ],
  },
  detail: {
    title: 'content.location',
    sections: [
      { kind: 'code', title: 'SQL', field: 'content.sql', language: 'sql' },
      {
        kind: 'fields',
        title: 'Execution',
        fields: [
          { field: 'durationMs', label: 'Duration', format: 'duration' },
          { field: 'content.rows', label: 'Rows', format: 'number' },
          { field: 'content.slow', label: 'Slow', format: 'badge' },
          { field: 'content.location', label: 'Location', format: 'code' },
          { field: 'content.driver', label: 'Driver', format: 'badge' },
          { field: 'content.orm', label: 'ORM', format: 'badge' },
          { field: 'content.entity', label: 'Entity', format: 'code' },
          { field: 'content.connection', label: 'Database', format: 'code' },
          { field: 'content.server', label: 'Server', format: 'code' },
          { field: 'content.name', label: 'Statement name', format: 'code' },
          { field: 'occurredAt', label: 'At', format: 'time' },
        ],
      },
      { kind: 'json', title: 'Parameters', field: 'content.params' },
      { kind: 'json', title: 'Error', field: 'content.error' },
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
        title: 'Other executions',
        relation: 'family',
        columns: [
          { field: 'occurredAt', label: 'At', format: 'time' },
          { field: 'durationMs', label: 'Duration', format: 'duration' },
          { field: 'content.rows', label: 'Rows', format: 'number' },
          { field: 'content.location', label: 'Location', format: 'code' },
        ],
      },
    ],
  },
};
