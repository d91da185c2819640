// A week that ends in the server's timezone (Tokyo) while UTC is still in it: through the fake
// Discord, with the bot's clock moved across the boundary.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeDueWeeks } from '../../src/bot/week-closing.ts';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import type { Json } from '../support/fake-discord/index.ts';
import { testDataPath } from '../support/test-data/locate.ts';

const FIXTURES = testDataPath('fixtures', 'models');
let now = new Date('2026-11-29T14:30:00Z'); // Sunday 23:30 in Tokyo, 2026-W48 there and in UTC
let bot: BotHarness;
beforeAll(async () => {
  bot = await startBotHarness({ start: { clock: () => now } });
});
afterAll(async () => bot?.stop());

const embedText = async (handle: { waitForMessage(): Promise<Json> }) => JSON.stringify((await handle.waitForMessage()).embeds);

async function grade(member: BotHarness['student'], problem: string, fixture: string): Promise<void> {
  const model = bot.fake.cdn.add('model.h5', readFileSync(resolve(FIXTURES, fixture)));
  const it = await bot.fake.slashCommand({ name: 'grade', member, options: { problem, model } });
  await it.waitForMessage((m) => ((m.embeds as Array<{ title: string }>)[0]?.title ?? '').includes('/5'));
}

it('closes W48 at Monday 00:00 Tokyo time, keeps its standings, and counts later grades for W49', async () => {
  const config = await bot.fake.slashCommand({ name: 'config', member: bot.moderator, options: { timezone: 'Asia/Tokyo' } });
  await config.response();
  const set = await bot.fake.slashCommand({
    name: 'mockexam',
    subcommand: 'set',
    member: bot.moderator,
    options: { category1: 'linear-a', category2: 'mnist', category3: 'horse-or-human', category4: 'bbc-news', category5: 'sunspots', week: 'this' },
  });
  expect(((await set.response()).data as { content: string }).content).toContain('2026-W48');
  const setNext = await bot.fake.slashCommand({
    name: 'mockexam',
    subcommand: 'set',
    member: bot.moderator,
    options: { category1: 'linear-a', category2: 'mnist', category3: 'horse-or-human', category4: 'bbc-news', category5: 'sunspots', week: 'next' },
  });
  expect(((await setNext.response()).data as { content: string }).content).toContain('2026-W49');

  await grade(bot.student, 'linear-a', '01_dense_regression_A1_k2.5.h5');
  expect(await embedText(await bot.fake.slashCommand({ name: 'mockexam', subcommand: 'status', member: bot.student }))).toContain('Mock exam 2026-W48');

  // 00:30 on Monday in Tokyo; still Sunday 15:30 in UTC.
  now = new Date('2026-11-29T15:30:00Z');
  const closed = await closeDueWeeks(bot.app.client, bot.app.context);
  expect(closed.map((c) => c.week)).toEqual(['2026-W48']);

  // A grade now counts for W49; W48's final standings do not move.
  await grade(bot.moderator, 'linear-a', '01_dense_regression_A1_k2.5.h5');
  const status = await embedText(await bot.fake.slashCommand({ name: 'mockexam', subcommand: 'status', member: bot.moderator }));
  expect(status).toContain('Mock exam 2026-W49');
  expect(status).toContain('`linear-a` 5/5');

  const previous = await embedText(await bot.fake.slashCommand({ name: 'leaderboard', member: bot.student, options: { week: 'previous' } }));
  expect(previous).toContain('2026-W48');
  expect(previous).toContain('final standings');
  expect(previous).toContain('student');
  expect(previous).not.toContain('mod ');
  const current = await embedText(await bot.fake.slashCommand({ name: 'leaderboard', member: bot.student }));
  expect(current).toContain('2026-W49');
  expect(current).toContain('mod');
  expect(current).not.toContain('student —');
  bot.fake.assertNoViolations();
});
