// The quiz boards of a server (a week's points, all-time points) and one member's quiz stats, read
// from the recorded answers. Every query is scoped to one server; the time comes from the clock.
import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/client.ts';
import { quizAnswers, quizCards } from '../db/schema.ts';
import { rank } from '../mockexam/mock-exam-service.ts';
import { isoWeekOf, weekBounds, type IsoWeek } from '../mockexam/week.ts';
import { TOPIC_IDS } from '../tips/knowledge-base.ts';
import { localDay, streakOf } from './streak.ts';

export type QuizStandingRow = {
  userId: string;
  /** The name of the member's latest answer. */
  userName: string;
  rank: number;
  points: number;
  answers: number;
  correct: number;
  /** correct / answers, 0..1. */
  accuracy: number;
};

export type QuizAllTimeRow = QuizStandingRow & { weeks: number };

export type QuizWeekBoard = {
  scope: 'week';
  week: IsoWeek;
  /** The current week: its points can still change. */
  live: boolean;
  top: QuizStandingRow[];
  caller?: QuizStandingRow;
  members: number;
};

export type QuizAllTimeBoard = {
  scope: 'all-time';
  top: QuizAllTimeRow[];
  caller?: QuizAllTimeRow;
  members: number;
  /** Weeks in which anyone on this server answered. */
  weeks: number;
};

export type QuizTopicStats = { topic: string; answered: number; correct: number };

export type MemberQuizStats = {
  /** The server's current week, which `points.week` counts. */
  week: IsoWeek;
  /** Every topic, in the knowledge base's order (answered 0 when none yet), then any other topic answered. */
  topics: QuizTopicStats[];
  answered: number;
  correct: number;
  points: { week: number; allTime: number };
  /** Consecutive local days with an answer (see streak.ts). */
  streak: { current: number; best: number };
  /** The member's cards due now whose questions this server still serves. */
  due: number;
};

export type MemberStatsOptions = {
  timezone: string;
  /** Question key prefixes served here: 'builtin' when the built-in bank is on, 'bank<id>' per bank switched on. */
  servedPrefixes: readonly string[];
};

type Totals = { userId: string; userName: string; points: number; answers: number; correct: number; weeks: number };

export class QuizStandings {
  constructor(
    private readonly db: Database,
    /** Weeks, days and due cards follow it (tests move it). */
    private readonly now: Clock,
  ) {}

  /** The server's current ISO week in its timezone. */
  currentWeek(timezone: string): IsoWeek {
    return isoWeekOf(this.now(), timezone);
  }

  /** A week's board: each member's points that week; ties share a rank. */
  async weekBoard(guildId: string, week: IsoWeek, callerId: string, { timezone, limit = 10 }: { timezone: string; limit?: number }): Promise<QuizWeekBoard> {
    const ranked = rankTotals(await this.totals(guildId, week));
    const { start, end } = weekBounds(week, timezone);
    const now = this.now().getTime();
    return {
      scope: 'week',
      week,
      live: start.getTime() <= now && now < end.getTime(),
      top: ranked.slice(0, limit).map(({ weeks: _weeks, ...row }) => row),
      ...callerRow(ranked, callerId, ({ weeks: _weeks, ...row }) => row),
      members: ranked.length,
    };
  }

  /** All-time: each member's points over every week, and in how many weeks they answered. */
  async allTimeBoard(guildId: string, callerId: string, limit = 10): Promise<QuizAllTimeBoard> {
    const [ranked, [{ weeks }]] = await Promise.all([
      this.totals(guildId).then(rankTotals),
      this.db
        .select({ weeks: sql<number>`count(distinct ${quizAnswers.week})`.mapWith(Number) })
        .from(quizAnswers)
        .where(eq(quizAnswers.guildId, guildId)),
    ]);
    return { scope: 'all-time', top: ranked.slice(0, limit), ...callerRow(ranked, callerId, (row) => row), members: ranked.length, weeks };
  }

