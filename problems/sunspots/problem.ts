import type { ProblemDefinition } from '../../src/grading/problem-types.ts';

export const problem: ProblemDefinition = {
  id: 'sunspots',
  category: 5,
  title: 'Time series: monthly sunspots',
  weight: 5,
  dataset: 'sunspots',
  input: { shape: [30, 1], description: 'a window of 30 normalised values', values: 'float' },
  output: {
    units: [1],
    description: 'the next value: output (batch, 1), or (batch, time, 1) whose last step is the forecast',
    allowSequence: true,
  },
  preprocessing:
    'Column 2 of Sunspots.csv as float; series = (x - min) / max with min and max of the whole series; split at 3000; windows of 30 values predict the next value.',
  metric: { kind: 'mae', threshold: 0.15 },
  dataLink: 'https://storage.googleapis.com/laurencemoroney-blog.appspot.com/Sunspots.csv',
  evaluation: { kind: 'time-series', dataset: 'sunspots', column: 2, splitTime: 3000, windowSize: 30 },
};
