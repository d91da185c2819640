// Problems that differ only by their numbers: the three lines of category 1 and the three series
// of category 5. Each builder writes the definition the way the exam states such a problem.
import type { ProblemDefinition } from '../src/grading/problem-types.ts';

function formatLine(slope: number, intercept: number): string {
  return `Y = ${slope === 1 ? '' : slope}X + ${intercept}`;
}

export function linearProblem(spec: {
  id: string;
  slope: number;
  intercept: number;
  trainingXs: number[];
  threshold: number;
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
    metric: { kind: 'mse', threshold: spec.threshold },
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
  threshold: number;
  dataLink: string;
}): ProblemDefinition {
  return {
    id: spec.id,
    category: 5,
    title: `Time series: ${spec.title}`,
    weight: 5,
    dataset: spec.id,
    input: { shape: [spec.windowSize, 1], description: `a window of ${spec.windowSize} normalised values`, values: 'float' },
    output: {
      units: [1],
      description: 'the next value: output (batch, 1), or (batch, time, 1) whose last step is the forecast',
      allowSequence: true,
    },
    preprocessing:
      `Column ${spec.column} of ${spec.fileName} as float; series = (x - min) / max with min and max of the whole series; ` +
      `split at ${spec.splitTime}; windows of ${spec.windowSize} values predict the next value.`,
    metric: { kind: 'mae', threshold: spec.threshold },
    dataLink: spec.dataLink,
    evaluation: { kind: 'time-series', dataset: spec.id, column: spec.column, splitTime: spec.splitTime, windowSize: spec.windowSize },
  };
}
