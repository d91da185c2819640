// The exit codes of every subcommand, as `tf-study-bot --help` and the README document them.
export const EXIT = {
  ok: 0,
  /** Internal or environment error (configuration, storage, Discord, datasets). */
  failure: 1,
  /** Misuse: unknown command or option, missing argument or file. */
  misuse: 2,
  /** `grade`: the model cannot be graded (the reason is printed). */
  ungradable: 3,
} as const;
