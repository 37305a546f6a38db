import { NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { demoDataSourceOptions } from '../database/database.options.js';
import { BLOG_ENTITIES } from './blog.module.js';
import { BlogSeed, COMMENTS_PER_POST, POSTS_PER_AUTHOR, SEEDED_AUTHORS } from './blog.seed.js';
import { BlogService } from './blog.service.js';

/** The blog on the embedded database (sql.js), as the demo runs it by default. */
describe('BlogService', () => {
  let dataSource: DataSource;
  let blog: BlogService;
  /** Every SQL statement run, in order (TypeORM's query event). */
  const statements: string[] = [];

  beforeAll(async () => {
    dataSource = await new DataSource(demoDataSourceOptions(undefined, BLOG_ENTITIES)).initialize();
    await new BlogSeed(dataSource).onModuleInit();
    dataSource.subscribers.push({ beforeQuery: (event: { query: string }) => void statements.push(event.query) } as never);
    blog = new BlogService(dataSource);
  });
  afterAll(async () => dataSource?.destroy());
  beforeEach(() => {
    statements.length = 0;
  });

  it('seeds once: a second seed leaves a blog that has authors alone', async () => {
    await new BlogSeed(dataSource).onModuleInit();
    expect(await dataSource.query('SELECT COUNT(*) AS n FROM blog_authors')).toEqual([{ n: SEEDED_AUTHORS }]);
  });

  it("lists the authors with their posts, loading each author's posts with a query of its own (N+1)", async () => {
    const authors = await blog.authorsWithPosts();
    expect(authors.map((a) => a.name)).toEqual(['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth']);
    expect(authors[0].posts.map((p) => p.title)).toEqual([1, 2, 3].map((n) => `Notes on the Analytical Engine, part ${n}`));
    expect(authors.every((a) => a.posts.length === POSTS_PER_AUTHOR)).toBe(true);
    expect(statements).toHaveLength(1 + SEEDED_AUTHORS);
    expect(statements.slice(1).every((sql) => /FROM "blog_posts"/.test(sql))).toBe(true);
  });

  it("builds a post's page in exactly five queries", async () => {
    const page = await blog.postPage(4);
    expect(page).toMatchObject({ id: 4, title: 'On compilers, part 1', author: { id: 2, name: 'Grace Hopper', postCount: POSTS_PER_AUTHOR } });
    expect(page.comments).toHaveLength(COMMENTS_PER_POST);
    expect(page.moreFromAuthor.map((p) => p.id)).toEqual([6, 5]);
    expect(statements).toHaveLength(5);
  });

  it('throws NotFoundException for a missing post, after one query', async () => {
    await expect(blog.postPage(999)).rejects.toThrow(new NotFoundException('Post 999 not found'));
    expect(statements).toHaveLength(1);
  });
});

describe('demoDataSourceOptions', () => {
  it('uses the embedded sql.js database without a URL, PostgreSQL with a postgres:// one', () => {
    expect(demoDataSourceOptions(undefined, [])).toMatchObject({ type: 'sqljs' });
    expect(demoDataSourceOptions('', [])).toMatchObject({ type: 'sqljs' });
    expect(demoDataSourceOptions('postgresql://u:p@db:5432/blog', [])).toMatchObject({ type: 'postgres', url: 'postgresql://u:p@db:5432/blog' });
  });

  it('refuses another URL with an error naming DATABASE_URL, without its password', () => {
    expect(() => demoDataSourceOptions('mysql://root:hunter2@db/blog', [])).toThrow(/^DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(() => demoDataSourceOptions('mysql://root:hunter2@db/blog', [])).not.toThrow(/hunter2/);
  });
});
