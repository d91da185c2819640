// The quiz: questions put to a channel (anyone answers once) or to one member privately (a review),
// answers scored by difficulty, spaced repetition per member and question, and the daily streak.
// Everything a click needs is in the database, so any process may take it and a restart loses
// nothing. Races are decided in the database: a unique index takes one answer per member, the
// post's row lock orders an answer and a close, and conditional updates take one closing and one
// count edit per interval.
import { and, asc, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/client.ts';
import { quizAnswers, quizCards, quizPosts, type QuizPostKind } from '../db/schema.ts';
import { isoWeekOf } from '../mockexam/week.ts';
import { ok, refused, type Result } from '../result.ts';
import type { GuildSettingsService } from '../settings/guild-settings.ts';
import type { TopicId } from '../tips/knowledge-base.ts';
import type { Difficulty, Question } from './question-bank.ts';
import type { QuestionCandidate, QuestionFilter, QuizBankService } from './quiz-banks.ts';
import { reviewCard, type StoredCard } from './spaced-repetition.ts';
import { localDay, streakOf } from './streak.ts';

export const POINTS_BY_DIFFICULTY: Record<Difficulty, number> = { easy: 1, medium: 2, hard: 3 };
/** A private review question waits this long for its answer. */
const REVIEW_OPEN_MS = 60 * 60 * 1000;

export type QuizMember = { id: string; name: string };

export type PostView = {
  id: number;
  kind: QuizPostKind;
  guildId: string;
  channelId: string | null;
  messageId: string | null;
  askedBy: string | null;
  question: Question;
  /** The choices in the order of the post's buttons. */
  buttons: string[];
  /** The button position of the right choice: for the reveal only, never for a custom id. */
  answerPosition: number;
  openedAt: Date;
  closesAt: Date;
  closedAt: Date | null;
  answers: number;
  correctAnswers: number;
};

export type AnswerOutcome = {
  post: PostView;
  correct: boolean;
  chosen: string;
  points: number;
  /** Whether the answer could score: the question was new to the member or due for them. */
  scored: boolean;
  /** The member's daily streak after this answer. */
  streak: number;
  /** When spaced repetition brings the question back to this member. */
  nextDue: Date;
};

export type AnswerRefusal =
  | { kind: 'no-post' }
  | { kind: 'no-choice' }
  | { kind: 'closed'; post: PostView }
  | { kind: 'already-answered'; post: PostView; chosen: string; correct: boolean }
  | { kind: 'not-yours'; post: PostView };

export type AskRefusal = { kind: 'no-questions'; filter: QuestionFilter; banksOn: number } | { kind: 'already-open'; post: PostView };
export type ReviewRefusal = { kind: 'nothing-due'; nextDue: Date | null };

export type QuizServiceOptions = {
  /** Picks questions and shuffles choices (tests pass a seeded one). */
  random?: () => number;
};

type PostRow = typeof quizPosts.$inferSelect;

function viewOf(row: PostRow): PostView {
  const question = row.question as unknown as Question;
  const buttons = row.choiceOrder.map((index) => question.choices[index]);
  return {
    id: row.id,
    kind: row.kind,
    guildId: row.guildId,
    channelId: row.channelId,
    messageId: row.messageId,
    askedBy: row.askedBy,
    question,
    buttons,
    answerPosition: buttons.indexOf(question.answer),
    openedAt: row.openedAt,
    closesAt: row.closesAt,
    closedAt: row.closedAt,
    answers: row.answers,
    correctAnswers: row.correctAnswers,
  };
}

export class QuizService {
  private readonly random: () => number;

  constructor(
    private readonly db: Database,
    private readonly banks: QuizBankService,
    private readonly settings: GuildSettingsService,
    private readonly clock: Clock,
    options: QuizServiceOptions = {},
  ) {
    this.random = options.random ?? Math.random;
  }

  /**
   * Posts a question in a channel. Without a topic, the asking member gets a question due for them
   * first, else a new one from their weakest skill area; with a topic or difficulty, one of those.
   */
  async ask(guildId: string, channelId: string, asker: QuizMember, filter: QuestionFilter = {}): Promise<Result<PostView, AskRefusal>> {
    // One open question per member and channel: a channel is a study group's, not one member's feed.
    const [open] = await this.db
      .select()
      .from(quizPosts)
      .where(
        and(
          eq(quizPosts.guildId, guildId),
          eq(quizPosts.channelId, channelId),
          eq(quizPosts.kind, 'ask'),
          eq(quizPosts.askedBy, asker.id),
          isNull(quizPosts.closedAt),
          gt(quizPosts.closesAt, this.clock()),
        ),
      )
      .limit(1);
    if (open) return refused({ kind: 'already-open', post: viewOf(open) });
    const key = await this.pickFor(guildId, asker.id, filter);
    if (!key) return refused({ kind: 'no-questions', filter, banksOn: (await this.banks.servedPrefixes(guildId)).length });
    const settings = await this.settings.get(guildId);
    const post = await this.createPost(guildId, 'ask', key, { channelId, askedBy: asker.id, openMs: settings.quizOpenMinutes * 60_000 });
    if (!post) throw new Error('a post without a slot cannot conflict');
    return ok(post);
  }

  /**
   * Starts the scheduled daily question of a slot (its local date): the served question least
   * recently posted in the server. A slot started before (a retry after a crash) gives its post back.
   */
  async daily(guildId: string, channelId: string, slot: string): Promise<PostView | undefined> {
    const [started] = await this.db.select().from(quizPosts).where(and(eq(quizPosts.guildId, guildId), eq(quizPosts.slot, slot)));
    if (started) return viewOf(started);
    const candidates = await this.banks.candidates(guildId);
    if (candidates.length === 0) return undefined;
    const lastPosted = new Map(
      (
        await this.db
          .select({ key: quizPosts.questionKey, at: sql<Date>`max(${quizPosts.openedAt})`.mapWith(quizPosts.openedAt) })
          .from(quizPosts)
          .where(and(eq(quizPosts.guildId, guildId), sql`${quizPosts.kind} <> 'review'`))
          .groupBy(quizPosts.questionKey)
      ).map((row) => [row.key, row.at.getTime()]),
    );
    const never = candidates.filter((c) => !lastPosted.has(c.key));
    const key = never.length > 0 ? this.pick(never).key : candidates.reduce((a, b) => (lastPosted.get(a.key)! <= lastPosted.get(b.key)! ? a : b)).key;
    const settings = await this.settings.get(guildId);
    const post = await this.createPost(guildId, 'daily', key, { channelId, askedBy: null, openMs: settings.quizOpenMinutes * 60_000, slot });
    if (post) return post;
    // Another process started the slot at the same moment: its post is the one.
    const [raced] = await this.db.select().from(quizPosts).where(and(eq(quizPosts.guildId, guildId), eq(quizPosts.slot, slot)));
    return raced ? viewOf(raced) : undefined;
  }

  /** A private review for a member: their most overdue question, with how many are due. */
  async review(guildId: string, member: QuizMember): Promise<Result<{ post: PostView; due: number }, ReviewRefusal>> {
    const now = this.clock();
    const served = new Set((await this.banks.candidates(guildId)).map((c) => c.key));
    const cards = (
      await this.db
        .select({ key: quizCards.questionKey, due: quizCards.due })
        .from(quizCards)
        .where(and(eq(quizCards.guildId, guildId), eq(quizCards.userId, member.id)))
        .orderBy(asc(quizCards.due))
    ).filter((card) => served.has(card.key));
    const due = cards.filter((card) => card.due <= now);
    if (due.length === 0) return refused({ kind: 'nothing-due', nextDue: cards[0]?.due ?? null });
    // A review already open for the member is shown again, not a second one for the same card.
    const [open] = await this.db
      .select()
      .from(quizPosts)
      .where(and(eq(quizPosts.guildId, guildId), eq(quizPosts.kind, 'review'), eq(quizPosts.askedBy, member.id), isNull(quizPosts.closedAt), gt(quizPosts.closesAt, now)))
      .orderBy(asc(quizPosts.id))
      .limit(1);
    if (open) return ok({ post: viewOf(open), due: due.length });
    const post = await this.createPost(guildId, 'review', due[0].key, { channelId: null, askedBy: member.id, openMs: REVIEW_OPEN_MS });
    return ok({ post: post!, due: due.length });
  }

  /** The message that shows a post, once Discord has it. */
  async recordMessage(postId: number, channelId: string, messageId: string): Promise<void> {
    await this.db.update(quizPosts).set({ channelId, messageId }).where(eq(quizPosts.id, postId));
  }

  async post(guildId: string, postId: number): Promise<PostView | undefined> {
    const [row] = await this.db.select().from(quizPosts).where(and(eq(quizPosts.id, postId), eq(quizPosts.guildId, guildId)));
    return row ? viewOf(row) : undefined;
  }

  /**
   * A member's answer: the choice at button `position`. One answer per member and post, decided by
   * the answers' unique index whichever process takes the click.
   */
  async answer(guildId: string, postId: number, member: QuizMember, position: number): Promise<Result<AnswerOutcome, AnswerRefusal>> {
    const now = this.clock();
    const { timezone } = await this.settings.get(guildId);
    const outcome = await this.db.transaction(async (tx) => {
      // The post's row is locked until the answer is counted: a close waits for it and counts it.
      const [row] = await tx.select().from(quizPosts).where(and(eq(quizPosts.id, postId), eq(quizPosts.guildId, guildId))).for('update');
      if (!row) return refused({ kind: 'no-post' as const });
      const post = viewOf(row);
      if (post.kind === 'review' && post.askedBy !== member.id) return refused({ kind: 'not-yours' as const, post });
      const earlier = await this.earlierChoice(tx, postId, member.id);
      if (earlier) return refused({ kind: 'already-answered' as const, post, ...earlier });
      if (post.closedAt || post.closesAt <= now) return refused({ kind: 'closed' as const, post });
      const chosen = post.buttons[position];
      if (chosen === undefined) return refused({ kind: 'no-choice' as const });
      const correct = chosen === post.question.answer;
      const [card] = await tx
        .select({ card: quizCards.card, due: quizCards.due })
        .from(quizCards)
        .where(and(eq(quizCards.guildId, guildId), eq(quizCards.userId, member.id), eq(quizCards.questionKey, row.questionKey)))
        .for('update');
      // Points for a question new to the member or due for them: answering again before spaced
      // repetition brings it back teaches little, and would let anyone farm points.
      const counts = !card || card.due <= now;
      const points = correct && counts ? POINTS_BY_DIFFICULTY[post.question.difficulty] : 0;
      const inserted = await tx
        .insert(quizAnswers)
        .values({
          guildId,
          userId: member.id,
          userName: member.name,
          postId,
          questionKey: row.questionKey,
          topic: post.question.topic,
          skill: post.question.skill,
          difficulty: post.question.difficulty,
          correct,
          points,
          chosen,
          answeredAt: now,
          day: localDay(now, timezone),
          week: isoWeekOf(now, timezone),
        })
        .onConflictDoNothing()
        .returning({ id: quizAnswers.id });
      if (inserted.length === 0) return refused({ kind: 'already-answered' as const, post, ...(await this.earlierChoice(tx, postId, member.id))! });
      const [updated] = await tx
        .update(quizPosts)
        .set({
          answers: sql`${quizPosts.answers} + 1`,
          correctAnswers: sql`${quizPosts.correctAnswers} + ${correct ? 1 : 0}`,
          // A review is one member's: their answer ends it.
          ...(post.kind === 'review' ? { closedAt: now } : {}),
        })
        .where(eq(quizPosts.id, postId))
        .returning();
      const next = reviewCard(card?.card as StoredCard | undefined, correct, now);
      await tx
        .insert(quizCards)
        .values({ guildId, userId: member.id, questionKey: row.questionKey, topic: post.question.topic, skill: post.question.skill, card: next.card, due: next.due, reviewedAt: now })
        .onConflictDoUpdate({
          target: [quizCards.guildId, quizCards.userId, quizCards.questionKey],
          set: { card: next.card, due: next.due, reviewedAt: now },
        });
      return ok({ post: viewOf(updated), correct, chosen, points, scored: counts, nextDue: next.due });
    });
    if (!outcome.ok) return outcome;
    return ok({ ...outcome.value, streak: await this.streak(guildId, member.id, timezone) });
  }

  /** Closes an open post now (a moderator's button); undefined when it was closed already. */
  async close(guildId: string, postId: number): Promise<PostView | undefined> {
    const now = this.clock();
    const [row] = await this.db
      .update(quizPosts)
      .set({ closedAt: now, shownAnswers: sql`${quizPosts.answers}`, countEditedAt: now })
      .where(and(eq(quizPosts.id, postId), eq(quizPosts.guildId, guildId), isNull(quizPosts.closedAt)))
      .returning();
    return row ? viewOf(row) : undefined;
  }

  /**
   * Closes every channel post whose time is up, each by the one process whose update takes it:
   * those come back for their reveal.
   */
  async closeExpired(): Promise<PostView[]> {
    const now = this.clock();
    const rows = await this.db
      .update(quizPosts)
      .set({ closedAt: sql`${quizPosts.closesAt}`, shownAnswers: sql`${quizPosts.answers}`, countEditedAt: now })
      .where(and(isNull(quizPosts.closedAt), lte(quizPosts.closesAt, now), sql`${quizPosts.kind} <> 'review'`))
      .returning();
    return rows.map(viewOf);
  }

  /**
   * Takes the right to show a post's new answer count, at most once per `intervalMs` per post;
   * undefined when the count shown is current or was edited too recently.
   */
  async claimCountEdit(postId: number, intervalMs: number): Promise<PostView | undefined> {
    const now = this.clock();
    const [row] = await this.db
      .update(quizPosts)
      .set({ shownAnswers: sql`${quizPosts.answers}`, countEditedAt: now })
      .where(
        and(
          eq(quizPosts.id, postId),
          isNull(quizPosts.closedAt),
          sql`${quizPosts.kind} <> 'review'`,
          sql`${quizPosts.shownAnswers} <> ${quizPosts.answers}`,
          or(isNull(quizPosts.countEditedAt), lte(quizPosts.countEditedAt, new Date(now.getTime() - intervalMs))),
        ),
      )
      .returning();
    return row ? viewOf(row) : undefined;
  }

  /** Open channel posts whose shown count is behind (a throttled edit that no process made yet). */
  async postsWithStaleCounts(): Promise<number[]> {
    const rows = await this.db
      .select({ id: quizPosts.id })
      .from(quizPosts)
      .where(and(isNull(quizPosts.closedAt), sql`${quizPosts.kind} <> 'review'`, sql`${quizPosts.shownAnswers} <> ${quizPosts.answers}`));
    return rows.map((row) => row.id);
  }

  /** The member's current daily streak in the server's timezone. */
  async streak(guildId: string, userId: string, timezone: string): Promise<number> {
    const days = await this.db
      .selectDistinct({ day: quizAnswers.day })
      .from(quizAnswers)
      .where(and(eq(quizAnswers.guildId, guildId), eq(quizAnswers.userId, userId)));
    return streakOf(
      days.map((d) => d.day),
      localDay(this.clock(), timezone),
    ).current;
  }

  private async earlierChoice(tx: Parameters<Parameters<Database['transaction']>[0]>[0], postId: number, userId: string) {
    const [row] = await tx
      .select({ chosen: quizAnswers.chosen, correct: quizAnswers.correct })
      .from(quizAnswers)
      .where(and(eq(quizAnswers.postId, postId), eq(quizAnswers.userId, userId)));
    return row;
  }

  private async createPost(
    guildId: string,
    kind: QuizPostKind,
    key: string,
    options: { channelId: string | null; askedBy: string | null; openMs: number; slot?: string },
  ): Promise<PostView | undefined> {
    const question = await this.banks.question(guildId, key);
    if (!question) throw new Error(`question ${key} is not in the banks of server ${guildId}`);
    const now = this.clock();
    const [row] = await this.db
      .insert(quizPosts)
      .values({
        guildId,
        kind,
        channelId: options.channelId,
        questionKey: key,
        question: question as unknown as Record<string, unknown>,
        choiceOrder: this.shuffled(question.choices.map((_, index) => index)),
        askedBy: options.askedBy,
        openedAt: now,
        closesAt: new Date(now.getTime() + options.openMs),
        slot: options.slot ?? null,
      })
      .onConflictDoNothing()
      .returning();
    return row ? viewOf(row) : undefined;
  }

  /** The member's due questions among those served, most overdue first. */
  private async dueKeys(guildId: string, userId: string, candidates?: QuestionCandidate[]): Promise<string[]> {
    const served = new Set((candidates ?? (await this.banks.candidates(guildId))).map((c) => c.key));
    const rows = await this.db
      .select({ key: quizCards.questionKey })
      .from(quizCards)
      .where(and(eq(quizCards.guildId, guildId), eq(quizCards.userId, userId), lte(quizCards.due, this.clock())))
      .orderBy(asc(quizCards.due));
    return rows.map((row) => row.key).filter((key) => served.has(key));
  }

  /** The question for a member: due first, else new from their weakest area, else the soonest due. */
  private async pickFor(guildId: string, userId: string, filter: QuestionFilter): Promise<string | undefined> {
    const candidates = await this.banks.candidates(guildId, filter);
    if (candidates.length === 0) return undefined;
    const [due] = await this.dueKeys(guildId, userId, candidates);
    if (due) return due;
    const cards = await this.db
      .select({ key: quizCards.questionKey, due: quizCards.due })
      .from(quizCards)
      .where(and(eq(quizCards.guildId, guildId), eq(quizCards.userId, userId)));
    const seen = new Map(cards.map((c) => [c.key, c.due.getTime()]));
    const unseen = candidates.filter((c) => !seen.has(c.key));
    if (unseen.length === 0) return candidates.reduce((a, b) => (seen.get(a.key)! <= seen.get(b.key)! ? a : b)).key;
    const weakest = await this.weakestTopic(guildId, userId, new Set(unseen.map((c) => c.topic)));
    return this.pick(unseen.filter((c) => c.topic === weakest)).key;
  }

  /**
   * The area where the member's accuracy is lowest, counted as (right + 1) / (answered + 2) so an
   * area never tried (1/2) comes before one answered well and after one answered badly.
   */
  private async weakestTopic(guildId: string, userId: string, among: Set<TopicId>): Promise<TopicId> {
    const rows = await this.db
      .select({ topic: quizAnswers.topic, answered: sql<number>`count(*)::int`, right: sql<number>`count(*) filter (where ${quizAnswers.correct})::int` })
      .from(quizAnswers)
      .where(and(eq(quizAnswers.guildId, guildId), eq(quizAnswers.userId, userId)))
      .groupBy(quizAnswers.topic);
    const score = (topic: TopicId) => {
      const row = rows.find((r) => r.topic === topic);
      return ((row?.right ?? 0) + 1) / ((row?.answered ?? 0) + 2);
    };
    const topics = this.shuffled([...among]);
    return topics.reduce((a, b) => (score(b) < score(a) ? b : a));
  }

  private pick<T>(items: T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private shuffled<T>(items: T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
  }
}
