import { Controller, Module, Post, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { ActiveTrackerModule } from '../../active-tracker.module.js';
import { ActiveTracker } from '../../active-tracker.service.js';
import { notifications } from '../../bus/instrumentation-bus.js';
import { isEncryptedValue } from '../../entries/encrypted-value.js';
import { EntryRepository } from '../../storage/entry-repository.js';
import { histogramBucket, quantiles } from '../../storage/histogram.js';
import { requests } from '../requests/requests.plugin.js';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { LLM_COUNTERS } from './llm-interaction.builder.js';
import { llm, recordLlm, type LlmPluginOptions } from './llm.plugin.js';
import { LLM_ENCRYPTED_FIELDS, type LlmInteraction } from './llm.types.js';

const KEY = randomBytes(32).toString('base64');
const ADA = { 'x-user': 'ada' };
const BOB = { 'x-user': 'bob' };
const api = (path: string) => `/activetracker/api/llm/${path}`;

@Controller()
class AskController {
  constructor(private readonly tracker: ActiveTracker) {}

  @Post('ask')
  async ask() {
    const result = await this.tracker.llm.record({ provider: 'openai', model: 'gpt-4o-mini', requestText: 'from a request', inputTokens: 3, outputTokens: 1 });
    return { success: result.success, id: result.interaction?.id ?? null };
  }
}

function pluginOptions(extra: LlmPluginOptions = {}): LlmPluginOptions {
  return {
    // Readers may read; only ada reviews, exports and records through the API.
    authorize: (user, action) => action === 'read' || user === 'ada',
    persistAsync: false,
    project: 'support',
    pricing: [
      { id: 'mini', provider: 'openai', model: 'gpt-4o-mini*', inputPerMillion: 0.15, outputPerMillion: 0.6, cacheReadPerMillion: 0.075 },
      {
        id: 'haiku',
        provider: 'anthropic',
        model: 'claude-3-5-haiku*',
        inputPerMillion: 0.8,
        outputPerMillion: 4,
        cacheReadPerMillion: 0.08,
        cacheWritePerMillion: 1,
      },
    ],
    ...extra,
  };
}

async function boot(options: Parameters<typeof ActiveTrackerModule.forRoot>[0]): Promise<INestApplication> {
  @Module({ imports: [ActiveTrackerModule.forRoot(options)], controllers: [AskController] })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('llm() plugin: boot checks', () => {
  it('requires authorize when the review or export routes are on, naming the option', async () => {
    await expect(boot({ plugins: [llm()] })).rejects.toThrow(/plugin "llm": "authorize" is required/);
    await expect(boot({ plugins: [llm({ review: false })] })).rejects.toThrow(/"authorize" is required/);
    const app = await boot({ plugins: [llm({ review: false, export: false })] });
    await app.close();
  });

  it('in production, fails without encryption of the LLM fields (naming the option) unless explicitly opted out', async () => {
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await expect(boot({ plugins: [llm({ authorize: () => true })] })).rejects.toThrow(/"encryption" option .*fields: \{ llm: \['requestPayload'/);
      await expect(boot({ plugins: [llm({ authorize: () => true })], encryption: { keys: { k1: KEY }, fields: { llm: ['requestText'] } } })).rejects.toThrow(
        /missing: requestPayload/,
      );
      const encrypted = await boot({
        plugins: [llm({ authorize: () => true })],
        encryption: { keys: { k1: KEY }, fields: { llm: [...LLM_ENCRYPTED_FIELDS] } },
      });
      await encrypted.close();
      const optedOut = await boot({ plugins: [llm({ authorize: () => true, encryption: false })] });
      await optedOut.close();
    } finally {
      process.env.NODE_ENV = env;
    }
  });

  it('lists bad options', async () => {
    await expect(boot({ plugins: [llm({ authorize: () => true, pricing: [{ model: 'x' } as never], nope: 1 } as never)] })).rejects.toThrow(
      /unknown option "nope"[\s\S]*pricing\[0\]\.inputPerMillion must be/,
    );
  });
});

// Every behaviour on both stores: the embedded memory store and a private redis-server.
describe.each(['memory', 'redis'] as const)('llm() plugin in a Nest app (%s store)', (store) => {
  let app: INestApplication;
  let tracker: ActiveTracker;
  let repo: EntryRepository;
  let redis: RedisServer | undefined;

  beforeAll(async () => {
    if (store === 'redis') redis = await startRedisServer();
    app = await boot({
      ...(redis ? { redis: redis.url, keyPrefix: `{llm-spec-${process.pid}}:` } : {}),
      actor: (req) => req.headers['x-user'] ?? null,
      authorize: () => true,
      plugins: [requests(), llm(pluginOptions())],
      encryption: { keys: { k1: KEY }, fields: { llm: [...LLM_ENCRYPTED_FIELDS] }, canDecrypt: (req) => req.headers['x-user'] === 'ada' },
    });
    tracker = app.get(ActiveTracker);
    repo = app.get(EntryRepository);
  });
  afterAll(async () => {
    await app?.close();
    await redis?.stop();
  });

  const server = () => app.getHttpServer();

  it('tracker.llm.record: TraceBook fields, inline persistence, { success, error, interaction }; redacted, priced, encrypted at rest', async () => {
    const result = await tracker.llm.record({
      provider: 'openai',
      model: 'gpt-4o-mini',
      requestPayload: { messages: [{ role: 'user', content: 'My card is 4242 4242 4242 4242, mail ada@example.com' }], temperature: 0.2 },
      responsePayload: { choices: [{ message: { content: 'Noted.' } }] },
      requestText: 'My card is 4242 4242 4242 4242, mail ada@example.com',
      responseText: 'Noted.',
      inputTokens: 1000,
      cacheReadTokens: 400,
      outputTokens: 100,
      latencyMs: 187,
      status: 'success',
      tags: ['triage', 'priority'],
      metadata: { ticketId: 42 },
      user: 'customer-7',
      sessionId: 'sess-1',
    });
    expect(result.success).toBe(true);
    expect(result.error).toBeNull();
    const i = result.interaction!;
    expect(i.id).toMatch(/^[0-9A-Z]{26}$/);
    // 600 uncached × 0.15 + 400 cached × 0.075 = 120; 100 × 0.6 = 60.
    expect(i).toMatchObject({
      provider: 'openai',
      project: 'support',
      sessionId: 'sess-1',
      user: 'customer-7',
      tags: ['triage', 'priority'],
      cost: { micros: 180, currency: 'USD', rule: 'mini' },
      priced: true,
    });
    expect(i.requestText).toBe('My card is [REDACTED:card], mail [REDACTED:email]');
    const stored = (await repo.find(i.id!))!;
    expect(stored).not.toBeNull();
    for (const field of ['requestPayload', 'responsePayload', 'requestText', 'responseText', 'label'])
      expect(isEncryptedValue(stored.content[field])).toBe(true);
    expect(JSON.stringify(stored)).not.toContain('4242');
    const detail = await request(server())
      .get(api(`interactions/${i.id}`))
      .set(ADA)
      .expect(200);
    expect(detail.body.data).toMatchObject({
      id: i.id,
      requestText: 'My card is [REDACTED:card], mail [REDACTED:email]',
      responseText: 'Noted.',
      sessionId: 'sess-1',
      inputTokens: 1000,
      cacheReadTokens: 400,
    });
    expect(detail.body.data.requestPayload.messages[0].content).toContain('[REDACTED:card]');
    const other = await request(server())
      .get(api(`interactions/${i.id}`))
      .set(BOB)
      .expect(200);
    expect(other.body.data.requestText).toBe('[encrypted]');
  });

  it('record outside DI (recordLlm) and bad input: success false with the reason, nothing thrown', async () => {
    const ok = await recordLlm({ provider: 'ollama', model: 'llama3.2', inputTokens: 5, outputTokens: 2 });
    expect(ok).toMatchObject({ success: true, interaction: { provider: 'ollama', priced: false, cost: null } });
    const bad = await tracker.llm.record({ provider: '', model: 'm', inputTokens: -1 } as never);
    expect(bad.success).toBe(false);
    expect(bad.error?.message).toMatch(/provider must be a non-empty string; inputTokens must be a number ≥ 0/);
    expect(bad.interaction).toBeNull();
  });

  it("an interaction recorded during a request sits in that request's batch", async () => {
    const res = await request(server()).post('/ask').expect(201);
    expect(res.body.success).toBe(true);
    // The request's batch is written once its response has closed.
    let entry: Awaited<ReturnType<typeof repo.find>> = null;
    for (let tries = 0; !entry && tries < 100; tries++) {
      await tracker.flush();
      entry = await repo.find(res.body.id);
      if (!entry) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const batch = await repo.batch(entry!.batchId!);
    expect(batch.map((e) => e.type).sort()).toEqual(['llm', 'request']);
    // The request carries its LLM totals (3 in, 1 out at the gpt-4o-mini rule: 3 × 0.15 + 1 × 0.6 = 1.05 → 1 micro-unit).
    const requestEntry = batch.find((e) => e.type === 'request')!;
    expect(requestEntry.content.llm).toEqual({ calls: 1, errors: 0, inputTokens: 3, outputTokens: 1, cost: { USD: 1 }, unpriced: 0, latencyMs: 0 });
  });

  it('the bus adapter: llm.request events published with instrument become interactions (mapper + meta)', async () => {
    const parent = (
      await tracker.llm.record({ provider: 'anthropic', model: 'claude-3-5-haiku-latest', requestText: 'plan', sessionId: 'agent-run', tags: ['agent'] })
    ).interaction!;
    notifications.instrument(
      'llm.request',
      {
        provider: 'anthropic',
        request: { model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'step one' }] },
        response: {
          model: 'claude-3-5-haiku-latest',
          content: [{ type: 'text', text: 'done' }],
          stop_reason: 'end_turn',
          usage: { input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 3 },
        },
        meta: { project: 'agents', sessionId: 'agent-run', parentId: parent.id, tags: ['agent'], user: 'bot' },
      },
      () => 'ok',
    );
    await tracker.flush();
    const list = await request(server()).get(api('interactions?session=agent-run')).set(ADA).expect(200);
    const child = list.body.data.find((i: LlmInteraction) => i.parentId === parent.id);
    expect(child).toMatchObject({
      source: 'bus',
      provider: 'anthropic',
      project: 'agents',
      inputTokens: 15,
      cacheReadTokens: 5,
      outputTokens: 3,
      responseText: 'done',
      requestText: 'step one',
    });
    const detail = await request(server())
      .get(api(`interactions/${parent.id}`))
      .set(ADA)
      .expect(200);
    expect(detail.body.children.map((c: { id: string }) => c.id)).toEqual([child.id]);
    expect(detail.body.session.map((c: { id: string }) => c.id)).toEqual([parent.id, child.id]);
    expect(detail.body.sessionTree).toMatchObject([{ id: parent.id, children: [{ id: child.id, children: [] }] }]);
    const childDetail = await request(server())
      .get(api(`interactions/${child.id}`))
      .set(ADA)
      .expect(200);
    expect(childDetail.body.parent.id).toBe(parent.id);
  });

  it('lists with filters and a cursor; bad filters answer 400 with a message', async () => {
    for (let n = 0; n < 3; n++)
      await tracker.llm.record({
        provider: 'openai',
        model: 'gpt-4o-mini',
        project: 'paging',
        status: n === 1 ? 'error' : 'success',
        errorClass: n === 1 ? 'RateLimitError' : undefined,
        user: `u${n}`,
        tags: n === 2 ? ['vip'] : [],
      });
    const first = await request(server()).get(api('interactions?project=paging&limit=2')).set(ADA).expect(200);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.next).toEqual(expect.any(String));
    const second = await request(server())
      .get(api(`interactions?project=paging&limit=2&before=${first.body.next}`))
      .set(ADA)
      .expect(200);
    expect(second.body.data).toHaveLength(1);
    expect(second.body.next).toBeNull();
    expect([...first.body.data, ...second.body.data].map((i: LlmInteraction) => i.user)).toEqual(['u2', 'u1', 'u0']);
    expect((await request(server()).get(api('interactions?project=paging&status=error')).set(ADA)).body.data.map((i: LlmInteraction) => i.user)).toEqual([
      'u1',
    ]);
    expect((await request(server()).get(api('interactions?project=paging&tag=vip')).set(ADA)).body.data.map((i: LlmInteraction) => i.user)).toEqual(['u2']);
    expect((await request(server()).get(api('interactions?project=paging&user=u0')).set(ADA)).body.data).toHaveLength(1);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(
      (
        await request(server())
          .get(api(`interactions?project=paging&from=${future}`))
          .set(ADA)
      ).body.data,
    ).toEqual([]);
    expect((await request(server()).get(api('interactions?project=paging&to=2000-01-01')).set(ADA)).body.data).toEqual([]);
    for (const bad of ['status=maybe', 'review=nice', 'limit=0', 'limit=abc', 'before=xyz', 'from=yesterday', 'unknown=1', 'from=2025-02-01&to=2025-01-01']) {
      const res = await request(server())
        .get(api(`interactions?${bad}`))
        .set(ADA)
        .expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toBeTruthy();
    }
    await request(server()).get(api('interactions/not-an-id')).set(ADA).expect(400);
    await request(server()).get(api('interactions/01ARZ3NDEKTSV4RRFFQ69G5FAV')).set(ADA).expect(404);
  });

  it('review: state with comment, reviewer and time; audit trail; 409 on a stale version; 400, 403 and 404', async () => {
    const { interaction } = await tracker.llm.record({ provider: 'openai', model: 'gpt-4o-mini', requestText: 'review me' });
    const id = interaction!.id!;
    const done = await request(server())
      .patch(api(`interactions/${id}/review`))
      .set(ADA)
      .send({ state: 'flagged', comment: 'hallucinated a refund policy', expectedVersion: 1 })
      .expect(200);
    expect(done.body.data).toMatchObject({ reviewState: 'flagged', reviewComment: 'hallucinated a refund policy', reviewedBy: 'ada', version: 2 });
    expect(Date.parse(done.body.data.reviewedAt)).not.toBeNaN();
    await request(server())
      .patch(api(`interactions/${id}/review`))
      .set(ADA)
      .send({ state: 'approved', expectedVersion: 1 })
      .expect(409);
    await request(server())
      .patch(api(`interactions/${id}/review`))
      .set(ADA)
      .send({ state: 'approved', comment: 'fixed upstream' })
      .expect(200);
    // The comment is encrypted at rest, in the entry and in its audit trail.
    const raw = await repo.audit(id);
    expect(raw).toHaveLength(2);
    expect(isEncryptedValue(raw[0].to.content!.reviewComment)).toBe(true);
    expect(raw[0].comment).toBeNull();
    const detail = await request(server())
      .get(api(`interactions/${id}`))
      .set(ADA)
      .expect(200);
    expect(detail.body.audit.map((a: any) => [a.actor, a.from.content.reviewState, a.to.content.reviewState, a.to.content.reviewComment])).toEqual([
      ['ada', 'unreviewed', 'flagged', 'hallucinated a refund policy'],
      ['ada', 'flagged', 'approved', 'fixed upstream'],
    ]);
    expect((await request(server()).get(api('interactions?review=approved')).set(ADA)).body.data.map((i: LlmInteraction) => i.id)).toContain(id);
    const bad = await request(server())
      .patch(api(`interactions/${id}/review`))
      .set(ADA)
      .send({ state: 'great' })
      .expect(400);
    expect(String(bad.body.message)).toMatch(/state must be one of/);
    await request(server())
      .patch(api(`interactions/${id}/review`))
      .set(BOB)
      .send({ state: 'rejected' })
      .expect(403);
    await request(server())
      .patch(api(`interactions/${id}/review`))
      .set({ ...ADA, Origin: 'https://evil.example' })
      .send({ state: 'rejected' })
      .expect(403);
    await request(server()).patch(api('interactions/01ARZ3NDEKTSV4RRFFQ69G5FAV/review')).set(ADA).send({ state: 'rejected' }).expect(404);
  });

  it('bulk review: every interaction changed and audited on its own', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) ids.push((await tracker.llm.record({ provider: 'openai', model: 'gpt-4o-mini', project: 'bulk' })).interaction!.id!);
    const res = await request(server())
      .post(api('interactions/review'))
      .set(ADA)
      .send({ ids: [...ids, '01ARZ3NDEKTSV4RRFFQ69G5FAV'], state: 'rejected', comment: 'off-topic' })
      .expect(200);
    expect(res.body.reviewed).toBe(3);
    expect(res.body.data[3]).toMatchObject({ ok: false, status: 404 });
    for (const id of ids) {
      const trail = await repo.audit(id);
      expect(trail).toHaveLength(1);
      expect(trail[0]).toMatchObject({ actor: 'ada', to: { tags: { review: 'rejected' } } });
    }
    await request(server()).post(api('interactions/review')).set(ADA).send({ ids: [], state: 'rejected' }).expect(400);
    await request(server()).post(api('interactions/review')).set(BOB).send({ ids, state: 'approved' }).expect(403);
  });

  it('rollups and KPIs: exact after a known workload, kept at write time', async () => {
    const workload = [
      { model: 'claude-3-5-haiku-20241022', inputTokens: 1000, cacheReadTokens: 500, cacheCreationTokens: 100, outputTokens: 200, latencyMs: 100 },
      { model: 'claude-3-5-haiku-20241022', inputTokens: 2000, outputTokens: 300, latencyMs: 300 },
      { model: 'claude-3-5-haiku-20241022', inputTokens: 10, outputTokens: 0, latencyMs: 200, status: 'error' as const, errorClass: 'overloaded_error' },
    ];
    for (const w of workload) await tracker.llm.record({ provider: 'anthropic', project: 'rollup', ...w });
    const res = await request(server()).get(api('rollups?project=rollup')).set(ADA).expect(200);
    expect(res.body.data).toHaveLength(1);
    // Costs: (400 × 0.8 + 500 × 0.08 + 100 × 1) + 200 × 4 = 1260; 2000 × 0.8 + 300 × 4 = 2800; 10 × 0.8 = 8.
    expect(res.body.data[0]).toMatchObject({
      date: new Date().toISOString().slice(0, 10),
      provider: 'anthropic',
      model: 'claude-3-5-haiku-20241022',
      project: 'rollup',
      calls: 3,
      errors: 1,
      inputTokens: 3010,
      outputTokens: 500,
      cacheReadTokens: 500,
      cacheCreationTokens: 100,
      totalTokens: 3510,
      cost: { USD: 4068 },
      unpriced: 0,
      avgLatencyMs: 200,
    });
    // Read from the write-time histogram, as the store's quantiles read any histogram.
    const histogram = new Map<number, number>();
    for (const w of workload) histogram.set(histogramBucket(w.latencyMs), (histogram.get(histogramBucket(w.latencyMs)) ?? 0) + 1);
    expect(res.body.data[0].p95LatencyMs).toBe(quantiles(histogram, [0.95])[0]);
    expect(res.body.data[0].p95LatencyMs).toBeGreaterThanOrEqual(200 * 0.98);
    const kpis = await request(server()).get(api('kpis?project=rollup')).set(ADA).expect(200);
    expect(kpis.body).toMatchObject({ source: 'counters', data: { calls: 3, errors: 1, errorRate: 0.3333, cost: { USD: 4068 }, avgLatencyMs: 200 } });
    const errors = await request(server()).get(api('kpis?project=rollup&status=error')).set(ADA).expect(200);
    expect(errors.body).toMatchObject({ source: 'entries', truncated: false, data: { calls: 1, errors: 1, inputTokens: 10, cost: { USD: 8 } } });
    const counters = await repo.counters({ name: LLM_COUNTERS.calls, granularity: 'day', from: Date.now(), to: Date.now() });
    expect(counters.buckets[0].values['anthropic|claude-3-5-haiku-20241022|rollup']).toBe(3);
    await request(server()).get(api('rollups?from=2020-01-01&to=2025-01-01')).set(ADA).expect(400);
  });

  it('export: CSV and NDJSON streamed, respecting filters, decrypted for the exporter; 403 for others', async () => {
    const csv = await request(server()).get(api('export?format=csv&project=paging')).set(ADA).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="llm-interactions-.*\.csv"/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^id,occurredAt,batchId,provider,model,/);
    expect(lines).toHaveLength(4);
    const nd = await request(server())
      .get(api('export?format=ndjson&project=rollup'))
      .set(ADA)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => done(null, text));
      })
      .expect(200);
    const rows = (nd.body as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => r.inputTokens)).toEqual([10, 2000, 1000]);
    await request(server()).get(api('export?format=xml')).set(ADA).expect(400);
    await request(server()).get(api('export?format=csv')).set(BOB).expect(403);
  });

  it('pricing rules through the API: list, add (validated), delete', async () => {
    const list = await request(server()).get(api('pricing-rules')).set(ADA).expect(200);
    expect(list.body.data.map((r: { id: string }) => r.id)).toEqual(['mini', 'haiku']);
    const added = await request(server())
      .post(api('pricing-rules'))
      .set(ADA)
      .send({ id: 'llama', provider: 'ollama', model: 'llama3*', inputPerMillion: 0, outputPerMillion: 0 })
      .expect(200);
    expect(added.body.data).toMatchObject({ id: 'llama', currency: 'USD' });
    const priced = await tracker.llm.record({ provider: 'ollama', model: 'llama3.2', inputTokens: 5, outputTokens: 5 });
    expect(priced.interaction).toMatchObject({ priced: true, cost: { micros: 0, rule: 'llama' } });
    await request(server()).post(api('pricing-rules')).set(ADA).send({ model: 'x', inputPerMillion: -1, outputPerMillion: 1 }).expect(400);
    await request(server()).post(api('pricing-rules')).set(BOB).send({ model: 'x', inputPerMillion: 1, outputPerMillion: 1 }).expect(403);
    await request(server()).delete(api('pricing-rules?id=llama')).set(ADA).expect(200);
    await request(server()).delete(api('pricing-rules?id=llama')).set(ADA).expect(404);
  });

  it('POST interactions records for scripts (validated, authorized)', async () => {
    const res = await request(server())
      .post(api('interactions'))
      .set(ADA)
      .send({ provider: 'openai', model: 'gpt-4o-mini', requestText: 'from a script', inputTokens: 7, outputTokens: 3, sessionId: 'script' })
      .expect(200);
    expect(res.body.data).toMatchObject({ source: 'api', sessionId: 'script', inputTokens: 7 });
    const bad = await request(server()).post(api('interactions')).set(ADA).send({ provider: 'openai', inputTokens: 'many' }).expect(400);
    expect(String(bad.body.message)).toMatch(/model/);
    await request(server()).post(api('interactions')).set(BOB).send({ provider: 'openai', model: 'm' }).expect(403);
  });

  it('view metadata and sidebar statistics', async () => {
    const meta = await request(server()).get('/activetracker/api/meta').expect(200);
    const plugin = meta.body.data.plugins.find((p: { name: string }) => p.name === 'llm');
    expect(plugin.view.list.columns.map((c: { field: string }) => c.field)).toContain('content.label');
    const stats = await request(server()).get('/activetracker/api/stats').expect(200);
    expect(stats.body.data.find((r: { label: string }) => r.label === 'LLM calls').value).toBeGreaterThan(10);
  });

  // Last: it empties the store's interactions.
  it("DELETE interactions (authorize 'clear', same origin): the interactions, their audit trails and rollups go; other entries stay", async () => {
    await request(server()).post('/ask').expect(201);
    await tracker.flush();
    const interactions = await repo.count('llm');
    const requestsBefore = await repo.count('request');
    expect(interactions).toBeGreaterThan(10);
    expect(requestsBefore).toBeGreaterThan(0);
    const reviewed = (await repo.list({ type: 'llm', tags: [{ key: 'review', value: 'approved' }], limit: 1 })).data[0];
    expect(await repo.audit(reviewed.id)).not.toEqual([]);

    const denied = await request(server()).delete(api('interactions')).set(BOB).expect(403);
    expect(denied.body.message).toBe('not allowed to clear LLM interactions');
    await request(server())
      .delete(api('interactions'))
      .set({ ...ADA, Origin: 'https://evil.example' })
      .expect(403);
    expect(await repo.count('llm')).toBe(interactions);

    const cleared = await request(server()).delete(api('interactions')).set(ADA).expect(200);
    expect(cleared.body).toEqual({ data: { deleted: interactions } });
    expect(await repo.count('llm')).toBe(0);
    expect((await request(server()).get(api('interactions')).set(ADA).expect(200)).body).toEqual({ data: [], next: null });
    expect(await repo.audit(reviewed.id)).toEqual([]);
    const kpis = await request(server()).get(api('kpis')).set(ADA).expect(200);
    expect(kpis.body.data).toMatchObject({ calls: 0, inputTokens: 0, cost: {} });
    expect((await request(server()).get(api('rollups')).set(ADA).expect(200)).body.data).toEqual([]);
    expect(await repo.count('request')).toBe(requestsBefore);
  });
});
