// The readiness verdict of /progress, from what a member did: per skill area (a knowledge base
// topic) how well they recall the quiz questions they met (FSRS retrievability), how many quiz
// answers were right, and the best grade they got in each exam category of that area. Pure: the
// queries live in readiness.ts, so the rule is tested on its own and the README can state it whole.
import { PROBLEM_CATEGORIES, type ProblemCategory } from '../grading/categories.ts';
import type { TopicId } from '../tips/knowledge-base.ts';

/** A best grade (0-5 points) at least this high in every category of the area, for "ready". */
export const READY_MIN_POINTS = 4;
/** The same for "almost". */
export const ALMOST_MIN_POINTS = 3;
/** Quiz answers right in the area, as a share, for "ready". */
export const READY_MIN_ACCURACY = 0.8;
/** The same for "almost". */
export const ALMOST_MIN_ACCURACY = 0.6;
/** Answers in the area before its accuracy says anything: three lucky guesses are not 100%. */
export const MIN_ANSWERS = 10;
/** Mean retrievability of the area's cards, for "ready". */
export const READY_MIN_RECALL = 0.8;
/** The same for "almost". */
export const ALMOST_MIN_RECALL = 0.6;

/** The exam categories each skill area prepares for; exam strategy is graded by none. */
export const AREA_CATEGORIES: Record<TopicId, readonly ProblemCategory[]> = {
  fundamentals: [1],
  'image-classification': [2, 3],
  nlp: [4],
  'time-series': [5],
  'exam-strategy': [],
};

export const VERDICTS = ['not-yet', 'almost', 'ready'] as const;
/** Worst first. */
export type Verdict = (typeof VERDICTS)[number];

/** What the queries found for one member of one server. */
export type StudyFacts = {
  /** Quiz answers per skill (every answer the member gave in the server). */
  answers: ReadonlyArray<{ topic: string; skill: string; answers: number; correct: number }>;
  /** The member's cards of questions the server serves now, with their retrievability now. */
  cards: ReadonlyArray<{ topic: string; skill: string; retrievability: number; due: boolean }>;
  /** The best points per problem from the member's graded submissions in the server, any week. */
  bestByProblem: ReadonlyArray<{ problemId: string; points: number }>;
};

/** The part of the knowledge base the rule reads. */
export type ReadinessKnowledge = {
  topics: ReadonlyArray<{ id: TopicId; name: string }>;
  skills: ReadonlyArray<{ id: string; topic: TopicId; text: string }>;
  tips: ReadonlyArray<{ id: string; title: string; topic: TopicId; skill: string }>;
};

/** The part of a problem definition the rule reads. */
export type ReadinessProblem = { id: string; title: string; category: ProblemCategory };

export type CategoryBest = { category: ProblemCategory; best: number | null };

export type AreaReadiness = {
  topic: TopicId;
  name: string;
  /** Mean retrievability (0..1) of the area's cards; null without cards. */
  recall: number | null;
  cards: number;
  answers: number;
  correct: number;
  /** correct / answers; null without answers. */
  accuracy: number | null;
  categories: CategoryBest[];
  verdict: Verdict;
};

/** The one thing to do next. */
export type NextStep =
  | { kind: 'review'; due: number }
  | { kind: 'grade'; problemId: string; title: string; category: ProblemCategory; best: number | null }
  | { kind: 'tip'; tipId: string; title: string; topic: TopicId; skill: string; skillText: string; answers: number; correct: number };

export type Readiness = {
  areas: AreaReadiness[];
  /** The worst verdict of any area. */
  verdict: Verdict;
  /** Undefined only when the knowledge base has no tip and every category is graded ready. */
  next?: NextStep;
};

/** Where a best grade stands against the thresholds (the card colours grades by it). */
export function gradeLevel(points: number): Verdict {
  return points >= READY_MIN_POINTS ? 'ready' : points >= ALMOST_MIN_POINTS ? 'almost' : 'not-yet';
}

const worse = (a: Verdict, b: Verdict): Verdict => (VERDICTS.indexOf(a) <= VERDICTS.indexOf(b) ? a : b);

/**
 * An area's verdict: "ready" when its best grades, its quiz accuracy (over at least MIN_ANSWERS
 * answers) and its mean recall all reach the READY_ thresholds; "almost" when all reach the
 * ALMOST_ ones; "not yet" otherwise. An area without cards or with too few answers is "not yet".
 */
export function areaVerdict(area: Pick<AreaReadiness, 'recall' | 'answers' | 'accuracy' | 'categories'>): Verdict {
  const reaches = (minPoints: number, minAccuracy: number, minRecall: number): boolean =>
    area.categories.every((c) => c.best !== null && c.best >= minPoints) &&
    area.answers >= MIN_ANSWERS &&
    area.accuracy !== null &&
    area.accuracy >= minAccuracy &&
    area.recall !== null &&
    area.recall >= minRecall;
  if (reaches(READY_MIN_POINTS, READY_MIN_ACCURACY, READY_MIN_RECALL)) return 'ready';
  if (reaches(ALMOST_MIN_POINTS, ALMOST_MIN_ACCURACY, ALMOST_MIN_RECALL)) return 'almost';
  return 'not-yet';
}

