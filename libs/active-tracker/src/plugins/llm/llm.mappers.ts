import { parseJson, type StreamEvent } from './llm-stream.parser.js';
import type { LlmInteractionInput } from './llm.types.js';

/** A provider's raw request and answer, as a mapper gets them. */
export interface LlmRawExchange {
  /** 'chat', 'responses', 'messages', 'embeddings', 'generate'... when known. */
  operation?: string | null;
  /** The request body (parsed JSON). */
  request: unknown;
  /** The answer body (parsed JSON) of a non-streamed call; null when streamed or absent. */
  response: unknown;
  /** The events of a streamed answer (SSE or NDJSON), in order. */
  events?: readonly StreamEvent[] | null;
  /** HTTP status of the answer, when captured from the wire. */
  httpStatus?: number | null;
}

/** What a mapper finds: interaction fields, plus where the first token arrived in a stream. */
export interface MappedInteraction extends Partial<LlmInteractionInput> {
  /** Byte offset of the end of the first event carrying output (time to first token). */
  firstTokenEnd?: number;
}

/**
 * Normalizes one provider's wire format into interaction fields (TraceBook's mappers). Token
 * accounting: `inputTokens` is always every input token, cached ones included, with
 * `cacheReadTokens` and `cacheCreationTokens` as parts of it, so nothing is counted twice.
 */
export type LlmMapper = (raw: LlmRawExchange) => MappedInteraction;

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Text of a message content: a string, or parts with `text` (OpenAI parts, Anthropic blocks). */
export function textOf(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  const parts = content
    .map((part) => (typeof part === 'string' ? part : isObj(part) && typeof part.text === 'string' ? part.text : null))
    .filter((t): t is string => t !== null);
  return parts.length ? parts.join('\n') : null;
}

/** The text of the last user message (what a reviewer reads first), else of the last message. */
function lastUserText(messages: unknown): string | null {
  if (!Array.isArray(messages) || messages.length === 0) return null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (isObj(m) && m.role === 'user') return textOf(m.content);
  }
  const last = messages[messages.length - 1];
  return isObj(last) ? textOf(last.content) : null;
}

function inputText(input: unknown): string | null {
  if (typeof input === 'string') return input;
  if (Array.isArray(input) && input.every((i) => typeof i === 'string')) return input.join('\n');
  return lastUserText(input);
}

/** An error answer's class and message: OpenAI `{ error: { type, message } }`, Anthropic `{ type: 'error', error }`, Ollama `{ error: '...' }`. */
function errorOf(body: unknown, httpStatus: number | null | undefined): Partial<LlmInteractionInput> {
  const failed = typeof httpStatus === 'number' && httpStatus >= 400;
  if (isObj(body) && body.error !== undefined && body.error !== null) {
    const e = body.error;
    if (typeof e === 'string') return { status: 'error', errorClass: failed ? `HTTP ${httpStatus}` : 'Error', errorMessage: e };
    if (isObj(e)) return { status: 'error', errorClass: str(e.type) ?? str(e.code) ?? `HTTP ${httpStatus ?? 'error'}`, errorMessage: str(e.message) };
  }
  return failed ? { status: 'error', errorClass: `HTTP ${httpStatus}`, errorMessage: null } : {};
}

/** Embedding vectors are long and of no use to a reviewer: each is kept as its dimension count. */
function withoutVectors(body: unknown): unknown {
  if (!isObj(body)) return body;
  const vectors = (list: unknown) => (Array.isArray(list) ? list.map((v) => (Array.isArray(v) ? `[${v.length} dimensions]` : v)) : list);
  if (Array.isArray(body.data))
    return {
      ...body,
      data: body.data.map((d: unknown) => (isObj(d) && Array.isArray(d.embedding) ? { ...d, embedding: `[${d.embedding.length} dimensions]` } : d)),
    };
  if (Array.isArray(body.embeddings)) return { ...body, embeddings: vectors(body.embeddings) };
  if (Array.isArray(body.embedding)) return { ...body, embedding: `[${body.embedding.length} dimensions]` };
  return body;
}

