// /quiz ask, review, stats, import, banks: multiple-choice questions over the exam's syllabus.
import {
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type ChatInputCommandInteraction,
  type MessageComponentInteraction,
} from 'discord.js';
import { parseCustomId, type BotContext, type CommandModule, type CommandRequirements } from '../src/bot/command.ts';
import {
  answerFeedback,
  answerRefusalText,
  askRefusalText,
  banksMessage,
  importedText,
  importRefusalText,
  quizPostMessage,
  reviewAnsweredMessage,
  reviewMessage,
  reviewRefusalText,
} from '../src/bot/ui/quiz-post-messages.ts';
import { quizStatsEmbed } from '../src/bot/ui/quiz-messages.ts';
import { asText } from '../src/bot/ui/member-text.ts';
import { fetchBytes } from '../src/io/fetch-bytes.ts';
import { MemberError } from '../src/member-error.ts';
import { BANK_FILE_MAX_BYTES, DIFFICULTIES, type Difficulty } from '../src/quiz/question-bank.ts';
import { BANK_NAME_MAX } from '../src/quiz/quiz-banks.ts';
import { TOPIC_IDS, type TopicId } from '../src/tips/knowledge-base.ts';

/** How long fetching a bank file from Discord may take. */
const BANK_DOWNLOAD_TIMEOUT_MS = 30_000;

const data = new SlashCommandBuilder()
  .setName('quiz')
  .setDescription('Multiple-choice questions over the exam syllabus, with spaced repetition')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((sub) =>
    sub
      .setName('ask')
      .setDescription('Post a question here; without a topic: one due for you, else from your weakest area')
      .addStringOption((o) =>
        o
          .setName('topic')
          .setDescription('Only questions of this topic')
          .addChoices(...TOPIC_IDS.map((id) => ({ name: id, value: id }))),
      )
      .addStringOption((o) =>
        o
          .setName('difficulty')
          .setDescription('Only questions of this difficulty (1, 2 or 3 points)')
          .addChoices(...DIFFICULTIES.map((d) => ({ name: d, value: d }))),
      ),
  )
  .addSubcommand((sub) => sub.setName('review').setDescription('Your questions due for review, privately'))
  .addSubcommand((sub) =>
    sub
      .setName('stats')
      .setDescription('Accuracy per topic, streak, points and questions due (yours or a member\'s)')
      .addUserOption((o) => o.setName('member').setDescription('Whose stats (default: yours)')),
  )
  .addSubcommand((sub) =>
    sub
      .setName('import')
      .setDescription('Import a question bank for this server (Manage Server)')
      .addAttachmentOption((o) => o.setName('file').setDescription('A .yaml, .json or .csv file, at most 1 MB').setRequired(true))
      .addStringOption((o) => o.setName('name').setDescription('The bank\'s name (default: the file name)').setMaxLength(BANK_NAME_MAX)),
  )
  .addSubcommand((sub) => sub.setName('banks').setDescription('Switch question banks on or off (Manage Server)'));

const requirements: CommandRequirements = {
  guildOnly: true,
  subcommands: { import: PermissionFlagsBits.ManageGuild, banks: PermissionFlagsBits.ManageGuild },
  actions: {
    close: PermissionFlagsBits.ManageMessages,
    'bank-on': PermissionFlagsBits.ManageGuild,
    'bank-off': PermissionFlagsBits.ManageGuild,
  },
};

function memberOf(interaction: ChatInputCommandInteraction | MessageComponentInteraction) {
  return { id: interaction.user.id, name: interaction.user.displayName ?? interaction.user.username };
}

function topicName(ctx: BotContext) {
  return (id: string) => ctx.tips.topics.find((t) => t.id === id)?.name ?? id;
}

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) return;
  const sub = interaction.options.getSubcommand();
  if (sub === 'ask') return ask(interaction, ctx);
  if (sub === 'review') {
    const result = await ctx.quiz.review(interaction.guildId, memberOf(interaction));
    await interaction.reply(
      result.ok
        ? { ...reviewMessage(result.value.post, result.value.due, topicName(ctx)), flags: MessageFlags.Ephemeral }
        : { content: reviewRefusalText(result.reason), flags: MessageFlags.Ephemeral },
    );
    return;
  }
  if (sub === 'stats') {
    const user = interaction.options.getUser('member') ?? interaction.user;
    const [{ timezone }, servedPrefixes] = await Promise.all([ctx.settings.get(interaction.guildId), ctx.quizBanks.servedPrefixes(interaction.guildId)]);
    const stats = await ctx.quizStandings.memberStats(interaction.guildId, user.id, { timezone, servedPrefixes });
    await interaction.reply({ embeds: [quizStatsEmbed(stats, user.displayName ?? user.username)], flags: MessageFlags.Ephemeral });
    return;
  }
  if (sub === 'import') return importBank(interaction, ctx);
  if (sub === 'banks') {
    await interaction.reply({ ...banksMessage(await ctx.quizBanks.banks(interaction.guildId)), flags: MessageFlags.Ephemeral });
  }
}

