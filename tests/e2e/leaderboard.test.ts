// /leaderboard, /problems list and /config as a member sees them through the fake Discord: which
// week is live, one format for scores, the card attached, mock exams switched off, and timezones
// typed in any case.
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submissions } from '../../src/db/schema.ts';
import { problemCatalog } from '../../problems/index.ts';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import type { Json } from '../support/fake-discord/index.ts';

const EPHEMERAL = 1 << 6;
const SET = { category1: 'linear-a', category2: 'mnist', category3: 'horse-or-human', category4: 'bbc-news', category5: 'daily-max-temperatures' };

type Embed = { title?: string; description?: string; footer?: { text: string }; image?: { url: string }; fields?: Array<{ name: string; value: string }> };
const embedOf = (message: Json) => (message.embeds as Embed[])[0];

let now = new Date('2026-11-25T12:00:00Z'); // Wednesday of 2026-W48 (UTC)
let bot: BotHarness;
beforeAll(async () => {
  bot = await startBotHarness({ start: { clock: () => now } });
});
afterAll(async () => bot?.stop());

/** A graded submission as the grading queue records it. */
async function graded(member: BotHarness['student'], week: string, problemId: string, points: number): Promise<void> {
  await bot.app.database.db.insert(submissions).values({
    guildId: bot.guildId,
    userId: member.user.id as string,
    userName: member.user.username as string,
    problemId,
    weight: problemCatalog.find((p) => p.id === problemId)!.weight,
    week,
    status: 'graded',
    points,
    fileName: 'model.h5',
    fileSha256: `${member.user.id}-${problemId}-${week}`,
    fileSize: 1,
    createdAt: now,
  });
}

async function leaderboard(options: Record<string, string> = {}, member = bot.student): Promise<{ embed: Embed; message: Json }> {
  const it = await bot.fake.slashCommand({ name: 'leaderboard', member, options });
  const message = await it.waitForMessage();
  return { embed: embedOf(message), message };
}

describe('/leaderboard', () => {
  it('is live only in the current week; a past week is final, an empty past week says nobody was graded', async () => {
    const set = await bot.fake.slashCommand({ name: 'mockexam', subcommand: 'set', member: bot.moderator, options: SET });
    expect(((await set.response()).data as { content: string }).content).toContain('2026-W48');
    // student: 5 x 4 = 20 -> 26.7; moderator: 5 x 3 = 15 -> 20.0
    await graded(bot.student, '2026-W48', 'bbc-news', 5);
    await graded(bot.moderator, '2026-W48', 'horse-or-human', 5);

    const { embed, message } = await leaderboard();
    expect(embed.title).toContain('2026-W48');
    expect(embed.footer?.text).toBe('2 members · live, best attempt per problem so far');
    expect(embed.description).toContain('student — 26.7');
    expect(embed.description).toContain('mod — 20.0');
    const card = PNG.sync.read(bot.fake.fileBytes((message.attachments as Json[])[0]));
    expect(card.width).toBe(800);
    expect(embed.image?.url).toContain('leaderboard.png');

    const emptyPast = await leaderboard({ week: 'previous' });
    expect(emptyPast.embed.title).toContain('2026-W47');
    expect(emptyPast.embed.footer?.text).toBe('final · nobody was graded that week');
    expect(emptyPast.embed.description).toBe('Nobody was graded in 2026-W47.');

    // Monday of W49: W48 is over (final) even before the closing job has recorded it.
    now = new Date('2026-11-30T00:01:00Z');
    const ended = await leaderboard({ week: 'previous' });
    expect(ended.embed.title).toContain('2026-W48');
    expect(ended.embed.footer?.text).toBe('2 members · final standings');
    const fresh = await leaderboard();
    expect(fresh.embed.title).toContain('2026-W49');
    expect(fresh.embed.footer?.text).toBe('live · nobody graded yet');
    expect(fresh.embed.description).toContain('No grades yet this week');
    bot.fake.assertNoViolations();
  });

  it('answers privately that mock exams are off, and how a moderator turns them on; /problems list drops the stars', async () => {
    const listBefore = await bot.fake.slashCommand({ name: 'problems', subcommand: 'list', member: bot.student });
    expect(JSON.stringify((await listBefore.response()).data)).toContain('★');

    const off = await bot.fake.slashCommand({ name: 'config', member: bot.moderator, options: { mock_exam: false } });
    expect(JSON.stringify((await off.response()).data)).toContain('Saved.');

    for (const options of [{}, { board: 'all-time' }, { board: 'timed', week: 'previous' }] as Array<Record<string, string>>) {
      const it = await bot.fake.slashCommand({ name: 'leaderboard', member: bot.student, options });
      const answer = (await it.response()).data as { content: string; flags: number; embeds?: unknown[] };
      expect(answer.flags & EPHEMERAL).toBe(EPHEMERAL);
      expect(answer.content).toContain('Mock exams are off on this server');
      expect(answer.content).toContain('/config mock_exam:True');
      expect(answer.embeds ?? []).toEqual([]);
    }
    const list = await bot.fake.slashCommand({ name: 'problems', subcommand: 'list', member: bot.student });
    const listed = JSON.stringify((await list.response()).data);
    expect(listed).toContain('daily-max-temperatures');
    expect(listed).not.toContain('★');
    expect(listed).not.toContain('mock exam');

    const on = await bot.fake.slashCommand({ name: 'config', member: bot.moderator, options: { mock_exam: true } });
    await on.response();
    expect(embedOf(await (await bot.fake.slashCommand({ name: 'leaderboard', member: bot.student })).waitForMessage()).title).toContain('Mock exam');
    const listAfter = await bot.fake.slashCommand({ name: 'problems', subcommand: 'list', member: bot.student });
    expect(JSON.stringify((await listAfter.response()).data).match(/★/g)).toHaveLength(6); // the legend and the five problems
    bot.fake.assertNoViolations();
  });
});

describe('/config timezone', () => {
  it('stores a timezone typed in any case under its canonical name', async () => {
    const it = await bot.fake.slashCommand({ name: 'config', member: bot.moderator, options: { timezone: 'europe/berlin' } });
    const answer = (await it.response()).data as { content: string; embeds: Embed[] };
    expect(answer.content).toContain('Saved.');
    expect(answer.embeds[0].fields?.find((f) => f.name === 'Timezone')?.value).toBe('Europe/Berlin');
    expect((await bot.app.context.settings.get(bot.guildId)).timezone).toBe('Europe/Berlin');
  });

  it('refuses an unknown zone with an example and the nearest names, showing what was typed as text', async () => {
    const it = await bot.fake.slashCommand({ name: 'config', member: bot.moderator, options: { timezone: 'Berlin' } });
    const answer = (await it.response()).data as { content: string; flags: number };
    expect(answer.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(answer.content).toContain('Nothing was saved: "Berlin" is not an IANA timezone name');
    expect(answer.content).toContain('such as Europe/Berlin');
    expect(answer.content).toContain('did you mean Europe/Berlin?');

    const hostile = await bot.fake.slashCommand({ name: 'config', member: bot.moderator, options: { timezone: '<@&1234> **Mars**' } });
    const refused = ((await hostile.response()).data as { content: string }).content;
    expect(refused).toContain('"\\<@&1234> \\*\\*Mars\\*\\*"');
    expect((await bot.app.context.settings.get(bot.guildId)).timezone).toBe('Europe/Berlin');
    bot.fake.assertNoViolations();
  });
});
