import type { EntryDraft } from '../entries/entry.js';
import { isoTime } from '../entries/iso-time.js';
import { JsonText } from '../entries/json-text.js';
import type { PreparedEntry } from '../storage/prepared-entry.js';
import { familySummary } from '../storage/prepared-entry.js';
import type { EntryCodec } from './entry-codec.js';
import { isClean, redactString, sanitizeValue, type SanitizeState } from './entry-sanitizer.js';
import { REDACTED, SensitiveKeys } from './sensitive-keys.js';

/** Longest tag value kept. */
const MAX_TAG_VALUE = 1024;

/** Literal values to redact in one entry: sorted once, longest first, with their JSON-escaped forms. */
export class Redactions {
  static readonly none = new Redactions([]);
  readonly values: readonly string[];
  private readonly escaped: readonly string[];

  constructor(values: readonly string[]) {
    // Longest first: a secret containing a shorter one must not be left half visible.
    this.values = values.length > 1 ? [...values].sort((a, b) => b.length - a.length) : values;
    this.escaped = this.values.map((v) => JSON.stringify(v).slice(1, -1));
  }

  get empty(): boolean {
    return this.values.length === 0;
  }

  redact(text: string): string {
    return this.values.length === 0 ? text : redactString(text, this.values);
  }

  /** Whether any value appears in this JSON text (as JSON writes it). */
  appearIn(json: string): boolean {
    for (let i = 0; i < this.values.length; i++) {
      if (json.includes(this.escaped[i]) || json.includes(this.values[i])) return true;
    }
    return false;
  }

  /** The values, for the walker (sorted longest first). */
  get list(): readonly string[] {
    return this.values;
  }
}

export interface SerializeOptions {
  /** Longest string kept; longer ones are cut and the entry is marked `truncated`. */
  maxString: number;
  /** Field encryption per entry type (the codec stage). */
  codec?: EntryCodec;
}

/** What the serializer needs of a draft beyond the draft itself. */
export interface SerializeInput {
  id: string;
  draft: EntryDraft;
  /** Epoch ms used when the draft has no occurredAt. */
  recordedAt: number;
  batchId: string | null;
  redactions: Redactions;
  sensitive: SensitiveKeys;
  /** Aggregate weight (1 / sample rate of a sampled batch). */
  weight: number;
}

/**
 * Serializes a draft once into the stored JSON of its Entry, with redaction, truncation and field
 * encryption in the same pass. The fast path is V8's native JSON.stringify per content field, after
 * a read-only check (`isClean`) that nothing in it needs redacting, cutting or converting; JSON
 * text the host already produced (a response body) is embedded as it is. Only a field that fails
 * the check is copied by the one payload walker (`sanitizeValue`).
 */
export function serializeDraft(input: SerializeInput, options: SerializeOptions): PreparedEntry {
  const { draft, redactions, sensitive } = input;
  const state: SanitizeState = { truncated: false, isSensitive: sensitive.matches };
  const codec = options.codec;
  const encrypted = codec?.fieldsOf(draft.type);
  // One array joined once: a flat string, not a rope of a hundred concatenations.
  const fields: string[] = [];
  const raw = draft.content ?? {};
  for (const key in raw) {
    let value: unknown;
    try {
      value = raw[key];
    } catch {
      continue; // a throwing getter must not lose the whole entry (the walker skips them too)
    }
    let json = fieldJson(key, value, input, options, state);
    if (json === undefined) continue;
    if (encrypted?.has(key)) json = codec!.encrypt(draft.type, json);
    fields.push((redactions.empty ? keyPrefix(key) : JSON.stringify(redactions.redact(key)) + ':') + json);
  }
  if (state.truncated) fields.push('"truncated":true');

  let tags: Record<string, string> = NO_TAGS;
  let tagsJson = '{}';
  const rawTags = draft.tags;
  if (rawTags) {
    for (const key in rawTags) {
      const value = rawTags[key];
      if (value === undefined || value === null) continue;
      // A tag is indexed and shown in lists: a sensitive one (`tagCurrent({ api_key })`) is redacted too.
      const text = sensitive.matches(key) ? REDACTED : redactions.redact(typeof value === 'string' ? value : String(value));
      if (tags === NO_TAGS) tags = {};
      tags[key] = text.length > MAX_TAG_VALUE ? text.slice(0, MAX_TAG_VALUE) : text;
    }
    if (tags !== NO_TAGS) tagsJson = JSON.stringify(tags);
  }
  const occurredAtMs = timeOf(draft.occurredAt, input.recordedAt);
  const occurredAt = isoTime(occurredAtMs);
  const durationMs = typeof draft.durationMs === 'number' && Number.isFinite(draft.durationMs) ? Math.round(draft.durationMs * 1000) / 1000 : null;
  const familyHash = draft.familyHash ?? null;
  const json = [
    '{"id":"',
    input.id,
    '","type":',
    JSON.stringify(draft.type),
    ',"batchId":',
    input.batchId === null ? 'null' : JSON.stringify(input.batchId),
    ',"occurredAt":"',
    occurredAt,
    '","durationMs":',
    durationMs === null ? 'null' : String(durationMs),
    ',"familyHash":',
    familyHash === null ? 'null' : JSON.stringify(familyHash),
    ',"tags":',
    tagsJson,
    ',"content":{',
    fields.join(','),
    '},"version":1}',
  ].join('');

  let summary: Record<string, string> | undefined;
  if (familyHash) {
    // Kept in clear in the aggregate: never a sensitive or encrypted field, literals redacted.
    summary = familySummary(
      raw,
      (key) => sensitive.matches(key) || encrypted?.has(key) === true,
      redactions.empty ? undefined : (text) => redactions.redact(text),
    );
  }
  // One object literal with every field (no conditional spreads: each costs an object here).
  return {
    id: input.id,
    type: draft.type,
    batchId: input.batchId,
    familyHash,
    tags,
    occurredAt,
    occurredAtMs,
    durationMs,
    json,
    summary,
    counters: draft.counters && draft.counters.length > 0 ? draft.counters : undefined,
    weight: input.weight,
    latestOnly: draft.latestOnly === true && familyHash !== null ? true : undefined,
  };
}

