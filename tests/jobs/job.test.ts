// The job scheduler: every recurring job goes through it. Runs are awaited as events, never timed.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { JobScheduler, type Job, type JobRunOutcome } from '../../src/jobs/job.ts';
import { silentLogger } from '../../src/log.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('JobScheduler', () => {
  let scheduler: JobScheduler | undefined;
  afterEach(async () => {
    await scheduler?.stop();
    scheduler = undefined;
  });

  it('runs a job on its schedule', async () => {
    let runs = 0;
    const ran = deferred();
    scheduler = new JobScheduler([{ name: 'every-second', schedule: '* * * * * *', run: async () => void runs++ }], silentLogger, () => ran.resolve());
    scheduler.start();
    await ran.promise;
    expect(runs).toBeGreaterThanOrEqual(1);
  });

  it('runs a job at start when it asks to', async () => {
    const outcomes: JobRunOutcome[] = [];
    const ran = deferred();
    scheduler = new JobScheduler([{ name: 'catch-up', schedule: '0 0 1 1 *', runAtStart: true, run: async () => {} }], silentLogger, (o) => {
      outcomes.push(o);
      ran.resolve();
    });
    scheduler.start();
    await ran.promise;
    expect(outcomes).toEqual([{ job: 'catch-up', ok: true }]);
  });

  it('never overlaps two runs of the same job', async () => {
    const gate = deferred();
    let started = 0;
    scheduler = new JobScheduler([{ name: 'slow', schedule: '0 0 1 1 *', run: async () => { started++; await gate.promise; } }], silentLogger);
    const first = scheduler.runNow('slow');
    const second = scheduler.runNow('slow');
    expect(second).toBe(first);
    gate.resolve();
    expect(await first).toEqual({ job: 'slow', ok: true });
    expect(started).toBe(1);
    await scheduler.runNow('slow');
    expect(started).toBe(2);
  });

  it('logs a failed run with the job name, and runs again next time', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({ write: (chunk, _e, done) => (lines.push(JSON.parse(String(chunk)) as Record<string, unknown>), done()) });
    let calls = 0;
    scheduler = new JobScheduler(
      [{ name: 'flaky', schedule: '0 0 1 1 *', run: async () => { if (calls++ === 0) throw new Error('database went away'); } }],
      pino({ level: 'error' }, sink),
    );
    const failed = await scheduler.runNow('flaky');
    expect(failed.ok).toBe(false);
    expect(lines[0]).toMatchObject({ msg: 'job failed', job: 'flaky', err: { message: 'database went away' } });
    expect(await scheduler.runNow('flaky')).toEqual({ job: 'flaky', ok: true });
  });

  it('stops: waits for the run in progress, then stops the jobs, and runs nothing after', async () => {
    const gate = deferred();
    const events: string[] = [];
    const job: Job = {
      name: 'stoppable',
      schedule: '0 0 1 1 *',
      run: async () => { events.push('run started'); await gate.promise; events.push('run finished'); },
      stop: () => void events.push('job stopped'),
    };
    scheduler = new JobScheduler([job], silentLogger);
    scheduler.start();
    const running = scheduler.runNow('stoppable');
    const stopping = scheduler.stop();
    gate.resolve();
    await Promise.all([running, stopping]);
    expect(events).toEqual(['run started', 'run finished', 'job stopped']);
    expect(await scheduler.runNow('stoppable')).toMatchObject({ ok: false });
    expect(events).toHaveLength(3);
    scheduler = undefined;
  });

  it('refuses an invalid schedule or two jobs of one name, naming the job', () => {
    const run = async () => {};
    expect(() => new JobScheduler([{ name: 'typo', schedule: '61 * * * *', run }], silentLogger)).toThrow('job "typo" has an invalid schedule "61 * * * *"');
    expect(() => new JobScheduler([{ name: 'twin', schedule: '* * * * *', run }, { name: 'twin', schedule: '* * * * *', run }], silentLogger)).toThrow('two jobs are named "twin"');
  });
});
