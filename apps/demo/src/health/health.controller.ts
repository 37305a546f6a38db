import { Controller, Get } from '@nestjs/common';

/** Liveness probe; also the cheapest route, which makes it the benchmark's worst case for overhead. */
@Controller('health')
export class HealthController {
  @Get()
  check(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
