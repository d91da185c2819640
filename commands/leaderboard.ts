// /leaderboard [board] [week]
import { InteractionContextType, MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext, CommandModule, CommandRequirements } from '../src/bot/command.ts';
import { allTimeBoardMessage, mockExamsOffMessage, weekBoardMessage } from '../src/bot/ui/exam-messages.ts';
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
  // Settings are cached, so this answers well within Discord's 3 seconds.
  if (!(await ctx.settings.get(interaction.guildId)).mockExamEnabled) {
    await interaction.reply({ content: mockExamsOffMessage(), flags: MessageFlags.Ephemeral });
    return;
  }
  const board = interaction.options.getString('board') ?? 'week';
  // Drawing the card takes a moment: acknowledge first.
  await interaction.deferReply();
  const guildName = interaction.guild?.name ?? 'this server';
  if (board === 'all-time') {
    const all = await ctx.mockExam.allTime(interaction.guildId, interaction.user.id);
    await interaction.editReply(allTimeBoardMessage(all, guildName, interaction.user.id));
    return;
  }
  const { week: current } = await ctx.mockExam.currentWeek(interaction.guildId);
  const week = interaction.options.getString('week') === 'previous' ? addWeeks(current, -1) : current;
  const view = await ctx.mockExam.board(interaction.guildId, week, board === 'timed' ? 'timed' : 'week', interaction.user.id);
  await interaction.editReply(weekBoardMessage(view, ctx.catalog, guildName, interaction.user.id));
}

export default { data, requirements, execute } satisfies CommandModule;
