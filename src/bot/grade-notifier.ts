// Keeps a member's /grade reply up to date: queue position, import, evaluation progress, then the
// result. It works from the submission rows (which remember the interaction to answer), so grades
// resumed after a restart still reach their reply while Discord's 15-minute token lasts.
import { InteractionWebhook, type Client } from 'discord.js';
import type { GradeProgress, GradeResult } from '../grading/grader.ts';
import { isBotSideFailure } from '../submissions/grade-failures.ts';
import type { Submission } from '../submissions/submission-service.ts';
import type { BotContext } from './command.ts';
import { deletedEmbed, failureEmbed, progressEmbed, resultMessage, type GradeStatusView } from './ui/grade-messages.ts';

/** Discord lets an interaction's reply be edited for 15 minutes. */
const REPLY_EDITABLE_MS = 15 * 60 * 1000;

/** Discord rate-limits webhook edits; progress needs no more than one edit per interval. */
const MIN_EDIT_INTERVAL_MS = 1_500;

export type ReplyTarget = { applicationId: string; token: string };

export function replyTargetOf(submission: Submission): ReplyTarget | undefined {
  const replyTo = submission.replyTo;
  if (!replyTo || typeof replyTo.applicationId !== 'string' || typeof replyTo.token !== 'string') return undefined;
  return { applicationId: replyTo.applicationId, token: replyTo.token };
}

export function attachGradeNotifier(client: Client<true>, ctx: BotContext): void {
  const lastEditAt = new Map<number, number>();
  const lastPosition = new Map<number, number>();
  /** Grades that have started: a queue position must not overwrite their progress. */
  const grading = new Set<number>();
  /**
   * Grades whose final reply was sent, and when (monotonic ms): a late edit from an earlier event
   * must not overwrite it. Kept for as long as Discord lets the reply be edited.
   */
  const finished = new Map<number, number>();
  const forgetFinished = () => {
    const now = performance.now();
    for (const [id, at] of finished) if (now - at > REPLY_EDITABLE_MS) finished.delete(id);
  };

  async function edit(submission: Submission, payload: Parameters<InteractionWebhook['editMessage']>[1]): Promise<void> {
    const target = replyTargetOf(submission);
    if (!target) return;
    try {
      await new InteractionWebhook(client, target.applicationId, target.token).editMessage('@original', payload);
    } catch (error) {
      // An expired token (after 15 minutes) or a deleted reply: the result stays in the database.
      ctx.logger.warn({ err: error, submission: submission.id }, 'could not update the grade reply');
    }
  }

  function problemOf(submission: Submission) {
    return ctx.catalog.find((p) => p.id === submission.problemId)!;
  }

  async function showStatus(submission: Submission, view: GradeStatusView, force = false): Promise<void> {
    if (finished.has(submission.id)) return;
    if (view.step === 'queued' && grading.has(submission.id)) return;
    // A throttle measures elapsed time, not a moment: the monotonic clock.
    const now = performance.now();
    if (!force && now - (lastEditAt.get(submission.id) ?? -Infinity) < MIN_EDIT_INTERVAL_MS) return;
    lastEditAt.set(submission.id, now);
    await edit(submission, { embeds: [progressEmbed(problemOf(submission), submission.fileName, view)] });
  }

  ctx.gradingQueue.on('progress', (submission: Submission, progress: GradeProgress) => {
    grading.add(submission.id);
    lastPosition.delete(submission.id);
    // Stage changes always show; evaluation percentages are throttled.
    const force = progress.fraction === undefined;
    void showStatus(submission, { step: 'grading', progress }, force);
  });

  ctx.gradingQueue.on('moved', () => {
    void (async () => {
      const waiting = await ctx.submissions.queued();
      for (const [index, submission] of waiting.entries()) {
        const position = index + 1;
        if (!replyTargetOf(submission)) continue;
        if (lastPosition.get(submission.id) !== position) {
          lastPosition.set(submission.id, position);
          await showStatus(submission, { step: 'queued', position }, true);
        }
      }
    })().catch((error: unknown) => ctx.logger.warn({ err: error }, 'could not update queue positions'));
  });

  function settle(submission: Submission, payload: Parameters<InteractionWebhook['editMessage']>[1]): void {
    forgetFinished();
    finished.set(submission.id, performance.now());
    grading.delete(submission.id);
    lastEditAt.delete(submission.id);
    lastPosition.delete(submission.id);
    void edit(submission, payload);
  }

  ctx.gradingQueue.on('finished', (submission: Submission) => settle(submission, finalReply(submission, ctx)));
  ctx.gradingQueue.on('deleted', (submission: Submission) =>
    settle(submission, { embeds: [deletedEmbed(problemOf(submission), submission.fileName)], files: [] }),
  );
}

/** The final reply for a graded or failed submission (also used for a stored duplicate). */
export function finalReply(submission: Submission, ctx: BotContext, options: { reused?: boolean } = {}) {
  const problem = ctx.catalog.find((p) => p.id === submission.problemId);
  if (submission.status === 'graded' && submission.result) {
    return resultMessage(submission, submission.result as unknown as GradeResult, options);
  }
  const internal = isBotSideFailure(submission.errorCode);
  return { embeds: [failureEmbed(problem, submission.fileName, submission.error ?? 'The model could not be graded.', internal)], files: [] };
}
