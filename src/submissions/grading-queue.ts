// Runs the queued submissions through the grader, a few at a time, and reports progress and
// results to whoever listens (the Discord side edits the member's reply). The submissions table is
// the queue: this class only claims rows, so it can later be replaced by grader processes on other
// machines that claim the same rows, without touching the commands.
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { GradeProgress, GradeResult } from '../grading/grader.ts';
import type { Logger } from '../log.ts';
import { MemberError } from '../member-error.ts';
import { GraderCrashedError } from '../grading/host/protocol.ts';
import { isConnectionError } from '../db/connection-errors.ts';
import { silentLogger } from '../log.ts';
import { reportBotSideFailure } from './grade-failures.ts';
import type { LeaseHolder, Submission, SubmissionService } from './submission-service.ts';
import type { UploadStore } from './upload-store.ts';

export type GraderLike = {
  grade(
    request: { problemId: string; files: Array<{ name: string; path: string; size: number }> },
    options?: { onProgress?(progress: GradeProgress): void; signal?: AbortSignal },
  ): Promise<GradeResult>;
};

export type QueueEvents = {
  progress: [submission: Submission, progress: GradeProgress];
  /** A grade is recorded (graded or failed), by this process or by a sweep of expired leases. */
  finished: [submission: Submission];
  /** The member deleted their data while this grade ran: nothing was recorded. */
  deleted: [submission: Submission];
  /** A submission was claimed: those still waiting moved up. */
  moved: [];
};

export type GradingQueueOptions = {
  submissions: SubmissionService;
  grader: GraderLike;
  uploads: UploadStore;
  /** Grades run at once (the grader's worker count). */
  concurrency: number;
  logger?: Logger;
  /** How often to look for work queued by other processes, and for expired leases. */
  pollMs?: number;
  /**
   * How long a claim lasts without renewal. The queue renews its leases every third of it; a
   * process that dies stops renewing, and any live process takes its grades back after this long.
   */
  leaseMs: number;
};

/** Longest wait between two tries to record a grade while the database is unreachable. */
const MAX_RECORD_RETRY_MS = 15_000;

export class GradingQueue extends EventEmitter<QueueEvents> {
  /** Claims new work (false once a stop begins). */
  private claiming = false;
  /** Records what it grades (false once the stop's grace period is over). */
  private running = false;
  private readonly inFlight = new Map<number, Promise<void>>();
  /** Cancels the grades still running when the grace period of a stop ends. */
  private readonly shutdown = new AbortController();
  /** Reservations whose uploads are being received in this process (see keepLease). */
  private readonly receiving = new Set<number>();
  private pollTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private readonly logger: Logger;
  /** This queue's leases: one owner id per process and start. */
  readonly holder: LeaseHolder;

