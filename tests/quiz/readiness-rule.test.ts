import { describe, expect, it } from 'vitest';
import {
  ALMOST_MIN_ACCURACY,
  ALMOST_MIN_POINTS,
  ALMOST_MIN_RECALL,
  MIN_ANSWERS,
  READY_MIN_ACCURACY,
  READY_MIN_POINTS,
  READY_MIN_RECALL,
  areaVerdict,
  assessReadiness,
  type ReadinessKnowledge,
  type ReadinessProblem,
  type StudyFacts,
} from '../../src/quiz/readiness-rule.ts';
import { loadKnowledgeBase } from '../../src/tips/knowledge-base.ts';
import { problemCatalog } from '../../problems/index.ts';

const knowledge: ReadinessKnowledge = {
  topics: [
    { id: 'fundamentals', name: 'Fundamentals' },
    { id: 'image-classification', name: 'Images' },
    { id: 'nlp', name: 'NLP' },
    { id: 'time-series', name: 'Time series' },
    { id: 'exam-strategy', name: 'Exam strategy' },
  ],
  skills: [
    { id: 'fundamentals.a', topic: 'fundamentals', text: 'Skill A' },
    { id: 'fundamentals.b', topic: 'fundamentals', text: 'Skill B' },
    { id: 'fundamentals.untipped', topic: 'fundamentals', text: 'No tip for this one' },
    { id: 'image-classification.a', topic: 'image-classification', text: 'Images A' },
    { id: 'nlp.a', topic: 'nlp', text: 'NLP A' },
    { id: 'time-series.a', topic: 'time-series', text: 'Series A' },
    { id: 'exam-strategy.a', topic: 'exam-strategy', text: 'Strategy A' },
  ],
  tips: [
    { id: 'tip-fa', title: 'Tip on A', topic: 'fundamentals', skill: 'fundamentals.a' },
    { id: 'tip-fb', title: 'Tip on B', topic: 'fundamentals', skill: 'fundamentals.b' },
    { id: 'tip-ic', title: 'Tip on images', topic: 'image-classification', skill: 'image-classification.a' },
    { id: 'tip-nlp', title: 'Tip on text', topic: 'nlp', skill: 'nlp.a' },
    { id: 'tip-ts', title: 'Tip on series', topic: 'time-series', skill: 'time-series.a' },
    { id: 'tip-es', title: 'Tip on the exam', topic: 'exam-strategy', skill: 'exam-strategy.a' },
  ],
};

const catalog: ReadinessProblem[] = [
  { id: 'lin-1', title: 'Line one', category: 1 },
  { id: 'lin-2', title: 'Line two', category: 1 },
  { id: 'digits', title: 'Digits', category: 2 },
  { id: 'photos', title: 'Photos', category: 3 },
  { id: 'news', title: 'News', category: 4 },
  { id: 'sun', title: 'Sun', category: 5 },
];

const noFacts: StudyFacts = { answers: [], cards: [], bestByProblem: [] };

/** Every area at the given level: `answers` answers per area with `accuracy` right, one card each at `recall`, every category at `points`. */
function everywhere(points: number, accuracy: number, recall: number, answers = MIN_ANSWERS): StudyFacts {
  const topics = knowledge.topics.map((t) => t.id);
  return {
    answers: topics.map((topic) => ({ topic, skill: `${topic}.a`, answers, correct: Math.round(answers * accuracy) })),
    cards: topics.map((topic) => ({ topic, skill: `${topic}.a`, retrievability: recall, due: false })),
    bestByProblem: ['lin-1', 'digits', 'photos', 'news', 'sun'].map((problemId) => ({ problemId, points })),
  };
}

