// Keeps a member's /grade reply up to date: queue position, import, evaluation progress, then the
// result. It works from the submission rows (which remember the interaction to answer), so grades
// resumed after a restart still reach their reply while Discord's 15-minute token lasts. The edits
// themselves go through GradeReplies (forward only, throttled, the result at once).
import type { GradeProgress, GradeResult } from '../grading/grader.ts';
import type { Logger } from '../log.ts';
import { isBotSideFailure } from '../submissions/grade-failures.ts';
import type { Submission } from '../submissions/submission-service.ts';
import type { BotContext } from './command.ts';
import type { ReplyPayload } from './grade-replies.ts';
import { deletedEmbed, failureEmbed, resultMessage } from './ui/grade-messages.ts';
import { DeliveryError, type MessageSender, type OutgoingMessage } from './discord-sender.ts';
import { asText } from './ui/member-text.ts';

export type ReplyTarget = { applicationId: string; token: string };

export function replyTargetOf(submission: Submission): ReplyTarget | undefined {
  const replyTo = submission.replyTo;
  if (!replyTo || typeof replyTo.applicationId !== 'string' || typeof replyTo.token !== 'string') return undefined;
  return { applicationId: replyTo.applicationId, token: replyTo.token };
}

/**
 * Edits the reply a submission remembers, through the interaction's webhook (any process can: no
 * bot token needed). When the reply can no longer be edited (Discord keeps the token 15 minutes),
 * the final result goes where the member asked for it instead: by DM for a private grade, in the
 * channel for a public one. Anything else that fails is logged; the result stays in the database.
 */
export function gradeReplyEditor(sender: MessageSender, logger: Logger) {
  return async (submission: Submission, payload: ReplyPayload, final = false): Promise<void> => {
    const target = replyTargetOf(submission);
    if (!target) return;
    const message = payload as OutgoingMessage;
    try {
      await sender.editInteractionReply(target.applicationId, target.token, message);
    } catch (error) {
      if (final && error instanceof DeliveryError && error.reason === 'reply-gone') {
        await deliverLateResult(sender, submission, message).catch((lateError: unknown) =>
          logger.warn({ err: lateError, submission: submission.id }, 'could not deliver the grade result after its reply expired'),
        );
        return;
      }
      logger.warn({ err: error, submission: submission.id }, 'could not update the grade reply');
    }
  };
}

async function deliverLateResult(sender: MessageSender, submission: Submission, message: OutgoingMessage): Promise<void> {
  const intro = `<@${submission.userId}> your grade of ${asText(submission.fileName, 100)} is ready (the original reply could no longer be updated):`;
  const late: OutgoingMessage = { ...message, content: intro, mentionUsers: [submission.userId] };
  const channelId = submission.replyTo?.channelId;
  const key = `grade-result:${submission.id}`;
  if (submission.replyTo?.ephemeral !== false || typeof channelId !== 'string') {
    await sender.sendDirect(submission.userId, late, key);
    return;
  }
  await sender.send(channelId, late, key);
}

/** What keeps grade replies up to date: in the bot, and in a `tf-study-bot worker` alike. */
export type GradeNotifierContext = Pick<BotContext, 'gradeReplies' | 'gradingQueue' | 'submissions' | 'logger' | 'catalog' | 'mockExam'>;

export function attachGradeNotifier(ctx: GradeNotifierContext): void {
  const replies = ctx.gradeReplies;

  ctx.gradingQueue.on('progress', (submission: Submission, progress: GradeProgress) => {
    void replies.progress(submission, { step: 'grading', progress });
  });

  ctx.gradingQueue.on('moved', () => {
    void (async () => {
      const waiting = await ctx.submissions.queued();
      for (const [index, submission] of waiting.entries()) {
        if (replyTargetOf(submission)) void replies.progress(submission, { step: 'queued', position: index + 1 });
      }
    })().catch((error: unknown) => ctx.logger.warn({ err: error }, 'could not update queue positions'));
  });

  ctx.gradingQueue.on('finished', (submission: Submission) => void replies.final(submission, finalReply(submission, ctx)));
  ctx.gradingQueue.on('deleted', (submission: Submission) => {
    const problem = ctx.catalog.find((p) => p.id === submission.problemId);
    void replies.final(submission, { embeds: [deletedEmbed(problem, submission.fileName)], files: [] });
  });
}

/**
 * The final reply for a graded or failed submission; `reused` when a stored result was recorded
 * for it. A graded one says where it counts.
 */
export async function finalReply(submission: Submission, ctx: Pick<BotContext, 'catalog' | 'mockExam' | 'logger'>, options: { reused?: boolean } = {}): Promise<ReplyPayload> {
  const problem = ctx.catalog.find((p) => p.id === submission.problemId);
  if (submission.status === 'graded' && submission.result) {
    const counting = await ctx.mockExam.countingOf(submission).catch((error: unknown) => {
      // The result matters more than the line about where it counts.
      ctx.logger.warn({ err: error, submission: submission.id }, 'could not tell where a grade counts');
      return undefined;
    });
    return resultMessage(submission, submission.result as unknown as GradeResult, { ...options, counting });
  }
  const internal = isBotSideFailure(submission.errorCode);
  return { embeds: [failureEmbed(problem, submission.fileName, submission.error ?? 'The model could not be graded.', internal)], files: [] };
}
