// Reminders delivered through the fake Discord by the bot's own scheduled job: by DM once at their
// time, in the channel with a note when DMs are closed, daily ones every local day, and an exam
// countdown message.
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import type { FakeMember, Json } from '../support/fake-discord/index.ts';

let bot: BotHarness;
let now = new Date('2026-11-30T09:00:00Z');
beforeAll(async () => {
  bot = await startBotHarness({ env: { DEFAULT_TIMEZONE: 'Europe/Berlin' }, start: { clock: () => now } });
});
afterAll(async () => bot?.stop());
afterEach(() => bot.fake.assertNoViolations());

async function remind(options: Record<string, string | boolean>, member: FakeMember): Promise<string> {
  const it = await bot.fake.slashCommand({ name: 'remind', subcommand: 'add', member, options });
  return ((await it.response()).data as { content: string }).content;
}

/** Runs the bot's scheduled job at `at`, as its minute tick would. */
async function tick(at: string): Promise<void> {
  now = new Date(at);
  // A run already in progress (the start's) is returned as it is: the second run is one at `at`.
  await bot.app.jobs.runNow('scheduled-posts');
  const outcome = await bot.app.jobs.runNow('scheduled-posts');
  expect(outcome.ok).toBe(true);
}

const texts = (messages: Json[]) => messages.map((m) => String(m.content));

describe('the Monday post through Discord\'s REST API', () => {
  it('posts last week\'s card as an attachment with this week\'s problems', async () => {
    const channelId = [...bot.fake.guild().channels.values()][0].id as string;
    now = new Date('2026-11-30T09:00:00Z');
    const set = await bot.fake.slashCommand({ name: 'config', member: bot.moderator, options: { announcement_channel: channelId, weekly_post_time: '10:00' } });
    await set.response();
    await tick('2026-12-07T09:00:30Z'); // Monday 10:00 in Berlin
    const posts = bot.fake.channelMessages(channelId).filter((m: Json) => String(m.content).startsWith('**Mock exam 2026-W50 starts now.**'));
    expect(posts).toHaveLength(1);
    const attachments = posts[0].attachments as Array<{ filename: string }>;
    expect(attachments.map((a) => a.filename)).toEqual([expect.stringMatching(/\.png$/)]);
    expect(bot.fake.fileBytes(attachments[0] as Json).subarray(1, 4).toString()).toBe('PNG');
    // Back to the week the reminders below are set in.
    now = new Date('2026-11-30T09:00:00Z');
    await bot.fake.slashCommand({ name: 'config', member: bot.moderator, options: { weekly_post_time: 'off' } }).then((it) => it.response());
  });
});

describe('reminders delivered by the scheduled job', () => {
  it('sends a DM reminder once, at its time', async () => {
    const member = bot.fake.member({ guildId: bot.guildId, username: 'dm-reader', permissions: PermissionFlagsBits.SendMessages });
    expect(await remind({ when: 'in 2h', text: 'Train the *LSTM* again', dm: true }, member)).toMatch(/^Reminder #\d+ set/);
    await tick('2026-11-30T10:59:00Z');
    expect(bot.fake.dmMessages(member.user.id as string)).toEqual([]);
    await tick('2026-11-30T11:00:30Z');
    await tick('2026-11-30T11:01:30Z');
    expect(texts(bot.fake.dmMessages(member.user.id as string))).toEqual([`⏰ <@${member.user.id}> Train the \\*LSTM\\* again`]);
  });

  it('falls back to the channel, saying why, when the member\'s DMs are closed; a daily one comes back the next day', async () => {
    const member = bot.fake.member({ guildId: bot.guildId, username: 'closed-dms', permissions: PermissionFlagsBits.SendMessages, dmsClosed: true });
    const channelId = [...bot.fake.guild().channels.values()][0].id as string;
    await remind({ when: 'daily 18:00', text: 'Quiz time', dm: true }, member);
    const mine = () => texts(bot.fake.channelMessages(channelId)).filter((t) => t.startsWith(`⏰ <@${member.user.id}>`));
    await tick('2026-11-30T17:00:10Z'); // 18:00 in Berlin
    expect(mine()).toEqual([`⏰ <@${member.user.id}> Quiz time\n-# Sent here because your direct messages are closed to this server's members.`]);
    await tick('2026-11-30T17:30:00Z');
    expect(mine()).toHaveLength(1);
    await tick('2026-12-01T17:00:10Z');
    expect(mine()).toHaveLength(2);
  });

  it('sends the exam countdown a week before the exam', async () => {
    const member = bot.fake.member({ guildId: bot.guildId, username: 'candidate', permissions: PermissionFlagsBits.SendMessages });
    const set = await bot.fake.slashCommand({ name: 'exam', subcommand: 'date', member, options: { date: '2026-12-20' } });
    await set.response();
    await tick('2026-12-13T08:00:30Z'); // 09:00 in Berlin, 7 days before
    const received = texts(bot.fake.dmMessages(member.user.id as string));
    expect(received).toHaveLength(1);
    expect(received[0]).toMatch(/your exam/i);
  });
});
