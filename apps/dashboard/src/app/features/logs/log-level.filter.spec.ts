import { levelAtLeast, readLevel } from './log-level.filter';

describe('log level filter', () => {
  it('reads known levels in any case', () => {
    expect(readLevel('WARN')).toBe('warn');
    expect(readLevel(' error ')).toBe('error');
    expect(readLevel('loud')).toBeNull();
    expect(readLevel(['warn'])).toBeNull();
    expect(readLevel(undefined)).toBeNull();
  });

  it('lets through the level and the more severe ones', () => {
    expect(levelAtLeast('warn', 'warn')).toBe(true);
    expect(levelAtLeast('error', 'warn')).toBe(true);
    expect(levelAtLeast('fatal', 'warn')).toBe(true);
    expect(levelAtLeast('log', 'warn')).toBe(false);
    expect(levelAtLeast('verbose', 'debug')).toBe(false);
    expect(levelAtLeast('LOUD', 'verbose')).toBe(false);
  });
});
