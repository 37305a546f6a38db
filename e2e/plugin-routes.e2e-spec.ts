import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import request from 'supertest';
import {
  ActiveTracker,
  ActiveTrackerModule,
  ApiError,
  sse,
  StreamResponse,
  VersionConflictError,
  type ActiveTrackerPlugin,
  type PluginHost,
  type ServerSentEvent,
} from '@active-tracker/nestjs';

class NotesQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}

class ReviewBody {
  @IsIn(['approved', 'flagged', 'rejected'])
  state!: string;
  @Type(() => Number)
  @IsInt()
  expectedVersion!: number;
  @IsOptional()
  @IsString()
  comment?: string;
}

/** A plugin contributing routes: a JSON list with a query DTO, a review (mutable record) with a body DTO, a stream and SSE. */
function notesPlugin(): ActiveTrackerPlugin & { host?: PluginHost } {
  const plugin: ActiveTrackerPlugin & { host?: PluginHost } = {
    name: 'notes',
    entryType: 'note',
    nav: { title: 'Notes', path: 'notes' },
    register(host) {
      plugin.host = host;
    },
    routes: [
      {
        method: 'GET',
        path: 'list',
        query: NotesQuery,
        async handle({ query, entries }) {
          const page = await entries.list({ type: 'note', limit: (query as NotesQuery).limit ?? 10 });
          return { data: page.data.map((e) => e.content.text) };
        },
      },
      {
        method: 'POST',
        path: 'entries/:id/review',
        body: ReviewBody,
        async handle({ params, body, update, actor }) {
          const { state, expectedVersion, comment } = body as ReviewBody;
          try {
            const entry = await update(params.id, { tags: { review: state } }, { expectedVersion, comment });
            return { data: { version: entry.version, actor } };
          } catch (error) {
            if (error instanceof VersionConflictError) return new ApiError(409, error.message);
            throw error;
          }
        },
      },
      {
        method: 'GET',
        path: 'export',
        async handle({ entries }) {
          async function* lines(): AsyncGenerator<string> {
            for await (const entry of entries.scan({ type: 'note' })) yield JSON.stringify(entry.content) + '\n';
          }
          return new StreamResponse('application/x-ndjson', lines(), { 'Content-Disposition': 'attachment; filename="notes.ndjson"' });
        },
      },
      {
        method: 'GET',
        path: 'events',
        handle() {
          async function* events(): AsyncGenerator<ServerSentEvent> {
            yield { id: '1', event: 'note', data: { text: 'first' } };
            yield { id: '2', data: 'two\nlines' };
          }
          return sse(events());
        },
      },
    ],
  };
  return plugin;
}

@Controller()
class NoopController {
  @Get('ping')
  ping() {
    return 'pong';
  }
}

