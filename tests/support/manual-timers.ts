// Timers that move only when a test moves them: a throttle tested with these behaves the same on
// any machine, however fast.
import type { Timers } from '../../src/clock.ts';

type Pending = { handle: number; at: number; callback: () => void };

export class ManualTimers implements Timers {
  private nowMs = 0;
  private nextHandle = 1;
  private pending: Pending[] = [];

  now(): number {
    return this.nowMs;
  }

  setTimeout(callback: () => void, ms: number): number {
    const handle = this.nextHandle++;
    this.pending.push({ handle, at: this.nowMs + Math.max(0, ms), callback });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((timer) => timer.handle !== handle);
  }

  /** Timers waiting to run. */
  get waiting(): number {
    return this.pending.length;
  }

  /**
   * Moves time forward by `ms`, running each timer that comes due at its own moment, earliest
   * first, and letting the promises it started settle before time moves on.
   */
  async advance(ms: number): Promise<void> {
    const end = this.nowMs + ms;
    for (;;) {
      const due = this.pending.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.handle - b.handle)[0];
      if (!due) break;
      this.pending = this.pending.filter((timer) => timer !== due);
      this.nowMs = due.at;
      due.callback();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.nowMs = end;
  }
}
