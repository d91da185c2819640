// /leaderboard [board] [week]
import { InteractionContextType, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext, CommandModule, CommandRequirements } from '../src/bot/command.ts';
import { allTimeRows, leaderboardMessage, weekBoardRows } from '../src/bot/ui/exam-messages.ts';
import { addWeeks } from '../src/mockexam/week.ts';

const data = new SlashCommandBuilder()
  .setName('leaderboard')
  .setDescription('This server\'s mock exam leaderboard')
  .setContexts(InteractionContextType.Guild)
  .addStringOption((o) =>
    o
      .setName('board')
      .setDescription('Which board (default: this week)')
      .addChoices({ name: 'week', value: 'week' }, { name: 'timed', value: 'timed' }, { name: 'all-time', value: 'all-time' }),
  )
  .addStringOption((o) =>
    o.setName('week').setDescription('This week or the previous one').addChoices({ name: 'this', value: 'this' }, { name: 'previous', value: 'previous' }),
  );

const requirements: CommandRequirements = { guildOnly: true };

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) return;
  const board = interaction.options.getString('board') ?? 'week';
  // Drawing the card takes a moment: acknowledge first.
  await interaction.deferReply();
  const guildName = interaction.guild?.name ?? 'this server';
  if (board === 'all-time') {
    const all = await ctx.mockExam.allTime(interaction.guildId, interaction.user.id);
    const { rows, caller } = allTimeRows(all.top, all.caller, interaction.user.id);
    await interaction.editReply(leaderboardMessage(`All-time leaderboard · ${guildName}`, `${all.members} members · sum of weekly exam scores`, rows, caller));
    return;
  }
  const { week: current } = await ctx.mockExam.currentWeek(interaction.guildId);
  const week = interaction.options.getString('week') === 'previous' ? addWeeks(current, -1) : current;
  const view = await ctx.mockExam.board(interaction.guildId, week, board === 'timed' ? 'timed' : 'week', interaction.user.id);
  const { rows, caller } = weekBoardRows(view, interaction.user.id);
  const title = `${board === 'timed' ? 'Timed mock exam' : 'Mock exam'} ${week} · ${guildName}`;
  const subtitle = `${view.members} member${view.members === 1 ? '' : 's'} · ${view.closed ? 'final standings' : 'live, best attempt per problem'}`;
  await interaction.editReply(leaderboardMessage(title, subtitle, rows, caller));
}

export default { data, requirements, execute } satisfies CommandModule;
