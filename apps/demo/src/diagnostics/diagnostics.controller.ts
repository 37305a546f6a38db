import { Controller, Get, Query } from '@nestjs/common';
import { DiagnosticsService } from './diagnostics.service.js';
import { SlowQuery } from './slow.query.js';

@Controller()
export class DiagnosticsController {
  constructor(private readonly diagnostics: DiagnosticsService) {}

  @Get('boom')
  boom(): never {
    return this.diagnostics.explode();
  }

  @Get('log')
  log(): { logged: number } {
    return { logged: this.diagnostics.chatter() };
  }

  @Get('slow')
  async slow(@Query() query: SlowQuery): Promise<{ sleptMs: number }> {
    return { sleptMs: await this.diagnostics.slow(query.ms) };
  }
}
