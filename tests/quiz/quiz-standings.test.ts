// The quiz boards (a week's points, all-time points) and a member's quiz stats, from answers and
// cards inserted as the quiz records them.
import { POINTS_BY_DIFFICULTY } from '../../src/quiz/quiz-service.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { quizAnswers, quizCards } from '../../src/db/schema.ts';
import { isoWeekOf } from '../../src/mockexam/week.ts';
import { QuizStandings } from '../../src/quiz/quiz-standings.ts';
import { localDay } from '../../src/quiz/streak.ts';
import { openTestDatabase, testEngines } from '../support/db.ts';


describe.each(testEngines)('quiz standings on %s', (engine) => {
  let handle: DatabaseHandle;
  let now: Date;
  let standings: QuizStandings;
  let postId = 0;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    now = new Date('2026-11-25T12:00:00Z'); // Wednesday of 2026-W48
    standings = new QuizStandings(handle.db, () => now);
  });
  afterAll(async () => handle.close());

  /** An answer as the quiz records it: day and week in the server's timezone, points by difficulty. */
  async function answer(
    guildId: string,
    userId: string,
    at: string,
    { correct = true, difficulty = 'easy', topic = 'nlp', userName = userId, timezone = 'UTC' }: { correct?: boolean; difficulty?: keyof typeof POINTS_BY_DIFFICULTY; topic?: string; userName?: string; timezone?: string } = {},
  ): Promise<void> {
    const answeredAt = new Date(at);
    postId += 1;
    await handle.db.insert(quizAnswers).values({
      guildId,
      userId,
      userName,
      postId,
      questionKey: `builtin:q${postId}`,
      topic,
      skill: `${topic}.skill`,
      difficulty,
      correct,
      chosen: correct ? 'right' : 'wrong',
      points: correct ? POINTS_BY_DIFFICULTY[difficulty] : 0,
      answeredAt,
      day: localDay(answeredAt, timezone),
      week: isoWeekOf(answeredAt, timezone),
    });
  }

  async function card(guildId: string, userId: string, questionKey: string, due: string): Promise<void> {
    await handle.db.insert(quizCards).values({ guildId, userId, questionKey, topic: 'nlp', skill: 'nlp.skill', card: {}, due: new Date(due), reviewedAt: new Date('2026-11-01T00:00:00Z') });
  }

  it('ranks a week by points, ties sharing a rank, with answers, accuracy and the latest name', async () => {
    const g = 'guild-week';
    // ada: 3 + 2 + 0 = 5 points, 2 of 3 right; renamed in her latest answer (inserted first).
    await answer(g, 'ada', '2026-11-25T09:00:00Z', { difficulty: 'hard', userName: 'Ada L' });
    await answer(g, 'ada', '2026-11-23T09:00:00Z', { difficulty: 'medium', userName: 'ada' });
    await answer(g, 'ada', '2026-11-24T09:00:00Z', { correct: false, userName: 'ada' });
    // bob: 3 + 2 = 5 points, tied with ada.
    await answer(g, 'bob', '2026-11-24T10:00:00Z', { difficulty: 'hard' });
    await answer(g, 'bob', '2026-11-24T11:00:00Z', { difficulty: 'medium' });
    // cy: 1 point this week; her 3 points of the week before and another server's answers do not count here.
    await answer(g, 'cy', '2026-11-24T12:00:00Z');
    await answer(g, 'cy', '2026-11-18T12:00:00Z', { difficulty: 'hard' });
    await answer('guild-other', 'bob', '2026-11-24T12:00:00Z', { difficulty: 'hard' });

    const board = await standings.weekBoard(g, '2026-W48', 'cy', { timezone: 'UTC' });
    expect(board).toMatchObject({ scope: 'week', week: '2026-W48', live: true, members: 3 });
    expect(board.top).toEqual([
      { userId: 'ada', userName: 'Ada L', rank: 1, points: 5, answers: 3, correct: 2, accuracy: 2 / 3 },
      { userId: 'bob', userName: 'bob', rank: 1, points: 5, answers: 2, correct: 2, accuracy: 1 },
      { userId: 'cy', userName: 'cy', rank: 3, points: 1, answers: 1, correct: 1, accuracy: 1 },
    ]);
    expect(board.caller).toEqual(board.top[2]);

    // The caller's own row comes along when it is below the top rows.
    const short = await standings.weekBoard(g, '2026-W48', 'cy', { timezone: 'UTC', limit: 2 });
    expect(short.top.map((r) => r.userId)).toEqual(['ada', 'bob']);
    expect(short.caller).toMatchObject({ userId: 'cy', rank: 3, points: 1 });
    expect((await standings.weekBoard(g, '2026-W48', 'nobody', { timezone: 'UTC' })).caller).toBeUndefined();

    const previous = await standings.weekBoard(g, '2026-W47', 'cy', { timezone: 'UTC' });
    expect(previous).toMatchObject({ live: false, members: 1, top: [{ userId: 'cy', rank: 1, points: 3 }] });
    expect(await standings.weekBoard(g, '2026-W40', 'cy', { timezone: 'UTC' })).toEqual({ scope: 'week', week: '2026-W40', live: false, top: [], members: 0 });
  });

  it('sums all weeks on the all-time board, with the weeks each member answered in', async () => {
    const g = 'guild-all-time';
    await answer(g, 'ada', '2026-11-10T09:00:00Z', { difficulty: 'hard' }); // W46
    await answer(g, 'ada', '2026-11-24T09:00:00Z', { difficulty: 'hard' }); // W48
    await answer(g, 'bob', '2026-11-18T09:00:00Z', { difficulty: 'medium' }); // W47
    await answer(g, 'bob', '2026-11-18T10:00:00Z', { correct: false }); // W47
    await answer(g, 'cy', '2026-11-24T09:00:00Z', { correct: false }); // W48: on the board with 0 points
    await answer('guild-other', 'ada', '2026-11-24T09:00:00Z', { difficulty: 'hard' });

    const all = await standings.allTimeBoard(g, 'cy', 2);
    expect(all).toMatchObject({ scope: 'all-time', members: 3, weeks: 3 });
    expect(all.top).toEqual([
      { userId: 'ada', userName: 'ada', rank: 1, points: 6, answers: 2, correct: 2, accuracy: 1, weeks: 2 },
      { userId: 'bob', userName: 'bob', rank: 2, points: 2, answers: 2, correct: 1, accuracy: 0.5, weeks: 1 },
    ]);
    expect(all.caller).toEqual({ userId: 'cy', userName: 'cy', rank: 3, points: 0, answers: 1, correct: 0, accuracy: 0, weeks: 1 });
    expect(await standings.allTimeBoard('guild-empty', 'cy')).toEqual({ scope: 'all-time', top: [], members: 0, weeks: 0 });
  });

  it('gives a member accuracy per topic, points this week and all time, and streaks in the server\'s local days', async () => {
    const g = 'guild-stats';
    const timezone = 'Europe/Berlin';
    // Local days 2026-11-19, 20, 21 (a run of 3), then 24 and 25 (23:30 UTC on the 24th is the 25th in Berlin).
    await answer(g, 'ada', '2026-11-19T12:00:00Z', { topic: 'time-series', difficulty: 'hard', timezone });
    await answer(g, 'ada', '2026-11-20T12:00:00Z', { topic: 'time-series', correct: false, timezone });
    await answer(g, 'ada', '2026-11-21T12:00:00Z', { topic: 'fundamentals', timezone });
    await answer(g, 'ada', '2026-11-24T12:00:00Z', { topic: 'nlp', difficulty: 'medium', timezone });
    await answer(g, 'ada', '2026-11-24T23:30:00Z', { topic: 'nlp', difficulty: 'hard', timezone });
    await answer(g, 'ada', '2026-11-24T23:40:00Z', { topic: 'nlp', correct: false, timezone });
    await answer(g, 'bob', '2026-11-26T12:00:00Z', { topic: 'nlp', timezone });

    now = new Date('2026-11-26T12:00:00Z'); // Thursday the 26th in Berlin: yesterday's answer keeps the streak alive
    const stats = await standings.memberStats(g, 'ada', { timezone, servedPrefixes: ['builtin'] });
    expect(stats).toEqual({
      week: '2026-W48',
      topics: [
        { topic: 'fundamentals', answered: 1, correct: 1 },
        { topic: 'image-classification', answered: 0, correct: 0 },
        { topic: 'nlp', answered: 3, correct: 2 },
        { topic: 'time-series', answered: 2, correct: 1 },
        { topic: 'exam-strategy', answered: 0, correct: 0 },
      ],
      answered: 6,
      correct: 4,
      points: { week: 5, allTime: 9 },
      streak: { current: 2, best: 3 },
      due: 0,
    });

    // 23:30 UTC on the 26th is already the 27th in Berlin: a whole local day (the 26th) passed without an answer.
    now = new Date('2026-11-26T23:30:00Z');
    expect((await standings.memberStats(g, 'ada', { timezone, servedPrefixes: [] })).streak).toEqual({ current: 0, best: 3 });
    expect((await standings.memberStats(g, 'ada', { timezone: 'UTC', servedPrefixes: [] })).streak).toEqual({ current: 2, best: 3 });

    const nobody = await standings.memberStats(g, 'nobody', { timezone, servedPrefixes: ['builtin'] });
    expect(nobody).toMatchObject({ answered: 0, correct: 0, points: { week: 0, allTime: 0 }, streak: { current: 0, best: 0 }, due: 0 });
    expect(nobody.topics.every((t) => t.answered === 0)).toBe(true);
    now = new Date('2026-11-25T12:00:00Z');
  });

  it('counts the cards due now whose question a served bank holds', async () => {
    const g = 'guild-due';
    await card(g, 'ada', 'builtin:layers', '2026-11-24T00:00:00Z');
    await card(g, 'ada', 'builtin:optimizers', '2026-11-25T12:00:00Z'); // due this very moment
    await card(g, 'ada', 'builtin:callbacks', '2026-11-25T12:00:01Z'); // not yet
    await card(g, 'ada', 'bank3:padding', '2026-11-20T00:00:00Z');
    await card(g, 'ada', 'bank33:strides', '2026-11-20T00:00:00Z'); // another bank, not switched on
    await card(g, 'ada', 'bank4:masking', '2026-11-20T00:00:00Z'); // bank switched off
    await card(g, 'bob', 'builtin:layers', '2026-11-20T00:00:00Z');
    await card('guild-other', 'ada', 'builtin:layers', '2026-11-20T00:00:00Z');

    const due = (servedPrefixes: string[]) => standings.memberStats(g, 'ada', { timezone: 'UTC', servedPrefixes }).then((s) => s.due);
    expect(await due(['builtin', 'bank3'])).toBe(3);
    expect(await due(['bank3'])).toBe(1);
    expect(await due([])).toBe(0);
    now = new Date('2026-11-26T00:00:00Z');
    expect(await due(['builtin', 'bank3', 'bank4'])).toBe(5);
    now = new Date('2026-11-25T12:00:00Z');
  });
});
