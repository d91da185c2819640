import { linearProblem } from '../problem-families.ts';
import { baselines } from './baselines.ts';

export const problem = linearProblem({ id: 'linear-c', slope: 0.5, intercept: 1, trainingXs: [-1, 0, 1, 2, 3, 4, 5], fullMarks: 1e-4, baselines });
