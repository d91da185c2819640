// The exam problem catalog: one folder per problem (problem.ts, README.md, starter.py).
import type { ProblemDefinition } from '../src/grading/problem-types.ts';
import { problem as linearA } from './linear-a/problem.ts';
import { problem as linearB } from './linear-b/problem.ts';
import { problem as linearC } from './linear-c/problem.ts';
import { problem as mnist } from './mnist/problem.ts';
import { problem as horseOrHuman } from './horse-or-human/problem.ts';
import { problem as bbcNews } from './bbc-news/problem.ts';
import { problem as sunspots } from './sunspots/problem.ts';
import { problem as dailyMinTemperatures } from './daily-min-temperatures/problem.ts';
import { problem as dailyMaxTemperatures } from './daily-max-temperatures/problem.ts';

export const problemCatalog: readonly ProblemDefinition[] = [
  linearA,
  linearB,
  linearC,
  mnist,
  horseOrHuman,
  bbcNews,
  sunspots,
  dailyMinTemperatures,
  dailyMaxTemperatures,
];

export function getProblem(id: string): ProblemDefinition | undefined {
  return problemCatalog.find((problem) => problem.id === id);
}

/** Like getProblem, but throws a message listing the known ids. */
export function requireProblem(id: string): ProblemDefinition {
  const problem = getProblem(id);
  if (!problem) throw new Error(`Unknown problem "${id}". Known problems: ${problemCatalog.map((p) => p.id).join(', ')}`);
  return problem;
}
