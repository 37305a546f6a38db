import { Body, Controller, Get, Inject, Injectable, Module, Post, type INestApplication, type OnModuleDestroy } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import pg from 'pg';
import { ActiveTracker, ActiveTrackerModule, defaultPlugins, queries, type QueriesPluginOptions } from '@active-tracker/nestjs';
import type { TestDatabase } from '../../libs/active-tracker/test/support/databases.js';

/**
 * A small Nest app on a real PostgreSQL database for the queries plugin's e2e suites: authors and
 * their posts, served by endpoints that run an N+1, duplicates, many queries, a login with a
 * password parameter, and a job (runInBatch) doing N+1. Its data access is plain pg, the way a
 * service uses it (no tracker code).
 */
export const POSTS_OF_AUTHOR = 'SELECT id, title FROM posts WHERE author_id = $1 ORDER BY id';
export const ALL_AUTHORS = 'SELECT id, name FROM authors ORDER BY id';
export const AUTHOR_NAME = 'SELECT name FROM authors WHERE id = $1';
export const LOGIN = 'SELECT id FROM users WHERE email = $1 AND password = $2';

const DB = Symbol('DB');

/** The app's own data access: a pg Pool, used the way services use it (no tracker code). */
@Injectable()
class AuthorsRepository implements OnModuleDestroy {
  constructor(@Inject(DB) private readonly pool: pg.Pool) {}

  async authorsWithPostsLazily(): Promise<Array<{ name: string; posts: string[] }>> {
    const authors = await this.pool.query(ALL_AUTHORS);
    const out: Array<{ name: string; posts: string[] }> = [];
    // N+1: one query per author.
    for (const author of authors.rows) out.push({ name: author.name, posts: (await this.pool.query(POSTS_OF_AUTHOR, [author.id])).rows.map((p) => p.title) });
    return out;
  }

  async nameOf(id: number): Promise<string> {
    return (await this.pool.query(AUTHOR_NAME, [id])).rows[0].name;
  }

  async login(email: string, password: string): Promise<boolean> {
    return (await this.pool.query(LOGIN, [email, password])).rowCount === 1;
  }

  onModuleDestroy(): Promise<void> {
    return this.pool.end();
  }
}

@Controller('authors')
class AuthorsController {
  constructor(
    private readonly authors: AuthorsRepository,
    private readonly tracker: ActiveTracker,
  ) {}

  @Get('n-plus-one')
  nPlusOne() {
    return this.authors.authorsWithPostsLazily();
  }

  /** The same statement with the same parameters three times (duplicates), and once with others (similar). */
  @Get('duplicates')
  async duplicates() {
    const names = [await this.authors.nameOf(1), await this.authors.nameOf(1), await this.authors.nameOf(1), await this.authors.nameOf(2)];
    return { names };
  }

  /** 120 queries: more than a batch holds before it is decided early and written as it goes. */
  @Get('many')
  async many() {
    for (let i = 0; i < 120; i++) await this.authors.nameOf((i % 6) + 1);
    return { ok: true };
  }

  @Get('fast')
  async fast() {
    return { name: await this.authors.nameOf(3) };
  }

  @Post('login')
  async login(@Body() body: { email: string; password: string }) {
    return { ok: await this.authors.login(body.email, body.password) };
  }

  /** A job's batch doing N+1, run outside the request. */
  @Post('job')
  async job() {
    const batchId = await new Promise<string | null>((resolve, reject) => {
      setImmediate(() =>
        this.tracker
          .runInBatch(
            'job',
            async () => {
              const id = this.tracker.currentBatchId();
              await this.authors.authorsWithPostsLazily();
              return id;
            },
            { name: 'digest' },
          )
          .then(resolve, reject),
      );
    });
    return { batchId };
  }
}

/** Creates the tables and seeds 6 authors with 2 posts each, and one user. */
export async function seedBlog(db: TestDatabase): Promise<void> {
  const setup = new pg.Client({ connectionString: db.url });
  await setup.connect();
  try {
    await setup.query(`
      CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL);
      CREATE TABLE posts (id serial PRIMARY KEY, author_id int NOT NULL REFERENCES authors(id), title text NOT NULL);
      CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, password text NOT NULL);
      INSERT INTO authors (name) SELECT 'author ' || n FROM generate_series(1, 6) AS n;
      INSERT INTO posts (author_id, title) SELECT a, 'post ' || a || '.' || p FROM generate_series(1, 6) AS a, generate_series(1, 2) AS p;
      INSERT INTO users (email, password) VALUES ('ada@example.com', 'hunter2');
    `);
  } finally {
    await setup.end();
  }
}

/**
 * The app's pool. Like any app's, it handles idle clients' errors: pg-pool's end() resolves before
 * its sockets close, and the teardown's DROP DATABASE ... WITH (FORCE) can end one of them first.
 */
function appPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  return pool;
}

/** The app with the default plugins, `queries(options)` in place of the default queries(). Initialized, not listening. */
export async function createBlogApp(db: TestDatabase, options: QueriesPluginOptions): Promise<INestApplication> {
  @Module({
    imports: [ActiveTrackerModule.forRoot({ plugins: [...defaultPlugins().filter((p) => p.name !== 'queries'), queries(options)] })],
    controllers: [AuthorsController],
    providers: [AuthorsRepository, { provide: DB, useFactory: () => appPool(db.url) }],
  })
  class BlogModule {}

  const moduleRef = await Test.createTestingModule({ imports: [BlogModule] }).compile();
  const app = moduleRef.createNestApplication();
  await app.init();
  return app;
}
