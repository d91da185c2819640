// The drizzle schema. Migrations in drizzle/ are generated from this file by drizzle-kit and run
// unchanged on PGlite (PostgreSQL 18) and on PostgreSQL 15+: use nothing newer than 15 offers.
// Timestamps have no database default: the app's clock (src/clock.ts) writes every one of them.
import { sql } from 'drizzle-orm';
import {
  boolean,
  customType,
  doublePrecision,
  index,
  uniqueIndex,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

/** Per-server settings. A row is created lazily the first time a server needs one. */
export const guildSettings = pgTable('guild_settings', {
  guildId: text('guild_id').primaryKey(),
  timezone: text('timezone'),
  announcementChannelId: text('announcement_channel_id'),
  mockExamEnabled: boolean('mock_exam_enabled').notNull().default(true),
  winnerRoleId: text('winner_role_id'),
  /** Whether /grade replies are ephemeral (personal) or posted in the channel by default. */
  gradeVisibility: text('grade_visibility', { enum: ['ephemeral', 'public'] }).notNull().default('ephemeral'),
  /** Whether /quiz serves the built-in question bank here (a server may use only its own banks). */
  quizBuiltinEnabled: boolean('quiz_builtin_enabled').notNull().default(true),
  /** How long a question posted with /quiz ask stays open before it reveals its answer. */
  quizOpenMinutes: integer('quiz_open_minutes').notNull().default(10),
  /** Local times (HH:MM, server timezone) of the scheduled posts; null: off. */
  dailyTipTime: text('daily_tip_time'),
  dailyQuizTime: text('daily_quiz_time'),
  weeklyPostTime: text('weekly_post_time'),
  /**
   * When each post's time last changed (ISO instants by post kind; the channel or the timezone
   * changes them all): slots before it were never promised, so they are neither sent late nor
   * reported as missed.
   */
  postsChangedAt: jsonb('posts_changed_at').$type<Record<string, string>>(),
  /** The exam's rules, as defaults a server can change: how long a voucher and a certificate last. */
  voucherMonths: integer('voucher_months').notNull().default(6),
  certificateYears: integer('certificate_years').notNull().default(3),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/**
 * Tips already shown in a server during the current round of a topic. When every tip of a topic has
 * been shown, the topic's rows are cleared and a new round starts.
 */
export const tipRotation = pgTable(
  'tip_rotation',
  {
    guildId: text('guild_id').notNull(),
    topic: text('topic').notNull(),
    tipId: text('tip_id').notNull(),
    shownAt: timestamp('shown_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.topic, t.tipId] })],
);

export const COMMUNITY_TIP_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type CommunityTipStatus = (typeof COMMUNITY_TIP_STATUSES)[number];

/** Tips proposed by members with /tip add. Approved ones join that server's rotation only. */
export const communityTips = pgTable(
  'community_tips',
  {
    id: serial('id').primaryKey(),
    guildId: text('guild_id').notNull(),
    authorId: text('author_id').notNull(),
    authorName: text('author_name').notNull(),
    topic: text('topic').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    snippet: text('snippet'),
    status: text('status', { enum: COMMUNITY_TIP_STATUSES }).notNull().default('pending'),
    reviewedBy: text('reviewed_by'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('community_tips_guild_status_idx').on(t.guildId, t.status, t.id)],
);

/**
 * receiving: the row exists while the upload downloads (so a restart can tell the member);
 * queued -> running (a grader holds a renewed lease) -> graded or failed.
 */
export const SUBMISSION_STATUSES = ['receiving', 'queued', 'running', 'graded', 'failed'] as const;
/** The statuses of a grade in flight: one per member at a time. */
export const IN_FLIGHT_STATUSES = ['receiving', 'queued', 'running'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/**
 * Every /grade attempt. The row is the source of truth for the queue: a restart re-queues what was
 * queued or running. `week` is the server's ISO week (e.g. 2026-W48) the attempt counts for.
 */
export const submissions = pgTable(
  'submissions',
  {
    id: serial('id').primaryKey(),
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    userName: text('user_name').notNull(),
    problemId: text('problem_id').notNull(),
    /** The problem's weight in the mock exam (its category, 1..5), kept so standings are one query. */
    weight: integer('weight').notNull(),
    week: text('week').notNull(),
    /** Inside the member's 5-hour timed window of that week. */
    timed: boolean('timed').notNull().default(false),
    status: text('status', { enum: SUBMISSION_STATUSES }).notNull().default('queued'),
    points: integer('points'),
    metric: text('metric'),
    metricValue: doublePrecision('metric_value'),
    fileName: text('file_name').notNull(),
    fileSha256: text('file_sha256').notNull(),
    fileSize: integer('file_size').notNull(),
    format: text('format'),
    backend: text('backend'),
    timings: jsonb('timings').$type<Record<string, number>>(),
    /** The grader's result (details, hint, chart data) for a graded submission. */
    result: jsonb('result').$type<Record<string, unknown>>(),
    errorCode: text('error_code'),
    error: text('error'),
    /** Where the uploaded files wait while queued, so a restart can grade them. */
    filesPath: text('files_path'),
    attempts: integer('attempts').notNull().default(0),
    /** Times a grader died holding this submission (its lease expired); two fail it for good. */
    crashes: integer('crashes').notNull().default(0),
    /** The process holding a receiving or running submission, and until when; it renews the lease. */
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    /** Where to report the result (the Discord interaction that asked), so a restart can still answer. */
    replyTo: jsonb('reply_to').$type<Record<string, string | boolean>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    // The weekly board reads only this index (best points per member and problem in a week, and the
    // member's name): an index-only scan once the table is vacuumed.
    index('submissions_board_idx').on(t.guildId, t.week, t.userId, t.problemId, t.points, t.weight, t.timed, t.userName),
    index('submissions_queue_idx').on(t.status, t.id),
    index('submissions_member_idx').on(t.guildId, t.userId, t.problemId, t.fileSha256),
    // One grade in flight per member and server, whatever races the requests run.
    uniqueIndex('submissions_one_in_flight_idx').on(t.guildId, t.userId).where(sql`status in ('receiving', 'queued', 'running')`),
    index('submissions_lease_idx').on(t.leaseExpiresAt).where(sql`status in ('receiving', 'running')`),
  ],
);

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * With PostgreSQL, a queued submission's uploaded files wait here rather than on the disk of the
 * process that received them, so a grading worker on any host can grade it. Deleted with the
 * submission, and once it is graded.
 */
export const uploadFiles = pgTable(
  'upload_files',
  {
    submissionId: integer('submission_id')
      .notNull()
      .references(() => submissions.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    bytes: bytea('bytes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.submissionId, t.position] })],
);

/** A week's problem set chosen by a moderator with /mockexam set (otherwise it is derived). */
export const weeklyProblemSets = pgTable(
  'weekly_problem_sets',
  {
    guildId: text('guild_id').notNull(),
    week: text('week').notNull(),
    problemIds: jsonb('problem_ids').$type<string[]>().notNull(),
    setBy: text('set_by').notNull(),
    setAt: timestamp('set_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.week] })],
);

/** A member's 5-hour timed attempt of a week's mock exam (one per week). */
export const timedAttempts = pgTable(
  'timed_attempts',
  {
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    week: text('week').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId, t.week] })],
);

/** A closed week: its standings below are final and never recomputed. */
export const weekClosures = pgTable(
  'week_closures',
  {
    guildId: text('guild_id').notNull(),
    week: text('week').notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }).notNull(),
    announcedAt: timestamp('announced_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.week] })],
);

export const BOARDS = ['week', 'timed'] as const;
export type Board = (typeof BOARDS)[number];

export const weeklyStandings = pgTable(
  'weekly_standings',
  {
    guildId: text('guild_id').notNull(),
    week: text('week').notNull(),
    board: text('board', { enum: BOARDS }).notNull(),
    userId: text('user_id').notNull(),
    userName: text('user_name').notNull(),
    rank: integer('rank').notNull(),
    score: doublePrecision('score').notNull(),
    pointsByProblem: jsonb('points_by_problem').$type<Record<string, number>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.week, t.board, t.userId] })],
);

/** A question bank a server imported with /quiz import. Its questions serve that server only. */
export const quizBanks = pgTable(
  'quiz_banks',
  {
    id: serial('id').primaryKey(),
    guildId: text('guild_id').notNull(),
    name: text('name').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    questionCount: integer('question_count').notNull(),
    importedBy: text('imported_by').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('quiz_banks_guild_name_idx').on(t.guildId, t.name)],
);

export const quizBankQuestions = pgTable(
  'quiz_bank_questions',
  {
    bankId: integer('bank_id')
      .notNull()
      .references(() => quizBanks.id, { onDelete: 'cascade' }),
    questionId: text('question_id').notNull(),
    topic: text('topic').notNull(),
    skill: text('skill').notNull(),
    difficulty: text('difficulty').notNull(),
    /** The question as checked at import (src/quiz/question-bank.ts Question). */
    question: jsonb('question').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.bankId, t.questionId] })],
);

export const QUIZ_POST_KINDS = ['ask', 'daily', 'review'] as const;
export type QuizPostKind = (typeof QUIZ_POST_KINDS)[number];

/**
 * A question put to members: posted in a channel (ask, daily; anyone answers once) or shown to one
 * member privately (review). The row holds everything a click needs, so any process can take it.
 */
export const quizPosts = pgTable(
  'quiz_posts',
  {
    id: serial('id').primaryKey(),
    guildId: text('guild_id').notNull(),
    kind: text('kind', { enum: QUIZ_POST_KINDS }).notNull(),
    channelId: text('channel_id'),
    messageId: text('message_id'),
    /** `builtin:<id>` or `bank<bank id>:<id>`: the key spaced repetition remembers. */
    questionKey: text('question_key').notNull(),
    /** The question as it was posted, so a bank changed or switched off meanwhile changes nothing. */
    question: jsonb('question').$type<Record<string, unknown>>().notNull(),
    /** The buttons' order: position -> index into the question's choices (shuffled per post). */
    choiceOrder: jsonb('choice_order').$type<number[]>().notNull(),
    /** Who asked (the member a review belongs to); null for a scheduled post. */
    askedBy: text('asked_by'),
    /** A scheduled daily question's slot (its local date): one post per slot, whoever retries it. */
    slot: text('slot'),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    closesAt: timestamp('closes_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    answers: integer('answers').notNull().default(0),
    correctAnswers: integer('correct_answers').notNull().default(0),
    /** The count the message shows, and when it was last edited: edits are throttled. */
    shownAnswers: integer('shown_answers').notNull().default(0),
    countEditedAt: timestamp('count_edited_at', { withTimezone: true }),
  },
  (t) => [
    index('quiz_posts_open_idx').on(t.closesAt).where(sql`closed_at is null`),
    index('quiz_posts_guild_question_idx').on(t.guildId, t.questionKey, t.openedAt),
    uniqueIndex('quiz_posts_slot_idx').on(t.guildId, t.slot).where(sql`slot is not null`),
  ],
);

/** Every answer. `day` is the server's local date and `week` its ISO week, when it was given. */
export const quizAnswers = pgTable(
  'quiz_answers',
  {
    id: serial('id').primaryKey(),
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    userName: text('user_name').notNull(),
    postId: integer('post_id').notNull(),
    questionKey: text('question_key').notNull(),
    topic: text('topic').notNull(),
    skill: text('skill').notNull(),
    difficulty: text('difficulty').notNull(),
    /** The choice's text, as the member saw it on the button. */
    chosen: text('chosen').notNull(),
    correct: boolean('correct').notNull(),
    points: integer('points').notNull(),
    answeredAt: timestamp('answered_at', { withTimezone: true }).notNull(),
    day: text('day').notNull(),
    week: text('week').notNull(),
  },
  (t) => [
    // One answer per member and post, whichever process takes the click.
    uniqueIndex('quiz_answers_once_idx').on(t.postId, t.userId),
    index('quiz_answers_member_idx').on(t.guildId, t.userId, t.day),
    index('quiz_answers_board_idx').on(t.guildId, t.week, t.userId, t.points, t.userName),
  ],
);

/** A member's spaced-repetition card for one question (ts-fsrs), due again at `due`. */
export const quizCards = pgTable(
  'quiz_cards',
  {
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    questionKey: text('question_key').notNull(),
    topic: text('topic').notNull(),
    skill: text('skill').notNull(),
    card: jsonb('card').$type<Record<string, unknown>>().notNull(),
    due: timestamp('due', { withTimezone: true }).notNull(),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId, t.questionKey] }), index('quiz_cards_due_idx').on(t.guildId, t.userId, t.due)],
);

export const RUN_STATUSES = ['claimed', 'sent', 'failed', 'skipped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * One row per scheduled slot of a job and scope (a server's daily tip of 2026-11-30, a reminder's
 * occurrence, a tick of a cron task): the first process to insert it runs it, so a slot runs once
 * across processes and restarts. A claim not completed within its lease is taken over once.
 */
export const scheduledRuns = pgTable(
  'scheduled_runs',
  {
    job: text('job').notNull(),
    scope: text('scope').notNull(),
    slot: text('slot').notNull(),
    /** When the slot was due. */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: RUN_STATUSES }).notNull(),
    /** Sent later than its time (the bot was down), within the grace window. */
    delayed: boolean('delayed').notNull().default(false),
    claimedBy: text('claimed_by'),
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    /** When the message went to Discord: a retry after this relies on the nonce, which Discord keeps minutes only. */
    sendingAt: timestamp('sending_at', { withTimezone: true }),
    takeovers: integer('takeovers').notNull().default(0),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    messageId: text('message_id'),
    /** Why it failed or was skipped, in words an operator or moderator can act on. */
    reason: text('reason'),
  },
  (t) => [primaryKey({ columns: [t.job, t.scope, t.slot] }), index('scheduled_runs_scope_idx').on(t.scope, t.job, t.dueAt)],
);

