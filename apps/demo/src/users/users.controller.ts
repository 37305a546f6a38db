import { Body, Controller, Delete, Get, HttpCode, Optional, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ActiveTracker } from '@active-tracker/nestjs';
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
