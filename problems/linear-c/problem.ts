import { linearProblem } from '../problem-families.ts';

export const problem = linearProblem({ id: 'linear-c', slope: 0.5, intercept: 1, trainingXs: [-1, 0, 1, 2, 3, 4, 5], threshold: 1e-4 });