/** A member's own timezone for reminders (the server's when unset). */
export const memberSettings = pgTable(
  'member_settings',
  {
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    timezone: text('timezone'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId] })],
);

/**
 * A reminder: a member's own (/remind add) or one of their exam dates' countdown (`source`
 * exam:<kind>:<key>). `nextAt` is its next occurrence; null once a one-off was delivered.
 */
export const reminders = pgTable(
  'reminders',
  {
    id: serial('id').primaryKey(),
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    /** Where it was set: the channel it is posted in, or the fallback when DMs are closed. */
    channelId: text('channel_id').notNull(),
    dm: boolean('dm').notNull(),
    text: text('text').notNull(),
    /** src/reminders/when.ts ReminderSchedule, dates as ISO strings. */
    schedule: jsonb('schedule').$type<Record<string, unknown>>().notNull(),
    timezone: text('timezone').notNull(),
    source: text('source').notNull().default('member'),
    nextAt: timestamp('next_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('reminders_due_idx').on(t.nextAt).where(sql`next_at is not null`), index('reminders_member_idx').on(t.guildId, t.userId)],
);

export const EXAM_DATE_KINDS = ['exam', 'voucher', 'certified'] as const;

/** A member's exam date, voucher purchase or certification date, for /exam status. */
export const examDates = pgTable(
  'exam_dates',
  {
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    kind: text('kind', { enum: EXAM_DATE_KINDS }).notNull(),
    date: text('date').notNull(),
    setAt: timestamp('set_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId, t.kind] })],
);
