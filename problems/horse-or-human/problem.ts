import type { ProblemDefinition } from '../../src/grading/problem-types.ts';
import { baselines } from './baselines.ts';

export const problem: ProblemDefinition = {
  id: 'horse-or-human',
  category: 3,
  title: 'Real-world images: horse or human',
  weight: 3,
  dataset: 'horse-or-human',
  input: { shape: [150, 150, 3], description: 'RGB images', values: 'float' },
  output: {
    units: [1, 2],
    description: '1 unit (humans when > 0.5 after a sigmoid, > 0 for a logit) or 2 units (argmax)',
  },
  preprocessing:
    'PNG 300x300 RGBA: alpha dropped (RGB), resized to 150x150 nearest-neighbour as Keras load_img does, pixels divided by 255. Classes in alphabetical folder order: horses 0, humans 1.',
  scoring: { kind: 'accuracy-steps', fullMarks: 0.83, step: 0.03 },
  baselines,
  dataLink: 'https://storage.googleapis.com/download.tensorflow.org/data/horse-or-human.zip',
  evaluation: { kind: 'image-folder', dataset: 'horse-or-human', classes: ['horses', 'humans'], size: 150 },
};