function openAiUsage(usage: unknown): Partial<LlmInteractionInput> {
  if (!isObj(usage)) return {};
  // Chat completions: prompt/completion; responses and embeddings: input/output. Both include cached tokens.
  const input = num(usage.prompt_tokens) ?? num(usage.input_tokens);
  const output = num(usage.completion_tokens) ?? num(usage.output_tokens);
  const inDetails = usage.prompt_tokens_details ?? usage.input_tokens_details;
  const outDetails = usage.completion_tokens_details ?? usage.output_tokens_details;
  return {
    inputTokens: input,
    outputTokens: output ?? (input !== null && num(usage.total_tokens) !== null ? Math.max(0, usage.total_tokens - input) : null),
    cacheReadTokens: isObj(inDetails) ? num(inDetails.cached_tokens) : null,
    reasoningTokens: isObj(outDetails) ? num(outDetails.reasoning_tokens) : null,
  };
}

/** OpenAI (and compatible): chat completions, responses, embeddings; JSON and SSE. */
export const openAiMapper: LlmMapper = (raw) => {
  const req = isObj(raw.request) ? raw.request : {};
  const operation =
    raw.operation ?? (req.messages ? 'chat' : req.input !== undefined && req.model && /embed/i.test(String(req.model)) ? 'embeddings' : 'responses');
  const base: MappedInteraction = { model: str(req.model) ?? undefined, operation, requestPayload: raw.request };
  if (operation === 'embeddings') {
    const res = raw.response;
    return {
      ...base,
      requestText: inputText(req.input),
      responsePayload: withoutVectors(res),
      responseModel: isObj(res) ? str(res.model) : null,
      ...openAiUsage(isObj(res) ? res.usage : null),
      ...errorOf(res, raw.httpStatus),
    };
  }
  if (operation === 'responses') {
    const requestText = typeof req.input === 'string' ? req.input : lastUserText(req.input);
    let res: unknown = raw.response;
    let firstTokenEnd: number | undefined;
    if (raw.events) {
      res = null;
      for (const e of raw.events) {
        const data = parseJson(e.data);
        if (!isObj(data)) continue;
        const type = e.event ?? data.type;
        if (firstTokenEnd === undefined && /\.delta$/.test(String(type)) && (data.delta ?? '') !== '') firstTokenEnd = e.end;
        if ((type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') && isObj(data.response)) res = data.response;
        if (type === 'error') res = { error: data.error ?? data };
      }
    }
    const r: Obj = isObj(res) ? res : {};
    const texts: string[] = [];
    const reasons: string[] = [];
    for (const item of Array.isArray(r.output) ? r.output : []) {
      if (isObj(item) && item.type === 'message') {
        const t = textOf(item.content);
        if (t) texts.push(t);
      }
    }
    if (str(r.status)) reasons.push(r.status);
    if (isObj(r.incomplete_details) && str(r.incomplete_details.reason)) reasons.push(r.incomplete_details.reason);
    return {
      ...base,
      requestText,
      responsePayload: res,
      responseText: texts.length ? texts.join('\n') : (str(r.output_text) ?? null),
      responseModel: str(r.model),
      finishReasons: reasons,
      ...openAiUsage(r.usage),
      ...(r.status === 'failed' || r.error ? errorOf({ error: r.error ?? { type: 'failed' } }, raw.httpStatus) : errorOf(res, raw.httpStatus)),
      firstTokenEnd,
    };
  }
  // Chat completions.
  const requestText = lastUserText(req.messages);
  if (raw.events) {
    let content = '';
    let model: string | null = null;
    let usage: unknown = null;
    let id: string | null = null;
    let error: unknown = null;
    let firstTokenEnd: number | undefined;
    const reasons: string[] = [];
    const tools: Obj[] = [];
    for (const e of raw.events) {
      if (e.data === '[DONE]') continue;
      const chunk = parseJson(e.data);
      if (!isObj(chunk)) continue;
      if (chunk.error) error = chunk.error;
      model ??= str(chunk.model);
      id ??= str(chunk.id);
      // With stream_options.include_usage the final chunk (empty choices) carries the usage.
      if (isObj(chunk.usage)) usage = chunk.usage;
      for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) {
        if (!isObj(choice)) continue;
        const delta = isObj(choice.delta) ? choice.delta : {};
        if (typeof delta.content === 'string' && delta.content !== '') {
          content += delta.content;
          firstTokenEnd ??= e.end;
        }
        for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
          if (!isObj(call)) continue;
          firstTokenEnd ??= e.end;
          const at = typeof call.index === 'number' ? call.index : tools.length;
          const tool = (tools[at] ??= { id: null, type: 'function', function: { name: '', arguments: '' } });
          if (call.id) tool.id = call.id;
          if (isObj(call.function)) {
            if (call.function.name) tool.function.name += call.function.name;
            if (call.function.arguments) tool.function.arguments += call.function.arguments;
          }
        }
        if (str(choice.finish_reason)) reasons.push(choice.finish_reason);
      }
    }
    const message: Obj = { role: 'assistant', content: content || null };
    if (tools.length) message.tool_calls = tools.filter(Boolean);
    const assembled = { id, object: 'chat.completion', model, choices: [{ index: 0, message, finish_reason: reasons[reasons.length - 1] ?? null }], usage };
    return {
      ...base,
      requestText,
      responsePayload: error ? { error } : assembled,
      responseText: content || null,
      responseModel: model,
      finishReasons: reasons,
      ...openAiUsage(usage),
      ...(error ? errorOf({ error }, raw.httpStatus) : errorOf(null, raw.httpStatus)),
      firstTokenEnd,
    };
  }
  const res = isObj(raw.response) ? raw.response : {};
  const choices = Array.isArray(res.choices) ? res.choices : [];
  const first = isObj(choices[0]) ? choices[0] : {};
  return {
    ...base,
    requestText,
    responsePayload: raw.response,
    responseText: isObj(first.message) ? textOf(first.message.content) : null,
    responseModel: str(res.model),
    finishReasons: choices.map((c: Obj) => c?.finish_reason).filter((r: unknown): r is string => typeof r === 'string'),
    ...openAiUsage(res.usage),
    ...errorOf(raw.response, raw.httpStatus),
  };
};

