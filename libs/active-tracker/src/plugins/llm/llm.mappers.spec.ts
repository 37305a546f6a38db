import { parseNdjson, parseSse } from './llm-stream.parser.js';
import { recognizeLlmCall } from './llm-wire.recognizer.js';
import { normalizeLlm } from './llm.plugin.js';

const call = (method: string, url: string, headers: string[] = []) => {
  const m = /^https?:\/\/([^/]+)(\/.*)$/.exec(url)!;
  return { method, url, host: m[1], path: m[2], hasHeader: (name: string) => headers.includes(name) };
};

describe('LLM wire formats', () => {
  it('recognizes calls by path and headers, not by host', () => {
    expect(recognizeLlmCall(call('POST', 'https://my-vllm.internal:8000/v1/chat/completions'))).toEqual({
      format: 'openai',
      provider: 'openai',
      operation: 'chat',
    });
    expect(recognizeLlmCall(call('POST', 'https://acme.openai.azure.com/openai/deployments/gpt4/chat/completions?api-version=2024-10-21'))).toEqual({
      format: 'openai',
      provider: 'azure',
      operation: 'chat',
    });
    expect(recognizeLlmCall(call('POST', 'https://openrouter.ai/api/v1/responses'))).toMatchObject({ provider: 'openrouter', operation: 'responses' });
    expect(recognizeLlmCall(call('POST', 'http://litellm:4000/embeddings'))).toMatchObject({ operation: 'embeddings' });
    expect(recognizeLlmCall(call('POST', 'https://proxy.example/v1/messages', ['anthropic-version']))).toEqual({
      format: 'anthropic',
      provider: 'anthropic',
      operation: 'messages',
    });
    expect(recognizeLlmCall(call('POST', 'https://chat.example/v1/messages'))).toBeNull();
    expect(recognizeLlmCall(call('POST', 'http://localhost:11434/api/chat'))).toEqual({ format: 'ollama', provider: 'ollama', operation: 'chat' });
    expect(recognizeLlmCall(call('POST', 'http://localhost:11434/api/generate'))).toMatchObject({ operation: 'generate' });
    expect(recognizeLlmCall(call('GET', 'https://api.openai.com/v1/chat/completions'))).toBeNull();
    expect(recognizeLlmCall(call('POST', 'https://api.example.com/orders'))).toBeNull();
    const custom = (c: { path: string }) => (c.path.startsWith('/cohere/') ? { format: 'openai' as const, provider: 'cohere', operation: 'chat' } : null);
    expect(recognizeLlmCall(call('POST', 'https://gw/cohere/v2/chat'), [custom])).toEqual({ format: 'openai', provider: 'cohere', operation: 'chat' });
  });

  it('parses SSE (named events, multi-line data, comments, CRLF, a last event without its blank line) and NDJSON with byte offsets', () => {
    const text = ': hi\r\nevent: a\r\ndata: {"x":1}\r\n\r\ndata: line1\ndata: line2\n\ndata: tail';
    const events = parseSse(Buffer.from(text));
    expect(events.map((e) => [e.event, e.data])).toEqual([
      ['a', '{"x":1}'],
      [null, 'line1\nline2'],
      [null, 'tail'],
    ]);
    expect(events[0].end).toBe(text.indexOf('data: line1'));
    expect(events[2].end).toBe(Buffer.byteLength(text));
    const nd = parseNdjson(Buffer.from('{"a":1}\n\n{"b":"é"}\n'));
    expect(nd.map((e) => e.data)).toEqual(['{"a":1}', '{"b":"é"}']);
    expect(nd[1].end).toBe(Buffer.byteLength('{"a":1}\n\n{"b":"é"}\n'));
  });
});

describe('mappers (normalizeLlm, for adapters)', () => {
  it('Ollama: counts from the answer, durations in nanoseconds turned into ms', () => {
    const i = normalizeLlm('ollama', {
      request: { model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }], stream: false },
      response: {
        model: 'llama3.2',
        message: { role: 'assistant', content: 'hello' },
        done: true,
        done_reason: 'stop',
        total_duration: 1_234_567_000,
        prompt_eval_count: 26,
        eval_count: 5,
      },
    });
    expect(i).toMatchObject({
      provider: 'ollama',
      model: 'llama3.2',
      requestText: 'hi',
      responseText: 'hello',
      inputTokens: 26,
      outputTokens: 5,
      latencyMs: 1234.567,
      finishReasons: ['stop'],
    });
  });

  it('OpenAI: prompt_tokens already include cached tokens; the split is kept, nothing added', () => {
    const i = normalizeLlm('openai', {
      request: {
        model: 'gpt-4o',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image_url', image_url: { url: 'x' } },
            ],
          },
        ],
      },
      response: {
        model: 'gpt-4o-2024-08-06',
        choices: [
          { message: { content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] }, finish_reason: 'tool_calls' },
        ],
        usage: { prompt_tokens: 100, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 60 } },
      },
      meta: { project: 'p', sessionId: 's' },
    });
    expect(i).toMatchObject({
      requestText: 'look',
      responseText: null,
      inputTokens: 100,
      cacheReadTokens: 60,
      outputTokens: 20,
      finishReasons: ['tool_calls'],
      project: 'p',
      sessionId: 's',
    });
  });

  it('an unknown provider uses the fallback mapper; a custom mapper wins for its provider', () => {
    expect(
      normalizeLlm('cohere', { request: { model: 'command-r', prompt: 'p' }, response: { text: 'answer', usage: { input_tokens: 3, output_tokens: 4 } } }),
    ).toMatchObject({
      provider: 'cohere',
      model: 'command-r',
      requestText: 'p',
      responseText: 'answer',
      inputTokens: 3,
      outputTokens: 4,
    });
    const custom = normalizeLlm(
      'cohere',
      { request: { model: 'command-r' }, response: { meta: { billed_units: { input_tokens: 9 } } } },
      { cohere: ({ response }) => ({ inputTokens: (response as any).meta.billed_units.input_tokens }) },
    );
    expect(custom).toMatchObject({ provider: 'cohere', model: 'command-r', inputTokens: 9 });
  });
});
