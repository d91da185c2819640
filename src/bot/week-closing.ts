// The week-closing job: records the final standings of the mock exam weeks that have ended in
// their server's timezone (once, even with several processes) and gives the optional winner role.
// Under shards, each shard closes the weeks of its own guilds: the role is given through the guild
// in the client's cache, which only the guild's shard has.
import type { Client } from 'discord.js';
import type { Job } from '../jobs/job.ts';
import { addWeeks } from '../mockexam/week.ts';
import type { BotContext } from './command.ts';
import { servedHere } from './shards.ts';
import { applyWinnerRole, type WinnerRoleFailure } from './winner-role.ts';

export type ClosedWeekReport = { guildId: string; week: string; winners: string[]; roleProblem?: string; roleFailures?: WinnerRoleFailure[] };

export async function closeDueWeeks(client: Client<true>, ctx: BotContext): Promise<ClosedWeekReport[]> {
  const reports: ClosedWeekReport[] = [];
  for (const { guildId, week, standings } of await ctx.mockExam.closeDueWeeks(servedHere(client))) {
    const winners = standings.filter((r) => r.rank === 1 && r.score > 0).map((r) => r.userId);
    const report: ClosedWeekReport = { guildId, week, winners };
    const settings = await ctx.settings.get(guildId);
    if (settings.winnerRoleId && settings.mockExamEnabled && winners.length > 0) {
      const previous = await ctx.mockExam.standings(guildId, addWeeks(week, -1), 'week');
      const previousWinners = previous.closed ? previous.rows.filter((r) => r.rank === 1).map((r) => r.userId) : [];
      const outcome = await applyWinnerRole(client, ctx.logger, guildId, settings.winnerRoleId, winners, previousWinners);
      if (outcome.problem) {
        report.roleProblem = outcome.problem;
        ctx.logger.warn({ guildId, week, roleId: settings.winnerRoleId, reason: outcome.problem }, 'winner role not given');
      }
      if (outcome.failed.length > 0) report.roleFailures = outcome.failed;
    }
    ctx.logger.info({ guildId, week, members: standings.length, winners }, 'mock exam week closed');
    reports.push(report);
  }
  return reports;
}

export function weekClosingJob(client: Client<true>, ctx: BotContext): Job {
  return {
    name: 'mock-exam-week-closing',
    // Weeks end at midnight in many timezones (some on the half or quarter hour): every 5 minutes.
    schedule: '*/5 * * * *',
    // A week may have ended while the bot was stopped.
    runAtStart: true,
    run: async () => void (await closeDueWeeks(client, ctx)),
  };
}
