// How a grade's metric reads against its threshold table and its baselines, in the same words in
// the /grade reply, on its chart and in the command line.
import { comparedWithBaseline } from './baselines.ts';
import type { GradeResult } from './worker/protocol.ts';
import { boundText, directionOf, formatMetric, type ThresholdTable } from './scoring.ts';

type ResultTable = Pick<GradeResult, 'metric' | 'thresholds'>;

function tableOf(result: ResultTable): ThresholdTable {
  return { metric: result.metric, direction: directionOf(result.metric), rows: result.thresholds, rule: '' };
}

/** "full marks at <= 0.0385". */
export function fullMarksText(result: ResultTable): string {
  const table = tableOf(result);
  return `full marks at ${boundText(table, result.thresholds[0]?.value ?? Number.NaN)}`;
}

/** One line per point: "5 pts: <= 0.0385". */
export function thresholdLines(result: ResultTable): string[] {
  const table = tableOf(result);
  return result.thresholds.map((row) => `${row.points} pts: ${boundText(table, row.value)}`);
}

/** One line per baseline: "the naive forecast (next value = last value): 0.0405 (4 pts)". */
export function baselineLines(result: Pick<GradeResult, 'metric' | 'baselines'>): string[] {
  return (result.baselines ?? []).map((baseline) => `${baseline.name}: ${formatMetric(result.metric, baseline.value)} (${baseline.points} pts)`);
}

/**
 * The member's value against the strongest baseline: "11.2% lower MAE than the naive forecast (next
 * value = last value) at 0.0405". Undefined when the result has no baselines (a result stored before
 * baselines existed).
 */
export function versusBaseline(result: Pick<GradeResult, 'metric' | 'thresholds' | 'baselines' | 'value'>): string | undefined {
  const strongest = result.baselines?.[0];
  if (!strongest) return undefined;
  const value = result.value ?? Number.NaN;
  return comparedWithBaseline(tableOf(result), value, strongest);
}
