// The shape of a file in commands/: the slash command's definition, what it requires of where and
// by whom it is used, and its handlers. Each command file ends with
// `export default { ... } satisfies CommandModule`.
import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  MessageComponentInteraction,
  ModalSubmitInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { TipService } from '../tips/tip-service.ts';
import type { ProblemDefinition } from '../grading/problem-types.ts';
import type { GuildSettingsService } from '../settings/guild-settings.ts';
import type { MockExamService } from '../mockexam/mock-exam-service.ts';
import type { SubmissionService } from '../submissions/submission-service.ts';
import type { GradingQueue } from '../submissions/grading-queue.ts';
import type { GradeIntake } from '../submissions/grade-intake.ts';
import type { PrivacyService } from '../privacy/member-data.ts';
import type { QuizStandings } from '../quiz/quiz-standings.ts';
import type { ReadinessService } from '../quiz/readiness.ts';
import type { GradeReplies } from './grade-replies.ts';
import type { QuizService } from '../quiz/quiz-service.ts';
import type { QuizBankService } from '../quiz/quiz-banks.ts';
import type { QuizPosts } from './quiz-posts.ts';
import type { ScheduledPosts } from './scheduled-posts.ts';
import type { ReminderService } from '../reminders/reminder-service.ts';
import type { Metrics } from '../metrics/metrics.ts';

/** The services command handlers and jobs use. Built once at start by src/app.ts. */
export type BotContext = {
  config: Config;
  logger: Logger;
  clock: Clock;
  catalog: readonly ProblemDefinition[];
  tips: TipService;
  settings: GuildSettingsService;
  mockExam: MockExamService;
  submissions: SubmissionService;
  gradeIntake: GradeIntake;
  gradingQueue: GradingQueue;
  /** Every edit of a /grade reply after its first acknowledgement. */
  gradeReplies: GradeReplies;
  privacy: PrivacyService;
  quiz: QuizService;
  quizBanks: QuizBankService;
  /** Quiz messages in channels: counts, reveals, the daily question. */
  quizPosts: QuizPosts;
  /** The server's scheduled posts (their status for /config). */
  scheduledPosts: ScheduledPosts;
  quizStandings: QuizStandings;
  /** /progress: a member's exam readiness. */
  readiness: ReadinessService;
  /** /remind and /exam: members' reminders, timezones and exam dates. */
  reminders: ReminderService;
  /** Counts for /metrics; absent when METRICS_PORT is unset. */
  metrics?: Metrics;
};

/**
 * Where and by whom a command may be used. The router checks these on the server side before
 * `execute`, and again on every button and modal of the command, whatever Discord's own
 * command permissions (which server admins can change) say.
 */
export type CommandRequirements = {
  /** Only inside a server (not in DMs). Registered with the Guild interaction context too. */
  guildOnly: boolean;
  /** Member permissions (PermissionFlagsBits) every use of the command needs. */
  permissions?: bigint;
  /** Extra permissions by subcommand name, where they differ. */
  subcommands?: Record<string, bigint>;
  /** Extra permissions by button or modal action (the `<action>` of `<command>:<action>:...`). */
  actions?: Record<string, bigint>;
};

export type CommandModule = {
  data: { name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  requirements: CommandRequirements;
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<unknown>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<unknown>;
  /** Buttons and select menus whose custom id starts with `<command name>:`. */
  handleComponent?(interaction: MessageComponentInteraction, ctx: BotContext): Promise<unknown>;
  /** Modals whose custom id starts with `<command name>:`. */
  handleModal?(interaction: ModalSubmitInteraction, ctx: BotContext): Promise<unknown>;
};

/**
 * Custom ids of buttons and modals are `<command>:<action>[:<argument>...]`, so the router can send
 * them back to the command that made them, and handlers read their arguments without state.
 */
export function customId(command: string, action: string, ...args: Array<string | number>): string {
  return [command, action, ...args].join(':');
}

export function parseCustomId(id: string): { command: string; action: string; args: string[] } {
  const [command = '', action = '', ...args] = id.split(':');
  return { command, action, args };
}
