import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Author } from './author.entity.js';

@Entity('blog_posts')
export class Post {
  @PrimaryGeneratedColumn()
  id: number;

  @Column('varchar', { length: 200 })
  title: string;

  @Column('text')
  body: string;

  @Column('integer')
  authorId: number;

  // Relation<>: the decorator metadata must not name Author (a circular ES module import).
  @ManyToOne(() => Author, (author) => author.posts)
  @JoinColumn({ name: 'authorId' })
  author: Relation<Author>;
}
