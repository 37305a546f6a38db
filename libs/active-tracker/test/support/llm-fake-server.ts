import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

/**
 * A local server speaking the wire formats of OpenAI (chat completions, responses, embeddings),
 * Anthropic (messages) and Ollama (chat, generate), plain JSON and streamed (SSE / NDJSON), for
 * the real SDKs to call. The answer text is always FAKE_ANSWER, cut in FAKE_PIECES.
 * Model names steer it: `fail-*` answers an error (HTTP 400 with the provider's error body),
 * `gzip-*` gzips a JSON answer, `hang-*` streams one chunk and then waits for the client to leave.
 */
export const FAKE_PIECES = ['Hello', ' from', ' the', ' fake', ' model.'];
export const FAKE_ANSWER = FAKE_PIECES.join('');

/** Usage the server reports. OpenAI: prompt 40 (of which 10 cached), completion 5 (2 reasoning). */
export const OPENAI_USAGE = {
  prompt_tokens: 40,
  completion_tokens: 5,
  total_tokens: 45,
  prompt_tokens_details: { cached_tokens: 10 },
  completion_tokens_details: { reasoning_tokens: 2 },
};
/** Anthropic: 30 uncached + 20 cache read + 7 cache write = 57 input; 5 output. */
export const ANTHROPIC_USAGE = { input_tokens: 30, cache_read_input_tokens: 20, cache_creation_input_tokens: 7, output_tokens: 5 };

export interface FakeLlmServer {
  url: string;
  /** Request bodies received, in order (path and parsed JSON). */
  received: Array<{ path: string; body: any; headers: http.IncomingHttpHeaders }>;
  stop(): Promise<void>;
}

