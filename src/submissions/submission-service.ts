// Submissions are the source of truth of the grading queue. A row is created when /grade starts
// receiving an upload (receiving), queued once the files are stored, claimed by a grader (running),
// then graded or failed. Receiving and running rows hold a lease that their process renews; any
// live process puts back (or fails) a row whose lease expired, so a killed process loses nothing.
// Claiming is one UPDATE ... FOR UPDATE SKIP LOCKED, so several grader processes on one PostgreSQL
// never take the same submission.
import { and, asc, eq, gte, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { IN_FLIGHT_STATUSES, submissions } from '../db/schema.ts';
import type { MockExamService } from '../mockexam/mock-exam-service.ts';
import type { ProblemDefinition } from '../grading/problem-types.ts';
import { baselineScores } from '../grading/baselines.ts';
import { rescoreResult } from '../grading/rescore.ts';
import { thresholdTable } from '../grading/scoring.ts';
import type { GradeResult } from '../grading/worker/protocol.ts';
import { rowsOf } from '../db/rows.ts';
import type { Clock } from '../clock.ts';
import { ok, refused, type Result } from '../result.ts';

export type Submission = typeof submissions.$inferSelect;

export type SubmissionLimits = {
  /** Grades a member may ask for in one hour, per server. */
  perHour: number;
};

/** A grade whose grader died this many times (its lease expired while running) is failed. */
export const MAX_GRADER_CRASHES = 2;

export type GradeRequestRow = {
  guildId: string;
  userId: string;
  userName: string;
  problemId: string;
  fileName: string;
  /** Where the upload is being stored (UploadStore), so a sweep can remove it if it never arrives. */
  filesPath?: string;
  replyTo?: Record<string, string | boolean>;
};

export type ReceivedFiles = {
  fileSha256: string;
  fileSize: number;
  /** Where the uploaded files wait (UploadStore). */
  filesPath?: string;
};

/** Who holds a lease: one id per process (or queue), and for how long a lease lasts. */
export type LeaseHolder = { owner: string; leaseMs: number };

export type AdmissionRefusal = { kind: 'busy'; inFlight: Submission } | { kind: 'rate-limited'; retryAt: Date; perHour: number };

export type GradedOutcome = {
  points: number;
  metric: string;
  metricValue: number;
  format: string;
  backend: string;
  timings: Record<string, number>;
  result: Record<string, unknown>;
};

/** What a sweep of expired leases did: rows put back in the queue, and rows it failed for good. */
export type Recovery = { requeued: number; failed: Submission[] };

export const UPLOAD_INTERRUPTED_MESSAGE =
  'The bot restarted while your upload was being received, so it was not graded. Please send it again.';
export const GRADER_CRASHED_MESSAGE =
  `This model crashed the grader ${MAX_GRADER_CRASHES} times, so it will not be graded again. Check its size and layers against the problem (see /problems show), save it again with model.save("model.h5"), and upload that file.`;

/** A stored result the grader wrote (a value and details), not something else in that column. */
function isGradeResult(result: unknown): result is GradeResult {
  const candidate = result as Partial<GradeResult> | null;
  return typeof candidate?.details?.kind === 'string' && (typeof candidate.value === 'number' || candidate.value === null);
}

/** Stored grades read per query while rescoring. */
const RESCORE_PAGE = 200;

/**
 * A value PostgreSQL will store: text and jsonb refuse the NUL character, which a hostile file can
 * put in a layer name that a refusal quotes. Everything else is kept as it is.
 */
function storable<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '') as T;
  const json = JSON.stringify(value);
  if (!json.includes('\\u0000')) return value;
  return JSON.parse(json, (_key, item: unknown) => (typeof item === 'string' ? item.replaceAll('\u0000', '') : item)) as T;
}

/**
 * Each grade in the queue or being graded, with its server's turn: 1 for the server's oldest, 2 for
 * the next, ... Claims take the queued grade with the lowest turn, so a server whose grade is already
 * running waits while other servers get theirs: one server's burst cannot starve another's. Within
 * a server, members take turns by themselves, since each has one grade in flight at most.
 */
const serverTurns = sql`(
  select id, status, row_number() over (partition by guild_id order by id) as turn
  from ${submissions} where status in ('queued', 'running')
)`;

const inFlight = inArray(submissions.status, [...IN_FLIGHT_STATUSES]);

