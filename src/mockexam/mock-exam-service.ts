// Weekly mock exams: the week's problem set, the personal 5-hour timed attempt, live and recorded
// standings, and closing a week. Every query is scoped to one server.
import { and, eq, inArray, isNotNull, max, notInArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import type { Clock } from '../clock.ts';
import { ok, refused, type Result } from '../result.ts';
import {
  submissions,
  timedAttempts,
  weekClosures,
  weeklyProblemSets,
  weeklyStandings,
  type Board,
} from '../db/schema.ts';
import type { ProblemDefinition } from '../grading/problem-types.ts';
import type { GuildSettingsService } from '../settings/guild-settings.ts';
import { MAX_WEIGHTED_POINTS, checkProblemSet, rotatingProblemSet } from './problem-set.ts';
import { isoWeekOf, weekBounds, type IsoWeek } from './week.ts';

export const TIMED_ATTEMPT_MS = 5 * 60 * 60 * 1000;

export type StandingRow = {
  userId: string;
  userName: string;
  rank: number;
  /** Exam score 0..100. */
  score: number;
  pointsByProblem: Record<string, number>;
};

export type BoardView = {
  week: IsoWeek;
  board: Board;
  /** The week's problems, lightest first. */
  problemIds: string[];
  /** The current week, still open: its standings can change. */
  live: boolean;
  /** Its final standings are recorded. */
  closed: boolean;
  top: StandingRow[];
  caller?: StandingRow;
  members: number;
};

export type AllTimeRow = { userId: string; userName: string; rank: number; score: number; weeks: number };

/** A member's timed attempt of a week: 5 hours from its start. */
export type TimedWindow = { week: IsoWeek; startedAt: Date; endsAt: Date };

export type ProblemSet = { week: IsoWeek; problemIds: string[]; chosenBy: 'rotation' | 'moderator' };

export type MockExamOptions = {
  /**
   * Vacuum the submissions after closing weeks. PGlite has no autovacuum: without it the weekly
   * board stops being an index-only scan.
   */
  vacuumAfterClose?: boolean;
};

/**
 * Where a graded submission counts, for its reply: on its week's boards (the week board, and the
 * timed board when graded inside the member's window) when its problem is in that week's set; only
 * toward the member's best on the problem otherwise.
 */
export type GradeCounting = { week: IsoWeek; inWeekSet: boolean; timed: boolean };

/** A week closed by closeDueWeeks, with its final standings. */
export type ClosedWeek = { guildId: string; week: IsoWeek; standings: StandingRow[] };

export class MockExamService {
  constructor(
    private readonly db: Database,
    private readonly settings: GuildSettingsService,
    private readonly catalog: readonly ProblemDefinition[],
    /** The clock: weeks, windows and closes follow it (tests move it). */
    readonly now: Clock,
    private readonly options: MockExamOptions = {},
  ) {}

  async currentWeek(guildId: string, at: Date = this.now()): Promise<{ week: IsoWeek; timezone: string; start: Date; end: Date }> {
    const { timezone } = await this.settings.get(guildId);
    const week = isoWeekOf(at, timezone);
    return { week, timezone, ...weekBounds(week, timezone) };
  }

  async isClosed(guildId: string, week: IsoWeek): Promise<boolean> {
    const rows = await this.db
      .select({ week: weekClosures.week })
      .from(weekClosures)
      .where(and(eq(weekClosures.guildId, guildId), eq(weekClosures.week, week)));
    return rows.length > 0;
  }

  /** The week a submission made now counts for: the current week, never a closed one. */
  async weekForSubmission(guildId: string, at: Date = this.now()): Promise<IsoWeek> {
    return (await this.currentWeek(guildId, at)).week;
  }

  async problemSet(guildId: string, week: IsoWeek): Promise<ProblemSet> {
    const [chosen] = await this.db
      .select()
      .from(weeklyProblemSets)
      .where(and(eq(weeklyProblemSets.guildId, guildId), eq(weeklyProblemSets.week, week)));
    if (chosen) return { week, problemIds: chosen.problemIds, chosenBy: 'moderator' };
    return { week, problemIds: rotatingProblemSet(week, this.catalog), chosenBy: 'rotation' };
  }

  /** A moderator's choice for a week that has not closed: one problem per category. */
  async setProblemSet(guildId: string, week: IsoWeek, problemIds: string[], setBy: string): Promise<Result<string[], string[]>> {
    const problems = checkProblemSet(problemIds, this.catalog);
    if (await this.isClosed(guildId, week)) problems.push(`Week ${week} is closed; its set can no longer change.`);
    if (problems.length > 0) return refused(problems);
    const ordered = [...problemIds].sort((a, b) => this.weightOf(a) - this.weightOf(b));
    const setAt = this.now();
    await this.db
      .insert(weeklyProblemSets)
      .values({ guildId, week, problemIds: ordered, setBy, setAt })
      .onConflictDoUpdate({
        target: [weeklyProblemSets.guildId, weeklyProblemSets.week],
        set: { problemIds: ordered, setBy, setAt },
      });
    return ok(ordered);
  }

  private weightOf(problemId: string): number {
    return this.catalog.find((p) => p.id === problemId)?.weight ?? 0;
  }

  /** Opens the member's 5-hour window for this week; once per week (refused with the window already open). */
  async startTimedAttempt(
    guildId: string,
    userId: string,
  ): Promise<Result<TimedWindow, TimedWindow>> {
    const startedAt = this.now();
    const { week } = await this.currentWeek(guildId, startedAt);
    const endsAt = new Date(startedAt.getTime() + TIMED_ATTEMPT_MS);
    const inserted = await this.db
      .insert(timedAttempts)
      .values({ guildId, userId, week, startedAt, endsAt })
      .onConflictDoNothing()
      .returning();
    if (inserted.length > 0) return ok({ week, startedAt, endsAt });
    const existing = (await this.timedAttempt(guildId, userId, week))!;
    return refused({ week, startedAt: existing.startedAt, endsAt: existing.endsAt });
  }

  async timedAttempt(guildId: string, userId: string, week: IsoWeek): Promise<{ startedAt: Date; endsAt: Date } | undefined> {
    const [row] = await this.db
      .select()
      .from(timedAttempts)
      .where(and(eq(timedAttempts.guildId, guildId), eq(timedAttempts.userId, userId), eq(timedAttempts.week, week)));
    return row ? { startedAt: row.startedAt, endsAt: row.endsAt } : undefined;
  }

  /** Where a graded submission counts (see GradeCounting); undefined while mock exams are off in its server. */
  async countingOf(submission: { guildId: string; week: IsoWeek; problemId: string; timed: boolean }): Promise<GradeCounting | undefined> {
    if (!(await this.settings.get(submission.guildId)).mockExamEnabled) return undefined;
    const { problemIds } = await this.problemSet(submission.guildId, submission.week);
    return { week: submission.week, inWeekSet: problemIds.includes(submission.problemId), timed: submission.timed };
  }

  /** Standings computed from the submissions: the best graded attempt per member and problem of the set. */
  async liveStandings(guildId: string, week: IsoWeek, board: Board): Promise<StandingRow[]> {
    const { problemIds } = await this.problemSet(guildId, week);
    const best = await this.db
      .select({
        userId: submissions.userId,
        problemId: submissions.problemId,
        points: max(submissions.points),
        userName: max(submissions.userName),
      })
      .from(submissions)
      .where(
        and(
          eq(submissions.guildId, guildId),
          eq(submissions.week, week),
          isNotNull(submissions.points),
          inArray(submissions.problemId, problemIds),
          board === 'timed' ? eq(submissions.timed, true) : undefined,
        ),
      )
      .groupBy(submissions.userId, submissions.problemId);
    const members = new Map<string, { userName: string; weighted: number; pointsByProblem: Record<string, number> }>();
    for (const row of best) {
      const member = members.get(row.userId) ?? { userName: row.userName ?? row.userId, weighted: 0, pointsByProblem: {} };
      const points = Number(row.points ?? 0);
      member.weighted += points * this.weightOf(row.problemId);
      member.pointsByProblem[row.problemId] = points;
      members.set(row.userId, member);
    }
    return rank(
      [...members.entries()].map(([userId, m]) => ({
        userId,
        userName: m.userName,
        weighted: m.weighted,
        pointsByProblem: m.pointsByProblem,
      })),
    ).map(({ weighted, ...row }) => ({ ...row, score: (weighted / MAX_WEIGHTED_POINTS) * 100 }));
  }

  /** Recorded standings for a closed week, live ones otherwise. */
  async standings(guildId: string, week: IsoWeek, board: Board): Promise<{ closed: boolean; rows: StandingRow[] }> {
    if (!(await this.isClosed(guildId, week))) return { closed: false, rows: await this.liveStandings(guildId, week, board) };
    const rows = await this.db
      .select()
      .from(weeklyStandings)
      .where(and(eq(weeklyStandings.guildId, guildId), eq(weeklyStandings.week, week), eq(weeklyStandings.board, board)))
      .orderBy(weeklyStandings.rank, weeklyStandings.userName);
    return {
      closed: true,
      rows: rows.map((r) => ({ userId: r.userId, userName: r.userName, rank: r.rank, score: r.score, pointsByProblem: r.pointsByProblem })),
    };
  }

  async board(guildId: string, week: IsoWeek, board: Board, callerId: string, limit = 10): Promise<BoardView> {
    const { closed, rows } = await this.standings(guildId, week, board);
    const [{ problemIds }, { timezone }] = await Promise.all([this.problemSet(guildId, week), this.settings.get(guildId)]);
    // A week that has ended takes no more grades (they count for the next week), so its standings
    // are final even in the minutes before the closing job records them.
    const { start, end } = weekBounds(week, timezone);
    const now = this.now().getTime();
    const live = !closed && start.getTime() <= now && now < end.getTime();
    return { week, board, problemIds, live, closed, top: rows.slice(0, limit), caller: rows.find((r) => r.userId === callerId), members: rows.length };
  }

  /**
   * All-time: the sum of each week's exam score (recorded for closed weeks, live for open ones).
   * `weeks` counts the weeks with a score on this server: the best possible total is 100 per week.
   */
  async allTime(guildId: string, callerId: string, limit = 10): Promise<{ top: AllTimeRow[]; caller?: AllTimeRow; members: number; weeks: number }> {
    const closedWeeks = (
      await this.db.select({ week: weekClosures.week }).from(weekClosures).where(eq(weekClosures.guildId, guildId))
    ).map((r) => r.week);
    const recorded = await this.db
      .select({ week: weeklyStandings.week, userId: weeklyStandings.userId, userName: weeklyStandings.userName, score: weeklyStandings.score })
      .from(weeklyStandings)
      .where(and(eq(weeklyStandings.guildId, guildId), eq(weeklyStandings.board, 'week')));
    const openWeeks = (
      await this.db
        .selectDistinct({ week: submissions.week })
        .from(submissions)
        .where(and(eq(submissions.guildId, guildId), closedWeeks.length ? notInArray(submissions.week, closedWeeks) : undefined))
    ).map((r) => r.week);
    const live = (await Promise.all(openWeeks.map(async (w) => (await this.liveStandings(guildId, w, 'week')).map((row) => ({ ...row, week: w }))))).flat();
    const totals = new Map<string, { userName: string; score: number; weeks: number }>();
    for (const row of [...recorded, ...live]) {
      const total = totals.get(row.userId) ?? { userName: row.userName, score: 0, weeks: 0 };
      total.score += row.score;
      total.weeks += 1;
      totals.set(row.userId, total);
    }
    const ranked = rank(
      [...totals.entries()].map(([userId, t]) => ({ userId, userName: t.userName, weighted: Math.round(t.score * 1e6), score: t.score, weeks: t.weeks })),
    ).map(({ weighted: _w, ...row }) => row);
    const weeks = new Set([...recorded, ...live].map((row) => row.week)).size;
    return { top: ranked.slice(0, limit), caller: ranked.find((r) => r.userId === callerId), members: ranked.length, weeks };
  }

  /**
   * Records the final standings of a week, once: a second call (another process, a retry) changes
   * nothing and returns what was recorded.
   */
  async closeWeek(guildId: string, week: IsoWeek): Promise<{ newlyClosed: boolean; week: StandingRow[]; timed: StandingRow[] }> {
    const newlyClosed = await this.db.transaction(async (tx) => {
      const claimed = await tx.insert(weekClosures).values({ guildId, week, closedAt: this.now() }).onConflictDoNothing().returning();
      if (claimed.length === 0) return false;
      const txService = new MockExamService(tx as unknown as Database, this.settings, this.catalog, this.now);
      for (const board of ['week', 'timed'] as const) {
        const rows = await txService.liveStandings(guildId, week, board);
        if (rows.length > 0) {
          await tx.insert(weeklyStandings).values(rows.map((r) => ({ guildId, week, board, ...r })));
        }
      }
      return true;
    });
    const [weekBoard, timedBoard] = await Promise.all([this.standings(guildId, week, 'week'), this.standings(guildId, week, 'timed')]);
    return { newlyClosed, week: weekBoard.rows, timed: timedBoard.rows };
  }

  /**
   * Closes every week that has ended in its server's timezone, of the servers `includes` accepts
   * (all by default; a shard takes its own); returns those this call closed.
   */
  async closeDueWeeks(includes: (guildId: string) => boolean = () => true): Promise<ClosedWeek[]> {
    const closed: ClosedWeek[] = [];
    for (const { guildId, week } of await this.weeksToClose(this.now(), includes)) {
      const result = await this.closeWeek(guildId, week);
      if (result.newlyClosed) closed.push({ guildId, week, standings: result.week });
    }
    if (closed.length > 0 && this.options.vacuumAfterClose) await this.db.execute(sql`vacuum analyze submissions`);
    return closed;
  }

  /** Weeks with submissions that have ended in their server's timezone and are not closed yet, of the servers `includes` accepts. */
  async weeksToClose(at: Date = this.now(), includes: (guildId: string) => boolean = () => true): Promise<Array<{ guildId: string; week: IsoWeek }>> {
    const candidates = await this.db
      .selectDistinct({ guildId: submissions.guildId, week: submissions.week })
      .from(submissions)
      .leftJoin(weekClosures, and(eq(weekClosures.guildId, submissions.guildId), eq(weekClosures.week, submissions.week)))
      .where(sql`${weekClosures.week} is null`);
    const due: Array<{ guildId: string; week: IsoWeek }> = [];
    for (const c of candidates.filter((candidate) => includes(candidate.guildId))) {
      const { timezone } = await this.settings.get(c.guildId);
      if (weekBounds(c.week, timezone).end.getTime() <= at.getTime()) due.push(c);
    }
    return due;
  }
}

/** Standard competition ranking (1, 2, 2, 4): ties share a rank; equal scores list by name. The quiz boards rank the same way. */
export function rank<T extends { userName: string; weighted: number }>(rows: T[]): Array<T & { rank: number }> {
  const sorted = [...rows].sort((a, b) => b.weighted - a.weighted || a.userName.localeCompare(b.userName));
  let previous: number | undefined;
  let previousRank = 0;
  return sorted.map((row, index) => {
    const r = row.weighted === previous ? previousRank : index + 1;
    previous = row.weighted;
    previousRank = r;
    return { ...row, rank: r };
  });
}
