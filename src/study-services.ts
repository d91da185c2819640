// The services behind what the bot does by itself on a schedule: server settings, tips, the quiz,
// mock exam weeks and the scheduled posts. The bot (src/app.ts) and `tf-study-bot jobs` build them
// here alike, so a post sent from the command line is the post the bot would send.
import { hostname } from 'node:os';
import type { Clock, Timers } from './clock.ts';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/client.ts';
import type { Logger } from './log.ts';
import type { MessageSender } from './bot/discord-sender.ts';
import { QuizPosts } from './bot/quiz-posts.ts';
import { ScheduledPosts } from './bot/scheduled-posts.ts';
import { DEFAULT_RUN_LEASE_MS, RunClaims } from './jobs/run-claims.ts';
import { MockExamService } from './mockexam/mock-exam-service.ts';
import type { QuestionBank } from './quiz/question-bank.ts';
import { QuizBankService } from './quiz/quiz-banks.ts';
import { QuizService } from './quiz/quiz-service.ts';
import { GuildSettingsService } from './settings/guild-settings.ts';
import { ReminderService } from './reminders/reminder-service.ts';
import type { KnowledgeBase } from './tips/knowledge-base.ts';
import { TipService } from './tips/tip-service.ts';
import { problemCatalog } from '../problems/index.ts';

export type StudyServices = ReturnType<typeof createStudyServices>;

export function createStudyServices(input: {
  config: Config;
  database: DatabaseHandle;
  knowledge: KnowledgeBase;
  questions: QuestionBank;
  sender: MessageSender;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  /** Who claims scheduled slots (default: host and process id). */
  owner?: string;
}) {
  const { config, database, knowledge, questions, sender, clock, timers, logger } = input;
  const settings = new GuildSettingsService(database.db, config.defaultTimezone, clock);
  // PGlite has no autovacuum: the week closing vacuums what it made stale.
  const mockExam = new MockExamService(database.db, settings, problemCatalog, clock, { vacuumAfterClose: database.engine === 'pglite' });
  const tips = new TipService(database.db, knowledge, clock);
  const quizBanks = new QuizBankService(database.db, questions, knowledge.skills, settings, clock);
  const quiz = new QuizService(database.db, quizBanks, settings, clock);
  const topicNames = new Map(knowledge.topics.map((t) => [t.id as string, t.name]));
  const quizPosts = new QuizPosts(sender, quiz, (id) => topicNames.get(id) ?? id, timers, logger);
  const claims = new RunClaims(database.db, clock, input.owner ?? `${hostname()}:${process.pid}`, DEFAULT_RUN_LEASE_MS);
  const reminders = new ReminderService(database.db, clock, settings);
  const scheduledPosts = new ScheduledPosts({
    settings,
    reminders,
    tips,
    quizPosts,
    mockExam,
    catalog: problemCatalog,
    claims,
    sender,
    clock,
    logger,
    graceMs: config.postGraceMs,
  });
  return { settings, mockExam, tips, quizBanks, quiz, quizPosts, claims, reminders, scheduledPosts };
}
