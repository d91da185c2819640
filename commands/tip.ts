// /tip show [topic], /tip add, /tip review. Discord does not let a command take both options and
// subcommands, so the tip itself is `/tip show`.
import {
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type MessageComponentInteraction,
  type ModalSubmitInteraction,
} from 'discord.js';
import { parseCustomId, type BotContext } from '../src/bot/command.ts';
import { problemsMessage, proposalModal, reviewMessage, tipEmbed } from '../src/bot/ui/tip-messages.ts';

export const data = new SlashCommandBuilder()
  .setName('tip')
  .setDescription('Tips for the TensorFlow exam, mapped to its skills checklist')
  .setDMPermission(false)
  .addSubcommand((sub) =>
    sub
      .setName('show')
      .setDescription('Show a tip; no tip repeats in this server until all of its topic were shown')
      .addStringOption((o) => o.setName('topic').setDescription('Only tips of this topic').setAutocomplete(true)),
  )
  .addSubcommand((sub) => sub.setName('add').setDescription('Propose a tip for this server; a moderator reviews it'))
  .addSubcommand((sub) => sub.setName('review').setDescription('Approve or reject proposed tips (Manage Server)'));

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) {
    await interaction.reply({ content: 'Tips are kept per server: use /tip in a server.', flags: MessageFlags.Ephemeral });
    return;
  }
  const sub = interaction.options.getSubcommand();
  if (sub === 'show') return show(interaction, ctx);
  if (sub === 'add') {
    await interaction.showModal(proposalModal(ctx.tips.topics));
    return;
  }
  if (sub === 'review') {
    if (!canModerate(interaction)) return refuseModeration(interaction);
    const { proposals, total } = await ctx.tips.pending(interaction.guildId);
    await interaction.reply({
      ...reviewMessage(proposals[0], total, (id) => topicName(ctx, id)),
      flags: MessageFlags.Ephemeral,
    });
  }
}

async function show(interaction: ChatInputCommandInteraction<'cached' | 'raw'>, ctx: BotContext): Promise<void> {
  const topic = interaction.options.getString('topic') ?? undefined;
  if (topic !== undefined && !ctx.tips.isTopic(topic)) {
    const known = ctx.tips.topics.map((t) => `\`${t.id}\``).join(', ');
    await interaction.reply({ content: `There is no topic "${topic}". Topics: ${known}.`, flags: MessageFlags.Ephemeral });
    return;
  }
  const tip = await ctx.tips.nextTip(interaction.guildId, topic);
  if (!tip) {
    await interaction.reply({ content: 'There are no tips for that topic yet.', flags: MessageFlags.Ephemeral });
    return;
  }
  await interaction.reply({ embeds: [tipEmbed(tip)] });
}

export async function autocomplete(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  const typed = interaction.options.getFocused();
  await interaction.respond(ctx.tips.matchTopics(typed).slice(0, 25).map((t) => ({ name: t.name, value: t.id })));
}

export async function handleModal(interaction: ModalSubmitInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) return;
  const result = await ctx.tips.propose(
    interaction.guildId,
    { id: interaction.user.id, name: interaction.user.displayName ?? interaction.user.username },
    {
      title: interaction.fields.getTextInputValue('title'),
      body: interaction.fields.getTextInputValue('body'),
      snippet: interaction.fields.getTextInputValue('snippet') || undefined,
      topic: interaction.fields.getStringSelectValues('topic')[0] ?? '',
    },
  );
  const content = result.ok
    ? `Thanks! Your tip "${result.proposal.title}" waits for a moderator's review (proposal #${result.proposal.id}).`
    : problemsMessage('Your tip was not saved:', result.problems);
  await interaction.reply({ content, flags: MessageFlags.Ephemeral });
}

export async function handleComponent(interaction: MessageComponentInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) return;
  const { action, args } = parseCustomId(interaction.customId);
  if (action !== 'approve' && action !== 'reject') throw new Error(`unknown tip action ${action}`);
  // Checked again here: a review message can outlive the reviewer's permission.
  if (!canModerate(interaction)) return refuseModeration(interaction);
  const result = await ctx.tips.review(interaction.guildId, Number(args[0]), interaction.user.id, action === 'approve' ? 'approved' : 'rejected');
  const notice = result.ok
    ? `${action === 'approve' ? 'Approved' : 'Rejected'} "${result.proposal.title}" by ${result.proposal.authorName}.`
    : result.reason === 'already-reviewed'
      ? `"${result.proposal?.title}" was already ${result.proposal?.status}.`
      : 'That proposal no longer exists.';
  const { proposals, total } = await ctx.tips.pending(interaction.guildId);
  await interaction.update(reviewMessage(proposals[0], total, (id) => topicName(ctx, id), notice));
}

function canModerate(interaction: ChatInputCommandInteraction | MessageComponentInteraction): boolean {
  return interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false;
}

async function refuseModeration(interaction: ChatInputCommandInteraction | MessageComponentInteraction): Promise<void> {
  await interaction.reply({
    content: 'Reviewing tips needs the Manage Server permission.',
    flags: MessageFlags.Ephemeral,
  });
}

function topicName(ctx: BotContext, id: string): string {
  return ctx.tips.topics.find((t) => t.id === id)?.name ?? id;
}
