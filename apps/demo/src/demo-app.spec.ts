import type { INestApplication, LoggerService } from '@nestjs/common';
import request from 'supertest';
import { createDemoApp } from './demo-app.factory.js';

/** Keeps what the app logs through Nest's Logger, so the logging endpoints can be checked. */
class RecordingLogger implements LoggerService {
  readonly lines: { level: string; message: string }[] = [];
  private push(level: string, message: unknown): void {
    this.lines.push({ level, message: String(message) });
  }
  log(message: unknown): void {
    this.push('log', message);
  }
  error(message: unknown): void {
    this.push('error', message);
  }
  warn(message: unknown): void {
    this.push('warn', message);
  }
  debug(message: unknown): void {
    this.push('debug', message);
  }
  verbose(message: unknown): void {
    this.push('verbose', message);
  }
}

// The bare host (no tracker): the baseline every tracker test and the benchmark compare against.
describe('demo app (bare, no tracker)', () => {
  let app: INestApplication;
  const logger = new RecordingLogger();
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createDemoApp({ tracker: false, logger });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers the health probe', async () => {
    await http().get('/health').expect(200, { status: 'ok' });
  });

  it('has no tracker routes', async () => {
    await http().get('/activetracker').expect(404);
    await http().get('/activetracker/api/entries').expect(404);
  });

  describe('users', () => {
    it('lists the seeded users', async () => {
      const res = await http().get('/users').expect(200);
      expect(res.body.map((u: { email: string }) => u.email)).toEqual(expect.arrayContaining(['ada@example.com', 'grace@example.com']));
    });

    it('gets one user, 404 when missing, 400 when the id is not a number', async () => {
      await http()
        .get('/users/1')
        .expect(200)
        .expect((res) => expect(res.body.name).toBe('Ada Lovelace'));
      const missing = await http().get('/users/9999').expect(404);
      expect(missing.body).toEqual({ statusCode: 404, message: 'User 9999 not found', error: 'Not Found' });
      await http().get('/users/abc').expect(400);
    });

    it('creates a user from a valid body', async () => {
      const res = await http().post('/users').send({ name: 'Alan Turing', email: 'alan@example.com' }).expect(201);
      expect(res.body).toMatchObject({ name: 'Alan Turing', email: 'alan@example.com', id: expect.any(Number) });
      await http().get(`/users/${res.body.id}`).expect(200);
    });

    it('rejects an invalid email and unknown properties with 400', async () => {
      const bad = await http().post('/users').send({ name: 'X', email: 'not-an-email' }).expect(400);
      expect(bad.body.message).toEqual(['email must be an email']);
      const extra = await http().post('/users').send({ name: 'X', email: 'x@example.com', role: 'admin' }).expect(400);
      expect(extra.body.message).toEqual(['property role should not exist']);
    });

    it('deletes a user', async () => {
      const { body } = await http().post('/users').send({ name: 'Tmp', email: 'tmp@example.com' }).expect(201);
      await http().delete(`/users/${body.id}`).expect(204);
      await http().get(`/users/${body.id}`).expect(404);
    });
  });

  describe('auth', () => {
    it('returns a token and logs a line with the email', async () => {
      const res = await http().post('/auth/login').send({ email: 'ada@example.com', password: 's3cret-pass' }).expect(200);
      expect(res.body).toEqual({ token: expect.stringMatching(/^[0-9a-f]{48}$/), email: 'ada@example.com' });
      const line = logger.lines.find((l) => l.message.includes('ada@example.com'));
      expect(line).toEqual({ level: 'log', message: 'Login succeeded for ada@example.com' });
      expect(logger.lines.some((l) => l.message.includes('s3cret-pass'))).toBe(false);
    });

    it('rejects a body without password', async () => {
      await http().post('/auth/login').send({ email: 'ada@example.com' }).expect(400);
    });
  });

  describe('orders', () => {
    it('filters and pages through the query DTO', async () => {
      const res = await http().get('/orders?status=paid&limit=2').expect(200);
      expect(res.body.data).toHaveLength(2);
      expect(res.body.data.every((o: { status: string }) => o.status === 'paid')).toBe(true);
      expect(res.body.total).toBe(14);
      const all = await http().get('/orders').expect(200);
      expect(all.body).toMatchObject({ total: 42 });
      expect(all.body.data).toHaveLength(20);
    });

    it('rejects bad or unknown query parameters', async () => {
      await http().get('/orders?status=lost').expect(400);
      await http().get('/orders?limit=abc').expect(400);
      await http().get('/orders?limit=500').expect(400);
      const res = await http().get('/orders?sort=desc').expect(400);
      expect(res.body.message).toEqual(['property sort should not exist']);
    });
  });

  it("GET /boom answers Nest's generic 500", async () => {
    const res = await http().get('/boom').expect(500);
    expect(res.body).toEqual({ statusCode: 500, message: 'Internal server error' });
    // Nest's exception handler logs the error with its stack, which starts in the demo's service.
    const logged = logger.lines.find((l) => l.level === 'error' && l.message.includes('Boom'));
    expect(logged).toBeDefined();
  });

  it('GET /log logs one line per level through Nest Logger', async () => {
    const before = logger.lines.length;
    await http().get('/log').expect(200, { logged: 5 });
    const levels = logger.lines.slice(before).map((l) => l.level);
    expect(levels).toEqual(['log', 'debug', 'verbose', 'warn', 'error']);
  });

  it('GET /slow waits the requested time and validates ms', async () => {
    const started = Date.now();
    await http().get('/slow?ms=120').expect(200, { sleptMs: 120 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
    await http().get('/slow?ms=-1').expect(400);
    await http().get('/slow?ms=abc').expect(400);
  });

  it('GET /slow caps the wait at 2000 ms', async () => {
    await http().get('/slow?ms=60000').expect(200, { sleptMs: 2000 });
  }, 10_000);

  it('GET /admin is guarded by the x-admin header', async () => {
    const denied = await http().get('/admin').expect(403);
    expect(denied.body).toEqual({ statusCode: 403, message: 'Forbidden resource', error: 'Forbidden' });
    await http().get('/admin').set('x-admin', 'no').expect(403);
    await http()
      .get('/admin')
      .set('x-admin', 'yes')
      .expect(200)
      .expect((res) => expect(res.body.admin).toBe(true));
  });

  it('answers 404 for unknown routes', async () => {
    await http().get('/nope').expect(404);
  });
});
