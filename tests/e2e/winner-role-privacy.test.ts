// The weekly winner role (and what the bot says when it cannot give it), and /privacy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDueWeeks } from '../../src/bot/week-closing.ts';
import { submissions } from '../../src/db/schema.ts';
import { rotatingProblemSet } from '../../src/mockexam/problem-set.ts';
import { addWeeks } from '../../src/mockexam/week.ts';
import { problemCatalog } from '../../problems/index.ts';
import { GUILD_WITH_WINNER_ROLE, roleId, startBotHarness, type BotHarness } from '../support/bot-harness.ts';

const EPHEMERAL = 1 << 6;

async function gradedLastWeek(bot: BotHarness, userId: string, userName: string, points: number) {
  const { week } = await bot.app.context.mockExam.currentWeek(bot.guildId);
  const lastWeek = addWeeks(week, -1);
  const problemId = rotatingProblemSet(lastWeek, problemCatalog)[4];
  await bot.app.database.db.insert(submissions).values({
    guildId: bot.guildId,
    userId,
    userName,
    problemId,
    weight: 5,
    week: lastWeek,
    status: 'graded',
    points,
    fileName: 'model.h5',
    fileSha256: `${userId}-${points}`,
    fileSize: 1,
    createdAt: bot.app.context.mockExam.now(),
  });
  return lastWeek;
}

describe('the weekly winner role', () => {
  let bot: BotHarness;
  beforeAll(async () => {
    bot = await startBotHarness({
      fake: { guilds: [GUILD_WITH_WINNER_ROLE] },
    });
  });
  afterAll(async () => bot?.stop());

  it('tells the moderator at once when the bot lacks Manage Roles', async () => {
    const it = await bot.fake.slashCommand({ name: 'config', member: bot.moderator, options: { winner_role: roleId(bot, 'Winner of the week') } });
    const answer = (await it.response()).data as { content: string; flags: number };
    expect(answer.content).toContain('Saved.');
    expect(answer.content).toContain('lacks the Manage Roles permission');
    expect(answer.flags & EPHEMERAL).toBe(EPHEMERAL);
  });

  it('gives the role to the week\'s winner when the week closes, once', async () => {
    // Now the bot's member holds a role with Manage Roles above the winner role.
    bot.fake.guild().members.get(bot.fake.botUser.id as string)!.roles.push(roleId(bot, 'Study bot'));
    await bot.app.client.guilds.cache.get(bot.guildId)!.members.fetchMe({ force: true });
    const winner = bot.fake.member({ guildId: bot.guildId, username: 'ada' });
    const runnerUp = bot.fake.member({ guildId: bot.guildId, username: 'bob' });
    const lastWeek = await gradedLastWeek(bot, winner.user.id as string, 'ada', 5);
    await gradedLastWeek(bot, runnerUp.user.id as string, 'bob', 3);

    const closed = await closeDueWeeks(bot.app.client, bot.app.context);
    expect(closed).toEqual([{ guildId: bot.guildId, week: lastWeek, winners: [winner.user.id] }]);
    expect(bot.fake.roleChanges).toEqual([{ guildId: bot.guildId, userId: winner.user.id, roleId: roleId(bot, 'Winner of the week'), action: 'add' }]);
    expect(await closeDueWeeks(bot.app.client, bot.app.context)).toEqual([]);

    const previous = await bot.fake.slashCommand({ name: 'leaderboard', member: winner, options: { week: 'previous' } });
    const text = JSON.stringify((await previous.waitForMessage()).embeds);
    expect(text).toContain('final standings');
    expect(text.indexOf('ada')).toBeLessThan(text.indexOf('bob'));
    bot.fake.assertNoViolations();
  });
});

describe('/privacy delete-my-data', () => {
  let bot: BotHarness;
  beforeAll(async () => {
    bot = await startBotHarness();
  });
  afterAll(async () => bot?.stop());

  it('deletes the caller\'s data in this server after a confirmation, and nobody else\'s', async () => {
    await gradedLastWeek(bot, bot.student.user.id as string, 'student', 4);
    await gradedLastWeek(bot, bot.moderator.user.id as string, 'mod', 5);
    const it = await bot.fake.slashCommand({ name: 'privacy', subcommand: 'delete-my-data', member: bot.student });
    const prompt = await it.waitForMessage();
    const buttons = (prompt.components as Array<{ components: Array<{ label: string; custom_id: string }> }>)[0].components;
    const confirm = buttons.find((b) => b.label === 'Delete my data')!;

    // Another member cannot press it.
    const other = await bot.fake.clickButton({ message: prompt, customId: confirm.custom_id, member: bot.moderator });
    expect(((await other.response()).data as { content: string }).content).toContain('someone else');
    expect(await bot.app.database.db.select().from(submissions)).toHaveLength(2);

    const click = await bot.fake.clickButton({ message: prompt, customId: confirm.custom_id, member: bot.student });
    expect(((await click.response()).data as { content: string }).content).toContain('Deleted: 1 grade');
    const left = await bot.app.database.db.select().from(submissions);
    expect(left.map((s) => s.userName)).toEqual(['mod']);
    bot.fake.assertNoViolations();
  });
});
