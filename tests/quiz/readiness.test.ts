// The readiness report's queries: only this member in this server, only graded submissions, and
// cards only from the banks the server serves now (a switched-off bank's reviews cannot be given).
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { quizAnswers, quizBanks, quizCards, submissions } from '../../src/db/schema.ts';
import { MockExamService } from '../../src/mockexam/mock-exam-service.ts';
import { ReadinessService } from '../../src/quiz/readiness.ts';
import { bankOfKey, QuizBankService } from '../../src/quiz/quiz-banks.ts';
import { loadQuestionBank } from '../../src/quiz/question-bank.ts';
import { reviewCard, retrievability } from '../../src/quiz/spaced-repetition.ts';
import { GuildSettingsService } from '../../src/settings/guild-settings.ts';
import { SubmissionService } from '../../src/submissions/submission-service.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/tips/knowledge-base.ts';
import { problemCatalog } from '../../problems/index.ts';
import { openTestDatabase, testEngines } from '../support/db.ts';

const DAY = 86_400_000;

describe('bankOfKey', () => {
  it('is the part of a question key before the first colon', () => {
    expect(bankOfKey('builtin:early-stopping')).toBe('builtin');
    expect(bankOfKey('bank12:q:with:colons')).toBe('bank12');
  });
});

describe.each(testEngines)('ReadinessService on %s', (engine) => {
  let handle: DatabaseHandle;
  let clock: Date;
  let settings: GuildSettingsService;
  let readiness: ReadinessService;
  let knowledge: KnowledgeBase;
  let nextPost = 1;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    clock = new Date('2026-11-25T12:00:00Z');
    knowledge = await loadKnowledgeBase();
    settings = new GuildSettingsService(handle.db, 'UTC', () => clock);
    const exams = new MockExamService(handle.db, settings, problemCatalog, () => clock);
    const grades = new SubmissionService(handle.db, exams, problemCatalog, { perHour: 10 }, () => clock);
    const banks = new QuizBankService(handle.db, await loadQuestionBank(knowledge.skills), knowledge.skills, settings, () => clock);
    readiness = new ReadinessService(handle.db, () => clock, knowledge, problemCatalog, banks, grades);
  });
  afterAll(async () => handle.close());

  async function answer(guildId: string, userId: string, skill: string, correct: boolean): Promise<void> {
    await handle.db.insert(quizAnswers).values({
      guildId,
      userId,
      userName: userId,
      postId: nextPost++,
      questionKey: `builtin:q${nextPost}`,
      topic: skill.split('.')[0],
      skill,
      difficulty: 'easy',
      correct,
      chosen: correct ? 'right' : 'wrong',
      points: correct ? 1 : 0,
      answeredAt: clock,
      day: '2026-11-25',
      week: '2026-W48',
    });
  }

  /** A card answered right `reviewedDaysAgo` days ago. */
  async function card(guildId: string, userId: string, questionKey: string, skill: string, reviewedDaysAgo: number): Promise<{ stored: Record<string, unknown>; due: Date }> {
    const reviewedAt = new Date(clock.getTime() - reviewedDaysAgo * DAY);
    const { card: stored, due } = reviewCard(undefined, true, reviewedAt);
    await handle.db.insert(quizCards).values({ guildId, userId, questionKey, topic: skill.split('.')[0], skill, card: stored, due, reviewedAt });
    return { stored, due };
  }

  async function graded(guildId: string, userId: string, problemId: string, points: number | null, status: 'graded' | 'failed' = 'graded'): Promise<void> {
    await handle.db.insert(submissions).values({
      guildId,
      userId,
      userName: userId,
      problemId,
      weight: problemCatalog.find((p) => p.id === problemId)!.weight,
      week: '2026-W40',
      status,
      points,
      fileName: 'model.h5',
      fileSha256: `${guildId}-${userId}-${problemId}-${points}-${status}`,
      fileSize: 1,
      createdAt: clock,
    });
  }

  it('counts this member\'s answers, cards and grades in this server only', async () => {
    const g = 'g-own';
    for (const correct of [true, true, true, false]) await answer(g, 'ada', 'nlp.text-preparation', correct);
    await answer(g, 'ada', 'nlp.word-embeddings', true);
    await answer(g, 'bob', 'nlp.text-preparation', false);
    await answer('g-other', 'ada', 'nlp.text-preparation', false);
    const fresh = await card(g, 'ada', 'builtin:a', 'nlp.text-preparation', 0);
    const old = await card(g, 'ada', 'builtin:b', 'nlp.text-preparation', 30);
    await card(g, 'bob', 'builtin:a', 'nlp.text-preparation', 30);
    await graded(g, 'ada', 'bbc-news', 3);
    await graded(g, 'ada', 'bbc-news', 4);
    await graded(g, 'ada', 'mnist', null, 'failed');
    await graded(g, 'bob', 'mnist', 5);
    await graded('g-other', 'ada', 'mnist', 5);

    const report = await readiness.report(g, 'ada');
    const nlp = report.areas.find((a) => a.topic === 'nlp')!;
    expect(nlp).toMatchObject({ answers: 5, correct: 4, accuracy: 0.8, cards: 2, categories: [{ category: 4, best: 4 }] });
    expect(nlp.recall).toBeCloseTo((retrievability(fresh.stored, clock) + retrievability(old.stored, clock)) / 2, 10);
    expect(report.areas.find((a) => a.topic === 'image-classification')!.categories).toEqual([
      { category: 2, best: null },
      { category: 3, best: null },
    ]);
    // The card reviewed 30 days ago is long due; the one from today is not.
    expect(old.due.getTime()).toBeLessThan(clock.getTime());
    expect(fresh.due.getTime()).toBeGreaterThan(clock.getTime());
    expect(report.next).toEqual({ kind: 'review', due: 1 });
  });

  it('counts cards only from the banks the server serves now', async () => {
    const g = 'g-banks';
    const [on] = await handle.db.insert(quizBanks).values({ guildId: g, name: 'on', questionCount: 1, importedBy: 'mod', importedAt: clock }).returning();
    const [off] = await handle.db.insert(quizBanks).values({ guildId: g, name: 'off', enabled: false, questionCount: 1, importedBy: 'mod', importedAt: clock }).returning();
    await card(g, 'ada', 'builtin:x', 'time-series.prepare-data', 30);
    await card(g, 'ada', `bank${on.id}:x`, 'time-series.prepare-data', 30);
    await card(g, 'ada', `bank${off.id}:x`, 'time-series.prepare-data', 30);
    const cardsOf = async () => (await readiness.report(g, 'ada')).areas.find((a) => a.topic === 'time-series')!.cards;
    expect(await cardsOf()).toBe(2);
    expect((await readiness.report(g, 'ada')).next).toEqual({ kind: 'review', due: 2 });

    await settings.update(g, { quizBuiltinEnabled: false });
    expect(await cardsOf()).toBe(1);
    await handle.db.update(quizBanks).set({ enabled: false }).where(eq(quizBanks.id, on.id));
    expect(await cardsOf()).toBe(0);
    // With no card due and nothing graded, the first category's problem is the step.
    expect((await readiness.report(g, 'ada')).next).toMatchObject({ kind: 'grade', category: 1 });
  });

  it('a member with nothing is not yet anywhere, with a first step', async () => {
    const report = await readiness.report('g-empty', 'newcomer');
    expect(report.verdict).toBe('not-yet');
    expect(report.areas.every((a) => a.verdict === 'not-yet' && a.cards === 0 && a.answers === 0)).toBe(true);
    expect(report.next).toMatchObject({ kind: 'grade', category: 1, best: null });
  });
});
