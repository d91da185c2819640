// At most `limit` callers run at once; the others wait their turn, first come first served. Used
// where a burst of one kind of work (a hundred uploads at once) would otherwise take every database
// connection and event-loop turn from the interactions that arrive with it.
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a concurrency limit must be a whole number of at least 1, not ${limit}`);
  }

  /** How many callers wait for a turn now. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // A waiting caller takes this turn over; otherwise the turn is free again.
      if (next) next();
      else this.running -= 1;
    }
  }
}
