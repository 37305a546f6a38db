import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { setTimeout as sleep } from 'node:timers/promises';
import { runInContext, TrackerContext } from '../../context/request-context.js';
import { fakeHost } from '../../../test/support/fake-host.js';
import { ANTHROPIC_USAGE, FAKE_ANSWER, startFakeLlmServer, type FakeLlmServer } from '../../../test/support/llm-fake-server.js';
import { trackedFetch } from './llm-capture.js';
import { llm, type LlmPluginOptions } from './llm.plugin.js';
import type { LlmEntryContent } from './llm.types.js';

/**
 * The real `openai` and `@anthropic-ai/sdk` clients against a local server speaking their wire
 * formats. Node 22+ publishes fetch's body chunks on diagnostics_channel, so the SDKs are used
 * untouched (zero-code); Node 20 does not, so there they get `fetch: trackedFetch`. The
 * trackedFetch suite runs on every version.
 */
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const ZERO_CODE = NODE_MAJOR >= 22;

let fake: FakeLlmServer;
beforeAll(async () => {
  fake = await startFakeLlmServer();
});
afterAll(() => fake?.stop());

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for the condition');
    await sleep(5);
  }
}

async function started(options: LlmPluginOptions = {}) {
  const plugin = llm({ review: false, export: false, defaultPrices: false, ...options });
  const { host, drafts, records } = fakeHost(plugin);
  const teardown = await plugin.register(host);
  const contents = () => drafts.filter((d) => d.type === 'llm').map((d) => d.content as unknown as LlmEntryContent);
  return { plugin, drafts, records, teardown, contents };
}

/** How each path hands the SDK its fetch. */
const PATHS: Array<{ name: string; fetch: typeof fetch | undefined }> = ZERO_CODE
  ? [
      { name: `zero-code (Node ${NODE_MAJOR}: fetch's body chunk channels)`, fetch: undefined },
      { name: 'trackedFetch', fetch: trackedFetch },
    ]
  : [{ name: `trackedFetch (Node ${NODE_MAJOR} publishes no body chunks)`, fetch: trackedFetch }];

