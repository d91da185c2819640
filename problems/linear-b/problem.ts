import { linearProblem } from '../problem-families.ts';

export const problem = linearProblem({ id: 'linear-b', slope: 2, intercept: 3, trainingXs: [1, 2, 3, 4, 5, 6, 7], threshold: 1e-3 });
