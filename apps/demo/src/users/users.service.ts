import { Injectable, NotFoundException } from '@nestjs/common';
import { CreateUserDto } from './create-user.dto.js';
import type { User } from './user.js';

/** In-memory user store: enough state for realistic CRUD traffic without a database. */
@Injectable()
export class UsersService {
  private readonly users = new Map<number, User>();
  private nextId = 1;

  constructor() {
    // Seeded so GET /users and GET /users/1 answer something on a fresh start.
    this.create({ name: 'Ada Lovelace', email: 'ada@example.com' });
    this.create({ name: 'Grace Hopper', email: 'grace@example.com' });
  }

  findAll(): User[] {
    return [...this.users.values()];
  }

  /** @throws NotFoundException when no user has this id. */
  findOne(id: number): User {
    const user = this.users.get(id);
    if (!user) throw new NotFoundException(`User ${id} not found`);
    return user;
  }

  create(dto: CreateUserDto): User {
    const user: User = { id: this.nextId++, name: dto.name, email: dto.email, createdAt: new Date().toISOString() };
    this.users.set(user.id, user);
    return user;
  }

  /** @throws NotFoundException when no user has this id. */
  remove(id: number): void {
    if (!this.users.delete(id)) throw new NotFoundException(`User ${id} not found`);
  }
}
