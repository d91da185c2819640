// Submissions are the source of truth of the grading queue: a row is queued, claimed (running),
// then graded or failed. Claiming is one UPDATE ... FOR UPDATE SKIP LOCKED, so several grader
// processes on one PostgreSQL never take the same submission.
import { and, asc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { submissions, type SubmissionStatus } from '../db/schema.ts';
import type { MockExamService } from '../mockexam/mock-exam-service.ts';
import type { ProblemDefinition } from '../grading/problem-types.ts';
import { rowsOf } from '../db/rows.ts';
import type { Clock } from '../clock.ts';
import { ok, refused, type Result } from '../result.ts';

export type Submission = typeof submissions.$inferSelect;

export type SubmissionLimits = {
  /** Grades a member may ask for in one hour, per server. */
  perHour: number;
};

export type NewSubmission = {
  guildId: string;
  userId: string;
  userName: string;
  problemId: string;
  fileName: string;
  fileSha256: string;
  fileSize: number;
  /** Where the uploaded files wait (UploadStore). */
  filesPath?: string;
  replyTo?: Record<string, string | boolean>;
};

export type CreateResult = Result<
  { kind: 'queued' | 'duplicate'; submission: Submission },
  { kind: 'busy'; inFlight: Submission } | { kind: 'rate-limited'; retryAt: Date; perHour: number }
>;

export type GradedOutcome = {
  points: number;
  metric: string;
  metricValue: number;
  format: string;
  backend: string;
  timings: Record<string, number>;
  result: Record<string, unknown>;
};

/** Each queued submission with its member's turn: 1 for their oldest, 2 for the next, ... */
const queuedTurns = sql`(
  select id, row_number() over (partition by guild_id, user_id order by id) as turn
  from ${submissions} where status = 'queued'
)`;

export class SubmissionService {
  constructor(
    private readonly db: Database,
    private readonly mockExam: MockExamService,
    private readonly catalog: readonly ProblemDefinition[],
    private readonly limits: SubmissionLimits,
    private readonly now: Clock,
  ) {}

  /**
   * Records a grade request. The same file for the same problem returns the stored result; a
   * member has one grade in flight at a time and a cap per hour. Both are decided inside one
   * transaction holding the member's advisory lock (and the one-in-flight unique index backs the
   * first), so concurrent requests cannot pass together.
   */
  async create(input: NewSubmission): Promise<CreateResult> {
    const problem = this.catalog.find((p) => p.id === input.problemId);
    if (!problem) throw new Error(`unknown problem ${input.problemId}`);
    const now = this.now();
    // Read before the transaction: PGlite runs one statement stream, so a read outside an open
    // transaction would wait for it.
    const week = await this.mockExam.weekForSubmission(input.guildId, now);
    const attempt = await this.mockExam.timedAttempt(input.guildId, input.userId, week);
    const timed = attempt !== undefined && attempt.startedAt <= now && now < attempt.endsAt;
    const mine = and(eq(submissions.guildId, input.guildId), eq(submissions.userId, input.userId));
    return this.db.transaction(async (tx): Promise<CreateResult> => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`submission:${input.guildId}:${input.userId}`}))`);
      const [duplicate] = await tx
        .select()
        .from(submissions)
        .where(and(mine, eq(submissions.problemId, input.problemId), eq(submissions.fileSha256, input.fileSha256), eq(submissions.status, 'graded')))
        .orderBy(asc(submissions.id))
        .limit(1);
      if (duplicate) return ok({ kind: 'duplicate', submission: duplicate });
      const [inFlight] = await tx
        .select()
        .from(submissions)
        .where(and(mine, inArray(submissions.status, ['queued', 'running'])))
        .limit(1);
      if (inFlight) return refused({ kind: 'busy', inFlight });
      const hourAgo = new Date(now.getTime() - 60 * 60 * 1000);
      const recent = await tx
        .select({ createdAt: submissions.createdAt })
        .from(submissions)
        .where(and(mine, gte(submissions.createdAt, hourAgo)))
        .orderBy(asc(submissions.createdAt));
      if (recent.length >= this.limits.perHour) {
        const retryAt = new Date(recent[recent.length - this.limits.perHour].createdAt.getTime() + 60 * 60 * 1000);
        return refused({ kind: 'rate-limited', retryAt, perHour: this.limits.perHour });
      }
      const [submission] = await tx
        .insert(submissions)
        .values({ ...input, weight: problem.weight, week, timed, status: 'queued', createdAt: now })
        .returning();
      return ok({ kind: 'queued', submission });
    });
  }

  async get(id: number): Promise<Submission | undefined> {
    const [row] = await this.db.select().from(submissions).where(eq(submissions.id, id));
    return row;
  }

  /**
   * Claims the next queued submission. Fair between members: a member's second queued
   * submission waits until every member's first one has been taken. SKIP LOCKED lets several
   * grader processes claim at once, each getting a different row.
   */
  async claimNext(): Promise<Submission | undefined> {
    const startedAt = this.now().toISOString();
    const rows = await this.db.execute(sql`
      update ${submissions} set status = 'running', started_at = ${startedAt}, attempts = attempts + 1
      where id = (
        select s.id from ${submissions} as s
        join ${queuedTurns} as q on q.id = s.id
        where s.status = 'queued'
        order by q.turn, s.id
        for update of s skip locked
        limit 1
      )
      returning id`);
    const [claimed] = rowsOf<{ id: number }>(rows);
    return claimed ? this.get(claimed.id) : undefined;
  }

  /** The queued submissions in the order claimNext takes them. */
  async queued(): Promise<Submission[]> {
    const rows = await this.db.execute(sql`
      select q.id from ${queuedTurns} as q order by q.turn, q.id`);
    const ids = rowsOf<{ id: number }>(rows).map((r) => r.id);
    if (ids.length === 0) return [];
    const byId = new Map((await this.db.select().from(submissions).where(inArray(submissions.id, ids))).map((s) => [s.id, s]));
    return ids.map((id) => byId.get(id)).filter((s): s is Submission => s !== undefined);
  }

  /** Position in the queue (1 = next), in the order claimNext takes them; 0 when not queued. */
  async queuePosition(id: number): Promise<number> {
    const rows = await this.db.execute(sql`
      select position::int as position from (
        select id, row_number() over (order by turn, id) as position from ${queuedTurns} as q
      ) as ordered where id = ${id}`);
    return rowsOf<{ position: number }>(rows)[0]?.position ?? 0;
  }

  async markGraded(id: number, outcome: GradedOutcome): Promise<Submission> {
    const current = await this.get(id);
    if (!current) throw new Error(`submission ${id} does not exist`);
    // A grade that finishes after its week closed counts for the new week.
    const week = (await this.mockExam.isClosed(current.guildId, current.week))
      ? await this.mockExam.weekForSubmission(current.guildId)
      : current.week;
    const [row] = await this.db
      .update(submissions)
      .set({ ...outcome, week, status: 'graded', finishedAt: this.now(), errorCode: null, error: null })
      .where(eq(submissions.id, id))
      .returning();
    return row;
  }

  async markFailed(id: number, errorCode: string, error: string, extra: { format?: string; backend?: string } = {}): Promise<Submission> {
    const [row] = await this.db
      .update(submissions)
      .set({ status: 'failed', errorCode, error, finishedAt: this.now(), ...extra })
      .where(eq(submissions.id, id))
      .returning();
    return row;
  }

  /**
   * Puts running submissions back in the queue: at start for this process's own interrupted work
   * (with one process), or those running longer than `olderThanMs` (a crashed grader elsewhere).
   */
  async requeueInterrupted(olderThanMs = 0): Promise<number> {
    const cutoff = new Date(this.now().getTime() - olderThanMs);
    const rows = await this.db
      .update(submissions)
      .set({ status: 'queued' as SubmissionStatus, startedAt: null })
      .where(and(eq(submissions.status, 'running'), sql`${submissions.startedAt} <= ${cutoff.toISOString()}`))
      .returning({ id: submissions.id });
    return rows.length;
  }

  /** The member's best points per problem (any week), for /problems. */
  async bestPoints(guildId: string, userId: string): Promise<Map<string, number>> {
    const rows = await this.db
      .select({ problemId: submissions.problemId, points: sql<number>`max(${submissions.points})` })
      .from(submissions)
      .where(and(eq(submissions.guildId, guildId), eq(submissions.userId, userId), eq(submissions.status, 'graded')))
      .groupBy(submissions.problemId);
    return new Map(rows.map((r) => [r.problemId, Number(r.points)]));
  }
}
