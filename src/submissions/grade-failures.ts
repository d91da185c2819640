// What a member is told when a grade fails on the bot's side rather than because of the model.
// The details (paths, URLs, hashes, stack) are for the operators: they go to the log under the
// same ref, never to the member.
import { DatasetUnavailableError } from '../datasets/ensure.ts';
import { errorRef } from '../error-ref.ts';

/** Error codes of grades that failed on the bot's side. */
export const BOT_SIDE_FAILURES = ['dataset-unavailable', 'internal'] as const;
export type BotSideFailure = (typeof BOT_SIDE_FAILURES)[number];

export function isBotSideFailure(errorCode: string | null | undefined): boolean {
  return (BOT_SIDE_FAILURES as readonly (string | null | undefined)[]).includes(errorCode);
}

export type BotSideFailureReport = {
  code: BotSideFailure;
  ref: string;
  /** Shown to the member as is (plain text, no Markdown). */
  memberMessage: string;
  /** The log line's message. */
  logMessage: string;
};

export function reportBotSideFailure(error: unknown): BotSideFailureReport {
  const ref = errorRef();
  if (error instanceof DatasetUnavailableError) {
    return {
      code: 'dataset-unavailable',
      ref,
      memberMessage: `This problem cannot be graded right now: the grader cannot get its evaluation data. The moderators have been told (ref ${ref}).`,
      logMessage: 'dataset unavailable: this problem cannot be graded until the dataset is in DATA_DIR (tf-study-bot datasets fetch) or DATASET_MIRROR',
    };
  }
  return {
    code: 'internal',
    ref,
    memberMessage: `Please try again in a few minutes. If it fails again, the moderators can find what happened in the bot's log with ref ${ref}.`,
    logMessage: 'grading failed',
  };
}
