// A stored grade under today's threshold table. The metric value a model scored does not change
// when a problem's table does (a new baseline, a stricter scale), so a grade stored under an
// older table is rescored from its value: no model runs again.
import { isDeepStrictEqual } from 'node:util';
import { baselineScores } from './baselines.ts';
import { scoreValue } from './evaluate.ts';
import type { ProblemDefinition } from './problem-types.ts';
import { thresholdTable } from './scoring.ts';
import type { GradeResult } from './worker/protocol.ts';

/** The result with today's points, table, baselines and hint; undefined when none of them changed. */
export function rescoreResult(problem: ProblemDefinition, stored: GradeResult): GradeResult | undefined {
  const table = thresholdTable(problem);
  const value = stored.value ?? Number.NaN;
  const details = stored.details;
  const { points, hint } = scoreValue(table, value, stored.sampleCount, details.kind === 'classification' ? details.perClass : undefined);
  const { threshold: _legacy, ...rest } = stored as GradeResult & { threshold?: number };
  const rescored: GradeResult = { ...rest, points, thresholds: table.rows, baselines: baselineScores(problem, table), hint };
  // Compared as values: a JSON column (jsonb) hands objects back with their keys in its own order.
  const scored = (result: GradeResult) => [result.points, result.thresholds, result.baselines, result.hint];
  return isDeepStrictEqual(scored(rescored), scored(stored)) && _legacy === undefined ? undefined : rescored;
}
