import { Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ActiveTrackerModule } from '../../active-tracker.module.js';
import { ActiveTracker } from '../../active-tracker.service.js';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { llm } from './llm.plugin.js';

const api = (path: string) => `/activetracker/api/llm/${path}`;

/** Pricing rules changed through the API are kept in the store: every instance sharing it prices alike. */
describe('llm() pricing rules shared by instances (Redis)', () => {
  let redis: RedisServer;
  const apps: INestApplication[] = [];

  /** One app instance on the shared store (same Redis, same key prefix). */
  async function instance(): Promise<INestApplication> {
    @Module({
      imports: [
        ActiveTrackerModule.forRoot({
          redis: redis.url,
          keyPrefix: `{llm-pricing-${process.pid}}:`,
          authorize: () => true,
          plugins: [
            llm({
              authorize: () => true,
              persistAsync: false,
              defaultPrices: false,
              pricing: [{ id: 'mini', provider: 'openai', model: 'gpt-4o-mini*', inputPerMillion: 0.15, outputPerMillion: 0.6 }],
            }),
          ],
        }),
      ],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    apps.push(app);
    return app;
  }

  const ids = async (app: INestApplication) =>
    (await request(app.getHttpServer()).get(api('pricing-rules')).expect(200)).body.data.map((r: { id: string }) => r.id);
  const costOf = async (app: INestApplication, provider: string, model: string) =>
    (await app.get(ActiveTracker).llm.record({ provider, model, inputTokens: 1_000_000, outputTokens: 1_000_000 })).interaction!.cost;

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await redis?.stop();
  });

  it('a rule added on one instance lists and prices on the others; removals and generated ids are shared; a new instance boots with them', async () => {
    const a = await instance();
    const b = await instance();
    expect(await ids(a)).toEqual(['mini']);

    await request(a.getHttpServer())
      .post(api('pricing-rules'))
      .send({ id: 'llama', provider: 'ollama', model: 'llama3*', inputPerMillion: 1, outputPerMillion: 2 })
      .expect(200);
    // B reads the store before answering the list, and prices with what it read.
    expect(await ids(b)).toEqual(['mini', 'llama']);
    expect(await costOf(b, 'ollama', 'llama3.2')).toMatchObject({ rule: 'llama', micros: 3_000_000 });

    // An option rule removed on B is gone on A too (the option is each instance's configuration; the store holds the change).
    await request(b.getHttpServer()).delete(api('pricing-rules?id=mini')).expect(200);
    expect(await ids(a)).toEqual(['llama']);
    expect(await costOf(a, 'openai', 'gpt-4o-mini')).toBeNull();
    await request(a.getHttpServer()).delete(api('pricing-rules?id=mini')).expect(404);

    // Ids given by the store's state, not a per-process counter: no collision across instances.
    const first = await request(a.getHttpServer()).post(api('pricing-rules')).send({ model: 'gpt-5*', inputPerMillion: 1, outputPerMillion: 1 }).expect(200);
    const second = await request(b.getHttpServer()).post(api('pricing-rules')).send({ model: 'o3*', inputPerMillion: 1, outputPerMillion: 1 }).expect(200);
    expect([first.body.data.id, second.body.data.id]).toEqual(['rule-1', 'rule-2']);
    expect(await ids(a)).toEqual(['llama', 'rule-1', 'rule-2']);

    // A rule replaced by id on A replaces it on B.
    await request(a.getHttpServer())
      .post(api('pricing-rules'))
      .send({ id: 'llama', provider: 'ollama', model: 'llama3*', inputPerMillion: 5, outputPerMillion: 5 })
      .expect(200);
    expect(await ids(b)).toEqual(['rule-1', 'rule-2', 'llama']);

    // A new instance reads the rules when it starts: it prices with them before any list.
    const c = await instance();
    expect(await costOf(c, 'ollama', 'llama3.2')).toMatchObject({ rule: 'llama', micros: 10_000_000 });
    expect(await costOf(c, 'openai', 'gpt-4o-mini')).toBeNull();
  });
});
