import 'reflect-metadata';
import { Get } from '@nestjs/common';
import { resolveOptions, ActiveTrackerOptionsError } from '@active-tracker/nestjs';
import { Deprecated } from './deprecated.decorator.js';
import { deprecations } from './deprecations.plugin.js';

// Decorators run when the file is imported: a bad declaration must not throw there.
class BadController {
  @Get()
  @Deprecated({ since: '1.0', sunset: '31/12/2025' })
  list(): string {
    return 'ok';
  }
}

@Deprecated({ since: '' })
class BadClassController {}

describe('@Deprecated() declaration problems', () => {
  it('are listed at boot with the module options problems', () => {
    expect(new BadController().list()).toBe('ok');
    expect(BadClassController).toBeDefined();
    let error: unknown;
    try {
      resolveOptions({ plugins: [deprecations({ clientHeader: 'bad header', alarmWindowHours: 0 })] }, () => []);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ActiveTrackerOptionsError);
    const message = (error as Error).message;
    expect(message).toContain('plugin "deprecations": "clientHeader" must be an HTTP header name such as "x-api-client"');
    expect(message).toContain('plugin "deprecations": "alarmWindowHours" must be an integer from 1 to 720');
    expect(message).toContain(
      'plugin "deprecations": @Deprecated() on BadController.list: "sunset" must be an ISO-8601 date such as "2026-06-30", or a Date (got "31/12/2025")',
    );
    expect(message).toContain('plugin "deprecations": @Deprecated() on BadClassController: "since" must be a non-empty string (a version or a date)');
  });
});
