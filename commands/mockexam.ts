// /mockexam status | start | set
import {
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type ChatInputCommandInteraction,
  type SlashCommandSubcommandBuilder,
} from 'discord.js';
import type { BotContext, CommandModule, CommandRequirements } from '../src/bot/command.ts';
import { statusEmbed } from '../src/bot/ui/exam-messages.ts';
import { categoryName, PROBLEM_CATEGORIES } from '../src/grading/categories.ts';
import { addWeeks } from '../src/mockexam/week.ts';
import { problemCatalog } from '../problems/index.ts';

function addCategoryOptions(sub: SlashCommandSubcommandBuilder): SlashCommandSubcommandBuilder {
  for (const category of PROBLEM_CATEGORIES) {
    sub.addStringOption((o) =>
      o
        .setName(`category${category}`)
        .setDescription(`Category ${category}: ${categoryName(category)}`)
        .setRequired(true)
        .addChoices(...problemCatalog.filter((p) => p.category === category).map((p) => ({ name: p.id, value: p.id }))),
    );
  }
  return sub.addStringOption((o) =>
    o.setName('week').setDescription('This week (default) or next week').addChoices({ name: 'this', value: 'this' }, { name: 'next', value: 'next' }),
  );
}

const data = new SlashCommandBuilder()
  .setName('mockexam')
  .setDescription('This week\'s mock exam: five problems, one per category')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) => s.setName('status').setDescription('Your best per problem, total, rank and time left'))
  .addSubcommand((s) => s.setName('start').setDescription('Start your timed 5-hour attempt of this week\'s exam (once a week)'))
  .addSubcommand((s) => addCategoryOptions(s.setName('set').setDescription('Choose the week\'s five problems (Manage Server)')));

const requirements: CommandRequirements = { guildOnly: true, subcommands: { set: PermissionFlagsBits.ManageGuild } };

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) return;
  const guildId = interaction.guildId;
  const sub = interaction.options.getSubcommand();
  const settings = await ctx.settings.get(guildId);
  if (!settings.mockExamEnabled && sub !== 'set') {
    await interaction.reply({ content: 'Mock exams are switched off in this server (a moderator can turn them on with /config).', flags: MessageFlags.Ephemeral });
    return;
  }
  const now = ctx.mockExam.now();
  const { week, end } = await ctx.mockExam.currentWeek(guildId, now);

  if (sub === 'status') {
    const [set, board, attempt] = await Promise.all([
      ctx.mockExam.problemSet(guildId, week),
      ctx.mockExam.board(guildId, week, 'week', interaction.user.id),
      ctx.mockExam.timedAttempt(guildId, interaction.user.id, week),
    ]);
    const timedBoard = attempt ? await ctx.mockExam.board(guildId, week, 'timed', interaction.user.id) : undefined;
    const problems = set.problemIds.map((id) => ctx.catalog.find((p) => p.id === id)!).filter(Boolean);
    await interaction.reply({
      embeds: [
        statusEmbed({
          week,
          end,
          problems,
          mine: board.caller,
          members: board.members,
          timed: attempt ? { ...attempt, row: timedBoard?.caller } : undefined,
          now,
        }),
      ],
      flags: MessageFlags.Ephemeral,
    });
    return;
  }

  if (sub === 'start') {
    const started = await ctx.mockExam.startTimedAttempt(guildId, interaction.user.id);
    const window = started.ok ? started.value : started.reason;
    const endsAt = Math.floor(window.endsAt.getTime() / 1000);
    const content = started.ok
      ? `Your timed attempt of ${window.week} has started: 5 hours, until <t:${endsAt}:t> (<t:${endsAt}:R>). Every model you grade until then counts on the timed board. Good luck!`
      : `You already started your timed attempt of ${window.week}; it ${window.endsAt > now ? 'ends' : 'ended'} <t:${endsAt}:R>. One timed attempt per week.`;
    await interaction.reply({ content, flags: MessageFlags.Ephemeral });
    return;
  }

  // set (Manage Server: see requirements)
  const target = interaction.options.getString('week') === 'next' ? addWeeks(week, 1) : week;
  const chosen = [1, 2, 3, 4, 5].map((c) => interaction.options.getString(`category${c}`, true));
  const result = await ctx.mockExam.setProblemSet(guildId, target, chosen, interaction.user.id);
  await interaction.reply({
    content: result.ok ? `The mock exam of ${target} is: ${chosen.map((id) => `\`${id}\``).join(', ')}.` : result.reason.join('\n'),
    flags: MessageFlags.Ephemeral,
  });
}

export default { data, requirements, execute } satisfies CommandModule;