const NO_TAGS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** `"key":` of content keys, which are few and repeat from entry to entry. */
const keyPrefixes = new Map<string, string>();
function keyPrefix(key: string): string {
  let prefix = keyPrefixes.get(key);
  if (prefix === undefined) {
    prefix = JSON.stringify(key) + ':';
    if (keyPrefixes.size < 2000) keyPrefixes.set(key, prefix);
  }
  return prefix;
}

/** The JSON text of one content field, or undefined to leave it out (undefined, functions). */
function fieldJson(key: string, value: unknown, input: SerializeInput, options: SerializeOptions, state: SanitizeState): string | undefined {
  const { redactions, sensitive } = input;
  if (sensitive.matches(key)) return `"${REDACTED}"`;
  switch (typeof value) {
    case 'string':
      return JSON.stringify(cut(redactions.redact(value), options.maxString, state));
    case 'number':
      return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';
  if (value instanceof JsonText) return jsonTextField(value, input, options, state);
  return valueJson(value, input, options, state);
}

/** JSON of an object or array: native when the check passes, else through the walker (undefined: left out, as JSON.stringify does). */
function valueJson(value: unknown, input: SerializeInput, options: SerializeOptions, state: SanitizeState): string | undefined {
  const { redactions, sensitive } = input;
  if (isClean(value, redactions.list, options.maxString, sensitive.matches)) {
    try {
      const text = JSON.stringify(value);
      if (text !== undefined) return text;
    } catch {
      /* the walker describes what JSON.stringify cannot */
    }
  }
  return JSON.stringify(sanitizeValue(value, redactions.list, options.maxString, state));
}

/**
 * JSON text the host wrote: embedded as it is when it is valid (made from `source` by res.json(),
 * or checked by parsing) and needs no redaction; redacted through its parsed value otherwise; kept
 * as a string when it is not JSON. Longer than the cap: see longJsonTextField.
 */
function jsonTextField(value: JsonText, input: SerializeInput, options: SerializeOptions, state: SanitizeState): string {
  const { text } = value;
  if (!value.complete) return partialJsonTextField(value, input, options, state);
  if (text.length > options.maxString) return longJsonTextField(value, input, options, state);
  let parsed = value.source;
  if (parsed === undefined) {
    try {
      parsed = JSON.parse(text);
    } catch {
      return JSON.stringify(input.redactions.redact(text));
    }
  }
  if (isClean(parsed, input.redactions.list, options.maxString, input.sensitive.matches) && !input.redactions.appearIn(text)) return text;
  return JSON.stringify(sanitizeValue(parsed, input.redactions.list, options.maxString, state)) ?? 'null';
}

/**
 * JSON text longer than the cap: its redacted copy (sensitive keys, literals, long strings cut),
 * embedded when that fits the cap, else cut as a string. Cutting the text as it came would keep
 * the values of the sensitive keys it holds.
 */
function longJsonTextField(value: JsonText, input: SerializeInput, options: SerializeOptions, state: SanitizeState): string {
  let parsed = value.source;
  if (parsed === undefined) {
    try {
      parsed = JSON.parse(value.text);
    } catch {
      return JSON.stringify(cut(input.redactions.redact(value.text), options.maxString, state));
    }
  }
  const json = JSON.stringify(sanitizeValue(parsed, input.redactions.list, options.maxString, state)) ?? 'null';
  return json.length <= options.maxString ? json : JSON.stringify(cut(json, options.maxString, state));
}

/**
 * The first part of a JSON document (a body cut at its cap), stored as a string: cut again from
 * its redacted source when there is one, otherwise redacted by a tolerant pass over the text
 * (`"key": value` pairs of sensitive keys, and literals), since it cannot be parsed.
 */
function partialJsonTextField(value: JsonText, input: SerializeInput, options: SerializeOptions, state: SanitizeState): string {
  const limit = Math.min(value.text.length, options.maxString);
  if (value.source !== undefined) {
    const json = JSON.stringify(sanitizeValue(value.source, input.redactions.list, options.maxString, state)) ?? 'null';
    return JSON.stringify(json.length > limit ? json.slice(0, limit) : json);
  }
  return JSON.stringify(cut(input.redactions.redact(redactJsonText(value.text, input.sensitive.matches)), options.maxString, state));
}

/** A JSON text's `"key": value` pairs (the value possibly cut short), for redacting text that cannot be parsed. */
const JSON_PAIR = /"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\]\s]*)/g;

export function redactJsonText(text: string, isSensitive: (key: string) => boolean): string {
  return text.replace(JSON_PAIR, (pair: string, key: string, separator: string) => (isSensitive(key) ? `"${key}"${separator}"${REDACTED}"` : pair));
}

function cut(text: string, max: number, state: SanitizeState): string {
  if (text.length <= max) return text;
  state.truncated = true;
  return `${text.slice(0, max)}… [truncated ${text.length - max} characters]`;
}

/** Epoch ms of a draft's occurredAt, or `fallback` when absent or invalid. */
function timeOf(value: EntryDraft['occurredAt'], fallback: number): number {
  if (value === undefined) return fallback;
  const ms = typeof value === 'number' ? value : value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isFinite(ms) ? ms : fallback;
}
