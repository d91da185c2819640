// A week's mock exam: one problem per category, like the real exam. Unless a moderator picks the
// set, it rotates through each category's variants, one step per week, the same in every process.
import { PROBLEM_CATEGORIES } from '../grading/categories.ts';
import type { ProblemDefinition } from '../grading/problem-types.ts';
import { weekIndex, type IsoWeek } from './week.ts';

/** Exam score = sum(points x weight) / 75 x 100: five problems, weights 1..5, 5 points each. */
export const MAX_WEIGHTED_POINTS = 5 * (1 + 2 + 3 + 4 + 5);

export function examScore(pointsAndWeights: Array<{ points: number; weight: number }>): number {
  const total = pointsAndWeights.reduce((sum, p) => sum + p.points * p.weight, 0);
  return (total / MAX_WEIGHTED_POINTS) * 100;
}

export function rotatingProblemSet(week: IsoWeek, catalog: readonly ProblemDefinition[]): string[] {
  const index = weekIndex(week);
  return PROBLEM_CATEGORIES.flatMap((category) => {
    const variants = catalog.filter((p) => p.category === category).map((p) => p.id).sort();
    return variants.length === 0 ? [] : [variants[index % variants.length]];
  });
}

/** Problems to check a moderator's choice: exactly one per category, all known. */
export function checkProblemSet(problemIds: string[], catalog: readonly ProblemDefinition[]): string[] {
  const problems: string[] = [];
  const chosen = problemIds.map((id) => ({ id, problem: catalog.find((p) => p.id === id) }));
  for (const { id, problem } of chosen) if (!problem) problems.push(`"${id}" is not a problem of the catalog.`);
  for (const category of PROBLEM_CATEGORIES) {
    const inCategory = chosen.filter((c) => c.problem?.category === category);
    if (inCategory.length !== 1) {
      const options = catalog.filter((p) => p.category === category).map((p) => p.id).join(', ');
      problems.push(
        inCategory.length === 0
          ? `Category ${category} needs a problem (${options}).`
          : `Category ${category} has ${inCategory.length} problems; pick one of ${options}.`,
      );
    }
  }
  return problems;
}
