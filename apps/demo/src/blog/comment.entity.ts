import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('blog_comments')
export class Comment {
  @PrimaryGeneratedColumn()
  id: number;

  @Index()
  @Column('integer')
  postId: number;

  @Column('varchar', { length: 100 })
  authorName: string;

  @Column('text')
  body: string;
}
