import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';

/** Longest wait GET /slow accepts, so a request can never hang a test or a benchmark. */
export const MAX_SLOW_MS = 2000;
export const DEFAULT_SLOW_MS = 250;

/** Misbehaviours on demand: an exception, a chatty request, a slow request. */
@Injectable()
export class DiagnosticsService {
  private readonly logger = new Logger(DiagnosticsService.name);

  /** Throws a plain Error (not an HttpException), so the host answers 500 and the trace starts here. */
  explode(): never {
    throw new Error('Boom: the demo failed on purpose');
  }

  /** Logs one line per level through Nest's Logger; returns how many lines were written. */
  chatter(): number {
    this.logger.log('Processing the /log demo request');
    this.logger.debug('Cache lookup for key demo:report took 3 ms');
    this.logger.verbose('Report assembled from 3 sections');
    this.logger.warn('Report is served from a stale cache');
    this.logger.error('Could not refresh the report: upstream answered 503');
    return 5;
  }

  /** Waits `ms` milliseconds, clamped to [0, MAX_SLOW_MS]; returns the time actually waited. */
  async slow(ms = DEFAULT_SLOW_MS): Promise<number> {
    const wait = Math.min(Math.max(0, ms), MAX_SLOW_MS);
    await sleep(wait);
    return wait;
  }
}
