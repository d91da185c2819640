import type { ProblemDefinition } from '../../src/grading/problem-types.ts';

export const problem: ProblemDefinition = {
  id: 'linear-a',
  category: 1,
  title: 'Basic model: Y = X + 9',
  weight: 1,
  dataset: null,
  input: { shape: [1], description: 'one number X', values: 'float' },
  output: { units: [1], description: 'one unit, the predicted Y' },
  preprocessing: 'None: X is fed as is.',
  metric: { kind: 'mse', threshold: 1e-4 },
  dataLink: 'X = -4..5 (step 1), given in the starter',
  evaluation: {
    kind: 'linear',
    trainingXs: [-4, -3, -2, -1, 0, 1, 2, 3, 4, 5],
    extraXs: [-2, 10],
    slope: 1,
    intercept: 9,
  },
};
