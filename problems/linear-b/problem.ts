import { linearProblem } from '../problem-families.ts';
import { baselines } from './baselines.ts';

export const problem = linearProblem({ id: 'linear-b', slope: 2, intercept: 3, trainingXs: [1, 2, 3, 4, 5, 6, 7], fullMarks: 1e-3, baselines });
