import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit } from '../src/concurrency-limit.ts';

/** A task that runs until its test lets it finish (or fail). */
function heldTask(log: string[], name: string) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  let markStarted!: () => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  return {
    run: async () => {
      log.push(`start ${name}`);
      markStarted();
      await done;
      log.push(`end ${name}`);
      return name;
    },
    started,
    finish: () => finish(),
    fail: (error: Error) => fail(error),
  };
}

describe('ConcurrencyLimit', () => {
  it('runs at most `limit` tasks at once and starts the waiting ones in the order they came', async () => {
    const limit = new ConcurrencyLimit(2);
    const log: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => heldTask(log, name));
    const results = [a, b, c, d].map((task) => limit.run(task.run));
    await Promise.all([a.started, b.started]);
    expect(log).toEqual(['start a', 'start b']);
    expect(limit.queued).toBe(2);

    b.finish();
    await c.started;
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    expect(limit.queued).toBe(1);

    a.finish();
    await d.started;
    c.finish();
    d.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect(log.filter((line) => line.startsWith('start'))).toEqual(['start a', 'start b', 'start c', 'start d']);
  });

  it('gives a failed task its turn back, and the caller its error', async () => {
    const limit = new ConcurrencyLimit(1);
    const log: string[] = [];
    const [a, b] = ['a', 'b'].map((name) => heldTask(log, name));
    const first = limit.run(a.run);
    const second = limit.run(b.run);
    await a.started;
    a.fail(new Error('the download broke'));
    await expect(first).rejects.toThrow('the download broke');
    await b.started;
    b.finish();
    expect(await second).toBe('b');
    // The turn is free again: a new task starts at once.
    const c = heldTask(log, 'c');
    const third = limit.run(c.run);
    await c.started;
    expect(limit.queued).toBe(0);
    c.finish();
    await third;
  });

  it('refuses a limit that is not a whole number of at least 1', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new ConcurrencyLimit(bad)).toThrow(/whole number of at least 1/);
  });
});
