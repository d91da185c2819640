import type { ProblemDefinition } from '../../src/grading/problem-types.ts';
import { baselines } from './baselines.ts';

export const problem: ProblemDefinition = {
  id: 'mnist',
  category: 2,
  title: 'Computer vision: handwritten digits (MNIST)',
  weight: 2,
  dataset: 'mnist',
  input: {
    shape: [28, 28, 1],
    alternativeShapes: [[28, 28]],
    description: '28x28 greyscale digits scaled to 0..1',
    values: 'float',
  },
  output: { units: [10], description: '10 units, one per digit (softmax)' },
  preprocessing: 'Pixels divided by 255 as float32; label = the digit 0-9.',
  scoring: { kind: 'accuracy-steps', fullMarks: 0.985, step: 0.005 },
  baselines,
  dataLink: 'https://storage.googleapis.com/cvdf-datasets/mnist/',
  evaluation: { kind: 'mnist', dataset: 'mnist' },
};