/** Anthropic usage: `input_tokens` excludes cache reads and writes; the inclusive total is their sum. */
function anthropicUsage(usage: Obj): Partial<LlmInteractionInput> {
  const uncached = num(usage.input_tokens);
  const read = num(usage.cache_read_input_tokens);
  const written = num(usage.cache_creation_input_tokens);
  const input = uncached === null && read === null && written === null ? null : (uncached ?? 0) + (read ?? 0) + (written ?? 0);
  return { inputTokens: input, outputTokens: num(usage.output_tokens), cacheReadTokens: read, cacheCreationTokens: written };
}

/** Anthropic messages: JSON, and SSE whose usage is a running total (the last value of each field wins). */
export const anthropicMapper: LlmMapper = (raw) => {
  const req = isObj(raw.request) ? raw.request : {};
  const base: MappedInteraction = {
    model: str(req.model) ?? undefined,
    operation: raw.operation ?? 'messages',
    requestPayload: raw.request,
    requestText: lastUserText(req.messages),
  };
  let res: unknown = raw.response;
  let firstTokenEnd: number | undefined;
  if (raw.events) {
    let message: Obj | null = null;
    const usage: Obj = {};
    const blocks: Obj[] = [];
    let error: unknown = null;
    for (const e of raw.events) {
      const data = parseJson(e.data);
      if (!isObj(data)) continue;
      const type = e.event ?? data.type;
      if (type === 'message_start' && isObj(data.message)) {
        message = { ...data.message };
        if (isObj(data.message.usage)) Object.assign(usage, data.message.usage);
      } else if (type === 'content_block_start' && isObj(data.content_block)) {
        blocks[data.index ?? blocks.length] = { ...data.content_block, ...(data.content_block.type === 'tool_use' ? { input: '' } : {}) };
      } else if (type === 'content_block_delta' && isObj(data.delta)) {
        firstTokenEnd ??= e.end;
        const block = (blocks[data.index ?? 0] ??= { type: 'text', text: '' });
        if (data.delta.type === 'text_delta') block.text = (block.text ?? '') + (data.delta.text ?? '');
        else if (data.delta.type === 'input_json_delta') block.input = (typeof block.input === 'string' ? block.input : '') + (data.delta.partial_json ?? '');
        else if (data.delta.type === 'thinking_delta') block.thinking = (block.thinking ?? '') + (data.delta.thinking ?? '');
      } else if (type === 'message_delta') {
        if (message && isObj(data.delta)) Object.assign(message, data.delta);
        // Running totals: each field's last value is the total.
        if (isObj(data.usage)) for (const [k, v] of Object.entries(data.usage)) if (v !== null && v !== undefined) usage[k] = v;
      } else if (type === 'error') error = data.error ?? data;
    }
    for (const block of blocks) if (block?.type === 'tool_use' && typeof block.input === 'string') block.input = parseJson(block.input) ?? block.input;
    res = error ? { type: 'error', error } : { ...(message ?? {}), content: blocks.filter(Boolean), usage };
  }
  const r: Obj = isObj(res) ? res : {};
  const content = Array.isArray(r.content) ? r.content : [];
  const text = content
    .filter((b: Obj) => b?.type === 'text')
    .map((b: Obj) => b.text ?? '')
    .join('');
  return {
    ...base,
    responsePayload: res,
    responseText: text || null,
    responseModel: str(r.model),
    finishReasons: str(r.stop_reason) ? [r.stop_reason] : [],
    ...(isObj(r.usage) ? anthropicUsage(r.usage) : {}),
    ...errorOf(res, raw.httpStatus),
    firstTokenEnd,
  };
};

