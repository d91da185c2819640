// Runs the queued submissions through the grader, a few at a time, and reports progress and
// results to whoever listens (the Discord side edits the member's reply). The submissions table is
// the queue: this class only claims rows, so it can later be replaced by grader processes on other
// machines that claim the same rows, without touching the commands.
import { EventEmitter } from 'node:events';
import type { GradeProgress, GradeResult } from '../grading/grader.ts';
import type { Logger } from '../log.ts';
import { MemberError } from '../member-error.ts';
import { silentLogger } from '../log.ts';
import type { Submission, SubmissionService } from './submission-service.ts';
import type { UploadStore } from './upload-store.ts';

export type GraderLike = {
  grade(
    request: { problemId: string; files: Array<{ name: string; path: string; size: number }> },
    options?: { onProgress?(progress: GradeProgress): void },
  ): Promise<GradeResult>;
};

export type QueueEvents = {
  progress: [submission: Submission, progress: GradeProgress];
  finished: [submission: Submission];
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
  /** How often to look for work queued by other processes or left by a crashed one. */
  pollMs?: number;
  /** A running submission older than this was abandoned by a crashed process. */
  staleAfterMs: number;
};

export class GradingQueue extends EventEmitter<QueueEvents> {
  private running = false;
  private readonly inFlight = new Set<Promise<void>>();
  private pollTimer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private readonly logger: Logger;

  constructor(private readonly options: GradingQueueOptions) {
    super();
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Starts grading. `resumeAll` puts every running submission back in the queue: right for the
   * embedded database, where this is the only process; with PostgreSQL only stale ones are taken.
   */
  async start({ resumeAll }: { resumeAll: boolean }): Promise<void> {
    const resumed = await this.options.submissions.requeueInterrupted(resumeAll ? 0 : this.options.staleAfterMs);
    if (resumed > 0) this.logger.info({ resumed }, 'interrupted grades are back in the queue');
    this.running = true;
    this.pollTimer = setInterval(() => this.notify(), this.options.pollMs ?? 5_000);
    this.pollTimer.unref();
    this.notify();
  }

  /** Looks for work now (called after a submission is queued). */
  notify(): void {
    if (!this.running) return;
    this.pumping ??= this.pump().finally(() => {
      this.pumping = undefined;
    });
  }

  private async pump(): Promise<void> {
    while (this.running && this.inFlight.size < this.options.concurrency) {
      let submission: Submission | undefined;
      try {
        submission = await this.options.submissions.claimNext();
      } catch (error) {
        this.logger.error({ err: error }, 'could not claim a submission');
        return;
      }
      if (!submission) return;
      this.emit('moved');
      const task = this.run(submission)
        .catch((error: unknown) => this.logger.error({ err: error, submission: submission.id }, 'could not record a grade'))
        .finally(() => {
          this.inFlight.delete(task);
          this.notify();
        });
      this.inFlight.add(task);
    }
  }

  private async run(submission: Submission): Promise<void> {
    const { submissions, uploads, grader } = this.options;
    const log = this.logger.child({ submission: submission.id, problem: submission.problemId });
    let finished: Submission;
    try {
      if (!submission.filesPath) throw new Error('the submission has no stored files');
      const files = await uploads.files(submission.filesPath);
      this.emit('progress', submission, { stage: 'importing' });
      const result = await grader.grade(
        { problemId: submission.problemId, files },
        { onProgress: (progress) => this.emit('progress', submission, progress) },
      );
      finished = await submissions.markGraded(submission.id, {
        points: result.points,
        metric: result.metricName,
        metricValue: result.value ?? Number.NaN,
        format: result.format,
        backend: result.backend,
        timings: { ...result.timings },
        result: result as unknown as Record<string, unknown>,
      });
      log.info({ points: result.points, value: result.value, backend: result.backend, ms: result.timings.totalMs }, 'graded');
    } catch (error) {
      if (!this.running) {
        // Shutting down: the grade was cut off, not failed. It stays running and the next start
        // puts it back in the queue, files included.
        log.info('grade interrupted by shutdown; it resumes at the next start');
        return;
      }
      if (error instanceof MemberError) {
        finished = await submissions.markFailed(submission.id, error.code, error.memberMessage);
        log.info({ code: error.code }, 'model refused');
      } else {
        finished = await submissions.markFailed(submission.id, 'internal', (error as Error).message);
        log.error({ err: error }, 'grading failed');
      }
    }
    if (submission.filesPath) await uploads.remove(submission.filesPath).catch(() => {});
    this.emit('finished', finished);
  }

  /** Stops claiming work and waits for the grades in progress (up to `timeoutMs`). */
  async stop(timeoutMs = 5_000): Promise<void> {
    this.running = false;
    clearInterval(this.pollTimer);
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }
}