function bestByCategory(facts: StudyFacts, catalog: readonly ReadinessProblem[]): Map<ProblemCategory, number> {
  const categoryOf = new Map(catalog.map((p) => [p.id, p.category]));
  const best = new Map<ProblemCategory, number>();
  for (const { problemId, points } of facts.bestByProblem) {
    const category = categoryOf.get(problemId);
    if (category !== undefined) best.set(category, Math.max(points, best.get(category) ?? points));
  }
  return best;
}

function areas(facts: StudyFacts, knowledge: ReadinessKnowledge, catalog: readonly ReadinessProblem[]): AreaReadiness[] {
  const bestGrades = bestByCategory(facts, catalog);
  return knowledge.topics.map(({ id, name }) => {
    const cards = facts.cards.filter((c) => c.topic === id);
    const answered = facts.answers.filter((a) => a.topic === id);
    const answers = answered.reduce((sum, a) => sum + a.answers, 0);
    const correct = answered.reduce((sum, a) => sum + a.correct, 0);
    const measured = {
      recall: cards.length > 0 ? cards.reduce((sum, c) => sum + c.retrievability, 0) / cards.length : null,
      answers,
      accuracy: answers > 0 ? correct / answers : null,
      categories: AREA_CATEGORIES[id].map((category) => ({ category, best: bestGrades.get(category) ?? null })),
    };
    return { topic: id, name, cards: cards.length, correct, ...measured, verdict: areaVerdict(measured) };
  });
}

/** The weakest category below READY_MIN_POINTS (ungraded first, then the lowest best, then exam order) and its problem to grade. */
function gradeStep(facts: StudyFacts, catalog: readonly ReadinessProblem[]): NextStep | undefined {
  const bestOf = new Map(facts.bestByProblem.map((b) => [b.problemId, b.points]));
  const bestGrades = bestByCategory(facts, catalog);
  const rank = (best: number | null) => best ?? -1;
  const weak = PROBLEM_CATEGORIES.map((category) => ({ category, best: bestGrades.get(category) ?? null }))
    .filter((c) => rank(c.best) < READY_MIN_POINTS && catalog.some((p) => p.category === c.category))
    .sort((a, b) => rank(a.best) - rank(b.best) || a.category - b.category);
  const target = weak[0];
  if (!target) return undefined;
  // The category's problem the member did worst on (never graded first), in catalog order on a tie.
  const problem = catalog
    .filter((p) => p.category === target.category)
    .map((p, index) => ({ p, index, best: bestOf.get(p.id) ?? null }))
    .sort((a, b) => rank(a.best) - rank(b.best) || a.index - b.index)[0].p;
  return { kind: 'grade', problemId: problem.id, title: problem.title, category: target.category, best: target.best };
}

/**
 * A tip for the weakest skill of the weakest area. The weakest area has the worst verdict, then
 * the lowest quiz accuracy (none counts as 0), then comes first in topic order. Its weakest skill
 * (among those with a tip) has the lowest accuracy (never answered counts as 0), then the fewest
 * answers, then comes first in the skills list.
 */
function tipStep(facts: StudyFacts, knowledge: ReadinessKnowledge, areaList: AreaReadiness[]): NextStep | undefined {
  const area = [...areaList].sort(
    (a, b) => VERDICTS.indexOf(a.verdict) - VERDICTS.indexOf(b.verdict) || (a.accuracy ?? 0) - (b.accuracy ?? 0),
  )[0];
  const withTips = knowledge.skills.filter((s) => knowledge.tips.some((t) => t.skill === s.id));
  const candidates = withTips.filter((s) => s.topic === area?.topic);
  const ranked = (candidates.length > 0 ? candidates : withTips)
    .map((skill, index) => {
      const answered = facts.answers.filter((a) => a.skill === skill.id);
      const answers = answered.reduce((sum, a) => sum + a.answers, 0);
      const correct = answered.reduce((sum, a) => sum + a.correct, 0);
      return { skill, index, answers, correct, accuracy: answers > 0 ? correct / answers : 0 };
    })
    .sort((a, b) => a.accuracy - b.accuracy || a.answers - b.answers || a.index - b.index);
  const weakest = ranked[0];
  if (!weakest) return undefined;
  const tip = knowledge.tips.find((t) => t.skill === weakest.skill.id)!;
  return {
    kind: 'tip',
    tipId: tip.id,
    title: tip.title,
    topic: tip.topic,
    skill: weakest.skill.id,
    skillText: weakest.skill.text,
    answers: weakest.answers,
    correct: weakest.correct,
  };
}

/**
 * The member's readiness per area and overall (the worst area), and the next step: the due reviews
 * if any card is due; else the problem of the weakest category graded under READY_MIN_POINTS; else
 * a tip for the weakest skill.
 */
export function assessReadiness(facts: StudyFacts, knowledge: ReadinessKnowledge, catalog: readonly ReadinessProblem[]): Readiness {
  const areaList = areas(facts, knowledge, catalog);
  const verdict = areaList.reduce<Verdict>((v, area) => worse(v, area.verdict), 'ready');
  const due = facts.cards.filter((c) => c.due).length;
  const next: NextStep | undefined = due > 0 ? { kind: 'review', due } : (gradeStep(facts, catalog) ?? tipStep(facts, knowledge, areaList));
  return { areas: areaList, verdict: areaList.length === 0 ? 'not-yet' : verdict, ...(next ? { next } : {}) };
}
