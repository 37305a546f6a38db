import type { LoggerService } from '@nestjs/common';

/** Records what the code under test logs (e.g. the recorder's outage warnings) instead of printing it. */
export class CollectingLogger implements LoggerService {
  lines: Array<[string, string]> = [];
  log(message: unknown): void {
    this.lines.push(['log', String(message)]);
  }
  warn(message: unknown): void {
    this.lines.push(['warn', String(message)]);
  }
  error(message: unknown): void {
    this.lines.push(['error', String(message)]);
  }
}
