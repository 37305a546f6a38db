import { Column, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { Post } from './post.entity.js';

@Entity('blog_authors')
export class Author {
  @PrimaryGeneratedColumn()
  id: number;

  @Column('varchar', { length: 100 })
  name: string;

  @Column('varchar', { length: 200 })
  email: string;

  /**
   * Lazy on purpose: every `await author.posts` is one more query. GET /authors reads it author by
   * author, the N+1 the queries plugin flags.
   */
  @OneToMany(() => Post, (post) => post.author, { lazy: true })
  posts: Promise<Post[]>;
}
