// Recurring work: one interface for every job, and one scheduler that starts and stops them all.
// A job names itself (logs; later the key that makes one slot run once across processes), says
// when it runs as a node-cron expression, and does its work in run().
import cron, { type RunCoordinator, type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.ts';

export interface Job {
  readonly name: string;
  /** node-cron expression (minute hour day-of-month month day-of-week, optional seconds first). */
  readonly schedule: string;
  /** IANA timezone the schedule is read in; UTC by default. */
  readonly timezone?: string;
  /** Also run once as soon as the scheduler starts (work that may have come due while stopped). */
  readonly runAtStart?: boolean;
  /**
   * Each tick runs in one process of all those sharing the database (the scheduler's coordinator
   * decides). The work itself must still claim what it sends: a tick is not a delivery.
   */
  readonly distributed?: boolean;
  run(): Promise<void>;
  /** Releases what the job holds, after its last run has finished. */
  stop?(): Promise<void> | void;
}

export type JobRunOutcome = { job: string; ok: boolean; error?: unknown };

export class JobScheduler {
  private readonly tasks: ScheduledTask[] = [];
  /** The run in progress per job: a run never overlaps the previous one of the same job. */
  private readonly running = new Map<string, Promise<JobRunOutcome>>();
  private stopped = false;

  constructor(
    private readonly jobs: readonly Job[],
    private readonly logger: Logger,
    /** Called after every run (tests wait on it instead of on the wall clock). */
    private readonly onRun: (outcome: JobRunOutcome) => void = () => {},
    /** Decides which process runs a tick of a `distributed` job. */
    private readonly coordinator?: RunCoordinator,
  ) {
    const names = new Set<string>();
    for (const job of jobs) {
      if (names.has(job.name)) throw new Error(`two jobs are named "${job.name}"`);
      names.add(job.name);
      if (!cron.validate(job.schedule)) throw new Error(`job "${job.name}" has an invalid schedule "${job.schedule}"`);
      if (job.distributed && !coordinator) throw new Error(`job "${job.name}" is distributed: the scheduler needs a run coordinator`);
    }
  }

  start(): void {
    for (const job of this.jobs) {
      // Every task is named: a distributed task's coordinator key starts with its name, so the
      // processes agree on it (node-cron's default name is random).
      const distributed = job.distributed ? { distributed: true, runCoordinator: this.coordinator } : {};
      this.tasks.push(cron.schedule(job.schedule, () => this.runNow(job.name), { name: job.name, timezone: job.timezone ?? 'UTC', ...distributed }));
      if (job.runAtStart) void this.runNow(job.name);
    }
    this.logger.debug({ jobs: this.jobs.map((j) => `${j.name} (${j.schedule})`) }, 'jobs scheduled');
  }

  /**
   * Runs a job now, outside its schedule. While a run of the same job is in progress, returns that
   * run's outcome instead of starting another. A failed run is logged; the next slot runs again.
   */
  runNow(name: string): Promise<JobRunOutcome> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no job named "${name}"`);
    const inProgress = this.running.get(name);
    if (inProgress) return inProgress;
    if (this.stopped) return Promise.resolve({ job: name, ok: false, error: new Error('the scheduler is stopped') });
    const run = job.run().then(
      (): JobRunOutcome => ({ job: name, ok: true }),
      (error: unknown): JobRunOutcome => {
        this.logger.error({ err: error, job: name }, 'job failed');
        return { job: name, ok: false, error };
      },
    );
    const tracked = run.finally(() => this.running.delete(name));
    this.running.set(name, tracked);
    void tracked.then((outcome) => this.onRun(outcome));
    return tracked;
  }

  /** Stops every schedule, waits for the runs in progress, then stops the jobs. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const task of this.tasks.splice(0)) await task.stop();
    await Promise.allSettled([...this.running.values()]);
    for (const job of this.jobs) await job.stop?.();
  }
}