describe.each(PATHS)('LLM capture from fetch: $name', ({ fetch: sdkFetch }) => {
  let s: Awaited<ReturnType<typeof started>>;
  beforeEach(async () => {
    s = await started();
  });
  afterEach(() => s.teardown());

  const openai = () => new OpenAI({ apiKey: 'sk-test-key-not-real', baseURL: `${fake.url}/v1`, maxRetries: 0, ...(sdkFetch ? { fetch: sdkFetch } : {}) });
  const anthropic = () => new Anthropic({ apiKey: 'test-key', baseURL: fake.url, maxRetries: 0, ...(sdkFetch ? { fetch: sdkFetch } : {}) });

  it('OpenAI chat completion (JSON): model, texts, tokens with the cached split, finish reason, in the batch of the request', async () => {
    const batch = new TrackerContext('tracker-1');
    const answer = await runInContext(batch, () =>
      openai().chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Say hello' },
        ],
      }),
    );
    expect(answer.choices[0].message.content).toBe(FAKE_ANSWER);
    await until(() => s.contents().length === 1);
    const [c] = s.contents();
    expect(c).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
      responseModel: 'gpt-4o-mini-2024-08-06',
      operation: 'chat',
      source: 'fetch',
      requestText: 'Say hello',
      responseText: FAKE_ANSWER,
      inputTokens: 40,
      cacheReadTokens: 10,
      outputTokens: 5,
      reasoningTokens: 2,
      totalTokens: 45,
      finishReasons: ['stop'],
      status: 'success',
      streamed: false,
      timeToFirstTokenMs: null,
      reviewState: 'unreviewed',
    });
    expect(c.url).toBe(`${fake.url}/v1/chat/completions`);
    expect((c.requestPayload as any).messages[1]).toEqual({ role: 'user', content: 'Say hello' });
    expect(typeof c.latencyMs).toBe('number');
    expect(s.records[0].batch).toBe(batch);
    expect(s.drafts[0].batchId).toBe(batch.batchId);
  });

  it('OpenAI chat streamed with include_usage: the host reads every chunk unchanged; usage from the final chunk; time to first token', async () => {
    const stream = await openai().chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Stream please' }],
    });
    let text = '';
    let usageSeen = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usageSeen = true;
    }
    expect(text).toBe(FAKE_ANSWER);
    expect(usageSeen).toBe(true);
    await until(() => s.contents().length === 1);
    const [c] = s.contents();
    expect(c).toMatchObject({
      streamed: true,
      responseText: FAKE_ANSWER,
      inputTokens: 40,
      cacheReadTokens: 10,
      outputTokens: 5,
      finishReasons: ['stop'],
      status: 'success',
    });
    expect(typeof c.timeToFirstTokenMs).toBe('number');
    expect(c.timeToFirstTokenMs!).toBeLessThanOrEqual(c.latencyMs!);
    expect((c.responsePayload as any).choices[0].message.content).toBe(FAKE_ANSWER);
  });

  it('OpenAI responses API, streamed: text from the deltas, usage from response.completed', async () => {
    const stream = await openai().responses.create({ model: 'gpt-4.1', input: 'Tell me', stream: true });
    let text = '';
    for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;
    expect(text).toBe(FAKE_ANSWER);
    await until(() => s.contents().length === 1);
    expect(s.contents()[0]).toMatchObject({
      operation: 'responses',
      requestText: 'Tell me',
      responseText: FAKE_ANSWER,
      inputTokens: 40,
      cacheReadTokens: 10,
      outputTokens: 5,
      reasoningTokens: 2,
      streamed: true,
    });
  });

  it('OpenAI embeddings: tokens, vectors kept as their dimension count', async () => {
    const result = await openai().embeddings.create({ model: 'text-embedding-3-small', input: 'embed me' });
    expect(result.data[0].embedding).toHaveLength(3);
    await until(() => s.contents().length === 1);
    const [c] = s.contents();
    expect(c).toMatchObject({ operation: 'embeddings', requestText: 'embed me', inputTokens: 8 });
    expect((c.responsePayload as any).data[0].embedding).toBe('[3 dimensions]');
  });

  it('a gzipped JSON answer is decoded before it is read', async () => {
    const answer = await openai().chat.completions.create({ model: 'gzip-model', messages: [{ role: 'user', content: 'zip' }] });
    expect(answer.choices[0].message.content).toBe(FAKE_ANSWER);
    await until(() => s.contents().length === 1);
    expect(s.contents()[0]).toMatchObject({ responseText: FAKE_ANSWER, inputTokens: 40 });
  });

  it('an error answer: the SDK throws as usual, the interaction has status error with the provider error type and message', async () => {
    await expect(openai().chat.completions.create({ model: 'fail-model', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow(/does not exist/);
    await until(() => s.contents().length === 1);
    expect(s.contents()[0]).toMatchObject({ status: 'error', errorClass: 'invalid_request_error', errorMessage: 'The model fail-model does not exist' });
  });

  it('Anthropic messages (JSON): input tokens include cache reads and writes, counted once', async () => {
    const message = await anthropic().messages.create({
      model: 'claude-3-5-haiku-latest',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hi Claude' }],
    });
    expect(message.content[0]).toMatchObject({ type: 'text', text: FAKE_ANSWER });
    await until(() => s.contents().length === 1);
    const { input_tokens, cache_read_input_tokens, cache_creation_input_tokens } = ANTHROPIC_USAGE;
    expect(s.contents()[0]).toMatchObject({
      provider: 'anthropic',
      operation: 'messages',
      requestText: 'Hi Claude',
      responseText: FAKE_ANSWER,
      inputTokens: input_tokens + cache_read_input_tokens + cache_creation_input_tokens,
      cacheReadTokens: 20,
      cacheCreationTokens: 7,
      outputTokens: 5,
      totalTokens: 62,
      finishReasons: ['end_turn'],
    });
  });

  it('Anthropic messages streamed: running usage totals, the last one kept; the host stream is unchanged', async () => {
    const stream = await anthropic().messages.create({
      model: 'claude-sonnet-4-0',
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: 'Stream, Claude' }],
    });
    let text = '';
    for await (const event of stream) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    expect(text).toBe(FAKE_ANSWER);
    await until(() => s.contents().length === 1);
    const [c] = s.contents();
    expect(c).toMatchObject({ streamed: true, responseText: FAKE_ANSWER, inputTokens: 57, outputTokens: 5, finishReasons: ['end_turn'] });
    expect(typeof c.timeToFirstTokenMs).toBe('number');
  });

  it('Ollama over plain fetch: NDJSON chat stream and a JSON generate; counts from the final line', async () => {
    const doFetch = sdkFetch ?? fetch;
    const chat = await doFetch(`${fake.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'Hi llama' }] }),
    });
    const lines = (await chat.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.message.content).join('')).toBe(FAKE_ANSWER);
    const generate = await doFetch(`${fake.url}/api/generate`, {
      method: 'POST',
      body: JSON.stringify({ model: 'llama3.2', prompt: 'Why is the sky blue?', stream: false }),
    });
    expect(((await generate.json()) as any).response).toBe(FAKE_ANSWER);
    await until(() => s.contents().length === 2);
    const [c, g] = s.contents();
    expect(c).toMatchObject({
      provider: 'ollama',
      operation: 'chat',
      requestText: 'Hi llama',
      responseText: FAKE_ANSWER,
      inputTokens: 26,
      outputTokens: 5,
      streamed: true,
      finishReasons: ['stop'],
    });
    expect(g).toMatchObject({ provider: 'ollama', operation: 'generate', requestText: 'Why is the sky blue?', responseText: FAKE_ANSWER, streamed: false });
  });

  it('a stream the caller aborts is recorded as canceled, with what had arrived', async () => {
    const controller = new AbortController();
    const stream = await openai().chat.completions.create(
      { model: 'hang-model', stream: true, messages: [{ role: 'user', content: 'abort me' }] },
      { signal: controller.signal },
    );
    let text = '';
    try {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        controller.abort();
      }
    } catch (error) {
      // The SDK may end the iteration quietly on an abort, or throw its abort error.
      expect(String((error as Error).name)).toMatch(/Abort/);
    }
    expect(text).toBe('Hello');
    await until(() => s.contents().length === 1);
    expect(s.contents()[0]).toMatchObject({ status: 'canceled', responseText: 'Hello', streamed: true });
  });

  it('other calls are not LLM calls; filtered URLs are left alone', async () => {
    const doFetch = sdkFetch ?? fetch;
    await (await doFetch(`${fake.url}/v1/models`, { method: 'POST', body: '{}' })).text();
    await (await doFetch(`${fake.url}/v1/chat/completions`, { method: 'GET' })).text();
    s.teardown();
    s = await started({ filters: [fake.url] });
    await openai().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'filtered' }] });
    await sleep(50);
    expect(s.contents()).toEqual([]);
  });
});

describe('trackedFetch', () => {
  it('without a running tracker it is fetch: nothing recorded, the answer untouched', async () => {
    const res = await trackedFetch(`${fake.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o', messages: [] }) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).choices[0].message.content).toBe(FAKE_ANSWER);
  });

  it('keeps status, headers and URL of the answer, and records each call once even where the channels also see it', async () => {
    const s = await started();
    try {
      const res = await trackedFetch(`${fake.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'once' }] }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.url).toBe(`${fake.url}/v1/chat/completions`);
      expect(((await res.json()) as any).choices[0].message.content).toBe(FAKE_ANSWER);
      await until(() => s.contents().length === 1);
      await sleep(50);
      expect(s.contents()).toHaveLength(1);
    } finally {
      s.teardown();
    }
  });
});
