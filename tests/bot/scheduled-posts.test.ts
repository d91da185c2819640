// The scheduled posts as the bot and `jobs run-due` build them (createStudyServices), with a
// controlled clock and a sender that records what reaches "Discord" (dropping a repeated dedupe
// key as Discord drops a repeated nonce). Both engines; on PostgreSQL two "processes" race on
// separate connections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError, type MessageSender, type OutgoingMessage } from '../../src/bot/discord-sender.ts';
import { systemTimers } from '../../src/clock.ts';
import { parseConfig } from '../../src/config.ts';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { silentLogger } from '../../src/log.ts';
import { loadQuestionBank, type QuestionBank } from '../../src/quiz/question-bank.ts';
import { createStudyServices } from '../../src/study-services.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/tips/knowledge-base.ts';
import { openTestDatabase, testEngines } from '../support/db.ts';
import { submissions } from '../../src/db/schema.ts';
import { rotatingProblemSet } from '../../src/mockexam/problem-set.ts';
import { problemCatalog } from '../../problems/index.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Sent = { channelId: string; message: OutgoingMessage; messageId: string };

/**
 * What reaches Discord; `deleted` channels refuse like Discord does, and a repeated dedupe key
 * (nonce) is dropped for 5 minutes of the test's clock, as Discord keeps a nonce minutes only.
 */
function recordingSender(clock: () => Date = () => now) {
  const sent: Sent[] = [];
  const byKey = new Map<string, Sent & { at: number }>();
  const deleted = new Set<string>();
  const sender: MessageSender = {
    async send(channelId, message, dedupeKey) {
      if (deleted.has(channelId)) throw new DeliveryError('unknown-channel', `the channel <#${channelId}> no longer exists`);
      const repeat = dedupeKey ? byKey.get(dedupeKey) : undefined;
      if (repeat && clock().getTime() - repeat.at < 5 * 60_000) return { messageId: repeat.messageId, channelId };
      const entry = { channelId, message, messageId: `m${sent.length + 1}` };
      sent.push(entry);
      if (dedupeKey) byKey.set(dedupeKey, { ...entry, at: clock().getTime() });
      return { messageId: entry.messageId, channelId };
    },
    async sendDirect(userId, message, dedupeKey) {
      return sender.send(`dm-${userId}`, message, dedupeKey);
    },
    async edit() {},
    async editInteractionReply() {},
    async guildName() {
      return 'Study group';
    },
  };
  return { sender, sent, deleted };
}

/** The clock of the test in progress (each engine's block sets it). */
let now: Date;
let knowledge: KnowledgeBase;
let questions: QuestionBank;
beforeAll(async () => {
  knowledge = await loadKnowledgeBase();
  questions = await loadQuestionBank(knowledge.skills);
});

