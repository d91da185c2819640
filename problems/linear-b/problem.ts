import type { ProblemDefinition } from '../../src/grading/problem-types.ts';

export const problem: ProblemDefinition = {
  id: 'linear-b',
  category: 1,
  title: 'Basic model: Y = 2X + 3',
  weight: 1,
  dataset: null,
  input: { shape: [1], description: 'one number X', values: 'float' },
  output: { units: [1], description: 'one unit, the predicted Y' },
  preprocessing: 'None: X is fed as is.',
  metric: { kind: 'mse', threshold: 1e-3 },
  dataLink: 'X = 1..7 (step 1), given in the starter',
  evaluation: {
    kind: 'linear',
    trainingXs: [1, 2, 3, 4, 5, 6, 7],
    extraXs: [-2, 10],
    slope: 2,
    intercept: 3,
  },
};