  constructor(private readonly options: GradingQueueOptions) {
    super();
    this.logger = options.logger ?? silentLogger;
    this.holder = { owner: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`, leaseMs: options.leaseMs };
  }

  /**
   * Starts grading. `resumeAll` takes back every leased submission at once: right for the
   * embedded database, where this is the only process; with PostgreSQL only expired leases are.
   */
  async start({ resumeAll }: { resumeAll: boolean }): Promise<void> {
    this.running = true;
    this.claiming = true;
    await this.options.uploads.removeStaleCopies();
    await this.recover(resumeAll);
    this.pollTimer = setInterval(() => {
      void this.recover(false).finally(() => this.notify());
    }, this.options.pollMs ?? 5_000);
    this.pollTimer.unref();
    this.renewTimer = setInterval(() => void this.renewLeases(), Math.max(1, Math.floor(this.options.leaseMs / 3)));
    this.renewTimer.unref();
    this.notify();
  }

  /** Whether this process is grading the submission now. */
  isGrading(id: number): boolean {
    return this.inFlight.has(id);
  }

  /** Looks for work now (called after a submission is queued). */
  notify(): void {
    if (!this.claiming) return;
    this.pumping ??= this.pump().finally(() => {
      this.pumping = undefined;
    });
  }

  /** Puts back (or fails) what dead processes held; tells members about grades failed for good. */
  private async recover(everyLease: boolean): Promise<void> {
    try {
      const { requeued, failed } = await this.options.submissions.recoverExpired({ everyLease, exceptOwner: this.holder.owner });
      if (requeued > 0) this.logger.info({ requeued }, 'grades whose grader stopped are back in the queue');
      for (const submission of failed) {
        this.logger.warn({ submission: submission.id, code: submission.errorCode }, 'grade failed after its process stopped');
        if (submission.filesPath) await this.options.uploads.remove(submission.filesPath).catch(() => {});
        this.emit('finished', submission);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not look for expired grade leases');
    }
  }

  /**
   * Renews the lease of a reservation while this process receives its upload; call the returned
   * function once it is queued or dropped.
   */
  keepLease(id: number): () => void {
    this.receiving.add(id);
    return () => this.receiving.delete(id);
  }

  private async renewLeases(): Promise<void> {
    const ids = [...this.inFlight.keys(), ...this.receiving];
    if (ids.length === 0) return;
    try {
      await this.options.submissions.renewLeases(ids, this.holder);
    } catch (error) {
      // The database is away: the lease may lapse, and the grade is then done again elsewhere.
      this.logger.warn({ err: error }, 'could not renew grade leases');
    }
  }

  private async pump(): Promise<void> {
    while (this.claiming && this.inFlight.size < this.options.concurrency) {
      let submission: Submission | undefined;
      try {
        submission = await this.options.submissions.claimNext(this.holder);
      } catch (error) {
        this.logger.error({ err: error }, 'could not claim a submission');
        return;
      }
      if (!submission) return;
      if (!this.claiming) {
        // A stop began while this claim was on its way: give it back untouched.
        await this.options.submissions.handBack(submission.id, this.holder).catch(() => {});
        return;
      }
      this.emit('moved');
      const claimed = submission;
      const task = this.run(claimed)
        .catch((error: unknown) => this.logger.error({ err: error, submission: claimed.id }, 'could not finish a grade'))
        .finally(() => {
          this.inFlight.delete(claimed.id);
          this.notify();
        });
      this.inFlight.set(claimed.id, task);
    }
  }

  private async run(submission: Submission): Promise<void> {
    const { submissions, uploads, grader } = this.options;
    const log = this.logger.child({ submission: submission.id, problem: submission.problemId });
    let record: () => Promise<Submission | undefined>;
    try {
      if (!submission.filesPath) throw new Error('the submission has no stored files');
      const files = await uploads.files(submission.filesPath);
      this.emit('progress', submission, { stage: 'importing' });
      const result = await grader.grade(
        { problemId: submission.problemId, files },
        { onProgress: (progress) => this.emit('progress', submission, progress), signal: this.shutdown.signal },
      );
      log.info({ points: result.points, value: result.value, backend: result.backend, ms: result.timings.totalMs }, 'graded');
      record = () =>
        submissions.markGraded(
          submission.id,
          {
            points: result.points,
            metric: result.metricName,
            metricValue: result.value ?? Number.NaN,
            format: result.format,
            backend: result.backend,
            timings: { ...result.timings },
            result: result as unknown as Record<string, unknown>,
          },
          this.holder,
        );
    } catch (error) {
      if (!this.running) {
        // Shutting down: the grade was cut off, not failed. It goes back to the queue, files
        // included, for the next process (or the next start).
        const handedBack = await submissions.handBack(submission.id, this.holder).catch(() => false);
        log.info({ handedBack }, 'grade interrupted by shutdown; it resumes later');
        return;
      }
      if (error instanceof GraderCrashedError) {
        // Not the model's fault for sure, nor finished: counted as a crash (twice fails it).
        log.warn({ reason: error.reason }, 'the grading process ended during this grade');
        const after = await submissions.recordCrash(submission.id, this.holder).catch((recordError: unknown) => {
          log.error({ err: recordError }, 'could not record the crash; the lease will put the grade back');
          return undefined;
        });
        if (after?.status === 'failed') {
          if (submission.filesPath) await uploads.remove(submission.filesPath).catch(() => {});
          this.emit('finished', after);
        }
        return;
      }
      if (error instanceof MemberError) {
        log.info({ code: error.code }, 'model refused');
        record = () => submissions.markFailed(submission.id, error.code, error.memberMessage, this.holder);
      } else {
        record = this.botSideFailure(submission, error, log);
      }
    }
    let finished = await this.recordPatiently(record, log);
    if (finished === 'refused') {
      // The database refused to store this outcome (not an outage): say so once, as our failure.
      finished = await this.recordPatiently(this.botSideFailure(submission, new Error('the database refused to store the grade'), log), log);
    }
    if (finished === 'stopped' || finished === 'refused') return;
    if (finished) {
      if (submission.filesPath) await uploads.remove(submission.filesPath).catch(() => {});
      this.emit('finished', finished);
    } else if (!(await submissions.get(submission.id).catch(() => undefined))) {
      if (submission.filesPath) await uploads.remove(submission.filesPath).catch(() => {});
      log.info('the member deleted their data during the grade');
      this.emit('deleted', submission);
    } else {
      // Our lease lapsed and another process holds the grade now, files included: leave it to it.
      log.info('another process took this grade over; it answers the member');
    }
  }

  private botSideFailure(submission: Submission, error: unknown, log: Logger): () => Promise<Submission | undefined> {
    const failure = reportBotSideFailure(error);
    log.error({ err: error, ref: failure.ref }, failure.logMessage);
    return () => this.options.submissions.markFailed(submission.id, failure.code, failure.memberMessage, this.holder);
  }

  /**
   * Records a grade, trying again while the database is unreachable: the upload stays on disk and
   * the lease is renewed (when the database answers) until the grade is recorded. A stop while it
   * still fails leaves the grade to the lease: another process grades it again.
   */
  private async recordPatiently(record: () => Promise<Submission | undefined>, log: Logger): Promise<Submission | undefined | 'stopped' | 'refused'> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await record();
      } catch (error) {
        if (!isConnectionError(error)) {
          log.error({ err: error }, 'the database refused to record a grade');
          return 'refused';
        }
        if (!this.running) return 'stopped';
        const waitMs = Math.min(MAX_RECORD_RETRY_MS, 250 * 2 ** attempt);
        log.warn({ err: error, attempt, waitMs }, 'could not record a grade; trying again');
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  /**
   * Stops claiming work, lets the grades in progress finish for up to `graceMs`, then cancels
   * the rest and hands them back to the queue (a clean stop is not a crash). Resolves once every
   * grade is recorded or handed back.
   */
  async stop(graceMs = 5_000): Promise<void> {
    this.claiming = false;
    clearInterval(this.pollTimer);
    // A claim on its way either joins the grades in flight or is handed back.
    await this.pumping;
    const settled = () => Promise.allSettled([...this.inFlight.values()]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([settled(), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    this.running = false;
    this.shutdown.abort(new Error('the bot is stopping'));
    await settled();
    clearInterval(this.renewTimer);
  }
}
