import type { Entry } from '../../plugin-api.js';
import { toInteraction } from './llm-interaction.builder.js';
import type { LlmInteraction } from './llm.types.js';

/** CSV columns of an export, in order: one row per interaction (payloads are in the NDJSON export). */
export const CSV_COLUMNS: ReadonlyArray<[string, (i: LlmInteraction) => unknown]> = [
  ['id', (i) => i.id],
  ['occurredAt', (i) => i.occurredAt],
  ['batchId', (i) => i.batchId],
  ['provider', (i) => i.provider],
  ['model', (i) => i.model],
  ['responseModel', (i) => i.responseModel],
  ['project', (i) => i.project],
  ['operation', (i) => i.operation],
  ['status', (i) => i.status],
  ['reviewState', (i) => i.reviewState],
  ['user', (i) => i.user],
  ['sessionId', (i) => i.sessionId],
  ['parentId', (i) => i.parentId],
  ['inputTokens', (i) => i.inputTokens],
  ['outputTokens', (i) => i.outputTokens],
  ['cacheReadTokens', (i) => i.cacheReadTokens],
  ['cacheCreationTokens', (i) => i.cacheCreationTokens],
  ['reasoningTokens', (i) => i.reasoningTokens],
  ['costMicros', (i) => i.cost?.micros ?? null],
  ['currency', (i) => i.cost?.currency ?? null],
  ['pricedBy', (i) => i.cost?.rule ?? null],
  ['latencyMs', (i) => i.latencyMs],
  ['timeToFirstTokenMs', (i) => i.timeToFirstTokenMs],
  ['tags', (i) => i.tags.join(' ')],
  ['label', (i) => i.label],
  ['errorClass', (i) => i.errorClass],
  ['errorMessage', (i) => i.errorMessage],
];

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A text starting
 * with `=`, `+`, `-`, `@`, tab or CR is prefixed with `'` so spreadsheets do not run it as a formula.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly unknown[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

/** An export as text chunks: read one entry at a time from `source` (memory stays bounded). */
export async function* exportChunks(source: AsyncIterable<Entry>, format: 'csv' | 'ndjson', decode: (entry: Entry) => Entry): AsyncGenerator<string> {
  if (format === 'csv') yield csvRow(CSV_COLUMNS.map(([name]) => name));
  let chunk = '';
  for await (const entry of source) {
    const interaction = toInteraction(decode(entry));
    chunk += format === 'csv' ? csvRow(CSV_COLUMNS.map(([, read]) => read(interaction))) : JSON.stringify(interaction) + '\n';
    // A few rows per write: fewer writes, still bounded.
    if (chunk.length >= 16 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
