import { linearProblem } from '../problem-families.ts';
import { baselines } from './baselines.ts';

export const problem = linearProblem({ id: 'linear-a', slope: 1, intercept: 9, trainingXs: [-4, -3, -2, -1, 0, 1, 2, 3, 4, 5], fullMarks: 1e-4, baselines });
