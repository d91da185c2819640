// What a model that learned nothing scores on a problem's evaluation set. A problem's points are
// calibrated against these: the constant model always scores 0, the naive forecast at most 4.
// The values are computed here from the evaluation data and written into each problem's
// baselines.ts by `npm run problems:generate`; a test recomputes them from the data.
import type { EvaluationSet } from '../datasets/evaluation-sets.ts';
import type { BaselineValue, ProblemBaselines, ProblemDefinition } from './problem-types.ts';
import { formatMetric, metricOf, pointsFor, type ThresholdTable } from './scoring.ts';

/** The most points each baseline may earn; the problem catalog's tests hold every problem to it. */
export const BASELINE_MAX_POINTS: Record<keyof ProblemBaselines, number> = { constant: 0, naive: 4 };

function mean(values: ArrayLike<number>, start = 0, end = values.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += values[i];
  return sum / (end - start);
}

function formatAnswer(value: number): string {
  return Number(value.toPrecision(4)).toString();
}

export function computeBaselines(problem: Pick<ProblemDefinition, 'evaluation'>, set: EvaluationSet): ProblemBaselines {
  switch (set.kind) {
    case 'time-series': {
      const { series, splitTime } = set;
      const trainingMean = mean(series, 0, splitTime);
      let constantError = 0;
      let naiveError = 0;
      for (let t = splitTime; t < series.length; t++) {
        constantError += Math.abs(series[t] - trainingMean);
        naiveError += Math.abs(series[t] - series[t - 1]);
      }
      const count = series.length - splitTime;
      return {
        constant: { value: constantError / count, answer: formatAnswer(trainingMean) },
        naive: { value: naiveError / count, answer: 'the last value of the window' },
      };
    }
    case 'regression': {
      const evaluation = problem.evaluation;
      if (evaluation.kind !== 'linear') throw new Error(`internal: a regression set from a ${evaluation.kind} source`);
      const trainingMean = mean(evaluation.trainingXs.map((x) => evaluation.slope * x + evaluation.intercept));
      let squares = 0;
      for (const y of set.ys) squares += (y - trainingMean) ** 2;
      return { constant: { value: squares / set.ys.length, answer: formatAnswer(trainingMean) } };
    }
    case 'classification': {
      // The most frequent class of the evaluation set itself: the best any constant answer can score.
      const counts = new Array<number>(set.classNames.length).fill(0);
      for (const label of set.labels) counts[label]++;
      const majority = counts.indexOf(Math.max(...counts));
      return { constant: { value: counts[majority] / set.count, answer: set.classNames[majority] } };
    }
  }
}

export interface BaselineScore {
  id: keyof ProblemBaselines;
  /** In words, for displays: "the naive forecast (next value = last value)", "always \"sport\"". */
  name: string;
  value: number;
  points: number;
}

function baselineName(problem: Pick<ProblemDefinition, 'scoring'>, id: keyof ProblemBaselines, baseline: BaselineValue): string {
  if (id === 'naive') return 'the naive forecast (next value = last value)';
  return metricOf(problem.scoring) === 'accuracy' ? `always "${baseline.answer}"` : `always the training mean (${baseline.answer})`;
}

/** The problem's baselines with their points under its table, strongest first. */
export function baselineScores(problem: Pick<ProblemDefinition, 'scoring' | 'baselines'>, table: ThresholdTable): BaselineScore[] {
  const scores: BaselineScore[] = [];
  for (const id of ['naive', 'constant'] as const) {
    const baseline = problem.baselines[id];
    if (!baseline) continue;
    scores.push({ id, name: baselineName(problem, id, baseline), value: baseline.value, points: pointsFor(table, baseline.value) });
  }
  return scores;
}

/**
 * The member's value against a baseline, in words: "12.9% lower MAE than the naive forecast (...) at
 * 0.0405", "+45.2 percentage points over always \"horses\" at 50.00%", "4,100× lower MSE than ...".
 */
export function comparedWithBaseline(table: ThresholdTable, value: number, baseline: BaselineScore): string {
  const format = (v: number) => formatMetric(table.metric, v);
  if (!Number.isFinite(value)) return `${baseline.name}: ${format(baseline.value)}`;
  if (table.metric === 'accuracy') {
    const difference = (value - baseline.value) * 100;
    return `${difference >= 0 ? '+' : ''}${difference.toFixed(1)} percentage points over ${baseline.name} at ${format(baseline.value)}`;
  }
  if (table.metric === 'mse') {
    if (value === 0) return `no error at all; ${baseline.name} has MSE ${format(baseline.value)}`;
    const factor = baseline.value / value;
    const times = (f: number) => (f >= 10 ? Math.round(f).toLocaleString('en-US') : f.toFixed(1));
    return factor >= 1
      ? `${times(factor)}× lower MSE than ${baseline.name} at ${format(baseline.value)}`
      : `${times(1 / factor)}× the MSE of ${baseline.name} at ${format(baseline.value)}`;
  }
  const change = (1 - value / baseline.value) * 100;
  if (Math.abs(change) < 0.05) return `about the same MAE as ${baseline.name} at ${format(baseline.value)}`;
  return change >= 0
    ? `${change.toFixed(1)}% lower MAE than ${baseline.name} at ${format(baseline.value)}`
    : `${(-change).toFixed(1)}% higher MAE than ${baseline.name} at ${format(baseline.value)}`;
}
