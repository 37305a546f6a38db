import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import { createScenarioApp } from './support/scenario-app.js';
import { ActiveTracker } from '@active-tracker/nestjs';

describe('smoke', () => {
  let app: INestApplication;
  afterEach(async () => app?.close());

  it('captures a request and serves it', async () => {
    app = await createScenarioApp({ tracker: {} });
    const server = app.getHttpServer();
    await request(server).get('/things?q=1').expect(200);
    await request(server).get('/things/boom').expect(500);
    await app.get(ActiveTracker).flush();
    const res = await request(server).get('/activetracker/api/entries').expect(200);
    console.log(JSON.stringify(res.body, null, 1).slice(0, 3000));
  });
});
