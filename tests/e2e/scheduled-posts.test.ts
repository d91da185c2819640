// The scheduled posts end to end: a moderator sets the announcement channel, the daily tip's time
// and the timezone through the fake Discord; then two `tf-study-bot jobs run-due --now` processes
// started at once post the tip once, and the next local day once more; /config shows the outcome.
// The processes share one database with the bot, so this runs on PostgreSQL (TEST_DATABASE_URL):
// the embedded database belongs to one process.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { createScratchDatabase, dropScratchDatabase } from '../support/db.ts';
import type { Json } from '../support/fake-discord/index.ts';
import { cleanEnv, runCli } from '../support/run-cli.ts';

const EPHEMERAL = 1 << 6;

describe.skipIf(!process.env.TEST_DATABASE_URL)('scheduled posts through the fake Discord and `jobs run-due`', () => {
  let bot: BotHarness;
  let databaseUrl: string;
  let channelId: string;
  // The bot's own clock stays before the first slot: only the command line posts here.
  const configuredAt = new Date('2026-11-30T10:00:00Z');

  beforeAll(async () => {
    databaseUrl = await createScratchDatabase();
    bot = await startBotHarness({
      persistent: true,
      env: { DATABASE_URL: databaseUrl },
      start: { clock: () => configuredAt },
      fake: { guilds: [{ name: 'TF study group', channels: [{ name: 'general' }, { name: 'announcements' }] }] },
    });
    channelId = [...bot.fake.guild().channels.values()].find((c) => c.name === 'announcements')!.id as string;
  });
  afterAll(async () => {
    await bot?.stop();
    if (databaseUrl) await dropScratchDatabase(databaseUrl);
  });
  afterEach(() => bot.fake.assertNoViolations());

  const runDue = (now: string) =>
    runCli(['jobs', 'run-due', '--now', now], {
      env: cleanEnv({ DISCORD_TOKEN: 'fake-bot-token', DISCORD_API_URL: bot.fake.apiUrl, DATABASE_URL: databaseUrl, DATA_DIR: '/nonexistent-data-dir' }),
    });
  const tipsPosted = () => bot.fake.channelMessages(channelId).filter((m: Json) => String(m.content ?? '').startsWith('**Tip of the day**'));

  it('posts the daily tip once from two processes at once, and once more the next local day', async () => {
    const config = await bot.fake.slashCommand({
      name: 'config',
      member: bot.moderator,
      options: { announcement_channel: channelId, daily_tip_time: '09:00', timezone: 'Europe/Berlin' },
    });
    const reply = (await config.response()).data as { flags: number; embeds: Array<{ title: string; fields: Array<{ name: string; value: string }> }> };
    expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
    const posts = reply.embeds.find((e) => e.title === 'Scheduled posts')!;
    // 09:00 in Berlin on 1 December is 08:00 UTC.
    expect(posts.fields.find((f) => f.name === 'Daily tip')!.value).toBe(`at 09:00 · next <t:${Date.parse('2026-12-01T08:00:00Z') / 1000}:F>`);

    const [first, second] = await Promise.all([runDue('2026-12-01T08:00:20Z'), runDue('2026-12-01T08:00:20Z')]);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(`${first.stdout}${second.stdout}`.match(/daily-tip\t2026-12-01\tsent/g)).toHaveLength(1);
    expect(tipsPosted()).toHaveLength(1);

    const later = await runDue('2026-12-01T15:00:00Z');
    expect(later.stdout).toContain('0 sent, 0 failed, 0 skipped');
    const [nextDay] = await Promise.all([runDue('2026-12-02T08:00:40Z'), runDue('2026-12-02T08:00:40Z')]);
    expect(nextDay.code).toBe(0);
    expect(tipsPosted()).toHaveLength(2);

    const list = await runCli(['jobs', 'list', '--now', '2026-12-02T09:00:00Z'], { env: cleanEnv({ DATABASE_URL: databaseUrl }) });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`${bot.guildId}\tdaily-tip\t09:00 Europe/Berlin\t2026-12-03T08:00:00.000Z\tsent 2026-12-02`);
  });

  it('fails the post of a deleted channel with the reason /config shows, and sends it no more', async () => {
    await bot.fake.slashCommand({ name: 'config', member: bot.moderator, options: { daily_quiz_time: '10:00' } }).then((it) => it.response());
    bot.fake.deleteChannel(channelId);
    const run = await runDue('2026-12-03T09:00:30Z');
    expect(run.stdout).toMatch(/daily-quiz\t2026-12-03\tfailed\tthe channel <#\d+> no longer exists/);
    const again = await runDue('2026-12-03T09:10:00Z');
    expect(again.stdout).not.toContain('daily-quiz');
    const config = await bot.fake.slashCommand({ name: 'config', member: bot.moderator });
    const embeds = ((await config.response()).data as { embeds: Array<{ title: string; fields: Array<{ name: string; value: string }> }> }).embeds;
    expect(embeds.find((e) => e.title === 'Scheduled posts')!.fields.find((f) => f.name === 'Daily question')!.value).toContain('failed');
  });
});
