import type { PluginView } from '../../plugin-api.js';
import { LLM_REVIEW_STATES, LLM_STATUSES } from './llm.types.js';

/**
 * The dashboard's LLM pages, rendered from this metadata (`GET api/meta`): the list (time, label,
 * user, provider/model, tokens, cost, duration, review state) and the detail (metrics, input,
 * output, payloads, error, the request's other entries). Cost is in micro-units of `content.cost.currency`.
 */
export const LLM_VIEW: PluginView = {
  list: {
    columns: [
      { field: 'occurredAt', label: 'Time', format: 'time' },
      { field: 'content.label', label: 'Request', format: 'text' },
      { field: 'content.user', label: 'User', format: 'text' },
      { field: 'content.provider', label: 'Provider', format: 'badge' },
      { field: 'content.model', label: 'Model', format: 'code' },
      { field: 'content.inputTokens', label: 'Tokens in', format: 'number' },
      { field: 'content.outputTokens', label: 'Tokens out', format: 'number' },
      { field: 'content.cost.micros', label: 'Cost (µ)', format: 'number' },
      { field: 'durationMs', label: 'Duration', format: 'duration' },
      { field: 'tags.review', label: 'Review', format: 'badge' },
      { field: 'tags.status', label: 'Status', format: 'badge' },
    ],
    filters: [
      { kind: 'tag', key: 'provider', label: 'Provider' },
      { kind: 'tag', key: 'model', label: 'Model' },
      { kind: 'tag', key: 'project', label: 'Project' },
      { kind: 'tag', key: 'status', label: 'Status', options: [...LLM_STATUSES] },
      { kind: 'tag', key: 'review', label: 'Review', options: [...LLM_REVIEW_STATES] },
      { kind: 'tag', key: 'user', label: 'User' },
      { kind: 'tag', key: 'chain', label: 'Session' },
      { kind: 'text', label: 'Search' },
    ],
  },
  detail: {
    title: 'content.label',
    sections: [
      {
        kind: 'fields',
        title: 'Metrics',
        fields: [
          { field: 'content.provider', label: 'Provider', format: 'badge' },
          { field: 'content.model', label: 'Model', format: 'code' },
          { field: 'content.responseModel', label: 'Answered by', format: 'code' },
          { field: 'content.project', label: 'Project' },
          { field: 'content.operation', label: 'Operation' },
          { field: 'content.status', label: 'Status', format: 'badge' },
          { field: 'content.inputTokens', label: 'Input tokens (cached included)', format: 'number' },
          { field: 'content.cacheReadTokens', label: 'Cache read tokens', format: 'number' },
          { field: 'content.cacheCreationTokens', label: 'Cache write tokens', format: 'number' },
          { field: 'content.outputTokens', label: 'Output tokens', format: 'number' },
          { field: 'content.reasoningTokens', label: 'Reasoning tokens', format: 'number' },
          { field: 'content.cost.micros', label: 'Cost (micro-units)', format: 'number' },
          { field: 'content.cost.currency', label: 'Currency' },
          { field: 'content.cost.rule', label: 'Priced by', format: 'code' },
          { field: 'content.latencyMs', label: 'Latency', format: 'duration' },
          { field: 'content.timeToFirstTokenMs', label: 'Time to first token', format: 'duration' },
          { field: 'content.user', label: 'User' },
          { field: 'content.chain', label: 'Session' },
          { field: 'content.parentId', label: 'Parent', format: 'code' },
          { field: 'content.reviewState', label: 'Review', format: 'badge' },
          { field: 'content.reviewedBy', label: 'Reviewed by' },
          { field: 'content.reviewedAt', label: 'Reviewed at', format: 'time' },
          { field: 'content.url', label: 'URL', format: 'code' },
        ],
      },
      { kind: 'code', title: 'Input', field: 'content.requestText', language: 'text' },
      { kind: 'code', title: 'Output', field: 'content.responseText', language: 'text' },
      {
        kind: 'fields',
        title: 'Error',
        fields: [
          { field: 'content.errorClass', label: 'Class', format: 'code' },
          { field: 'content.errorMessage', label: 'Message' },
        ],
      },
      { kind: 'json', title: 'Request payload', field: 'content.requestPayload' },
      { kind: 'json', title: 'Response payload (output and tool calls)', field: 'content.responsePayload' },
      { kind: 'json', title: 'Metadata', field: 'content.metadata' },
      {
        kind: 'related',
        title: 'The request or job that made the call',
        relation: 'batch',
        columns: [
          { field: 'type', label: 'Type', format: 'badge' },
          { field: 'occurredAt', label: 'Time', format: 'time' },
          { field: 'durationMs', label: 'Duration', format: 'duration' },
        ],
      },
    ],
  },
};