describe('plugin routes under /activetracker/api/<plugin>/...', () => {
  let app: INestApplication;
  const plugin = notesPlugin();

  beforeAll(async () => {
    @Module({ imports: [ActiveTrackerModule.forRoot({ plugins: [plugin], authentication: 'ada:secret' })], controllers: [NoopController] })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    for (const text of ['one', 'two', 'three']) plugin.host!.record({ type: 'note', batchId: null, content: { text } });
    await app.get(ActiveTracker).flush();
  });
  afterAll(() => app?.close());

  const api = (path: string) => `/activetracker/api/notes/${path}`;
  const auth = { Authorization: `Basic ${Buffer.from('ada:secret').toString('base64')}` };

  it('answers JSON, validating the query with the route DTO (400 with a message on bad input)', async () => {
    const ok = await request(app.getHttpServer()).get(api('list?limit=2')).set(auth).expect(200);
    expect(ok.body).toEqual({ data: ['three', 'two'] });
    const bad = await request(app.getHttpServer()).get(api('list?limit=500')).set(auth).expect(400);
    expect(bad.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(String(bad.body.message)).toMatch(/limit/);
    await request(app.getHttpServer()).get(api('list?limit=2&extra=1')).set(auth).expect(400);
  });

  it('is behind the dashboard access rules', async () => {
    await request(app.getHttpServer()).get(api('list')).expect(401);
  });

  it('updates a mutable record from a JSON body: audit with the actor, 409 on a stale version, 400 and 415 on bad bodies', async () => {
    const [note] = (await request(app.getHttpServer()).get('/activetracker/api/entries?type=note&limit=1').set(auth).expect(200)).body.data;
    const done = await request(app.getHttpServer())
      .post(api(`entries/${note.id}/review`))
      .set(auth)
      .send({ state: 'approved', expectedVersion: 1, comment: 'fine' })
      .expect(200);
    expect(done.body).toEqual({ data: { version: 2, actor: 'ada' } });
    const audit = await request(app.getHttpServer()).get(`/activetracker/api/entries/${note.id}/audit`).set(auth).expect(200);
    expect(audit.body.data).toEqual([expect.objectContaining({ actor: 'ada', comment: 'fine', version: 2, to: { tags: { review: 'approved' } } })]);
    const stale = await request(app.getHttpServer())
      .post(api(`entries/${note.id}/review`))
      .set(auth)
      .send({ state: 'rejected', expectedVersion: 1 })
      .expect(409);
    expect(stale.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    await request(app.getHttpServer())
      .post(api(`entries/${note.id}/review`))
      .set(auth)
      .send({ state: 'maybe', expectedVersion: 2 })
      .expect(400);
    await request(app.getHttpServer())
      .post(api(`entries/${note.id}/review`))
      .set(auth)
      .set('content-type', 'text/plain')
      .send('state=approved')
      .expect(415);
    await request(app.getHttpServer())
      .post(api(`entries/${note.id}/review`))
      .set(auth)
      .set('content-type', 'application/json')
      .send('{"state":')
      .expect(400);
  });

  it('streams an export (NDJSON) and Server-Sent Events', async () => {
    const ndjson = await request(app.getHttpServer())
      .get(api('export'))
      .set(auth)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c));
        res.on('end', () => done(null, text));
      })
      .expect(200);
    expect(ndjson.headers['content-type']).toBe('application/x-ndjson');
    expect(ndjson.headers['content-disposition']).toContain('notes.ndjson');
    expect(
      String(ndjson.body)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).text),
    ).toEqual(['three', 'two', 'one']);
    const events = await request(app.getHttpServer())
      .get(api('events'))
      .set(auth)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c));
        res.on('end', () => done(null, text));
      })
      .expect(200);
    expect(events.headers['content-type']).toContain('text/event-stream');
    expect(String(events.body)).toContain('id: 1\nevent: note\ndata: {"text":"first"}\n\n');
    expect(String(events.body)).toContain('id: 2\ndata: two\ndata: lines\n\n');
  });

  it('answers 405 for another method on a known path and 404 for an unknown one', async () => {
    await request(app.getHttpServer()).delete(api('list')).set(auth).expect(405);
    await request(app.getHttpServer()).get(api('nothing-here')).set(auth).expect(404);
  });

  it('lists the plugin with its routes in api/meta', async () => {
    const meta = await request(app.getHttpServer()).get('/activetracker/api/meta').set(auth).expect(200);
    expect(meta.body.data.plugins).toEqual([
      expect.objectContaining({
        name: 'notes',
        view: null,
        routes: [
          { method: 'GET', path: 'notes/list' },
          { method: 'POST', path: 'notes/entries/:id/review' },
          { method: 'GET', path: 'notes/export' },
          { method: 'GET', path: 'notes/events' },
        ],
      }),
    ]);
  });

  it('fails the boot with a clear error for a badly declared route', async () => {
    const bad: ActiveTrackerPlugin = { name: 'bad', entryType: 'bad', routes: [{ method: 'FETCH' as never, path: '/abs', handle: 1 as never }] };
    @Module({ imports: [ActiveTrackerModule.forRoot({ plugins: [bad] })] })
    class BadModule {}
    await expect(Test.createTestingModule({ imports: [BadModule] }).compile()).rejects.toThrow(
      /plugin "bad": "routes\[0\]\.method"[\s\S]*"routes\[0\]\.path"[\s\S]*"routes\[0\]\.handle"/,
    );
  });
});
