import 'reflect-metadata';
import { Controller, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Deprecated, DEPRECATED_METADATA, deprecatedDeclarationProblems, normalizeDeprecation, type DeprecationMetadata } from './deprecated.decorator.js';

@Controller('old')
@Deprecated({ since: '1.0', replacement: 'the v2 API' })
class OldController {
  @Get('a')
  a(): string {
    return 'a';
  }

  @Get('b')
  @Deprecated({ since: '1.5', replacement: 'GET /v2/b', sunset: '2030-01-01', message: 'use cursors' })
  b(): string {
    return 'b';
  }
}

class PlainController {
  @Get()
  current(): string {
    return 'ok';
  }
}

describe('@Deprecated()', () => {
  const reflector = new Reflector();
  const read = (handler: Function, controller: Function) =>
    reflector.getAllAndOverride<DeprecationMetadata | undefined>(DEPRECATED_METADATA, [handler, controller]);

  it('is plain metadata: the method declaration overrides the controller one, undecorated handlers have none', () => {
    expect(read(OldController.prototype.a, OldController)).toEqual({ since: '1.0', replacement: 'the v2 API', sunset: null, sunsetMs: null, message: null });
    expect(read(OldController.prototype.b, OldController)).toEqual({
      since: '1.5',
      replacement: 'GET /v2/b',
      sunset: '2030-01-01T00:00:00.000Z',
      sunsetMs: Date.UTC(2030, 0, 1),
      message: 'use cursors',
    });
    expect(read(PlainController.prototype.current, PlainController)).toBeUndefined();
  });

  it('leaves the method itself alone (harmless without the tracker)', () => {
    expect(new OldController().b()).toBe('b');
    expect(Object.isFrozen(read(OldController.prototype.b, OldController))).toBe(true);
  });

  it('normalizes sunsets given as a Date or an ISO time', () => {
    expect(normalizeDeprecation({ since: '2', sunset: new Date(Date.UTC(2027, 5, 30, 12)) }).metadata.sunset).toBe('2027-06-30T12:00:00.000Z');
    expect(normalizeDeprecation({ since: '2', sunset: '2027-06-30T12:00:00+02:00' }).metadata.sunsetMs).toBe(Date.UTC(2027, 5, 30, 10));
    expect(normalizeDeprecation({ since: ' 2.1 ', replacement: '  GET /v2 ' }).metadata).toMatchObject({ since: '2.1', replacement: 'GET /v2' });
  });

  it('lists bad options as problems instead of throwing', () => {
    expect(normalizeDeprecation({ since: '' }).problems).toEqual(['"since" must be a non-empty string (a version or a date)']);
    expect(normalizeDeprecation({ since: '1', sunset: 'next summer' }).problems).toEqual([
      '"sunset" must be an ISO-8601 date such as "2026-06-30", or a Date (got "next summer")',
    ]);
    expect(normalizeDeprecation({ since: '1', sunset: new Date('nope') }).problems).toEqual([
      '"sunset" must be an ISO-8601 date such as "2026-06-30", or a Date (got an invalid Date)',
    ]);
    expect(normalizeDeprecation({ since: '1', replacement: 3 as never }).problems).toEqual(['"replacement" must be a non-empty string']);
    expect(normalizeDeprecation(undefined as never).problems).toEqual(['options must be an object { since, replacement?, sunset?, message? }']);
    // the valid declarations of this file registered no problem
    expect(deprecatedDeclarationProblems()).toEqual([]);
  });
});
