import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ActiveTracker, llm, requests, type LlmInteraction } from '@active-tracker/nestjs';
import { createDemoApp } from '../demo-app.factory.js';

describe("demo assistant: an LLM call to the demo's own fake provider, no API key", () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createDemoApp({ tracker: { plugins: [requests(), llm({ authorize: () => true, project: 'demo' })] }, logger: false });
  });
  afterAll(() => app?.close());

  it("answers, and the call is an LLM interaction in the request's batch (JSON and streamed)", async () => {
    const plain = await http().post('/assistant/ask').send({ question: 'Where is my order?' }).expect(200);
    expect(plain.body).toEqual({ answer: 'You asked: "Where is my order?". Here is a fake but friendly answer.', model: 'gpt-4o-mini-demo' });
    const streamed = await http().post('/assistant/ask').send({ question: 'And now?', stream: true }).expect(200);
    expect(streamed.body.answer).toBe('You asked: "And now?". Here is a fake but friendly answer.');
    await http().post('/assistant/ask').send({ question: '' }).expect(400);

    let interactions: LlmInteraction[] = [];
    for (let tries = 0; interactions.length < 2 && tries < 100; tries++) {
      await app.get(ActiveTracker).flush();
      interactions = (await http().get('/activetracker/api/llm/interactions?project=demo').expect(200)).body.data;
      if (interactions.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(interactions.map((i) => [i.requestText, i.streamed, i.responseModel, i.status])).toEqual([
      ['And now?', true, 'gpt-4o-mini-demo', 'success'],
      ['Where is my order?', false, 'gpt-4o-mini-demo', 'success'],
    ]);
    expect(interactions[0].outputTokens).toBeGreaterThan(0);
    expect(interactions[0].priced).toBe(true);
    const batch = (await http().get(`/activetracker/api/entries/${interactions[0].id}`).expect(200)).body.batch;
    expect(batch.map((e: { type: string }) => e.type).sort()).toEqual(['llm', 'request']);
  });
});
