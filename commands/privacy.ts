// /privacy delete-my-data: deletes the caller's data in this server after a confirmation.
import {
  ActionRowBuilder,
  InteractionContextType,
  ButtonBuilder,
  ButtonStyle,
  MessageFlags,
  SlashCommandBuilder,
  type ChatInputCommandInteraction,
  type MessageComponentInteraction,
} from 'discord.js';
import { customId, parseCustomId, type BotContext, type CommandModule, type CommandRequirements } from '../src/bot/command.ts';
import { MemberError } from '../src/member-error.ts';

const data = new SlashCommandBuilder()
  .setName('privacy')
  .setDescription('Your data in this server')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) => s.setName('delete-my-data').setDescription('Delete your submissions, timed attempts and scores in this server'));

const requirements: CommandRequirements = { guildOnly: true };

async function execute(interaction: ChatInputCommandInteraction): Promise<void> {
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

async function handleComponent(interaction: MessageComponentInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) return;
  const { action, args } = parseCustomId(interaction.customId);
  if (args[0] !== interaction.user.id) throw new MemberError('not-yours', 'This button belongs to someone else\'s request.');
  if (action === 'cancel') {
    await interaction.update({ content: 'Nothing was deleted.', components: [] });
    return;
  }
  const deleted = await ctx.privacy.deleteMemberData(interaction.guildId, interaction.user.id);
  await interaction.update({
    content: `Deleted: ${deleted.submissions} grade${deleted.submissions === 1 ? '' : 's'}, ${deleted.timedAttempts} timed attempt${deleted.timedAttempts === 1 ? '' : 's'}, ${deleted.standings} leaderboard place${deleted.standings === 1 ? '' : 's'}, ${deleted.tipProposals} tip proposal${deleted.tipProposals === 1 ? '' : 's'}, ${deleted.quizAnswers} quiz answer${deleted.quizAnswers === 1 ? '' : 's'} (with your spaced-repetition schedule), ${deleted.reminders} reminder${deleted.reminders === 1 ? '' : 's'} (with your exam dates and timezone).`,
    components: [],
  });
}

export default { data, requirements, execute, handleComponent } satisfies CommandModule;
