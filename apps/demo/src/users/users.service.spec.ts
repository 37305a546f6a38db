import { NotFoundException } from '@nestjs/common';
import { UsersService } from './users.service.js';

describe('UsersService', () => {
  let service: UsersService;

  beforeEach(() => {
    service = new UsersService();
  });

  it('starts with the two seeded users', () => {
    expect(service.findAll().map((u) => u.email)).toEqual(['ada@example.com', 'grace@example.com']);
  });

  it('creates users with increasing ids and a creation time', () => {
    const before = Date.now();
    const user = service.create({ name: 'Alan Turing', email: 'alan@example.com' });
    expect(user).toMatchObject({ id: 3, name: 'Alan Turing', email: 'alan@example.com' });
    expect(Date.parse(user.createdAt)).toBeGreaterThanOrEqual(before - 1);
    expect(service.create({ name: 'B', email: 'b@example.com' }).id).toBe(4);
    expect(service.findOne(3)).toBe(user);
  });

  it('throws NotFoundException for an unknown id', () => {
    expect(() => service.findOne(99)).toThrow(NotFoundException);
    expect(() => service.findOne(99)).toThrow('User 99 not found');
  });

  it('removes a user, then no longer finds it', () => {
    service.remove(1);
    expect(() => service.findOne(1)).toThrow(NotFoundException);
    expect(service.findAll()).toHaveLength(1);
    expect(() => service.remove(1)).toThrow(NotFoundException);
  });

  it('keeps separate state per instance', () => {
    service.create({ name: 'C', email: 'c@example.com' });
    expect(new UsersService().findAll()).toHaveLength(2);
  });
});
