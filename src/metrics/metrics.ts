// What the process counts for Prometheus: one Metrics per app, each with its own registry (not
// prom-client's global one), so tests and two apps in one process never share a count. The
// places that see an event call one method here; nothing else knows about prom-client.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../clock.ts';
import { withTimeout } from './with-timeout.ts';

export type InteractionOutcome = 'ok' | 'refused' | 'error';

/** The submissions waiting for a grader, read from the database when Prometheus scrapes. */
export type QueueState = { depth: number; oldestQueuedAt: Date | undefined };

/** A recorded grade, as the grading queue reports it. */
export type FinishedGrade = {
  problemId: string;
  status: string;
  errorCode: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
};

export type MetricsOptions = {
  /** The app's clock: the age of the oldest queued submission is measured on it. */
  clock: Clock;
  /** Reads the queue; its gauges are left out when there is none (a process without a queue). */
  readQueue?: () => Promise<QueueState>;
  /** How long a scrape waits for the queue before reporting its gauges as NaN. */
  queueTimeoutMs?: number;
  /** prom-client's process metrics: event loop lag, heap, RSS, CPU, handles (default on). */
  processMetrics?: boolean;
};

/** Acknowledgements: Discord's limit is 3 s, so the buckets are finest below it. */
const ACK_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5];
/** Grades take seconds to minutes (the grade timeout is 2 minutes by default). */
const GRADE_BUCKETS = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600];

export class Metrics {
  readonly registry = new Registry();
  private readonly interactions: Counter<'command' | 'outcome'>;
  private readonly ackSeconds: Histogram;
  private readonly grades: Counter<'problem' | 'outcome'>;
  private readonly gradeSeconds: Histogram<'problem'>;
  private readonly graderRestarts: Counter;
  private readonly posts: Counter<'kind' | 'outcome'>;

  constructor(options: MetricsOptions) {
    const registers = [this.registry];
    this.interactions = new Counter({
      name: 'interactions_total',
      help: 'Slash commands, buttons and modals handled, by command and outcome (ok; refused: the member was told why; error)',
      labelNames: ['command', 'outcome'],
      registers,
    });
    this.ackSeconds = new Histogram({
      name: 'interaction_ack_seconds',
      help: 'Time from receiving an interaction to its first acknowledgement (reply, defer, update or modal)',
      buckets: ACK_BUCKETS,
      registers,
    });
    this.grades = new Counter({
      name: 'grades_total',
      help: 'Grades recorded, by problem and outcome (graded, or the error code of a failed grade)',
      labelNames: ['problem', 'outcome'],
      registers,
    });
    this.gradeSeconds = new Histogram({
      name: 'grade_duration_seconds',
      help: 'Time from a grade being claimed by a grader to being recorded, by problem',
      labelNames: ['problem'],
      buckets: GRADE_BUCKETS,
      registers,
    });
    this.graderRestarts = new Counter({
      name: 'grader_restarts_total',
      help: 'Grading processes that ended other than at a stop (out of memory, a crash); the next grade starts a new one',
      registers,
    });
    this.posts = new Counter({
      name: 'scheduled_posts_total',
      help: 'Scheduled posts and reminders, by kind and outcome (sent, delayed, failed, skipped)',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    if (options.readQueue) this.registerQueueGauges(options.clock, options.readQueue, options.queueTimeoutMs ?? 2_000);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  private registerQueueGauges(clock: Clock, readQueue: () => Promise<QueueState>, timeoutMs: number): void {
    // Both gauges are set from one read per scrape: prom-client collects them at the same time.
    let reading: Promise<QueueState | undefined> | undefined;
    const read = () =>
      (reading ??= withTimeout(readQueue(), timeoutMs)
        .catch(() => undefined)
        .finally(() => (reading = undefined)));
    new Gauge({
      name: 'queue_depth',
      help: 'Submissions waiting for a grader (NaN when the database did not answer)',
      registers: [this.registry],
      async collect() {
        const state = await read();
        this.set(state ? state.depth : Number.NaN);
      },
    });
    new Gauge({
      name: 'oldest_queued_age_seconds',
      help: 'Age of the oldest submission waiting for a grader; 0 when none waits (NaN when the database did not answer)',
      registers: [this.registry],
      async collect() {
        const state = await read();
        const oldest = state?.oldestQueuedAt;
        this.set(!state ? Number.NaN : oldest ? Math.max(0, (clock().getTime() - oldest.getTime()) / 1000) : 0);
      },
    });
  }

  /** Reports, at each scrape, the uploads waiting for their turn to be admitted or downloaded. */
  watchUploadsWaiting(read: () => number): void {
    new Gauge({
      name: 'uploads_waiting',
      help: '/grade uploads waiting in this process for their turn to be admitted or downloaded',
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  interactionHandled(command: string, outcome: InteractionOutcome): void {
    this.interactions.inc({ command, outcome });
  }

  interactionAcknowledged(seconds: number): void {
    this.ackSeconds.observe(seconds);
  }

  gradeFinished(grade: FinishedGrade): void {
    const outcome = grade.status === 'graded' ? 'graded' : (grade.errorCode ?? grade.status);
    this.grades.inc({ problem: grade.problemId, outcome });
    if (grade.startedAt && grade.finishedAt) {
      this.gradeSeconds.observe({ problem: grade.problemId }, Math.max(0, (grade.finishedAt.getTime() - grade.startedAt.getTime()) / 1000));
    }
  }

  graderRestarted(): void {
    this.graderRestarts.inc();
  }

  scheduledPostsRun(outcomes: ReadonlyArray<{ kind: string; outcome: string }>): void {
    for (const { kind, outcome } of outcomes) this.posts.inc({ kind, outcome });
  }

  /** The registry in Prometheus text format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
