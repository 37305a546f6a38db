import { Module } from '@nestjs/common';
import { Author } from './author.entity.js';
import { BlogController } from './blog.controller.js';
import { BlogSeed } from './blog.seed.js';
import { BlogService } from './blog.service.js';
import { Comment } from './comment.entity.js';
import { Post } from './post.entity.js';

/** The blog's entities, for the DataSource. */
export const BLOG_ENTITIES = [Author, Post, Comment];

@Module({ controllers: [BlogController], providers: [BlogService, BlogSeed] })
export class BlogModule {}
