// Every edit of a member's /grade reply goes through here, from the command and from the grade
// notifier alike, so that together they follow three rules:
// - the steps shown only move forward (Downloading, Queued, Importing, Evaluating): progress
//   reported late, or by a part that is behind (the grader's own queue after the claim), is dropped;
// - progress edits go out at most once per interval (Discord rate-limits webhook edits); one that
//   comes sooner waits, and only the latest waiting one is sent when the interval ends;
// - the final reply goes out at once, and nothing is sent after it.
// Edits of one reply are sent one after another, so they reach Discord in the order they were made.
import type { InteractionWebhook } from 'discord.js';
import type { Timers } from '../clock.ts';
import type { ProblemDefinition } from '../grading/problem-types.ts';
import type { Submission } from '../submissions/submission-service.ts';
import type { SubmissionStatus } from '../db/schema.ts';
import { progressEmbed, stepIndex, type GradeStatusView } from './ui/grade-messages.ts';

/** What an edit of the reply carries. */
export type ReplyPayload = Parameters<InteractionWebhook['editMessage']>[1];

/** Discord lets an interaction's reply be edited for 15 minutes; after that nothing is sent. */
const REPLY_EDITABLE_MS = 15 * 60 * 1000;

/** The status a grade has while its reply shows a step. */
const STATUS_OF_STEP: Record<GradeStatusView['step'], SubmissionStatus> = { downloading: 'receiving', queued: 'queued', grading: 'running' };

/** Progress edits of one reply are at least this far apart. */
export const MIN_PROGRESS_EDIT_INTERVAL_MS = 1_000;

export type GradeRepliesOptions = {
  /** Sends one edit of the submission's reply; `final` for the result (delivered even after the reply expired). */
  edit(submission: Submission, payload: ReplyPayload, final?: boolean): Promise<void>;
  /** The problems, for the title of the progress embed. */
  catalog: readonly ProblemDefinition[];
  timers: Timers;
  /** Reports an edit that failed or a final reply that could not be built. */
  onError(error: unknown, submission: Submission): void;
  /** Sent instead of a final reply that could not be built, so the reply does not stay on a step. */
  unbuiltFinalReply(submission: Submission): ReplyPayload;
  /**
   * Several processes edit one reply (the bot shows the download and the queue, a worker the
   * grade), so a progress edit may reach Discord after another process's result. With these, a
   * step is shown only while the grade is at it (`current` is read just before), and a progress
   * edit that went out while the grade finished elsewhere is followed by the result again.
   */
  crossProcess?: {
    /** The submission as stored now; undefined once deleted. */
    current(submission: Submission): Promise<Submission | undefined>;
    /** The result reply of a finished submission. */
    finalReply(submission: Submission): Promise<ReplyPayload>;
    /** Whether this process grades the submission (then it sends the result itself). */
    gradesHere(submission: Submission): boolean;
  };
};

type ReplyState = {
  /** The latest progress accepted (sent or waiting): what a newer one must go beyond. */
  latest?: GradeStatusView;
  /** When the last progress edit was sent (timers' ms); -Infinity before the first. */
  sentAt: number;
  /** A progress edit waiting for the interval to end, with the submission as last reported. */
  waiting?: { submission: Submission; view: GradeStatusView };
  timer?: unknown;
  finished: boolean;
  /** The edits of this reply, one after another. */
  chain: Promise<void>;
  /** When this reply was last touched, to forget it once Discord no longer lets it be edited. */
  touchedAt: number;
};

/** Whether `next` shows more than `current`: a later step, a new queue position, more evaluated. */
export function goesFurther(next: GradeStatusView, current: GradeStatusView | undefined): boolean {
  if (!current) return true;
  const step = stepIndex(next) - stepIndex(current);
  if (step !== 0) return step > 0;
  if (next.step === 'queued' && current.step === 'queued') return next.position !== current.position;
  return evaluatedFraction(next) > evaluatedFraction(current);
}

function evaluatedFraction(view: GradeStatusView): number {
  if (view.step !== 'grading') return 0;
  if (view.progress.stage === 'scoring') return 1;
  return view.progress.stage === 'evaluating' ? (view.progress.fraction ?? 0) : 0;
}

export class GradeReplies {
  private readonly replies = new Map<number, ReplyState>();
  /** When replies Discord no longer lets be edited were last forgotten. */
  private forgottenAt: number;

