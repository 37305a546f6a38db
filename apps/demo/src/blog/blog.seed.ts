import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Author } from './author.entity.js';
import { Comment } from './comment.entity.js';
import { Post } from './post.entity.js';

const AUTHORS = [
  ['Ada Lovelace', 'ada@example.com'],
  ['Grace Hopper', 'grace@example.com'],
  ['Alan Turing', 'alan@example.com'],
  ['Edsger Dijkstra', 'edsger@example.com'],
  ['Barbara Liskov', 'barbara@example.com'],
  ['Donald Knuth', 'donald@example.com'],
] as const;
const TOPICS = ['Notes on the Analytical Engine', 'On compilers', 'Computing machinery', 'Structured programming', 'Data abstraction', 'Literate programming'];
/** Seeded rows, per author and per post. */
export const POSTS_PER_AUTHOR = 3;
export const COMMENTS_PER_POST = 2;
export const SEEDED_AUTHORS = AUTHORS.length;

/**
 * Fills an empty blog (six authors, three posts each, two comments per post), so a fresh start
 * answers GET /authors and GET /posts/:id. A database already holding authors is left alone.
 */
@Injectable()
export class BlogSeed implements OnModuleInit {
  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if ((await manager.count(Author)) > 0) return;
      const authors = await manager.save(
        Author,
        AUTHORS.map(([name, email]) => manager.create(Author, { name, email })),
      );
      const posts = await manager.save(
        Post,
        authors.flatMap((author, a) =>
          Array.from({ length: POSTS_PER_AUTHOR }, (_, p) =>
            manager.create(Post, {
              authorId: author.id,
              title: `${TOPICS[a]}, part ${p + 1}`,
              body: `${author.name} writes about ${TOPICS[a].toLowerCase()} (part ${p + 1}).`,
            }),
          ),
        ),
      );
      await manager.save(
        Comment,
        posts.flatMap((post, i) =>
          Array.from({ length: COMMENTS_PER_POST }, (_, c) =>
            manager.create(Comment, {
              postId: post.id,
              authorName: AUTHORS[(i + c + 1) % AUTHORS.length][0],
              body: c === 0 ? 'Great read.' : 'Thanks for writing this up.',
            }),
          ),
        ),
      );
    });
  }
}
