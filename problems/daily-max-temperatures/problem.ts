import type { ProblemDefinition } from '../../src/grading/problem-types.ts';

export const problem: ProblemDefinition = {
  id: 'daily-max-temperatures',
  category: 5,
  title: 'Time series: daily maximum temperatures',
  weight: 5,
  dataset: 'daily-max-temperatures',
  input: { shape: [64, 1], description: 'a window of 64 normalised values', values: 'float' },
  output: {
    units: [1],
    description: 'the next value: output (batch, 1), or (batch, time, 1) whose last step is the forecast',
    allowSequence: true,
  },
  preprocessing:
    'Column 1 of daily-max-temperatures.csv as float; series = (x - min) / max with min and max of the whole series; split at 2500; windows of 64 values predict the next value.',
  metric: { kind: 'mae', threshold: 0.2 },
  dataLink: 'https://raw.githubusercontent.com/jbrownlee/Datasets/master/daily-max-temperatures.csv',
  evaluation: { kind: 'time-series', dataset: 'daily-max-temperatures', column: 1, splitTime: 2500, windowSize: 64 },
};
