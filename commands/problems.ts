// /problems list, /problems show problem
import { InteractionContextType, MessageFlags, SlashCommandBuilder, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext, CommandModule, CommandRequirements } from '../src/bot/command.ts';
import { catalogEmbed, matchProblems, statementMessage } from '../src/bot/ui/problem-messages.ts';
import { readProblemStatement, readStarter } from '../problems/files.ts';

const data = new SlashCommandBuilder()
  .setName('problems')
  .setDescription('The exam-style problems the bot grades')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) => s.setName('list').setDescription('Every problem, this week\'s set, and your best points'))
  .addSubcommand((s) =>
    s
      .setName('show')
      .setDescription('A problem\'s statement, its starter code and its dataset')
      .addStringOption((o) => o.setName('problem').setDescription('The problem').setRequired(true).setAutocomplete(true)),
  );

const requirements: CommandRequirements = { guildOnly: true };

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) return;
  if (interaction.options.getSubcommand() === 'list') {
    const guildId = interaction.guildId;
    // This week's set is starred only where mock exams are on.
    const { mockExamEnabled } = await ctx.settings.get(guildId);
    const [set, best] = await Promise.all([
      mockExamEnabled ? ctx.mockExam.currentWeek(guildId).then(({ week }) => ctx.mockExam.problemSet(guildId, week)) : undefined,
      ctx.submissions.bestPoints(guildId, interaction.user.id),
    ]);
    await interaction.reply({ embeds: [catalogEmbed(ctx.catalog, set, best)], flags: MessageFlags.Ephemeral });
    return;
  }
  const id = interaction.options.getString('problem', true);
  const problem = ctx.catalog.find((p) => p.id === id);
  if (!problem) {
    await interaction.reply({ content: `There is no problem "${id}". See /problems list.`, flags: MessageFlags.Ephemeral });
    return;
  }
  const [statement, starter] = await Promise.all([readProblemStatement(problem.id), readStarter(problem.id)]);
  await interaction.reply(statementMessage(problem, statement, starter));
}

async function autocomplete(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  await interaction.respond(matchProblems(ctx.catalog, interaction.options.getFocused()));
}

export default { data, requirements, execute, autocomplete } satisfies CommandModule;
