// When the weekly winner role cannot be given or taken, the log says which server, role and member,
// and why.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeDueWeeks } from '../../src/bot/week-closing.ts';
import { submissions } from '../../src/db/schema.ts';
import { GUILD_WITH_WINNER_ROLE, roleId, startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { recordingLogger } from '../support/recording-logger.ts';
import type { FakeMember } from '../support/fake-discord/index.ts';

const now = new Date('2026-11-25T12:00:00Z'); // Wednesday of 2026-W48
const { logger, lines: logLines } = recordingLogger('info');
let bot: BotHarness;

beforeAll(async () => {
  bot = await startBotHarness({
    start: { clock: () => now },
    logger,
    fake: { guilds: [GUILD_WITH_WINNER_ROLE] },
  });
});
afterAll(async () => bot?.stop());
const logged = (msg: string) => logLines.filter((line) => line.msg === msg);

/** A graded linear-a submission (category 1, in the week's set) as the queue records it. */
async function graded(member: FakeMember, week: string, points: number): Promise<void> {
  await bot.app.context.mockExam.setProblemSet(bot.guildId, week, ['linear-a', 'mnist', 'horse-or-human', 'bbc-news', 'sunspots'], 'mod');
  await bot.app.database.db.insert(submissions).values({
    guildId: bot.guildId,
    userId: member.user.id as string,
    userName: member.user.username as string,
    problemId: 'linear-a',
    weight: 1,
    week,
    status: 'graded',
    points,
    fileName: 'model.h5',
    fileSha256: `${member.user.id}-${week}`,
    fileSize: 1,
    createdAt: now,
  });
}

it('logs the server, role and reason when the bot may not give the role at all', async () => {
  const config = await bot.fake.slashCommand({ name: 'config', member: bot.moderator, options: { winner_role: roleId(bot, 'Winner of the week') } });
  expect(JSON.stringify((await config.response()).data)).toContain('lacks the Manage Roles permission');
  const ada = bot.fake.member({ guildId: bot.guildId, username: 'ada' });
  await graded(ada, '2026-W45', 5);

  const [report] = await closeDueWeeks(bot.app.client, bot.app.context);
  expect(report).toMatchObject({ week: '2026-W45', winners: [ada.user.id], roleProblem: expect.stringContaining('Manage Roles') });
  expect(logged('winner role not given')).toEqual([
    expect.objectContaining({ level: 40, guildId: bot.guildId, week: '2026-W45', roleId: roleId(bot, 'Winner of the week'), reason: expect.stringContaining('lacks the Manage Roles permission') }),
  ]);
  expect(bot.fake.roleChanges).toEqual([]);
});

it('logs each change Discord refuses (a winner who left the server), and still makes the others', async () => {
  bot.fake.guild().members.get(bot.fake.botUser.id as string)!.roles.push(roleId(bot, 'Study bot'));
  await bot.app.client.guilds.cache.get(bot.guildId)!.members.fetchMe({ force: true });
  const winnerRole = roleId(bot, 'Winner of the week');

  // W46: ada wins and gets the role; then she leaves the server.
  const ada = bot.fake.member({ guildId: bot.guildId, username: 'ada-2' });
  await graded(ada, '2026-W46', 5);
  expect((await closeDueWeeks(bot.app.client, bot.app.context)).map((r) => r.week)).toEqual(['2026-W46']);
  expect(bot.fake.roleChanges).toContainEqual({ guildId: bot.guildId, userId: ada.user.id, roleId: winnerRole, action: 'add' });
  expect(logged('winner role change failed')).toEqual([]);
  bot.fake.guild().members.delete(ada.user.id as string);

  // W47: bob and carl tie for first; carl has left by the time the week closes.
  const bob = bot.fake.member({ guildId: bot.guildId, username: 'bob' });
  const carl = bot.fake.member({ guildId: bot.guildId, username: 'carl' });
  await graded(bob, '2026-W47', 4);
  await graded(carl, '2026-W47', 4);
  bot.fake.guild().members.delete(carl.user.id as string);

  const [report] = await closeDueWeeks(bot.app.client, bot.app.context);
  expect(report.week).toBe('2026-W47');
  expect(report.roleFailures).toEqual([
    { userId: ada.user.id, change: 'remove', reason: expect.stringContaining('Unknown Member') },
    { userId: carl.user.id, change: 'add', reason: expect.stringContaining('Unknown Member') },
  ]);
  expect(bot.fake.roleChanges.at(-1)).toEqual({ guildId: bot.guildId, userId: bob.user.id, roleId: winnerRole, action: 'add' });
  const failures = logged('winner role change failed');
  expect(failures).toEqual([
    expect.objectContaining({ level: 40, guildId: bot.guildId, roleId: winnerRole, userId: ada.user.id, change: 'remove', reason: expect.stringContaining('404 Unknown Member') }),
    expect.objectContaining({ level: 40, guildId: bot.guildId, roleId: winnerRole, userId: carl.user.id, change: 'add', reason: expect.stringContaining('404 Unknown Member') }),
  ]);
});