  /** Points, answers and the latest name per member, over one week or (without `week`) all of them. */
  private async totals(guildId: string, week?: IsoWeek): Promise<Totals[]> {
    return this.db
      .select({
        userId: quizAnswers.userId,
        userName: sql<string>`(array_agg(${quizAnswers.userName} order by ${quizAnswers.answeredAt} desc, ${quizAnswers.id} desc))[1]`,
        points: sql<number>`sum(${quizAnswers.points})`.mapWith(Number),
        answers: sql<number>`count(*)`.mapWith(Number),
        correct: sql<number>`count(*) filter (where ${quizAnswers.correct})`.mapWith(Number),
        weeks: sql<number>`count(distinct ${quizAnswers.week})`.mapWith(Number),
      })
      .from(quizAnswers)
      .where(and(eq(quizAnswers.guildId, guildId), week === undefined ? undefined : eq(quizAnswers.week, week)))
      .groupBy(quizAnswers.userId);
  }

  async memberStats(guildId: string, userId: string, { timezone, servedPrefixes }: MemberStatsOptions): Promise<MemberQuizStats> {
    const now = this.now();
    const week = isoWeekOf(now, timezone);
    const member = and(eq(quizAnswers.guildId, guildId), eq(quizAnswers.userId, userId));
    const [byTopic, days, due] = await Promise.all([
      this.db
        .select({
          topic: quizAnswers.topic,
          answered: sql<number>`count(*)`.mapWith(Number),
          correct: sql<number>`count(*) filter (where ${quizAnswers.correct})`.mapWith(Number),
          points: sql<number>`sum(${quizAnswers.points})`.mapWith(Number),
          weekPoints: sql<number>`coalesce(sum(${quizAnswers.points}) filter (where ${quizAnswers.week} = ${week}), 0)`.mapWith(Number),
        })
        .from(quizAnswers)
        .where(member)
        .groupBy(quizAnswers.topic),
      this.db.selectDistinct({ day: quizAnswers.day }).from(quizAnswers).where(member),
      this.dueCount(guildId, userId, servedPrefixes, now),
    ]);
    const known = TOPIC_IDS.map((topic) => byTopic.find((row) => row.topic === topic) ?? { topic, answered: 0, correct: 0 });
    const others = byTopic.filter((row) => !(TOPIC_IDS as readonly string[]).includes(row.topic)).sort((a, b) => a.topic.localeCompare(b.topic));
    const sum = (pick: (row: (typeof byTopic)[number]) => number) => byTopic.reduce((total, row) => total + pick(row), 0);
    return {
      week,
      topics: [...known, ...others].map(({ topic, answered, correct }) => ({ topic, answered, correct })),
      answered: sum((row) => row.answered),
      correct: sum((row) => row.correct),
      points: { week: sum((row) => row.weekPoints), allTime: sum((row) => row.points) },
      streak: streakOf(
        days.map((row) => row.day),
        localDay(now, timezone),
      ),
      due,
    };
  }

  private async dueCount(guildId: string, userId: string, servedPrefixes: readonly string[], now: Date): Promise<number> {
    // A card of a bank switched off (or deleted) is not due: nothing would serve its question.
    if (servedPrefixes.length === 0) return 0;
    const [{ due }] = await this.db
      .select({ due: sql<number>`count(*)`.mapWith(Number) })
      .from(quizCards)
      .where(
        and(
          eq(quizCards.guildId, guildId),
          eq(quizCards.userId, userId),
          lte(quizCards.due, now),
          inArray(sql`split_part(${quizCards.questionKey}, ':', 1)`, [...servedPrefixes]),
        ),
      );
    return due;
  }
}

function rankTotals(totals: Totals[]): Array<QuizAllTimeRow> {
  return rank(totals.map((t) => ({ ...t, weighted: t.points }))).map(({ weighted: _weighted, ...row }) => ({
    ...row,
    accuracy: row.answers > 0 ? row.correct / row.answers : 0,
  }));
}

function callerRow<R>(ranked: QuizAllTimeRow[], callerId: string, shape: (row: QuizAllTimeRow) => R): { caller?: R } {
  const caller = ranked.find((row) => row.userId === callerId);
  return caller ? { caller: shape(caller) } : {};
}
