// Problems that differ only by their numbers: the three lines of category 1 and the three series
// of category 5. Each builder writes the definition the way the exam states such a problem.
import type { ProblemBaselines, ProblemDefinition, ScoringRule } from '../src/grading/problem-types.ts';

/** Time series points by the MAE's ratio to the naive forecast's MAE: 5 at <= 0.95 ... 1 at <= 1.45. */
export const NAIVE_FORECAST_RATIOS: Extract<ScoringRule, { kind: 'mae-vs-naive' }>['ratios'] = [0.95, 1.0, 1.15, 1.3, 1.45];

function formatLine(slope: number, intercept: number): string {
  return `Y = ${slope === 1 ? '' : slope}X + ${intercept}`;
}

export function linearProblem(spec: {
  id: string;
  slope: number;
  intercept: number;
  trainingXs: number[];
  /** MSE for full marks. */
  fullMarks: number;
  baselines: ProblemBaselines;
}): ProblemDefinition {
  const xs = spec.trainingXs;
  return {
    id: spec.id,
    category: 1,
    title: `Basic model: ${formatLine(spec.slope, spec.intercept)}`,
    weight: 1,
    dataset: null,
    input: { shape: [1], description: 'one number X', values: 'float' },
    output: { units: [1], description: 'one unit, the predicted Y' },
    preprocessing: 'None: X is fed as is.',
    scoring: { kind: 'mse-decades', fullMarks: spec.fullMarks },
    baselines: spec.baselines,
    dataLink: `X = ${xs[0]}..${xs[xs.length - 1]} (step 1), given in the starter`,
    evaluation: { kind: 'linear', trainingXs: xs, extraXs: [-2, 10], slope: spec.slope, intercept: spec.intercept },
  };
}

export function timeSeriesProblem(spec: {
  id: 'sunspots' | 'daily-min-temperatures' | 'daily-max-temperatures';
  title: string;
  fileName: string;
  column: number;
  splitTime: number;
  windowSize: number;
  dataLink: string;
  baselines: ProblemBaselines;
}): ProblemDefinition {
  return {
    id: spec.id,
    category: 5,
    title: `Time series: ${spec.title}`,
    weight: 5,
    dataset: spec.id,
    // A Dense model on the flat window, (None, window), is fed the same values without the feature axis.
    input: {
      shape: [spec.windowSize, 1],
      alternativeShapes: [[spec.windowSize]],
      description: `a window of ${spec.windowSize} normalised values`,
      values: 'float',
    },
    output: {
      units: [1],
      description: 'the next value: output (batch, 1), or (batch, time, 1) whose last step is the forecast',
      allowSequence: true,
    },
    preprocessing:
      `Column ${spec.column} of ${spec.fileName} as float; series = (x - min) / max with min and max of the whole series; ` +
      `split at ${spec.splitTime}; windows of ${spec.windowSize} values predict the next value.`,
    scoring: { kind: 'mae-vs-naive', ratios: NAIVE_FORECAST_RATIOS },
    baselines: spec.baselines,
    dataLink: spec.dataLink,
    evaluation: { kind: 'time-series', dataset: spec.id, column: spec.column, splitTime: spec.splitTime, windowSize: spec.windowSize },
  };
}