  constructor(private readonly options: GradeRepliesOptions) {
    this.forgottenAt = options.timers.now();
  }

  /**
   * Shows how far the grade is, if that is further than the reply shows or is about to: at once
   * when the last progress edit is an interval old, else when the interval ends. Resolves once an
   * edit sent now is done (at once for one that waits or is dropped).
   */
  progress(submission: Submission, view: GradeStatusView): Promise<void> {
    const reply = this.reply(submission.id);
    if (reply.finished || !goesFurther(view, reply.latest)) return Promise.resolve();
    reply.latest = view;
    const wait = reply.sentAt + MIN_PROGRESS_EDIT_INTERVAL_MS - this.options.timers.now();
    if (wait <= 0 && reply.timer === undefined) return this.sendProgress(reply, submission, view);
    reply.waiting = { submission, view };
    reply.timer ??= this.options.timers.setTimeout(() => {
      reply.timer = undefined;
      const waiting = reply.waiting;
      reply.waiting = undefined;
      if (waiting && !reply.finished) void this.sendProgress(reply, waiting.submission, waiting.view);
    }, wait);
    return Promise.resolve();
  }

  /**
   * Sends the final reply at once (after an edit already on its way, never before it) and drops
   * any progress still waiting or still to come. Resolves once it is sent.
   */
  final(submission: Submission, payload: ReplyPayload | Promise<ReplyPayload>): Promise<void> {
    const reply = this.reply(submission.id);
    reply.finished = true;
    this.cancelWaiting(reply);
    // Settled now: a payload that fails while an earlier edit is on its way is handled here, not
    // left as a rejection nobody waits for yet.
    const built = Promise.resolve(payload).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    return this.send(reply, submission, async () => {
      const outcome = await built;
      if (outcome.ok) return this.options.edit(submission, outcome.value, true);
      this.options.onError(outcome.error, submission);
      await this.options.edit(submission, this.options.unbuiltFinalReply(submission), true);
    });
  }

  /** The bot is stopping: drops the progress edits still waiting, and waits for those on their way. */
  async close(): Promise<void> {
    for (const reply of this.replies.values()) this.cancelWaiting(reply);
    await Promise.all([...this.replies.values()].map((reply) => reply.chain));
  }

  private sendProgress(reply: ReplyState, submission: Submission, view: GradeStatusView): Promise<void> {
    const problem = this.options.catalog.find((p) => p.id === submission.problemId);
    if (!problem) return Promise.resolve();
    reply.sentAt = this.options.timers.now();
    const payload = { embeds: [progressEmbed(problem, submission.fileName, view)] };
    const crossProcess = this.options.crossProcess;
    if (!crossProcess) return this.send(reply, submission, () => this.options.edit(submission, payload));
    return this.send(reply, submission, async () => {
      if ((await crossProcess.current(submission))?.status !== STATUS_OF_STEP[view.step]) return;
      await this.options.edit(submission, payload);
      const after = await crossProcess.current(submission);
      if (after && (after.status === 'graded' || after.status === 'failed') && !reply.finished && !crossProcess.gradesHere(after)) {
        // Finished elsewhere while this edit was on its way: the result goes out again, after it.
        await this.options.edit(after, await crossProcess.finalReply(after), true);
      }
    });
  }

  private send(reply: ReplyState, submission: Submission, edit: () => Promise<void>): Promise<void> {
    reply.chain = reply.chain.then(edit).catch((error: unknown) => this.options.onError(error, submission));
    return reply.chain;
  }

  private cancelWaiting(reply: ReplyState): void {
    if (reply.timer !== undefined) this.options.timers.clearTimeout(reply.timer);
    reply.timer = undefined;
    reply.waiting = undefined;
  }

  private reply(id: number): ReplyState {
    const now = this.options.timers.now();
    if (now - this.forgottenAt > REPLY_EDITABLE_MS) {
      this.forgottenAt = now;
      for (const [other, state] of this.replies) {
        if (now - state.touchedAt > REPLY_EDITABLE_MS && state.timer === undefined) this.replies.delete(other);
      }
    }
    let reply = this.replies.get(id);
    if (!reply) {
      reply = { sentAt: -Infinity, finished: false, chain: Promise.resolve(), touchedAt: now };
      this.replies.set(id, reply);
    }
    reply.touchedAt = now;
    return reply;
  }
}
