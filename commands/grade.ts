// /grade problem model [weights] [public]: downloads the upload, queues it, and lets the grade
// notifier keep the reply up to date until the result.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  MessageFlags,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import type { BotContext } from '../src/bot/command.ts';
import { finalReply } from '../src/bot/grade-notifier.ts';
import { failureEmbed, progressEmbed } from '../src/bot/ui/grade-messages.ts';
import { matchProblems } from '../src/bot/ui/problem-messages.ts';
import { DownloadRejectedError, downloadToFile } from '../src/submissions/download.ts';
import { checkDeclaredUploads } from '../src/submissions/upload-names.ts';
import { UploadStore } from '../src/submissions/upload-store.ts';

const DOWNLOAD_TIMEOUT_MS = 60_000;

export const data = new SlashCommandBuilder()
  .setName('grade')
  .setDescription('Grade your trained Keras model on a problem, like the exam grader')
  .setDMPermission(false)
  .addStringOption((o) => o.setName('problem').setDescription('The problem the model solves').setRequired(true).setAutocomplete(true))
  .addAttachmentOption((o) => o.setName('model').setDescription('model.h5, model.keras, a zipped model, or a TF.js model.json').setRequired(true))
  .addAttachmentOption((o) => o.setName('weights').setDescription('The weights file of a TF.js model (.bin), if separate'))
  .addBooleanOption((o) => o.setName('public').setDescription('Post the result in the channel instead of only to you'));

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) return;
  const problemId = interaction.options.getString('problem', true);
  const problem = ctx.catalog.find((p) => p.id === problemId);
  const attachments = [interaction.options.getAttachment('model', true), interaction.options.getAttachment('weights')].filter(
    (a): a is NonNullable<typeof a> => a !== null,
  );
  // Checks that need no download are answered at once, privately.
  const problems = problem ? checkDeclaredUploads(attachments.map((a) => ({ name: a.name, size: a.size })), ctx.config.maxUploadBytes) : [
    `There is no problem "${problemId}". See /problems for the list.`,
  ];
  if (problems.length > 0 || !problem) {
    await interaction.reply({ content: problems.join('\n').slice(0, 2000), flags: MessageFlags.Ephemeral });
    return;
  }
  const settings = await ctx.settings.get(interaction.guildId);
  const ephemeral = !(interaction.options.getBoolean('public') ?? settings.gradeVisibility === 'public');
  await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});

  const modelName = attachments[0].name;
  await interaction.editReply({ embeds: [progressEmbed(problem, modelName, { step: 'downloading' })] });
  const folder = await ctx.uploads.newFolder();
  const fileHashes: string[] = [];
  let totalSize = 0;
  try {
    for (const [index, attachment] of attachments.entries()) {
      const downloaded = await downloadToFile({
        url: attachment.url,
        name: attachment.name,
        declaredSize: attachment.size,
        maxBytes: ctx.config.maxUploadBytes - totalSize,
        timeoutMs: DOWNLOAD_TIMEOUT_MS,
        destination: join(folder, UploadStore.fileName(index, attachment.name)),
      });
      fileHashes.push(downloaded.sha256);
      totalSize += downloaded.size;
    }
  } catch (error) {
    await ctx.uploads.remove(folder);
    if (!(error instanceof DownloadRejectedError)) throw error;
    await interaction.editReply({ embeds: [failureEmbed(problem, modelName, error.memberMessage, false)] });
    return;
  }

  const created = await ctx.submissions.create({
    guildId: interaction.guildId,
    userId: interaction.user.id,
    userName: interaction.member && 'displayName' in interaction.member ? interaction.member.displayName : interaction.user.displayName,
    problemId,
    fileName: attachments.map((a) => a.name).join(' + '),
    fileSha256: fileHashes.length === 1 ? fileHashes[0] : createHash('sha256').update(fileHashes.join(':')).digest('hex'),
    fileSize: totalSize,
    filesPath: folder,
    replyTo: { applicationId: interaction.applicationId, token: interaction.token, ephemeral },
  });
  if (created.kind !== 'queued') await ctx.uploads.remove(folder);
  if (created.kind === 'duplicate') {
    await interaction.editReply(finalReply(created.submission, ctx, { reused: true }));
  } else if (created.kind === 'busy') {
    const other = ctx.catalog.find((p) => p.id === created.inFlight.problemId)?.title ?? created.inFlight.problemId;
    await interaction.editReply({
      embeds: [failureEmbed(problem, modelName, `You already have a grade in progress (${other}, ${created.inFlight.status}). One grade at a time: this one starts when that one is done, so send it again then.`, false)],
    });
  } else if (created.kind === 'rate-limited') {
    await interaction.editReply({
      embeds: [failureEmbed(problem, modelName, `You have used your ${ctx.config.gradesPerHour} grades for this hour. You can grade again <t:${Math.ceil(created.retryAt.getTime() / 1000)}:R>.`, false)],
    });
  } else {
    const position = await ctx.submissions.queuePosition(created.submission.id);
    await interaction.editReply({ embeds: [progressEmbed(problem, modelName, { step: 'queued', position })] });
    ctx.gradingQueue.notify();
  }
}

export async function autocomplete(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  await interaction.respond(matchProblems(ctx.catalog, interaction.options.getFocused()));
}
