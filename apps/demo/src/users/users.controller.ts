import { Body, Controller, Delete, Get, HttpCode, Optional, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ActiveTracker } from '@active-tracker/nestjs';
import { Deprecated } from '@active-tracker/plugin-deprecations';
import { CreateUserDto } from './create-user.dto.js';
import type { User } from './user.js';
import { UsersService } from './users.service.js';

@Controller('users')
export class UsersController {
  // Optional: the bare demo (no tracker) must run the same controller.
  constructor(
    private readonly users: UsersService,
    @Optional() private readonly tracker?: ActiveTracker,
  ) {}

  @Get()
  findAll(): User[] {
    return this.users.findAll();
  }

  /**
   * The 0.x list route, kept as an alias of GET /users until its sunset. `@Deprecated()` is plain
   * metadata: the deprecations plugin records each use; without it (or the tracker) nothing changes.
   * Declared before `:id` so Express matches it first.
   */
  @Get('legacy')
  @Deprecated({ since: '1.0', replacement: 'GET /users', sunset: '2027-06-30' })
  legacyList(): User[] {
    return this.users.findAll();
  }

  /** The 0.x lookup, past its sunset yet still answering: the dashboard flags its uses as bad news. */
  @Get('legacy/:id')
  @Deprecated({ since: '0.9', replacement: 'GET /users/:id', sunset: '2026-01-31' })
  legacyFindOne(@Param('id', ParseIntPipe) id: number): User {
    return this.users.findOne(id);
  }

  @Get(':id')
  findOne(@Param('id', ParseIntPipe) id: number): User {
    return this.users.findOne(id);
  }

  @Post()
  create(@Body() dto: CreateUserDto): User {
    const user = this.users.create(dto);
    // Shown as the request's user in the dashboard.
    this.tracker?.tagCurrent({ user_name: user.name, user_email: user.email });
    return user;
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', ParseIntPipe) id: number): void {
    this.users.remove(id);
  }
}
