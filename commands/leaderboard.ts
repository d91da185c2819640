// /leaderboard [board] [week]
import { InteractionContextType, MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext, CommandModule, CommandRequirements } from '../src/bot/command.ts';
import { allTimeBoardMessage, mockExamsOffMessage, weekBoardMessage } from '../src/bot/ui/exam-messages.ts';
import { quizBoardMessage } from '../src/bot/ui/quiz-messages.ts';
import { addWeeks } from '../src/mockexam/week.ts';

const data = new SlashCommandBuilder()
  .setName('leaderboard')
  .setDescription('This server\'s mock exam and quiz leaderboards')
  .setContexts(InteractionContextType.Guild)
  .addStringOption((o) =>
    o
      .setName('board')
      .setDescription('Which board (default: this week\'s mock exam)')
      .addChoices(
        { name: 'week', value: 'week' },
        { name: 'timed', value: 'timed' },
        { name: 'all-time', value: 'all-time' },
        { name: 'quiz', value: 'quiz' },
        { name: 'quiz-all-time', value: 'quiz-all-time' },
      ),
  )
  .addStringOption((o) =>
    o.setName('week').setDescription('This week or the previous one').addChoices({ name: 'this', value: 'this' }, { name: 'previous', value: 'previous' }),
  );

const requirements: CommandRequirements = { guildOnly: true };

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) return;
  const board = interaction.options.getString('board') ?? 'week';
  const previous = interaction.options.getString('week') === 'previous';
  const guildName = interaction.guild?.name ?? 'this server';
  // The quiz boards do not depend on mock exams being on.
  if (board === 'quiz' || board === 'quiz-all-time') {
    // Drawing the card takes a moment: acknowledge first.
    await interaction.deferReply();
    if (board === 'quiz-all-time') {
      const all = await ctx.quizStandings.allTimeBoard(interaction.guildId, interaction.user.id);
      await interaction.editReply(await quizBoardMessage(all, guildName, interaction.user.id));
      return;
    }
    const { timezone } = await ctx.settings.get(interaction.guildId);
    const current = ctx.quizStandings.currentWeek(timezone);
    const view = await ctx.quizStandings.weekBoard(interaction.guildId, previous ? addWeeks(current, -1) : current, interaction.user.id, { timezone });
    await interaction.editReply(await quizBoardMessage(view, guildName, interaction.user.id));
    return;
  }
  // Settings are cached, so this answers well within Discord's 3 seconds.
  if (!(await ctx.settings.get(interaction.guildId)).mockExamEnabled) {
    await interaction.reply({ content: mockExamsOffMessage(), flags: MessageFlags.Ephemeral });
    return;
  }
  await interaction.deferReply();
  if (board === 'all-time') {
    const all = await ctx.mockExam.allTime(interaction.guildId, interaction.user.id);
    await interaction.editReply(await allTimeBoardMessage(all, guildName, interaction.user.id));
    return;
  }
  const { week: current } = await ctx.mockExam.currentWeek(interaction.guildId);
  const week = previous ? addWeeks(current, -1) : current;
  const view = await ctx.mockExam.board(interaction.guildId, week, board === 'timed' ? 'timed' : 'week', interaction.user.id);
  await interaction.editReply(await weekBoardMessage(view, ctx.catalog, guildName, interaction.user.id));
}

export default { data, requirements, execute } satisfies CommandModule;