function sse(res: http.ServerResponse, events: Array<{ event?: string; data: unknown }>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const e of events) res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`);
  res.end();
}

function json(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: unknown, gzip = false): void {
  const text = JSON.stringify(body);
  if (gzip && /gzip/.test(String(req.headers['accept-encoding'] ?? ''))) {
    const zipped = zlib.gzipSync(text);
    res.writeHead(status, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': zipped.length });
    return void res.end(zipped);
  }
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function openAiChat(req: http.IncomingMessage, res: http.ServerResponse, body: any): void {
  const model = String(body.model);
  if (model.startsWith('fail'))
    return json(req, res, 400, { error: { type: 'invalid_request_error', code: 'model_not_found', message: `The model ${model} does not exist` } });
  if (!body.stream) {
    return json(
      req,
      res,
      200,
      {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: `${model}-2024-08-06`,
        choices: [{ index: 0, message: { role: 'assistant', content: FAKE_ANSWER, refusal: null }, finish_reason: 'stop', logprobs: null }],
        usage: OPENAI_USAGE,
      },
      model.startsWith('gzip'),
    );
  }
  const chunk = (delta: object, finish: string | null = null) => ({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: `${model}-2024-08-06`,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });
  if (model.startsWith('hang')) {
    // The first piece, then nothing until the client goes away (for aborts).
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(`data: ${JSON.stringify(chunk({ role: 'assistant', content: FAKE_PIECES[0] }))}\n\n`);
    return;
  }
  const events: Array<{ data: unknown }> = [
    { data: chunk({ role: 'assistant', content: '' }) },
    ...FAKE_PIECES.map((p) => ({ data: chunk({ content: p }) })),
    { data: chunk({}, 'stop') },
  ];
  if (body.stream_options?.include_usage)
    events.push({ data: { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: `${model}-2024-08-06`, choices: [], usage: OPENAI_USAGE } });
  events.push({ data: '[DONE]' });
  sse(res, events);
}

function openAiResponses(req: http.IncomingMessage, res: http.ServerResponse, body: any): void {
  const response = {
    id: 'resp_1',
    object: 'response',
    created_at: 1,
    status: 'completed',
    model: String(body.model),
    output: [{ type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: FAKE_ANSWER, annotations: [] }] }],
    usage: {
      input_tokens: 40,
      input_tokens_details: { cached_tokens: 10 },
      output_tokens: 5,
      output_tokens_details: { reasoning_tokens: 2 },
      total_tokens: 45,
    },
  };
  if (!body.stream) return json(req, res, 200, response);
  let seq = 0;
  sse(res, [
    {
      event: 'response.created',
      data: { type: 'response.created', sequence_number: seq++, response: { ...response, status: 'in_progress', output: [], usage: null } },
    },
    ...FAKE_PIECES.map((p) => ({
      event: 'response.output_text.delta',
      data: { type: 'response.output_text.delta', sequence_number: seq++, item_id: 'msg_1', output_index: 0, content_index: 0, delta: p },
    })),
    { event: 'response.completed', data: { type: 'response.completed', sequence_number: seq++, response } },
  ]);
}

function anthropicMessages(req: http.IncomingMessage, res: http.ServerResponse, body: any): void {
  const model = String(body.model);
  if (model.startsWith('fail'))
    return json(req, res, 400, { type: 'error', error: { type: 'invalid_request_error', message: `model: ${model} is not supported` } });
  const message = {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text: FAKE_ANSWER }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: ANTHROPIC_USAGE,
  };
  if (!body.stream) return json(req, res, 200, message);
  sse(res, [
    {
      event: 'message_start',
      data: { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...ANTHROPIC_USAGE, output_tokens: 1 } } },
    },
    { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
    { event: 'ping', data: { type: 'ping' } },
    ...FAKE_PIECES.map((p) => ({ event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } } })),
    { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
    // Running totals: an intermediate and a final message_delta; the last value wins.
    { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: null, stop_sequence: null }, usage: { output_tokens: 3 } } },
    { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 5 } } },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ]);
}

function ollama(req: http.IncomingMessage, res: http.ServerResponse, body: any, chat: boolean): void {
  const counts = {
    total_duration: 1_234_000_000,
    load_duration: 1_000_000,
    prompt_eval_count: 26,
    prompt_eval_duration: 100_000_000,
    eval_count: 5,
    eval_duration: 900_000_000,
  };
  const piece = (text: string) => (chat ? { message: { role: 'assistant', content: text } } : { response: text });
  if (body.stream === false) {
    return json(req, res, 200, { model: body.model, created_at: '2026-01-01T00:00:00Z', ...piece(FAKE_ANSWER), done: true, done_reason: 'stop', ...counts });
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  for (const p of FAKE_PIECES) res.write(JSON.stringify({ model: body.model, created_at: '2026-01-01T00:00:00Z', ...piece(p), done: false }) + '\n');
  res.end(JSON.stringify({ model: body.model, created_at: '2026-01-01T00:00:00Z', ...piece(''), done: true, done_reason: 'stop', ...counts }) + '\n');
}

export async function startFakeLlmServer(): Promise<FakeLlmServer> {
  const received: FakeLlmServer['received'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: any = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        return json(req, res, 400, { error: { type: 'invalid_json', message: 'bad JSON' } });
      }
      const path = (req.url ?? '/').replace(/\?.*$/, '');
      received.push({ path, body, headers: req.headers });
      if (path.endsWith('/chat/completions')) return openAiChat(req, res, body);
      if (path.endsWith('/responses')) return openAiResponses(req, res, body);
      if (path.endsWith('/embeddings')) {
        return json(req, res, 200, {
          object: 'list',
          data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2, 0.3] }],
          model: body.model,
          usage: { prompt_tokens: 8, total_tokens: 8 },
        });
      }
      if (path.endsWith('/messages')) return anthropicMessages(req, res, body);
      if (path === '/api/chat') return ollama(req, res, body, true);
      if (path === '/api/generate') return ollama(req, res, body, false);
      json(req, res, 404, { error: { type: 'not_found', message: `no route ${path}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
