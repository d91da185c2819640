// /grade problem model [weights] [public]: hands the upload to the grade intake (download, store,
// queue) and renders its outcome; the grade notifier keeps the reply up to date until the result.
import {
  InteractionContextType,
  MessageFlags,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import type { BotContext, CommandModule, CommandRequirements } from '../src/bot/command.ts';
import { finalReply } from '../src/bot/grade-notifier.ts';
import { failureEmbed, refusalText } from '../src/bot/ui/grade-messages.ts';
import { matchProblems } from '../src/bot/ui/problem-messages.ts';
import { MemberError } from '../src/member-error.ts';
import type { Submission } from '../src/submissions/submission-service.ts';

const data = new SlashCommandBuilder()
  .setName('grade')
  .setDescription('Grade your trained Keras model on a problem, like the exam grader')
  .setContexts(InteractionContextType.Guild)
  .addStringOption((o) => o.setName('problem').setDescription('The problem the model solves').setRequired(true).setAutocomplete(true))
  .addAttachmentOption((o) => o.setName('model').setDescription('model.h5, model.keras, a zipped model, or a TF.js model.json').setRequired(true))
  .addAttachmentOption((o) => o.setName('weights').setDescription('The weights file of a TF.js model (.bin), if separate'))
  .addBooleanOption((o) => o.setName('public').setDescription('Post the result in the channel instead of only to you'));

const requirements: CommandRequirements = { guildOnly: true };

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) return;
  const problemId = interaction.options.getString('problem', true);
  const problem = ctx.catalog.find((p) => p.id === problemId);
  if (!problem) throw new MemberError('unknown-problem', `There is no problem "${problemId}". See /problems for the list.`);
  const attachments = [interaction.options.getAttachment('model', true), interaction.options.getAttachment('weights')]
    .filter((a): a is NonNullable<typeof a> => a !== null)
    .map((a) => ({ url: a.url, name: a.name, size: a.size }));
  // Checks that need no download are answered at once, privately.
  const problems = ctx.gradeIntake.precheck(attachments);
  if (problems.length > 0) throw new MemberError('upload-refused', problems.join('\n'));

  const settings = await ctx.settings.get(interaction.guildId);
  const ephemeral = !(interaction.options.getBoolean('public') ?? settings.gradeVisibility === 'public');
  await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  const modelName = attachments[0].name;
  let admitted: Submission | undefined;
  const outcome = await ctx.gradeIntake.submit({
    guildId: interaction.guildId,
    userId: interaction.user.id,
    userName: interaction.member && 'displayName' in interaction.member ? interaction.member.displayName : interaction.user.displayName,
    problem,
    attachments,
    replyTo: { applicationId: interaction.applicationId, token: interaction.token, ephemeral, channelId: interaction.channelId },
  }, {
    // When its download starts (the row exists from admission on, so a restart can still answer
    // this reply): every edit of the reply goes through ctx.gradeReplies, in order. Not awaited: the
    // download does not wait for Discord.
    onDownloadStarts: async (submission) => {
      admitted = submission;
      void ctx.gradeReplies.progress(submission, { step: 'downloading' });
    },
  });
  if (!outcome.ok) {
    const refusal = { embeds: [failureEmbed(problem, modelName, refusalText(outcome.reason, ctx.catalog), false)] };
    await (admitted ? ctx.gradeReplies.final(admitted, refusal) : interaction.editReply(refusal));
  } else if (outcome.value.kind === 'reused') {
    await ctx.gradeReplies.final(outcome.value.submission, finalReply(outcome.value.submission, ctx, { reused: true }));
  } else {
    await ctx.gradeReplies.progress(outcome.value.submission, { step: 'queued', position: outcome.value.position });
  }
}

async function autocomplete(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  await interaction.respond(matchProblems(ctx.catalog, interaction.options.getFocused()));
}

export default { data, requirements, execute, autocomplete } satisfies CommandModule;