/** Ollama chat and generate: JSON, or NDJSON streams whose last line (`done: true`) has the counts. Durations are nanoseconds. */
export const ollamaMapper: LlmMapper = (raw) => {
  const req = isObj(raw.request) ? raw.request : {};
  const operation = raw.operation ?? (req.messages ? 'chat' : req.prompt !== undefined ? 'generate' : 'embeddings');
  const base: MappedInteraction = {
    model: str(req.model) ?? undefined,
    operation,
    requestPayload: raw.request,
    requestText: operation === 'chat' ? lastUserText(req.messages) : operation === 'generate' ? str(req.prompt) : inputText(req.input ?? req.prompt),
  };
  let res: unknown = raw.response;
  let text = '';
  let firstTokenEnd: number | undefined;
  if (raw.events) {
    let last: Obj = {};
    for (const e of raw.events) {
      const line = parseJson(e.data);
      if (!isObj(line)) continue;
      const piece = isObj(line.message) ? line.message.content : line.response;
      if (typeof piece === 'string' && piece !== '') {
        text += piece;
        firstTokenEnd ??= e.end;
      }
      last = line;
    }
    res = { ...last, ...(operation === 'chat' ? { message: { role: 'assistant', content: text } } : { response: text }) };
  } else if (isObj(res)) text = (isObj(res.message) ? res.message.content : res.response) ?? '';
  const r: Obj = isObj(res) ? res : {};
  const ns = num(r.total_duration);
  return {
    ...base,
    responsePayload: operation === 'embeddings' ? withoutVectors(res) : res,
    responseText: text || null,
    responseModel: str(r.model),
    inputTokens: num(r.prompt_eval_count),
    outputTokens: num(r.eval_count),
    finishReasons: str(r.done_reason) ? [r.done_reason] : [],
    // Ollama measures its own time in nanoseconds; a captured call's wall time replaces it.
    latencyMs: ns === null ? undefined : Math.round(ns / 1e3) / 1e3,
    ...errorOf(res, raw.httpStatus),
    firstTokenEnd,
  };
};

/** Any other provider: the common shapes of usage and text, nothing assumed. */
export const fallbackMapper: LlmMapper = (raw) => {
  const req = isObj(raw.request) ? raw.request : {};
  const res = isObj(raw.response) ? raw.response : {};
  const usage = isObj(res.usage) ? res.usage : {};
  return {
    model: str(req.model) ?? str(res.model) ?? undefined,
    responseModel: str(res.model),
    operation: raw.operation ?? null,
    requestPayload: raw.request,
    responsePayload: raw.response,
    requestText: lastUserText(req.messages) ?? str(req.prompt) ?? inputText(req.input),
    responseText: str(res.text) ?? str(res.output_text) ?? str(res.response) ?? null,
    inputTokens: num(usage.prompt_tokens) ?? num(usage.input_tokens),
    outputTokens: num(usage.completion_tokens) ?? num(usage.output_tokens),
    ...errorOf(raw.response, raw.httpStatus),
  };
};

/** Built-in mappers by provider (providers of the OpenAI wire format use the OpenAI mapper). */
export const BUILT_IN_MAPPERS: Readonly<Record<string, LlmMapper>> = {
  openai: openAiMapper,
  azure: openAiMapper,
  openrouter: openAiMapper,
  groq: openAiMapper,
  mistral: openAiMapper,
  deepseek: openAiMapper,
  together: openAiMapper,
  'x-ai': openAiMapper,
  anthropic: anthropicMapper,
  ollama: ollamaMapper,
};
