// The drizzle schema. Migrations in drizzle/ are generated from this file by drizzle-kit and run
// unchanged on PGlite (PostgreSQL 18) and on PostgreSQL 15+: use nothing newer than 15 offers.
import { sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';

/** Per-server settings. A row is created lazily the first time a server needs one. */
export const guildSettings = pgTable('guild_settings', {
  guildId: text('guild_id').primaryKey(),
  timezone: text('timezone'),
  announcementChannelId: text('announcement_channel_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
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
    shownAt: timestamp('shown_at', { withTimezone: true }).notNull().defaultNow(),
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
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('community_tips_guild_status_idx').on(t.guildId, t.status, t.id)],
);
