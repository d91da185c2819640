// What the bot keeps about one member in one server, and its deletion on request.
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { communityTips, examDates, memberSettings, quizAnswers, quizCards, quizPosts, reminders, submissions, timedAttempts, weeklyStandings } from '../db/schema.ts';
import type { UploadStore } from '../submissions/upload-store.ts';

export type DeletedMemberData = { submissions: number; timedAttempts: number; standings: number; tipProposals: number; quizAnswers: number; reminders: number };

export class PrivacyService {
  constructor(
    private readonly db: Database,
    private readonly uploads: UploadStore,
  ) {}

  /**
   * Deletes a member's submissions (and their uploaded files still waiting), timed attempts and
   * places in recorded standings, and their tip proposals that were not approved (approved tips
   * became part of the server's knowledge base), quiz answers, spaced-repetition cards and private
   * reviews (posts in channels stay; a closed one keeps the counts others saw, an open one stops
   * counting the member's answer), reminders, exam dates and
   * the member's timezone. Other members keep their ranks: closed standings
   * are not recomputed.
   */
  async deleteMemberData(guildId: string, userId: string): Promise<DeletedMemberData> {
    const { filesPaths, ...counts } = await this.db.transaction(async (tx) => {
      const deletedSubmissions = await tx
        .delete(submissions)
        .where(and(eq(submissions.guildId, guildId), eq(submissions.userId, userId)))
        .returning({ filesPath: submissions.filesPath });
      const deletedAttempts = await tx
        .delete(timedAttempts)
        .where(and(eq(timedAttempts.guildId, guildId), eq(timedAttempts.userId, userId)))
        .returning({ week: timedAttempts.week });
      const deletedStandings = await tx
        .delete(weeklyStandings)
        .where(and(eq(weeklyStandings.guildId, guildId), eq(weeklyStandings.userId, userId)))
        .returning({ week: weeklyStandings.week });
      const deletedTips = await tx
        .delete(communityTips)
        .where(and(eq(communityTips.guildId, guildId), eq(communityTips.authorId, userId), ne(communityTips.status, 'approved')))
        .returning({ id: communityTips.id });
      const deletedAnswers = await tx
        .delete(quizAnswers)
        .where(and(eq(quizAnswers.guildId, guildId), eq(quizAnswers.userId, userId)))
        .returning({ postId: quizAnswers.postId, correct: quizAnswers.correct });
      // A post still open no longer counts the deleted answer, so answering it again counts once.
      // A closed post keeps the counts its reveal showed.
      for (const answer of deletedAnswers) {
        await tx
          .update(quizPosts)
          .set({
            answers: sql`greatest(${quizPosts.answers} - 1, 0)`,
            correctAnswers: answer.correct ? sql`greatest(${quizPosts.correctAnswers} - 1, 0)` : quizPosts.correctAnswers,
          })
          .where(and(eq(quizPosts.id, answer.postId), isNull(quizPosts.closedAt)));
      }
      await tx.delete(quizCards).where(and(eq(quizCards.guildId, guildId), eq(quizCards.userId, userId)));
      await tx.delete(quizPosts).where(and(eq(quizPosts.guildId, guildId), eq(quizPosts.askedBy, userId), eq(quizPosts.kind, 'review')));
      // Channel posts keep their question but forget who asked.
      await tx.update(quizPosts).set({ askedBy: null }).where(and(eq(quizPosts.guildId, guildId), eq(quizPosts.askedBy, userId)));
      const deletedReminders = await tx
        .delete(reminders)
        .where(and(eq(reminders.guildId, guildId), eq(reminders.userId, userId)))
        .returning({ id: reminders.id });
      await tx.delete(examDates).where(and(eq(examDates.guildId, guildId), eq(examDates.userId, userId)));
      await tx.delete(memberSettings).where(and(eq(memberSettings.guildId, guildId), eq(memberSettings.userId, userId)));
      return {
        reminders: deletedReminders.length,
        quizAnswers: deletedAnswers.length,
        submissions: deletedSubmissions.length,
        timedAttempts: deletedAttempts.length,
        standings: deletedStandings.length,
        tipProposals: deletedTips.length,
        filesPaths: deletedSubmissions.map((s) => s.filesPath).filter((p): p is string => Boolean(p)),
      };
    });
    for (const path of filesPaths) await this.uploads.remove(path);
    return counts;
  }
}
