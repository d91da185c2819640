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
import { settingsEmbed, settingsRefusalMessage } from '../src/bot/ui/settings-messages.ts';
import { winnerRoleProblem } from '../src/bot/winner-role.ts';
import { DEFAULT_QUIZ_OPEN_MINUTES, QUIZ_OPEN_MINUTES_RANGE, type GuildSettingsPatch } from '../src/settings/guild-settings.ts';
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
  await interaction.reply({ content: notes.join('\n') || undefined, embeds: [settingsEmbed(settings)], flags: MessageFlags.Ephemeral });
}

async function autocomplete(interaction: AutocompleteInteraction): Promise<void> {
  await interaction.respond(timezonesMatching(interaction.options.getFocused(), 25).map((tz) => ({ name: tz, value: tz })));
}

export default { data, requirements, execute, autocomplete } satisfies CommandModule;
