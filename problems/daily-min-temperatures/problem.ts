import type { ProblemDefinition } from '../../src/grading/problem-types.ts';

export const problem: ProblemDefinition = {
  id: 'daily-min-temperatures',
  category: 5,
  title: 'Time series: daily minimum temperatures (Melbourne)',
  weight: 5,
  dataset: 'daily-min-temperatures',
  input: { shape: [64, 1], description: 'a window of 64 normalised values', values: 'float' },
  output: {
    units: [1],
    description: 'the next value: output (batch, 1), or (batch, time, 1) whose last step is the forecast',
    allowSequence: true,
  },
  preprocessing:
    'Column 1 of daily-min-temperatures.csv as float; series = (x - min) / max with min and max of the whole series; split at 2500; windows of 64 values predict the next value.',
  metric: { kind: 'mae', threshold: 0.19 },
  dataLink: 'https://raw.githubusercontent.com/jbrownlee/Datasets/master/daily-min-temperatures.csv',
  evaluation: { kind: 'time-series', dataset: 'daily-min-temperatures', column: 1, splitTime: 2500, windowSize: 64 },
};
