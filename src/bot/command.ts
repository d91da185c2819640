// The shape of a file in commands/: the slash command's definition and its handlers.
import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  MessageComponentInteraction,
  ModalSubmitInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Config } from '../config.ts';
import type { Database, DatabaseEngine } from '../db/client.ts';
import type { Logger } from '../log.ts';
import type { TipService } from '../tips/tip-service.ts';
import type { ProblemDefinition } from '../grading/problem-types.ts';
import type { GuildSettingsService } from '../settings/guild-settings.ts';
import type { MockExamService } from '../mockexam/mock-exam-service.ts';
import type { SubmissionService } from '../submissions/submission-service.ts';
import type { GradingQueue } from '../submissions/grading-queue.ts';
import type { UploadStore } from '../submissions/upload-store.ts';

/** What command handlers may use. Built once at start by src/app.ts. */
export type BotContext = {
  config: Config;
  logger: Logger;
  db: Database;
  dbEngine: DatabaseEngine;
  tips: TipService;
  catalog: readonly ProblemDefinition[];
  settings: GuildSettingsService;
  mockExam: MockExamService;
  submissions: SubmissionService;
  gradingQueue: GradingQueue;
  uploads: UploadStore;
};

export type CommandModule = {
  data: { name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
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
