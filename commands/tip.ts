// /tip show [topic], /tip add, /tip review. Discord does not let a command take both options and
// subcommands, so the tip itself is `/tip show`.
import {
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type MessageComponentInteraction,
  type ModalSubmitInteraction,
} from 'discord.js';
import { parseCustomId, type BotContext, type CommandModule, type CommandRequirements } from '../src/bot/command.ts';
import { problemsMessage, proposalModal, reviewMessage, tipEmbed } from '../src/bot/ui/tip-messages.ts';

const data = new SlashCommandBuilder()
  .setName('tip')
  .setDescription('Tips for the TensorFlow exam, mapped to its skills checklist')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((sub) =>
    sub
      .setName('show')
      .setDescription('Show a tip; no tip repeats in this server until all of its topic were shown')
      .addStringOption((o) => o.setName('topic').setDescription('Only tips of this topic').setAutocomplete(true)),
  )
  .addSubcommand((sub) => sub.setName('add').setDescription('Propose a tip for this server; a moderator reviews it'))
  .addSubcommand((sub) => sub.setName('review').setDescription('Approve or reject proposed tips (Manage Server)'));

// Tips are kept per server. Reviewing, and the review's buttons, need Manage Server.
const requirements: CommandRequirements = {
  guildOnly: true,
  subcommands: { review: PermissionFlagsBits.ManageGuild },
  actions: { approve: PermissionFlagsBits.ManageGuild, reject: PermissionFlagsBits.ManageGuild },
};

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) return;
  const sub = interaction.options.getSubcommand();
  if (sub === 'show') return show(interaction, ctx);
  if (sub === 'add') {
    await interaction.showModal(proposalModal(ctx.tips.topics));
    return;
  }
  if (sub === 'review') {
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

async function autocomplete(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  const typed = interaction.options.getFocused();
  await interaction.respond(ctx.tips.matchTopics(typed).slice(0, 25).map((t) => ({ name: t.name, value: t.id })));
}

async function handleModal(interaction: ModalSubmitInteraction, ctx: BotContext): Promise<void> {
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
    ? `Thanks! Your tip "${result.value.title}" waits for a moderator's review (proposal #${result.value.id}).`
    : problemsMessage('Your tip was not saved:', result.reason);
  await interaction.reply({ content, flags: MessageFlags.Ephemeral });
}

async function handleComponent(interaction: MessageComponentInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) return;
  const { action, args } = parseCustomId(interaction.customId);
  if (action !== 'approve' && action !== 'reject') throw new Error(`unknown tip action ${action}`);
  const result = await ctx.tips.review(interaction.guildId, Number(args[0]), interaction.user.id, action === 'approve' ? 'approved' : 'rejected');
  const notice = result.ok
    ? `${action === 'approve' ? 'Approved' : 'Rejected'} "${result.value.title}" by ${result.value.authorName}.`
    : result.reason.kind === 'already-reviewed'
      ? `"${result.reason.proposal.title}" was already ${result.reason.proposal.status}.`
      : 'That proposal no longer exists.';
  const { proposals, total } = await ctx.tips.pending(interaction.guildId);
  await interaction.update(reviewMessage(proposals[0], total, (id) => topicName(ctx, id), notice));
}

function topicName(ctx: BotContext, id: string): string {
  return ctx.tips.topics.find((t) => t.id === id)?.name ?? id;
}

export default { data, requirements, execute, autocomplete, handleModal, handleComponent } satisfies CommandModule;
