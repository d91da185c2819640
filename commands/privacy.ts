// /privacy delete-my-data: deletes the caller's data in this server after a confirmation.
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  MessageFlags,
  SlashCommandBuilder,
  type ChatInputCommandInteraction,
  type MessageComponentInteraction,
} from 'discord.js';
import { customId, parseCustomId, type BotContext } from '../src/bot/command.ts';
import { deleteMemberData } from '../src/privacy/member-data.ts';

export const data = new SlashCommandBuilder()
  .setName('privacy')
  .setDescription('Your data in this server')
  .setDMPermission(false)
  .addSubcommand((s) => s.setName('delete-my-data').setDescription('Delete your submissions, timed attempts and scores in this server'));

export async function execute(interaction: ChatInputCommandInteraction): Promise<void> {
  if (!interaction.inGuild()) return;
  // The button carries the member's id so nobody else can confirm it.
  const buttons = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customId('privacy', 'confirm', interaction.user.id)).setLabel('Delete my data').setStyle(ButtonStyle.Danger),
    new ButtonBuilder().setCustomId(customId('privacy', 'cancel', interaction.user.id)).setLabel('Keep it').setStyle(ButtonStyle.Secondary),
  );
  await interaction.reply({
    content:
      'This deletes, in this server: every model grade you asked for (scores and results), your timed attempts, your places on recorded leaderboards, and your tip proposals that were not approved. It cannot be undone.',
    components: [buttons],
    flags: MessageFlags.Ephemeral,
  });
}

export async function handleComponent(interaction: MessageComponentInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) return;
  const { action, args } = parseCustomId(interaction.customId);
  if (args[0] !== interaction.user.id) {
    await interaction.reply({ content: 'This button belongs to someone else\'s request.', flags: MessageFlags.Ephemeral });
    return;
  }
  if (action === 'cancel') {
    await interaction.update({ content: 'Nothing was deleted.', components: [] });
    return;
  }
  const deleted = await deleteMemberData(ctx.db, interaction.guildId, interaction.user.id);
  for (const path of deleted.filesPaths) await ctx.uploads.remove(path);
  await interaction.update({
    content: `Deleted: ${deleted.submissions} grade${deleted.submissions === 1 ? '' : 's'}, ${deleted.timedAttempts} timed attempt${deleted.timedAttempts === 1 ? '' : 's'}, ${deleted.standings} leaderboard place${deleted.standings === 1 ? '' : 's'}, ${deleted.tipProposals} tip proposal${deleted.tipProposals === 1 ? '' : 's'}.`,
    components: [],
  });
}
