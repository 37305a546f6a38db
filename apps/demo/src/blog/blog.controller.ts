import { Controller, Get, Param, ParseIntPipe } from '@nestjs/common';
import { BlogService, type AuthorWithPosts, type PostPage } from './blog.service.js';

/** A small blog on the demo's database (embedded sql.js, or PostgreSQL with DATABASE_URL). */
@Controller()
export class BlogController {
  constructor(private readonly blog: BlogService) {}

  /** Authors and their posts, loaded lazily: 1 + one query per author (N+1). */
  @Get('authors')
  authors(): Promise<AuthorWithPosts[]> {
    return this.blog.authorsWithPosts();
  }

  /** A post's page: exactly five queries (the benchmark's query traffic). */
  @Get('posts/:id')
  post(@Param('id', ParseIntPipe) id: number): Promise<PostPage> {
    return this.blog.postPage(id);
  }
}