describe('readiness rule', () => {
  it('gives a member with nothing at all "not yet" everywhere and a first step: the first category\'s first problem', () => {
    const readiness = assessReadiness(noFacts, knowledge, catalog);
    expect(readiness.verdict).toBe('not-yet');
    expect(readiness.areas.map((a) => [a.topic, a.verdict, a.recall, a.accuracy, a.cards, a.answers])).toEqual(
      knowledge.topics.map((t) => [t.id, 'not-yet', null, null, 0, 0]),
    );
    expect(readiness.areas.find((a) => a.topic === 'image-classification')!.categories).toEqual([
      { category: 2, best: null },
      { category: 3, best: null },
    ]);
    expect(readiness.areas.find((a) => a.topic === 'exam-strategy')!.categories).toEqual([]);
    expect(readiness.next).toEqual({ kind: 'grade', problemId: 'lin-1', title: 'Line one', category: 1, best: null });
  });

  it('the real knowledge base and catalog give a first step too', async () => {
    const real = await loadKnowledgeBase();
    const readiness = assessReadiness(noFacts, real, problemCatalog);
    expect(readiness.verdict).toBe('not-yet');
    expect(readiness.areas).toHaveLength(5);
    expect(readiness.next).toMatchObject({ kind: 'grade', category: 1, problemId: problemCatalog.find((p) => p.category === 1)!.id });
  });

  it('is ready exactly at the ready thresholds, almost just under them, not yet under the almost ones', () => {
    expect(assessReadiness(everywhere(READY_MIN_POINTS, READY_MIN_ACCURACY, READY_MIN_RECALL), knowledge, catalog).verdict).toBe('ready');
    expect(assessReadiness(everywhere(READY_MIN_POINTS - 1, READY_MIN_ACCURACY, READY_MIN_RECALL), knowledge, catalog).verdict).toBe('almost');
    expect(assessReadiness(everywhere(READY_MIN_POINTS, READY_MIN_ACCURACY - 0.1, READY_MIN_RECALL), knowledge, catalog).verdict).toBe('almost');
    expect(assessReadiness(everywhere(READY_MIN_POINTS, READY_MIN_ACCURACY, READY_MIN_RECALL - 0.01), knowledge, catalog).verdict).toBe('almost');
    expect(assessReadiness(everywhere(ALMOST_MIN_POINTS, ALMOST_MIN_ACCURACY, ALMOST_MIN_RECALL), knowledge, catalog).verdict).toBe('almost');
    expect(assessReadiness(everywhere(ALMOST_MIN_POINTS - 1, 1, 1), knowledge, catalog).verdict).toBe('not-yet');
    expect(assessReadiness(everywhere(5, ALMOST_MIN_ACCURACY - 0.1, 1), knowledge, catalog).verdict).toBe('not-yet');
    expect(assessReadiness(everywhere(5, 1, ALMOST_MIN_RECALL - 0.01), knowledge, catalog).verdict).toBe('not-yet');
  });

  it('needs MIN_ANSWERS answers: a perfect score over fewer is not yet', () => {
    const few = assessReadiness(everywhere(5, 1, 1, MIN_ANSWERS - 1), knowledge, catalog);
    expect(few.verdict).toBe('not-yet');
    expect(few.areas[0]).toMatchObject({ answers: MIN_ANSWERS - 1, correct: MIN_ANSWERS - 1, accuracy: 1 });
  });

  it('needs every category of an area: one good category of two is not enough', () => {
    const measured = { recall: 1, answers: MIN_ANSWERS, accuracy: 1 };
    expect(areaVerdict({ ...measured, categories: [{ category: 2, best: 5 }, { category: 3, best: null }] })).toBe('not-yet');
    expect(areaVerdict({ ...measured, categories: [{ category: 2, best: 5 }, { category: 3, best: 3 }] })).toBe('almost');
    // Exam strategy has no category: quiz and recall decide alone.
    expect(areaVerdict({ ...measured, categories: [] })).toBe('ready');
    expect(areaVerdict({ recall: null, answers: MIN_ANSWERS, accuracy: 1, categories: [] })).toBe('not-yet');
  });

  it('overall is the worst area', () => {
    const facts = everywhere(5, 1, 1);
    const oneWeak = { ...facts, answers: facts.answers.map((a) => (a.topic === 'nlp' ? { ...a, correct: 0 } : a)) };
    const readiness = assessReadiness(oneWeak, knowledge, catalog);
    expect(readiness.areas.filter((a) => a.verdict !== 'ready').map((a) => a.topic)).toEqual(['nlp']);
    expect(readiness.verdict).toBe('not-yet');
  });

  it('takes the best grade of a category over all its problems, and means the recall over the area\'s cards', () => {
    const readiness = assessReadiness(
      {
        answers: [],
        cards: [
          { topic: 'nlp', skill: 'nlp.a', retrievability: 0.9, due: false },
          { topic: 'nlp', skill: 'nlp.a', retrievability: 0.5, due: false },
        ],
        bestByProblem: [
          { problemId: 'lin-1', points: 2 },
          { problemId: 'lin-2', points: 4 },
          { problemId: 'retired-problem', points: 5 },
        ],
      },
      knowledge,
      catalog,
    );
    expect(readiness.areas[0].categories).toEqual([{ category: 1, best: 4 }]);
    expect(readiness.areas.find((a) => a.topic === 'nlp')!.recall).toBeCloseTo(0.7);
  });

  it('next step: due reviews come first, with their count', () => {
    const facts = everywhere(5, 1, 1);
    const due = { ...facts, cards: [...facts.cards, { topic: 'nlp', skill: 'nlp.a', retrievability: 0.4, due: true }, { topic: 'nlp', skill: 'nlp.a', retrievability: 0.3, due: true }] };
    expect(assessReadiness(due, knowledge, catalog).next).toEqual({ kind: 'review', due: 2 });
  });

  it('next step: without due reviews, the weakest category under the ready grade, and its problem graded worst', () => {
    const facts = {
      ...everywhere(5, 1, 1),
      bestByProblem: [
        { problemId: 'lin-1', points: 3 },
        { problemId: 'lin-2', points: 2 },
        { problemId: 'digits', points: 4 },
        { problemId: 'photos', points: 2 },
        { problemId: 'news', points: 5 },
        { problemId: 'sun', points: 5 },
      ],
    };
    // Categories 1 (best 3) and 3 (best 2) are under the ready grade; 3 is the weaker.
    expect(assessReadiness(facts, knowledge, catalog).next).toEqual({ kind: 'grade', problemId: 'photos', title: 'Photos', category: 3, best: 2 });
    // Category 1 at best 3 (lin-1), lin-2 graded 2: lin-2 is the problem to grade again.
    const onlyCategoryOne = { ...facts, bestByProblem: facts.bestByProblem.map((b) => (b.problemId === 'photos' ? { ...b, points: 5 } : b)) };
    expect(assessReadiness(onlyCategoryOne, knowledge, catalog).next).toEqual({ kind: 'grade', problemId: 'lin-2', title: 'Line two', category: 1, best: 3 });
    // An ungraded category goes before a graded one; a never graded problem before a graded one.
    const ungraded = { ...facts, bestByProblem: [{ problemId: 'lin-1', points: 0 }] };
    expect(assessReadiness(ungraded, knowledge, catalog).next).toMatchObject({ kind: 'grade', category: 2, problemId: 'digits' });
  });

  it('next step: with every category graded ready, a tip for the weakest skill of the weakest area', () => {
    const facts = everywhere(5, 1, 1);
    const answers = [
      ...facts.answers.filter((a) => a.topic !== 'fundamentals'),
      { topic: 'fundamentals', skill: 'fundamentals.a', answers: 8, correct: 6 },
      { topic: 'fundamentals', skill: 'fundamentals.b', answers: 4, correct: 1 },
      { topic: 'fundamentals', skill: 'fundamentals.untipped', answers: 4, correct: 0 },
    ];
    const next = assessReadiness({ ...facts, answers }, knowledge, catalog).next;
    // fundamentals is the only area not ready (7/16 right); fundamentals.b is its weakest skill with a tip.
    expect(next).toEqual({ kind: 'tip', tipId: 'tip-fb', title: 'Tip on B', topic: 'fundamentals', skill: 'fundamentals.b', skillText: 'Skill B', answers: 4, correct: 1 });
    // When everything is ready there is still a tip: the least sure skill.
    expect(assessReadiness(facts, knowledge, catalog).next).toMatchObject({ kind: 'tip' });
  });

  it('next step: a skill never answered counts as the weakest of its area', () => {
    const facts = everywhere(5, 1, 1);
    const answers = [...facts.answers.filter((a) => a.topic !== 'fundamentals'), { topic: 'fundamentals', skill: 'fundamentals.a', answers: MIN_ANSWERS, correct: 5 }];
    expect(assessReadiness({ ...facts, answers }, knowledge, catalog).next).toMatchObject({ kind: 'tip', tipId: 'tip-fb', answers: 0, correct: 0 });
  });
});
