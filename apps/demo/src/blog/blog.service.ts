import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, Not } from 'typeorm';
import { Author } from './author.entity.js';
import { Comment } from './comment.entity.js';
import { Post } from './post.entity.js';

/** An author with the titles of their posts (GET /authors). */
export interface AuthorWithPosts {
  id: number;
  name: string;
  posts: { id: number; title: string }[];
}

/** Everything a post's page shows (GET /posts/:id). */
export interface PostPage {
  id: number;
  title: string;
  body: string;
  author: { id: number; name: string; postCount: number };
  comments: { id: number; authorName: string; body: string }[];
  moreFromAuthor: { id: number; title: string }[];
}

/** The blog, read through TypeORM repositories the way a typical service does. */
@Injectable()
export class BlogService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Every author with their posts, loaded lazily author by author: one query for the authors, then
   * one per author (the classic N+1; one query with a join would do).
   */
  async authorsWithPosts(): Promise<AuthorWithPosts[]> {
    const authors = await this.dataSource.getRepository(Author).find({ order: { id: 'ASC' } });
    const result: AuthorWithPosts[] = [];
    for (const author of authors) {
      const posts = await author.posts;
      result.push({ id: author.id, name: author.name, posts: posts.sort((a, b) => a.id - b.id).map(({ id, title }) => ({ id, title })) });
    }
    return result;
  }

  /**
   * A post's page in exactly five queries: the post, its author, its comments, how many posts the
   * author wrote, and three more of them (one query when the post does not exist).
   * @throws NotFoundException when no post has this id.
   */
  async postPage(id: number): Promise<PostPage> {
    const posts = this.dataSource.getRepository(Post);
    const post = await posts.findOneBy({ id });
    if (!post) throw new NotFoundException(`Post ${id} not found`);
    const author = await this.dataSource.getRepository(Author).findOneByOrFail({ id: post.authorId });
    const comments = await this.dataSource.getRepository(Comment).find({ where: { postId: id }, order: { id: 'ASC' } });
    const postCount = await posts.countBy({ authorId: author.id });
    const more = await posts.find({ select: { id: true, title: true }, where: { authorId: author.id, id: Not(id) }, order: { id: 'DESC' }, take: 3 });
    return {
      id: post.id,
      title: post.title,
      body: post.body,
      author: { id: author.id, name: author.name, postCount },
      comments: comments.map(({ id, authorName, body }) => ({ id, authorName, body })),
      moreFromAuthor: more.map(({ id, title }) => ({ id, title })),
    };
  }
}