describe.each(testEngines)('scheduled posts on %s', (engine) => {
  let handle: DatabaseHandle;
  let guild = 0;
  const config = parseConfig({ DEFAULT_TIMEZONE: 'UTC' });
  const processOf = (owner: string, sender: MessageSender) =>
    createStudyServices({ config, database: handle, knowledge, questions, sender, clock: () => now, timers: systemTimers, logger: silentLogger, owner });

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
  });
  afterAll(async () => handle?.close());

  /** A server configured at `configuredAt` to post a daily tip at 09:00 in `timezone`. */
  async function server(timezone: string, configuredAt: Date, patch: Record<string, unknown> = { dailyTipTime: '09:00' }) {
    const guildId = `g-${engine}-${++guild}`;
    now = configuredAt;
    const { settings } = processOf('setup', recordingSender().sender);
    await settings.update(guildId, { announcementChannelId: `announcements-${guild}`, timezone, ...patch });
    return guildId;
  }

  it('posts a due tip once, however many processes run at once', async () => {
    const guildId = await server('Europe/Berlin', new Date('2026-11-30T10:00:00Z'));
    const discord = recordingSender();
    const processes = ['a', 'b', 'c', 'd'].map((owner) => processOf(owner, discord.sender));
    now = new Date('2026-12-01T08:00:30Z'); // 09:00:30 in Berlin
    const outcomes = (await Promise.all(processes.map((p) => p.scheduledPosts.runDue()))).flat().filter((o) => o.guildId === guildId);
    expect(outcomes).toEqual([{ guildId, kind: 'daily-tip', slot: '2026-12-01', outcome: 'sent' }]);
    const mine = discord.sent.filter((sent) => sent.channelId === `announcements-${guild}`);
    expect(mine).toHaveLength(1);
    expect(mine[0].message.content).toContain('Tip of the day');
    // Later the same day nothing more; the next local day once more.
    now = new Date('2026-12-01T20:00:00Z');
    expect((await processes[0].scheduledPosts.runDue()).filter((o) => o.guildId === guildId)).toEqual([]);
    now = new Date('2026-12-02T08:01:00Z');
    expect((await processes[1].scheduledPosts.runDue()).filter((o) => o.guildId === guildId)).toMatchObject([{ slot: '2026-12-02', outcome: 'sent' }]);
  });

  it('posts once after a process died between its claim and its send, when the lease ends', async () => {
    const guildId = await server('UTC', new Date('2026-11-30T10:00:00Z'));
    now = new Date('2026-12-01T09:00:10Z');
    const discord = recordingSender();
    // The first process claims and dies before sending.
    await processOf('dead', discord.sender).claims.claim({ job: 'daily-tip', scope: guildId, slot: '2026-12-01' }, new Date('2026-12-01T09:00:00Z'));
    const survivor = processOf('survivor', discord.sender);
    expect((await survivor.scheduledPosts.runDue()).filter((o) => o.guildId === guildId)).toEqual([]);
    const mine = () => discord.sent.filter((sent) => sent.channelId === `announcements-${guild}`);
    expect(mine()).toHaveLength(0);
    now = new Date('2026-12-01T09:03:00Z'); // past the 2-minute lease
    expect((await survivor.scheduledPosts.runDue()).filter((o) => o.guildId === guildId)).toMatchObject([{ outcome: 'sent' }]);
    expect((await survivor.scheduledPosts.runDue()).filter((o) => o.guildId === guildId)).toEqual([]);
    expect(mine()).toHaveLength(1);
  });

  it('cannot post twice when the dead process had sent before it died: the retry repeats the dedupe key', async () => {
    const guildId = await server('UTC', new Date('2026-11-30T10:00:00Z'), { dailyQuizTime: '09:00' });
    now = new Date('2026-12-01T09:00:10Z');
    const discord = recordingSender();
    const dying = processOf('dying', discord.sender);
    // It claims and sends, and dies before recording the send.
    await dying.claims.claim({ job: 'daily-quiz', scope: guildId, slot: '2026-12-01' }, new Date('2026-12-01T09:00:00Z'));
    const channel = `announcements-${guild}`;
    await dying.quizPosts.postDaily(guildId, channel, '2026-12-01', `daily-quiz:${guildId}:2026-12-01`);
    now = new Date('2026-12-01T09:03:00Z');
    const outcomes = await processOf('survivor', discord.sender).scheduledPosts.runDue();
    expect(outcomes.filter((o) => o.guildId === guildId)).toMatchObject([{ kind: 'daily-quiz', outcome: 'sent' }]);
    expect(discord.sent.filter((sent) => sent.channelId === channel)).toHaveLength(1);
  });

  it('does not send again a post whose process died while sending, once Discord no longer remembers its nonce', async () => {
    const guildId = await server('UTC', new Date('2026-11-30T10:00:00Z'));
    now = new Date('2026-12-01T09:00:10Z');
    const discord = recordingSender();
    const dying = processOf('dying', discord.sender);
    const claim = (await dying.claims.claim({ job: 'daily-tip', scope: guildId, slot: '2026-12-01' }, new Date('2026-12-01T09:00:00Z')))!;
    await dying.claims.markSending(claim);
    await discord.sender.send(`announcements-${guild}`, { content: 'the tip' }, `daily-tip:${guildId}:2026-12-01`);
    // Restarted half an hour later: the slot is within the grace window, but its nonce is forgotten.
    now = new Date('2026-12-01T09:30:00Z');
    const outcomes = (await processOf('restarted', discord.sender).scheduledPosts.runDue()).filter((o) => o.guildId === guildId);
    expect(outcomes).toEqual([]);
    expect(discord.sent.filter((sent) => sent.channelId === `announcements-${guild}`)).toHaveLength(1);
    const status = await processOf('restarted', discord.sender).scheduledPosts.status(guildId);
    expect(status.find((s) => s.kind === 'daily-tip')?.last).toMatchObject({ status: 'failed', reason: expect.stringContaining('look in the channel') });
  });

  it('keeps a post due when another post\'s time changes, and skips a slot already sent when the time moves later', async () => {
    const guildId = await server('UTC', new Date('2026-11-30T10:00:00Z'), { dailyTipTime: '08:00' });
    const discord = recordingSender();
    const cron = processOf('cron', discord.sender);
    // A moderator sets the question's time at 08:05; `jobs run-due` runs every 15 minutes.
    now = new Date('2026-12-01T08:05:00Z');
    await cron.settings.update(guildId, { dailyQuizTime: '12:00', dailyTipTime: '08:00' });
    now = new Date('2026-12-01T08:15:00Z');
    expect((await cron.scheduledPosts.runDue()).filter((o) => o.guildId === guildId)).toMatchObject([{ kind: 'daily-tip', slot: '2026-12-01', outcome: 'delayed' }]);
    // The tip moves to 18:00 the same day: today's was sent, so the next is tomorrow's.
    await cron.settings.update(guildId, { dailyTipTime: '18:00' });
    expect((await cron.scheduledPosts.status(guildId)).find((s) => s.kind === 'daily-tip')?.next).toEqual({ slot: '2026-12-02', dueAt: new Date('2026-12-02T18:00:00Z') });
  });

  it('sends a post missed by a 3-hour outage once, marked delayed, and none of a 2-day outage', async () => {
    const threeHours = await server('UTC', new Date('2026-11-30T10:00:00Z'));
    const discord = recordingSender();
    const bot = processOf('bot', discord.sender);
    now = new Date('2026-12-01T12:00:00Z');
    expect((await bot.scheduledPosts.runDue()).filter((o) => o.guildId === threeHours)).toEqual([{ guildId: threeHours, kind: 'daily-tip', slot: '2026-12-01', outcome: 'delayed' }]);
    expect((await bot.scheduledPosts.runDue()).filter((o) => o.guildId === threeHours)).toEqual([]);
    const status = await bot.scheduledPosts.status(threeHours);
    expect(status.find((s) => s.kind === 'daily-tip')).toMatchObject({ last: { status: 'sent', delayed: true }, next: { slot: '2026-12-02' } });

    const twoDays = await server('UTC', new Date('2026-11-30T10:00:00Z'));
    now = new Date('2026-12-03T08:00:00Z');
    const outcomes = (await bot.scheduledPosts.runDue()).filter((o) => o.guildId === twoDays);
    expect(outcomes.map((o) => [o.slot, o.outcome])).toEqual([
      ['2026-12-01', 'skipped'],
      ['2026-12-02', 'skipped'],
    ]);
    expect(discord.sent.filter((s) => s.channelId === `announcements-${guild}`)).toHaveLength(0);
  });

  it('posts a daily 09:00 once per local day across daylight saving in Europe/Berlin and America/New_York', async () => {
    for (const [timezone, start] of [
      ['Europe/Berlin', '2026-03-27T12:00:00Z'],
      ['America/New_York', '2026-10-30T12:00:00Z'],
    ] as const) {
      const guildId = await server(timezone, new Date(start));
      const discord = recordingSender();
      const bot = processOf('bot', discord.sender);
      const sentAt: string[] = [];
      // Every 10 minutes over four days, as the bot's job (every minute) would.
      for (let t = new Date(start).getTime(); t < new Date(start).getTime() + 4 * DAY; t += 10 * 60_000) {
        now = new Date(t);
        for (const outcome of await bot.scheduledPosts.runDue()) if (outcome.guildId === guildId) sentAt.push(`${outcome.slot} ${now.toISOString()}`);
      }
      expect(sentAt).toEqual(
        timezone === 'Europe/Berlin'
          ? ['2026-03-28 2026-03-28T08:00:00.000Z', '2026-03-29 2026-03-29T07:00:00.000Z', '2026-03-30 2026-03-30T07:00:00.000Z', '2026-03-31 2026-03-31T07:00:00.000Z']
          : // 09:00 EDT is 13:00 UTC; from 1 November, 09:00 EST is 14:00 UTC.
            ['2026-10-30 2026-10-30T13:00:00.000Z', '2026-10-31 2026-10-31T13:00:00.000Z', '2026-11-01 2026-11-01T14:00:00.000Z', '2026-11-02 2026-11-02T14:00:00.000Z'],
      );
    }
  });

  it('posts on Monday last week\'s standings card and winners, and this week\'s five problems', async () => {
    const guildId = await server('UTC', new Date('2026-11-25T10:00:00Z'), { weeklyPostTime: '08:00' });
    for (const [userId, userName, points] of [
      ['u-ada', 'Ada', 5],
      ['u-bob', 'Bob *the builder*', 3],
    ] as const) {
      await handle.db.insert(submissions).values({
        guildId,
        userId,
        userName,
        problemId: rotatingProblemSet('2026-W48', problemCatalog)[4],
        weight: 5,
        week: '2026-W48',
        status: 'graded',
        points,
        fileName: 'model.h5',
        fileSha256: `${userId}-${points}`,
        fileSize: 1,
        createdAt: new Date('2026-11-26T10:00:00Z'),
      });
    }
    const discord = recordingSender();
    const bot = processOf('bot', discord.sender);
    now = new Date('2026-11-30T08:00:30Z'); // Monday of 2026-W49
    expect((await bot.scheduledPosts.runDue()).filter((o) => o.guildId === guildId)).toEqual([{ guildId, kind: 'weekly-post', slot: '2026-W49', outcome: 'sent' }]);
    const post = discord.sent.find((sent) => sent.channelId === `announcements-${guild}`)!;
    expect(post.message.content).toContain('**Mock exam 2026-W49 starts now.**');
    for (const id of rotatingProblemSet('2026-W49', problemCatalog)) expect(post.message.content).toContain(`\`${id}\``);
    expect(post.message.content).toContain('Winner of 2026-W48: <@u-ada> (Ada, 33.3). Congratulations!');
    expect(post.message.files?.map((f) => f.name)).toEqual([expect.stringMatching(/\.png$/)]);
    // Mock exams off: the Monday post fails with that reason instead of posting an empty board.
    await bot.settings.update(guildId, { mockExamEnabled: false });
    now = new Date('2026-12-07T08:00:30Z');
    expect((await bot.scheduledPosts.runDue()).filter((o) => o.guildId === guildId)).toMatchObject([{ outcome: 'failed', reason: 'mock exams are off on this server' }]);
  });

  it('fails a post whose channel was deleted, with the reason, and does not retry it', async () => {
    const guildId = await server('UTC', new Date('2026-11-30T10:00:00Z'));
    const discord = recordingSender();
    discord.deleted.add(`announcements-${guild}`);
    const bot = processOf('bot', discord.sender);
    now = new Date('2026-12-01T09:00:30Z');
    expect((await bot.scheduledPosts.runDue()).filter((o) => o.guildId === guildId)).toMatchObject([
      { outcome: 'failed', reason: expect.stringContaining('no longer exists') },
    ]);
    now = new Date('2026-12-01T09:05:00Z');
    expect((await bot.scheduledPosts.runDue()).filter((o) => o.guildId === guildId)).toEqual([]);
    expect((await bot.scheduledPosts.status(guildId)).find((s) => s.kind === 'daily-tip')?.last).toMatchObject({ status: 'failed' });
  });
});
