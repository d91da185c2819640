// /leaderboard board:quiz and board:quiz-all-time as a member sees them through the fake Discord:
// points per member from the recorded answers, the card attached, and the quiz boards still there
// when a server has switched its mock exams off.
import { POINTS_BY_DIFFICULTY } from '../../src/quiz/quiz-service.ts';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quizAnswers } from '../../src/db/schema.ts';
import { isoWeekOf } from '../../src/mockexam/week.ts';
import { localDay } from '../../src/quiz/streak.ts';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import type { Json } from '../support/fake-discord/index.ts';

const EPHEMERAL = 1 << 6;

type Embed = { title?: string; description?: string; footer?: { text: string }; image?: { url: string } };

const now = new Date('2026-11-25T12:00:00Z'); // Wednesday of 2026-W48 (UTC)
let bot: BotHarness;
let postId = 0;
beforeAll(async () => {
  bot = await startBotHarness({ start: { clock: () => now } });
});
afterAll(async () => bot?.stop());

/** An answer as the quiz records it (the server's timezone is UTC). */
async function answered(member: BotHarness['student'], at: string, difficulty: keyof typeof POINTS_BY_DIFFICULTY, correct = true): Promise<void> {
  const answeredAt = new Date(at);
  postId += 1;
  await bot.app.database.db.insert(quizAnswers).values({
    guildId: bot.guildId,
    userId: member.user.id as string,
    userName: member.user.username as string,
    postId,
    questionKey: `builtin:q${postId}`,
    topic: 'nlp',
    skill: 'nlp.text-vectorization',
    difficulty,
    correct,
    chosen: correct ? 'right' : 'wrong',
    points: correct ? POINTS_BY_DIFFICULTY[difficulty] : 0,
    answeredAt,
    day: localDay(answeredAt, 'UTC'),
    week: isoWeekOf(answeredAt, 'UTC'),
  });
}

async function leaderboard(options: Record<string, string>, member = bot.student): Promise<{ embed: Embed; message: Json }> {
  const it = await bot.fake.slashCommand({ name: 'leaderboard', member, options });
  const message = await it.waitForMessage();
  return { embed: (message.embeds as Embed[])[0], message };
}

function expectCard(message: Json, embed: Embed): void {
  const attachments = message.attachments as Json[];
  expect(attachments).toHaveLength(1);
  expect(PNG.sync.read(bot.fake.fileBytes(attachments[0])).width).toBe(800);
  expect(embed.image?.url).toContain('leaderboard.png');
}

describe('/leaderboard quiz boards', () => {
  beforeAll(async () => {
    // This week: student 3 + 2 + 0 = 5 points, mod 1. Last week: mod 3 + 3 = 6.
    await answered(bot.student, '2026-11-23T10:00:00Z', 'hard');
    await answered(bot.student, '2026-11-24T10:00:00Z', 'medium');
    await answered(bot.student, '2026-11-25T10:00:00Z', 'easy', false);
    await answered(bot.moderator, '2026-11-24T11:00:00Z', 'easy');
    await answered(bot.moderator, '2026-11-17T11:00:00Z', 'hard');
    await answered(bot.moderator, '2026-11-18T11:00:00Z', 'hard');
  });

  it('ranks this week\'s and the previous week\'s points, with the card', async () => {
    const { embed, message } = await leaderboard({ board: 'quiz' });
    expect(embed.title).toBe('Quiz 2026-W48 · TF study group');
    expect(embed.footer?.text).toBe('2 members · live, points so far');
    expect(embed.description).toBe(['** 1. student — 5 points · 3 answers, 67% right**', ' 2. mod — 1 point · 1 answer, 100% right'].join('\n'));
    expectCard(message, embed);

    const previous = await leaderboard({ board: 'quiz', week: 'previous' });
    expect(previous.embed.title).toBe('Quiz 2026-W47 · TF study group');
    expect(previous.embed.footer?.text).toBe('1 member · final standings');
    expect(previous.embed.description).toBe(' 1. mod — 6 points · 2 answers, 100% right');
    bot.fake.assertNoViolations();
  });

  it('sums every week on the all-time board', async () => {
    const { embed, message } = await leaderboard({ board: 'quiz-all-time' });
    expect(embed.title).toBe('All-time quiz board · TF study group');
    expect(embed.footer?.text).toBe('2 members · quiz points over 2 weeks');
    expect(embed.description).toBe(
      [' 1. mod — 7 points · 3 answers, 100% right · 2 weeks', '** 2. student — 5 points · 3 answers, 67% right · 1 week**'].join('\n'),
    );
    expectCard(message, embed);
    bot.fake.assertNoViolations();
  });

  it('shows the quiz boards with mock exams off, while the mock exam boards say they are off', async () => {
    const off = await bot.fake.slashCommand({ name: 'config', member: bot.moderator, options: { mock_exam: false } });
    expect(JSON.stringify((await off.response()).data)).toContain('Saved.');

    const week = await leaderboard({ board: 'quiz' }, bot.moderator);
    expect(week.embed.description).toBe([' 1. student — 5 points · 3 answers, 67% right', '** 2. mod — 1 point · 1 answer, 100% right**'].join('\n'));
    expectCard(week.message, week.embed);
    const all = await leaderboard({ board: 'quiz-all-time' });
    expect(all.embed.description).toContain('** 2. student — 5 points');
    expectCard(all.message, all.embed);

    const exam = await bot.fake.slashCommand({ name: 'leaderboard', member: bot.student, options: {} });
    const refusal = (await exam.response()).data as { content: string; flags: number };
    expect(refusal.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(refusal.content).toContain('Mock exams are off on this server');
    expect(refusal.content).toContain('board:quiz');
    bot.fake.assertNoViolations();
  });
});
