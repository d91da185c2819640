// /progress [member] [public]
import { InteractionContextType, MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext, CommandModule, CommandRequirements } from '../src/bot/command.ts';
import { progressMessage } from '../src/bot/ui/progress-messages.ts';

const data = new SlashCommandBuilder()
  .setName('progress')
  .setDescription('Exam readiness per skill area: recall, quiz accuracy, best grades, a verdict and the next step')
  .setContexts(InteractionContextType.Guild)
  .addUserOption((o) => o.setName('member').setDescription('Whose readiness (default: yours)'))
  .addBooleanOption((o) => o.setName('public').setDescription('Post the report in the channel instead of only to you'));

const requirements: CommandRequirements = { guildOnly: true };

/** The name the server shows for the member: their server nickname or display name. */
function shownName(member: unknown, fallback: string): string {
  if (member && typeof member === 'object') {
    if ('displayName' in member && typeof member.displayName === 'string') return member.displayName;
    if ('nick' in member && typeof member.nick === 'string' && member.nick) return member.nick;
  }
  return fallback;
}

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) return;
  const chosen = interaction.options.getUser('member');
  const user = chosen ?? interaction.user;
  const member = chosen ? interaction.options.getMember('member') : interaction.member;
  const isPublic = interaction.options.getBoolean('public') ?? false;
  // Drawing the card takes a moment: acknowledge first.
  await interaction.deferReply(isPublic ? {} : { flags: MessageFlags.Ephemeral });
  const readiness = await ctx.readiness.report(interaction.guildId, user.id);
  await interaction.editReply(await progressMessage(readiness, shownName(member, user.displayName), interaction.guild?.name ?? 'this server'));
}

export default { data, requirements, execute } satisfies CommandModule;
