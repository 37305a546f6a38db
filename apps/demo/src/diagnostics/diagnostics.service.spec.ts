import { DiagnosticsService, MAX_SLOW_MS } from './diagnostics.service.js';

describe('DiagnosticsService', () => {
  const service = new DiagnosticsService();

  it('throws a plain Error whose first stack frame is in this service', () => {
    let caught: unknown;
    try {
      service.explode();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).constructor).toBe(Error);
    const firstFrame = (caught as Error).stack?.split('\n')[1] ?? '';
    expect(firstFrame).toContain('diagnostics.service');
  });

  it('waits the requested time', async () => {
    const started = Date.now();
    await expect(service.slow(60)).resolves.toBe(60);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('clamps the wait to [0, MAX_SLOW_MS] without waiting for out-of-range values first', async () => {
    await expect(service.slow(-5)).resolves.toBe(0);
    expect(MAX_SLOW_MS).toBe(2000);
  });
});
