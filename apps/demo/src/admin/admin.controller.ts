import { Controller, Get, UseGuards } from '@nestjs/common';
import { AdminGuard } from './admin.guard.js';

@Controller('admin')
@UseGuards(AdminGuard)
export class AdminController {
  @Get()
  overview(): { admin: true; uptimeSeconds: number } {
    return { admin: true, uptimeSeconds: Math.round(process.uptime()) };
  }
}
