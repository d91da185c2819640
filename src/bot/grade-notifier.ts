// Keeps a member's /grade reply up to date: queue position, import, evaluation progress, then the
// result. It works from the submission rows (which remember the interaction to answer), so grades
// resumed after a restart still reach their reply while Discord's 15-minute token lasts. The edits
// themselves go through GradeReplies (forward only, throttled, the result at once).
import { InteractionWebhook, type Client } from 'discord.js';
import type { GradeProgress, GradeResult } from '../grading/grader.ts';
import type { Logger } from '../log.ts';
import { isBotSideFailure } from '../submissions/grade-failures.ts';
import type { Submission } from '../submissions/submission-service.ts';
import type { BotContext } from './command.ts';
import type { ReplyPayload } from './grade-replies.ts';
import { deletedEmbed, failureEmbed, resultMessage } from './ui/grade-messages.ts';

export type ReplyTarget = { applicationId: string; token: string };

export function replyTargetOf(submission: Submission): ReplyTarget | undefined {
  const replyTo = submission.replyTo;
  if (!replyTo || typeof replyTo.applicationId !== 'string' || typeof replyTo.token !== 'string') return undefined;
  return { applicationId: replyTo.applicationId, token: replyTo.token };
}

/** Edits the reply a submission remembers; a reply that is gone (expired token, deleted) is logged. */
export function gradeReplyEditor(client: Client, logger: Logger) {
  return async (submission: Submission, payload: ReplyPayload): Promise<void> => {
    const target = replyTargetOf(submission);
    if (!target) return;
    try {
      // Edits come from commands and grades, which start once the client is logged in.
      await new InteractionWebhook(client as Client<true>, target.applicationId, target.token).editMessage('@original', payload);
    } catch (error) {
      // An expired token (after 15 minutes) or a deleted reply: the result stays in the database.
      logger.warn({ err: error, submission: submission.id }, 'could not update the grade reply');
    }
  };
}

export function attachGradeNotifier(ctx: BotContext): void {
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
export async function finalReply(submission: Submission, ctx: BotContext, options: { reused?: boolean } = {}): Promise<ReplyPayload> {
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
