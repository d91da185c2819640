// Closes the mock exam weeks that have ended in their server's timezone: records the final
// standings (once, even with several processes) and gives the optional winner role.
import cron from 'node-cron';
import { sql } from 'drizzle-orm';
import type { Client } from 'discord.js';
import { addWeeks } from '../mockexam/week.ts';
import type { BotContext } from './command.ts';
import { applyWinnerRole } from './winner-role.ts';

export type ClosedWeek = { guildId: string; week: string; winners: string[]; roleProblem?: string };

export async function closeDueWeeks(client: Client<true>, ctx: BotContext): Promise<ClosedWeek[]> {
  const closedNow: ClosedWeek[] = [];
  for (const { guildId, week } of await ctx.mockExam.weeksToClose()) {
    const closed = await ctx.mockExam.closeWeek(guildId, week);
    if (!closed.newlyClosed) continue;
    const winners = closed.week.filter((r) => r.rank === 1 && r.score > 0).map((r) => r.userId);
    const entry: ClosedWeek = { guildId, week, winners };
    const settings = await ctx.settings.get(guildId);
    if (settings.winnerRoleId && settings.mockExamEnabled && winners.length > 0) {
      const previous = await ctx.mockExam.standings(guildId, addWeeks(week, -1), 'week');
      const previousWinners = previous.closed ? previous.rows.filter((r) => r.rank === 1).map((r) => r.userId) : [];
      const outcome = await applyWinnerRole(client, guildId, settings.winnerRoleId, winners, previousWinners);
      if (outcome.problem) {
        entry.roleProblem = outcome.problem;
        ctx.logger.warn({ guildId, week, problem: outcome.problem }, 'winner role not given');
      }
    }
    ctx.logger.info({ guildId, week, members: closed.week.length, winners }, 'mock exam week closed');
    closedNow.push(entry);
  }
  if (closedNow.length > 0 && ctx.dbEngine === 'pglite') {
    // PGlite has no autovacuum: without it the weekly board stops being an index-only scan.
    await ctx.db.execute(sql`vacuum analyze submissions`);
  }
  return closedNow;
}

export function scheduleWeekClosing(client: Client<true>, ctx: BotContext): { stop(): void } {
  const run = () =>
    closeDueWeeks(client, ctx).catch((error: unknown) => ctx.logger.error({ err: error }, 'closing mock exam weeks failed'));
  // Weeks end at midnight in many timezones (some on the half or quarter hour): every 5 minutes.
  const task = cron.schedule('*/5 * * * *', run, { name: 'mock-exam-week-closing', noOverlap: true });
  void run();
  return { stop: () => void task.stop() };
}
