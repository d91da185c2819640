// What the bot keeps about one member in one server, and its deletion on request.
import { and, eq, ne } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { communityTips, submissions, timedAttempts, weeklyStandings } from '../db/schema.ts';

export type DeletedMemberData = { submissions: number; timedAttempts: number; standings: number; tipProposals: number; filesPaths: string[] };

/**
 * Deletes a member's submissions, timed attempts and places in recorded standings, and their tip
 * proposals that were not approved (approved tips became part of the server's knowledge base).
 * Other members keep their ranks: closed standings are not recomputed.
 */
export async function deleteMemberData(db: Database, guildId: string, userId: string): Promise<DeletedMemberData> {
  return db.transaction(async (tx) => {
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
    return {
      submissions: deletedSubmissions.length,
      timedAttempts: deletedAttempts.length,
      standings: deletedStandings.length,
      tipProposals: deletedTips.length,
      filesPaths: deletedSubmissions.map((s) => s.filesPath).filter((p): p is string => Boolean(p)),
    };
  });
}
