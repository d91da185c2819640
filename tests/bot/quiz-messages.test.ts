// How the quiz boards and a member's quiz stats read: ranks, points, answers and accuracy in the
// text, names as text, the caller's own row below the top, the card attached.
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { quizBoardMessage, quizStatsEmbed } from '../../src/bot/ui/quiz-messages.ts';
import type { MemberQuizStats, QuizStandingRow } from '../../src/quiz/quiz-standings.ts';

const row = (userId: string, rank: number, points: number, answers: number, correct: number, userName = userId): QuizStandingRow => ({
  userId,
  userName,
  rank,
  points,
  answers,
  correct,
  accuracy: correct / answers,
});

const pngOf = (message: Awaited<ReturnType<typeof quizBoardMessage>>) => PNG.sync.read(message.files[0].attachment as Buffer);

describe('quiz board message', () => {
  it('lists the week by points with answers and accuracy, names as text, and the caller below the top', async () => {
    const message = await quizBoardMessage(
      {
        scope: 'week',
        week: '2026-W48',
        live: true,
        top: [row('ada', 1, 12, 6, 4, '**ada** <@1>'), row('bob', 1, 12, 1500, 5)],
        caller: row('cy', 7, 1, 1, 1),
        members: 9,
      },
      'TF study group',
      'cy',
    );
    const embed = message.embeds[0].toJSON();
    expect(embed.title).toBe('Quiz 2026-W48 · TF study group');
    expect(embed.footer?.text).toBe('9 members · live, points so far');
    expect(embed.description).toBe(
      [' 1. \\*\\*ada\\*\\* \\<@1> — 12 points · 6 answers, 67% right', ' 1. bob — 12 points · 1500 answers, 0% right', '…', '**7. cy — 1 point · 1 answer, 100% right** (you)'].join('\n'),
    );
    expect(embed.image?.url).toBe('attachment://leaderboard.png');
    expect(pngOf(message).width).toBe(800);
  });

  it('says when nobody answered, live or final', async () => {
    const live = (await quizBoardMessage({ scope: 'week', week: '2026-W48', live: true, top: [], members: 0 }, 'g', 'cy')).embeds[0].toJSON();
    expect(live.footer?.text).toBe('live · nobody answered yet');
    expect(live.description).toContain('No answers yet this week');
    const past = (await quizBoardMessage({ scope: 'week', week: '2026-W47', live: false, top: [], members: 0 }, 'g', 'cy')).embeds[0].toJSON();
    expect(past.footer?.text).toBe('final · nobody answered that week');
    expect(past.description).toBe('Nobody answered a quiz question in 2026-W47.');
  });

  it('gives the weeks each member answered in on the all-time board', async () => {
    const message = await quizBoardMessage(
      { scope: 'all-time', top: [{ ...row('ada', 1, 40, 20, 15), weeks: 3 }], caller: { ...row('ada', 1, 40, 20, 15), weeks: 3 }, members: 1, weeks: 4 },
      'g',
      'ada',
    );
    const embed = message.embeds[0].toJSON();
    expect(embed.title).toBe('All-time quiz board · g');
    expect(embed.footer?.text).toBe('1 member · quiz points over 4 weeks');
    expect(embed.description).toBe('** 1. ada — 40 points · 20 answers, 75% right · 3 weeks**');
    expect(message.files).toHaveLength(1);
  });
});

describe('quiz stats embed', () => {
  const stats: MemberQuizStats = {
    week: '2026-W48',
    topics: [
      { topic: 'fundamentals', answered: 3, correct: 2 },
      { topic: 'image-classification', answered: 0, correct: 0 },
      { topic: 'nlp', answered: 1, correct: 1 },
      { topic: 'time-series', answered: 0, correct: 0 },
      { topic: 'exam-strategy', answered: 0, correct: 0 },
    ],
    answered: 4,
    correct: 3,
    points: { week: 5, allTime: 9 },
    streak: { current: 1, best: 4 },
    due: 2,
  };

  it('shows accuracy per topic, points, streaks and the questions due, with the name as text', async () => {
    const embed = quizStatsEmbed(stats, '_ada_ https://x.test').toJSON();
    expect(embed.title).toBe('Quiz stats · \\_ada\\_ https\\://x.test');
    expect(embed.description).toBe(
      ['**fundamentals**: 2/3 right (67%)', '**image-classification**: —', '**nlp**: 1/1 right (100%)', '**time-series**: —', '**exam-strategy**: —'].join('\n'),
    );
    expect(Object.fromEntries(embed.fields!.map((f) => [f.name, f.value]))).toEqual({
      Points: '5 this week · 9 all time',
      Streak: '1 day · best 4 days',
      Answered: '4 · 75% right',
      'Due for review': '2 questions',
    });
    expect(embed.footer?.text).toContain('Week 2026-W48');
  });

  it('reads well before the first answer', async () => {
    const none = quizStatsEmbed(
      { ...stats, topics: stats.topics.map((t) => ({ ...t, answered: 0, correct: 0 })), answered: 0, correct: 0, points: { week: 0, allTime: 0 }, streak: { current: 0, best: 0 }, due: 0 },
      'cy',
    ).toJSON();
    expect(Object.fromEntries(none.fields!.map((f) => [f.name, f.value]))).toEqual({
      Points: '0 this week · 0 all time',
      Streak: '0 days · best 0 days',
      Answered: 'No answers yet',
      'Due for review': 'Nothing due',
    });
  });
});