async function ask(interaction: ChatInputCommandInteraction<'cached' | 'raw'>, ctx: BotContext): Promise<void> {
  const topic = (interaction.options.getString('topic') ?? undefined) as TopicId | undefined;
  const difficulty = (interaction.options.getString('difficulty') ?? undefined) as Difficulty | undefined;
  const result = await ctx.quiz.ask(interaction.guildId, interaction.channelId, memberOf(interaction), { topic, difficulty });
  if (!result.ok) {
    await interaction.reply({ content: askRefusalText(result.reason), flags: MessageFlags.Ephemeral });
    return;
  }
  const response = await interaction.reply({ ...quizPostMessage(result.value, topicName(ctx)), withResponse: true });
  const message = response.resource?.message;
  if (message) await ctx.quiz.recordMessage(result.value.id, message.channelId, message.id);
}

async function importBank(interaction: ChatInputCommandInteraction<'cached' | 'raw'>, ctx: BotContext): Promise<void> {
  const file = interaction.options.getAttachment('file', true);
  // The declared size is refused before a byte is fetched.
  if (file.size > BANK_FILE_MAX_BYTES) {
    await interaction.reply({
      content: importRefusalText({ kind: 'invalid-file', problems: [`${file.name}: the file is ${(file.size / 1024 / 1024).toFixed(1)} MB; a bank file may be at most 1 MB.`] }, file.name),
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const fetched = await fetchBytes(file.url, { maxBytes: BANK_FILE_MAX_BYTES, timeoutMs: BANK_DOWNLOAD_TIMEOUT_MS });
  if (!fetched.ok) {
    await interaction.editReply(
      fetched.failure.kind === 'too-large'
        ? importRefusalText({ kind: 'invalid-file', problems: [`${file.name}: the file is over 1 MB; a bank file may be at most 1 MB.`] }, file.name)
        : `Could not download ${file.name} from Discord (${fetched.failure.reason}). Please try again.`,
    );
    return;
  }
  const result = await ctx.quizBanks.import(interaction.guildId, { name: file.name, bytes: fetched.bytes }, {
    name: interaction.options.getString('name') ?? undefined,
    importedBy: interaction.user.id,
  });
  await interaction.editReply(result.ok ? importedText(result.value.bank, result.value.replaced) : importRefusalText(result.reason, file.name));
}

/** A number in a custom id: ids come back from Discord as the bot made them, but are checked anyway. */
function idArgument(value: string | undefined): number {
  if (value === undefined || !/^\d{1,9}$/.test(value)) throw new MemberError('bad-custom-id', 'This button is not one the bot made.');
  return Number(value);
}

async function handleComponent(interaction: MessageComponentInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) return;
  const { action, args } = parseCustomId(interaction.customId);
  if (action === 'answer') {
    const postId = idArgument(args[0]);
    const result = await ctx.quiz.answer(interaction.guildId, postId, memberOf(interaction), idArgument(args[1]));
    if (result.ok && result.value.post.kind === 'review') {
      await interaction.update(reviewAnsweredMessage(result.value, topicName(ctx)));
      return;
    }
    await interaction.reply(
      result.ok ? { ...answerFeedback(result.value), flags: MessageFlags.Ephemeral } : { content: answerRefusalText(result.reason), flags: MessageFlags.Ephemeral },
    );
    // The member has their answer; the count follows in the background.
    if (result.ok) ctx.quizPosts.showCountLater(postId);
    return;
  }
  if (action === 'next') {
    const result = await ctx.quiz.review(interaction.guildId, memberOf(interaction));
    await interaction.update(
      result.ok ? reviewMessage(result.value.post, result.value.due, topicName(ctx)) : { content: reviewRefusalText(result.reason), embeds: [], components: [] },
    );
    return;
  }
  if (action === 'close') {
    const post = await ctx.quiz.close(interaction.guildId, idArgument(args[0]));
    if (post) await interaction.update(quizPostMessage(post, topicName(ctx)));
    else await interaction.reply({ content: 'This question was already closed.', flags: MessageFlags.Ephemeral });
    return;
  }
  if (action === 'bank-on' || action === 'bank-off') {
    const bank = await ctx.quizBanks.setEnabled(interaction.guildId, args[0] ?? '', action === 'bank-on');
    const notice = bank ? `${asText(bank.name, BANK_NAME_MAX * 2)} is ${bank.enabled ? 'on' : 'off'}.` : 'That bank no longer exists.';
    await interaction.update(banksMessage(await ctx.quizBanks.banks(interaction.guildId), notice));
    return;
  }
  throw new Error(`unknown quiz action ${action}`);
}

export default { data, requirements, execute, handleComponent } satisfies CommandModule;
