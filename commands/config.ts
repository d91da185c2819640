// /config: the server's settings (Manage Server). Without options it shows them.
import {
  ChannelType,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import type { BotContext, CommandModule, CommandRequirements } from '../src/bot/command.ts';
import { postsEmbed, settingsEmbed, settingsRefusalMessage } from '../src/bot/ui/settings-messages.ts';
import { winnerRoleProblem } from '../src/bot/winner-role.ts';
import {
  CERTIFICATE_YEARS_RANGE,
  DEFAULT_QUIZ_OPEN_MINUTES,
  QUIZ_OPEN_MINUTES_RANGE,
  VOUCHER_MONTHS_RANGE,
  type GuildSettingsPatch,
} from '../src/settings/guild-settings.ts';
import { timezonesMatching } from '../src/timezone.ts';

const data = new SlashCommandBuilder()
  .setName('config')
  .setDescription('This server\'s settings for the study bot (Manage Server)')
  .setContexts(InteractionContextType.Guild)
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addChannelOption((o) =>
    o.setName('announcement_channel').setDescription('Where weekly results and reminders are posted').addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
  )
  .addStringOption((o) => o.setName('timezone').setDescription('IANA timezone for weeks and reminders, e.g. Europe/Berlin').setAutocomplete(true))
  .addBooleanOption((o) => o.setName('mock_exam').setDescription('Weekly mock exams on or off'))
  .addRoleOption((o) => o.setName('winner_role').setDescription('Role given to the week\'s winners'))
  .addBooleanOption((o) => o.setName('clear_winner_role').setDescription('Stop giving a winner role'))
  .addStringOption((o) =>
    o
      .setName('grade_visibility')
      .setDescription('Whether /grade results are private (default) or posted in the channel')
      .addChoices({ name: 'private (ephemeral)', value: 'ephemeral' }, { name: 'public', value: 'public' }),
  )
  .addStringOption((o) => o.setName('daily_tip_time').setDescription('Post a tip in the announcement channel daily at HH:MM (server time), or off'))
  .addStringOption((o) => o.setName('daily_quiz_time').setDescription('Post a quiz question there daily at HH:MM, or off'))
  .addStringOption((o) =>
    o.setName('weekly_post_time').setDescription('Monday HH:MM: last week\'s standings and winners, this week\'s problems; or off'),
  )
  .addIntegerOption((o) =>
    o
      .setName('voucher_months')
      .setDescription('How long an exam voucher stays valid, for /exam voucher reminders (default 6)')
      .setMinValue(VOUCHER_MONTHS_RANGE.min)
      .setMaxValue(VOUCHER_MONTHS_RANGE.max),
  )
  .addIntegerOption((o) =>
    o
      .setName('certificate_years')
      .setDescription('How long a certificate stays valid, for /exam certified reminders (default 3)')
      .setMinValue(CERTIFICATE_YEARS_RANGE.min)
      .setMaxValue(CERTIFICATE_YEARS_RANGE.max),
  )
  .addIntegerOption((o) =>
    o
      .setName('quiz_minutes')
      .setDescription(`How long a /quiz question stays open before it reveals the answer (default ${DEFAULT_QUIZ_OPEN_MINUTES})`)
      .setMinValue(QUIZ_OPEN_MINUTES_RANGE.min)
      .setMaxValue(QUIZ_OPEN_MINUTES_RANGE.max),
  );

const requirements: CommandRequirements = { guildOnly: true, permissions: PermissionFlagsBits.ManageGuild };

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) return;
  const patch: GuildSettingsPatch = {};
  const channel = interaction.options.getChannel('announcement_channel');
  if (channel) patch.announcementChannelId = channel.id;
  const timezone = interaction.options.getString('timezone');
  if (timezone !== null) patch.timezone = timezone;
  const mockExam = interaction.options.getBoolean('mock_exam');
  if (mockExam !== null) patch.mockExamEnabled = mockExam;
  const role = interaction.options.getRole('winner_role');
  if (role) patch.winnerRoleId = role.id;
  if (interaction.options.getBoolean('clear_winner_role')) patch.winnerRoleId = null;
  const visibility = interaction.options.getString('grade_visibility');
  if (visibility === 'ephemeral' || visibility === 'public') patch.gradeVisibility = visibility;
  for (const [option, setting] of [
    ['daily_tip_time', 'dailyTipTime'],
    ['daily_quiz_time', 'dailyQuizTime'],
    ['weekly_post_time', 'weeklyPostTime'],
  ] as const) {
    const typed = interaction.options.getString(option);
    if (typed !== null) patch[setting] = typed.trim().toLowerCase() === 'off' ? null : typed.trim();
  }
  const voucherMonths = interaction.options.getInteger('voucher_months');
  if (voucherMonths !== null) patch.voucherMonths = voucherMonths;
  const certificateYears = interaction.options.getInteger('certificate_years');
  if (certificateYears !== null) patch.certificateYears = certificateYears;
  const quizMinutes = interaction.options.getInteger('quiz_minutes');
  if (quizMinutes !== null) patch.quizOpenMinutes = quizMinutes;

  const notes: string[] = [];
  let settings = await ctx.settings.get(interaction.guildId);
  if (Object.keys(patch).length > 0) {
    const updated = await ctx.settings.update(interaction.guildId, patch);
    if (!updated.ok) {
      await interaction.reply({ content: settingsRefusalMessage(updated.reason), flags: MessageFlags.Ephemeral });
      return;
    }
    settings = updated.value;
    notes.push('Saved.');
  }
  if (settings.winnerRoleId && interaction.guild) {
    const problem = await winnerRoleProblem(interaction.guild, settings.winnerRoleId);
    if (problem) notes.push(`⚠️ ${problem}`);
  }
  if (settings.announcementChannelId === null && [settings.dailyTipTime, settings.dailyQuizTime, settings.weeklyPostTime].some(Boolean)) {
    notes.push('⚠️ Scheduled posts go to the announcement channel: set `announcement_channel` too.');
  }
  const posts = await ctx.scheduledPosts.status(interaction.guildId);
  await interaction.reply({ content: notes.join('\n') || undefined, embeds: [settingsEmbed(settings), postsEmbed(posts)], flags: MessageFlags.Ephemeral });
}

async function autocomplete(interaction: AutocompleteInteraction): Promise<void> {
  await interaction.respond(timezonesMatching(interaction.options.getFocused(), 25).map((tz) => ({ name: tz, value: tz })));
}

export default { data, requirements, execute, autocomplete } satisfies CommandModule;