/**
 * Failures that used the grader to the end of a budget: a model that ran out of time or memory, or
 * crashed the grading process. Cheap to send, costly to grade: they count against the hourly cap.
 */
const COSTLY_FAILURES = ['timeout', 'out-of-memory', 'grader-crashed'];

/**
 * Grades the hourly cap counts: those that produced points, those that still may, and the costly
 * failures. A refused upload (not a model, the wrong shape) or a failure on the bot's side does not.
 */
const countsAgainstCap = or(
  inArray(submissions.status, [...IN_FLIGHT_STATUSES, 'graded']),
  and(eq(submissions.status, 'failed'), inArray(submissions.errorCode, COSTLY_FAILURES)),
);

export class SubmissionService {
  constructor(
    private readonly db: Database,
    private readonly mockExam: MockExamService,
    private readonly catalog: readonly ProblemDefinition[],
    private readonly limits: SubmissionLimits,
    private readonly now: Clock,
  ) {}

  /**
   * Admits a grade request before its upload is received: a member has one grade in flight at a
   * time and a cap per hour. Both are decided inside one transaction holding the member's advisory
   * lock (and the one-in-flight unique index backs the first), so concurrent requests cannot pass
   * together. The cap counts the grades that produced points and those still in flight, which may
   * yet produce some: an upload refused as no model, or failed on the bot's side, costs nothing.
   * The row is `receiving` under `holder`'s lease until received() or abandon().
   */
  async reserve(input: GradeRequestRow, holder: LeaseHolder): Promise<Result<Submission, AdmissionRefusal>> {
    const problem = this.catalog.find((p) => p.id === input.problemId);
    if (!problem) throw new Error(`unknown problem ${input.problemId}`);
    const now = this.now();
    // Read before the transaction: PGlite runs one statement stream, so a read outside an open
    // transaction would wait for it.
    const week = await this.mockExam.weekForSubmission(input.guildId, now);
    const attempt = await this.mockExam.timedAttempt(input.guildId, input.userId, week);
    const timed = attempt !== undefined && attempt.startedAt <= now && now < attempt.endsAt;
    const mine = and(eq(submissions.guildId, input.guildId), eq(submissions.userId, input.userId));
    return this.db.transaction(async (tx): Promise<Result<Submission, AdmissionRefusal>> => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`submission:${input.guildId}:${input.userId}`}))`);
      const [busy] = await tx.select().from(submissions).where(and(mine, inFlight)).limit(1);
      if (busy) return refused({ kind: 'busy', inFlight: busy });
      const hourAgo = new Date(now.getTime() - 60 * 60 * 1000);
      const recent = await tx
        .select({ createdAt: submissions.createdAt })
        .from(submissions)
        .where(and(mine, gte(submissions.createdAt, hourAgo), countsAgainstCap))
        .orderBy(asc(submissions.createdAt));
      if (recent.length >= this.limits.perHour) {
        const retryAt = new Date(recent[recent.length - this.limits.perHour].createdAt.getTime() + 60 * 60 * 1000);
        return refused({ kind: 'rate-limited', retryAt, perHour: this.limits.perHour });
      }
      const [row] = await tx
        .insert(submissions)
        .values({
          ...input,
          fileSha256: '',
          fileSize: 0,
          weight: problem.weight,
          week,
          timed,
          status: 'receiving',
          createdAt: now,
          leaseOwner: holder.owner,
          leaseExpiresAt: new Date(now.getTime() + holder.leaseMs),
        })
        .returning();
      return ok(row);
    });
  }

  /**
   * The upload of a reserved row is stored: it joins the queue, unless the member had this very
   * file graded for this problem before. Then the stored result is reused without grading again,
   * and recorded on the reserved row, so it counts where a new grade would: this week's board,
   * and the timed board when the member's window is open. Only the member's own earlier grades
   * are reused: the same file from another member is graded as that member's upload. Undefined
   * when the reservation no longer exists (expired and failed, or deleted).
   */
  async received(id: number, files: ReceivedFiles): Promise<{ kind: 'queued' | 'reused'; submission: Submission } | undefined> {
    const reserved = await this.get(id);
    if (!reserved || reserved.status !== 'receiving') return undefined;
    const [earlier] = await this.db
      .select({ id: submissions.id })
      .from(submissions)
      .where(
        and(
          eq(submissions.guildId, reserved.guildId),
          eq(submissions.userId, reserved.userId),
          eq(submissions.problemId, reserved.problemId),
          eq(submissions.fileSha256, files.fileSha256),
          eq(submissions.status, 'graded'),
        ),
      )
      .orderBy(asc(submissions.id))
      .limit(1);
    if (earlier) {
      const reused = await this.recordReused(reserved, earlier.id, files);
      if (reused) return { kind: 'reused', submission: reused };
      // The earlier grade was deleted meanwhile (/privacy): this upload is graded as a new one.
    }
    const [queued] = await this.db
      .update(submissions)
      .set({ ...files, status: 'queued', leaseOwner: null, leaseExpiresAt: null })
      .where(and(eq(submissions.id, id), eq(submissions.status, 'receiving')))
      .returning();
    return queued ? { kind: 'queued', submission: queued } : undefined;
  }

  /** Records the outcome of an earlier grade on a reservation, in one statement (copied in the database). */
  private async recordReused(reserved: Submission, earlierId: number, files: ReceivedFiles): Promise<Submission | undefined> {
    const now = this.now();
    const week = await this.weekToRecord(reserved);
    const rows = await this.db.execute(sql`
      update ${submissions} as s set
        status = 'graded', points = e.points, metric = e.metric, metric_value = e.metric_value,
        format = e.format, backend = e.backend, timings = e.timings, result = e.result,
        file_sha256 = ${files.fileSha256}, file_size = ${files.fileSize}, files_path = null, week = ${week},
        started_at = ${now.toISOString()}, finished_at = ${now.toISOString()}, lease_owner = null, lease_expires_at = null
      from ${submissions} as e
      where s.id = ${reserved.id} and s.status = 'receiving' and e.id = ${earlierId} and e.status = 'graded'
      returning s.id`);
    const [row] = rowsOf<{ id: number }>(rows);
    const copied = row && (await this.get(row.id));
    // A grade stored by a process still on an older threshold table gets today's points.
    if (copied && (await this.rescoreStored(copied))) return this.get(copied.id);
    return copied || undefined;
  }

  /** The week a grade finishing now is recorded for: its own, or the new one when its week closed meanwhile. */
  private async weekToRecord(submission: Submission): Promise<string> {
    return (await this.mockExam.isClosed(submission.guildId, submission.week))
      ? this.mockExam.weekForSubmission(submission.guildId)
      : submission.week;
  }

  /** Drops a reservation whose upload was refused (the member was told why). */
  async abandon(id: number): Promise<void> {
    await this.db.delete(submissions).where(and(eq(submissions.id, id), eq(submissions.status, 'receiving')));
  }

  /** The submissions waiting for a grader: how many, and when the oldest was asked for. */
  async queueState(): Promise<{ depth: number; oldestQueuedAt: Date | undefined }> {
    const [row] = await this.db
      .select({ depth: sql<number>`count(*)::int`, oldest: sql<Date | null>`min(${submissions.createdAt})`.mapWith(submissions.createdAt) })
      .from(submissions)
      .where(eq(submissions.status, 'queued'));
    return { depth: Number(row?.depth ?? 0), oldestQueuedAt: row?.oldest ?? undefined };
  }

  async get(id: number): Promise<Submission | undefined> {
    const [row] = await this.db.select().from(submissions).where(eq(submissions.id, id));
    return row;
  }

  /**
   * Claims the next queued submission under `holder`'s lease. Fair between members: a member's
   * second queued submission waits until every member's first one has been taken. SKIP LOCKED
   * lets several grader processes claim at once, each getting a different row.
   */
  async claimNext(holder: LeaseHolder = { owner: 'claim', leaseMs: 60_000 }): Promise<Submission | undefined> {
    const now = this.now();
    const rows = await this.db.execute(sql`
      update ${submissions} set status = 'running', started_at = ${now.toISOString()}, attempts = attempts + 1,
        lease_owner = ${holder.owner}, lease_expires_at = ${new Date(now.getTime() + holder.leaseMs).toISOString()}
      where id = (
        select s.id from ${submissions} as s
        join ${serverTurns} as q on q.id = s.id
        where s.status = 'queued'
        order by q.turn, s.id
        for update of s skip locked
        limit 1
      )
      returning id`);
    const [claimed] = rowsOf<{ id: number }>(rows);
    return claimed ? this.get(claimed.id) : undefined;
  }

  /** Extends the lease of the submissions `holder` still holds; returns how many it holds. */
  async renewLeases(ids: number[], holder: LeaseHolder): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await this.db
      .update(submissions)
      .set({ leaseExpiresAt: new Date(this.now().getTime() + holder.leaseMs) })
      .where(and(inArray(submissions.id, ids), eq(submissions.leaseOwner, holder.owner), inArray(submissions.status, ['receiving', 'running'])))
      .returning({ id: submissions.id });
    return rows.length;
  }

  /**
   * The grading process died under this grade while this process lives (so its lease did not
   * lapse): counted as a crash, like an expired lease. The grade goes back to the queue, or is
   * failed once its grader died MAX_GRADER_CRASHES times.
   */
  async recordCrash(id: number, holder: LeaseHolder): Promise<Submission | undefined> {
    const now = this.now();
    const last = sql`${submissions.crashes} + 1 >= ${MAX_GRADER_CRASHES}`;
    const [row] = await this.db
      .update(submissions)
      .set({
        crashes: sql`${submissions.crashes} + 1`,
        status: sql`case when ${last} then 'failed' else 'queued' end`,
        errorCode: sql`case when ${last} then 'grader-crashed' else null end`,
        error: sql`case when ${last} then ${GRADER_CRASHED_MESSAGE} else null end`,
        finishedAt: sql`case when ${last} then ${now.toISOString()}::timestamptz else null end`,
        startedAt: null,
        leaseOwner: null,
        leaseExpiresAt: null,
      })
      .where(this.stillHeld(id, holder))
      .returning();
    return row;
  }

  /** A grade cut off by a clean stop goes back to the queue as it was (no crash counted). */
  async handBack(id: number, holder: LeaseHolder): Promise<boolean> {
    const rows = await this.db
      .update(submissions)
      .set({ status: 'queued', startedAt: null, leaseOwner: null, leaseExpiresAt: null })
      .where(and(eq(submissions.id, id), eq(submissions.status, 'running'), eq(submissions.leaseOwner, holder.owner)))
      .returning({ id: submissions.id });
    return rows.length > 0;
  }

  /**
   * Sweeps leases that expired (their process died): a running grade goes back to the queue, or is
   * failed once its grader died MAX_GRADER_CRASHES times; an upload that was being received is
   * failed, telling the member to send it again. `everyLease` treats every lease as expired: right
   * at the start of the only process on the embedded database, whose earlier life held them all.
   */
  async recoverExpired({ everyLease = false, exceptOwner }: { everyLease?: boolean; exceptOwner?: string } = {}): Promise<Recovery> {
    const now = this.now();
    // No lease at all: a row left running by a version without leases.
    const lapsed = everyLease ? sql`true` : or(lte(submissions.leaseExpiresAt, now), isNull(submissions.leaseExpiresAt));
    // A process never sweeps its own leases: after an outage it renews them rather than count itself dead.
    const expired = exceptOwner === undefined ? lapsed : and(lapsed, sql`${submissions.leaseOwner} is distinct from ${exceptOwner}`);
    const released = { leaseOwner: null, leaseExpiresAt: null };
    const interrupted = await this.db
      .update(submissions)
      .set({ status: 'failed', errorCode: 'upload-interrupted', error: UPLOAD_INTERRUPTED_MESSAGE, finishedAt: now, ...released })
      .where(and(eq(submissions.status, 'receiving'), expired))
      .returning();
    const crashedTwice = await this.db
      .update(submissions)
      .set({ status: 'failed', errorCode: 'grader-crashed', error: GRADER_CRASHED_MESSAGE, finishedAt: now, crashes: sql`${submissions.crashes} + 1`, ...released })
      .where(and(eq(submissions.status, 'running'), expired, gte(submissions.crashes, MAX_GRADER_CRASHES - 1)))
      .returning();
    const requeued = await this.db
      .update(submissions)
      .set({ status: 'queued', startedAt: null, crashes: sql`${submissions.crashes} + 1`, ...released })
      .where(and(eq(submissions.status, 'running'), expired))
      .returning({ id: submissions.id });
    return { requeued: requeued.length, failed: [...interrupted, ...crashedTwice] };
  }

  /** The queued submissions in the order claimNext takes them. */
  async queued(): Promise<Submission[]> {
    const rows = await this.db.execute(sql`
      select q.id from ${serverTurns} as q where q.status = 'queued' order by q.turn, q.id`);
    const ids = rowsOf<{ id: number }>(rows).map((r) => r.id);
    if (ids.length === 0) return [];
    const byId = new Map((await this.db.select().from(submissions).where(inArray(submissions.id, ids))).map((s) => [s.id, s]));
    return ids.map((id) => byId.get(id)).filter((s): s is Submission => s !== undefined);
  }

  /** Position in the queue (1 = next), in the order claimNext takes them; 0 when not queued. */
  async queuePosition(id: number): Promise<number> {
    const rows = await this.db.execute(sql`
      select position::int as position from (
        select id, row_number() over (order by turn, id) as position from ${serverTurns} as q where q.status = 'queued'
      ) as ordered where id = ${id}`);
    return rowsOf<{ position: number }>(rows)[0]?.position ?? 0;
  }

  /**
   * Records a grade. Undefined when the submission is no longer in flight: another process
   * recorded it first, or the member deleted their data meanwhile. Each grade is answered once.
   */
  async markGraded(id: number, outcome: GradedOutcome, holder?: LeaseHolder): Promise<Submission | undefined> {
    const current = await this.get(id);
    if (!current) return undefined;
    // A grade that finishes after its week closed counts for the new week.
    const week = await this.weekToRecord(current);
    const [row] = await this.db
      .update(submissions)
      .set({ ...storable(outcome), week, status: 'graded', finishedAt: this.now(), errorCode: null, error: null, leaseOwner: null, leaseExpiresAt: null })
      .where(this.stillHeld(id, holder))
      .returning();
    return row;
  }

  /**
   * Grades stored under an older threshold table get today's points (see rescoreResult): run at
   * start, so this week's board and best points are on one scale. Closed weeks keep their final
   * standings as they were published. Only rows whose stored table or baselines differ from
   * today's are read; a row that cannot be rescored is left as it is and reported.
   */
  async rescoreStoredGrades(): Promise<{ changed: number; unreadable: number[] }> {
    let changed = 0;
    const unreadable: number[] = [];
    for (const problem of this.catalog) {
      const table = thresholdTable(problem);
      const baselines = baselineScores(problem, table);
      let after = 0;
      for (;;) {
        const page = await this.db
          .select({ id: submissions.id, problemId: submissions.problemId, result: submissions.result })
          .from(submissions)
          .where(
            and(
              eq(submissions.problemId, problem.id),
              eq(submissions.status, 'graded'),
              sql`${submissions.id} > ${after}`,
              // jsonb equality ignores key order and compares numbers as numbers.
              sql`(${submissions.result}->'thresholds' is distinct from ${JSON.stringify(table.rows)}::jsonb
                or ${submissions.result}->'baselines' is distinct from ${JSON.stringify(baselines)}::jsonb)`,
            ),
          )
          .orderBy(asc(submissions.id))
          .limit(RESCORE_PAGE);
        if (page.length === 0) break;
        for (const row of page) {
          after = row.id;
          try {
            if (await this.rescoreStored(row)) changed++;
          } catch {
            unreadable.push(row.id);
          }
        }
      }
    }
    return { changed, unreadable };
  }

  /** Rescores one stored grade under today's table; false when it needs nothing or is no grader result. */
  private async rescoreStored(row: Pick<Submission, 'id' | 'problemId' | 'result'>): Promise<boolean> {
    const problem = this.catalog.find((p) => p.id === row.problemId);
    if (!problem || !isGradeResult(row.result)) return false;
    const rescored = rescoreResult(problem, row.result);
    if (!rescored) return false;
    await this.db
      .update(submissions)
      .set({ points: rescored.points, result: rescored as unknown as Record<string, unknown> })
      .where(and(eq(submissions.id, row.id), eq(submissions.status, 'graded')));
    return true;
  }

  /** Records a refusal; undefined when the submission is no longer in flight (see markGraded). */
  async markFailed(id: number, errorCode: string, error: string, holder?: LeaseHolder): Promise<Submission | undefined> {
    const [row] = await this.db
      .update(submissions)
      .set({ status: 'failed', errorCode, error: storable(error), finishedAt: this.now(), leaseOwner: null, leaseExpiresAt: null })
      .where(this.stillHeld(id, holder))
      .returning();
    return row;
  }

  /** The submission is still in flight and, when a holder is named, still that holder's to record. */
  private stillHeld(id: number, holder: LeaseHolder | undefined) {
    const mine = and(eq(submissions.id, id), inFlight);
    return holder ? and(mine, eq(submissions.status, 'running'), eq(submissions.leaseOwner, holder.owner)) : mine;
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
