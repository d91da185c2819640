import { afterEach, describe, expect, it, vi } from 'vitest';
import { listenForStop } from '../../src/cli/stop-signals.ts';
import { silentLogger } from '../../src/log.ts';

describe('listenForStop', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('hears the first signal, exits at once on a second, and stops listening when disposed', async () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const listenersBefore = process.listenerCount('SIGTERM');
    const stop = listenForStop(silentLogger, 60_000);
    expect(process.listenerCount('SIGTERM')).toBe(listenersBefore + 1);
    process.emit('SIGTERM', 'SIGTERM');
    expect(await stop.received).toBe('SIGTERM');
    expect(exit).not.toHaveBeenCalled();
    process.emit('SIGINT', 'SIGINT');
    expect(exit).toHaveBeenCalledWith(1);
    stop.dispose();
    expect(process.listenerCount('SIGTERM')).toBe(listenersBefore);
  });

  it('exits when the stop outlasts the deadline counted from the first signal', async () => {
    vi.useFakeTimers();
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const stop = listenForStop(silentLogger, 10_000);
    try {
      process.emit('SIGTERM', 'SIGTERM');
      await vi.advanceTimersByTimeAsync(9_999);
      expect(exit).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(exit).toHaveBeenCalledWith(1);
    } finally {
      stop.dispose();
    }
  });
});
