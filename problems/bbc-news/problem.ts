import type { ProblemDefinition } from '../../src/grading/problem-types.ts';
import { baselines } from './baselines.ts';

export const problem: ProblemDefinition = {
  id: 'bbc-news',
  category: 4,
  title: 'Natural language: BBC news topics',
  weight: 4,
  dataset: 'bbc-text',
  input: { shape: [120], description: 'sequences of 120 token ids', values: 'int' },
  output: {
    units: [5, 6],
    description: '5 units (class = label index - 1) or 6 units (class = label index; index 0 unused)',
  },
  preprocessing:
    'Train = the first int(0.8 x 2225) = 1780 rows in file order. Tokenizer(num_words=1000, oov_token="<OOV>") fitted on the training texts, texts_to_sequences, pad_sequences(maxlen=120, padding="post", truncating="post"). Labels: a Tokenizer() fitted on all 2225 category strings (indices 1..5).',
  scoring: { kind: 'accuracy-steps', fullMarks: 0.91, step: 0.03 },
  baselines,
  dataLink: 'https://storage.googleapis.com/download.tensorflow.org/data/bbc-text.csv',
  evaluation: {
    kind: 'text-classification',
    dataset: 'bbc-text',
    trainFraction: 0.8,
    numWords: 1000,
    oovToken: '<OOV>',
    maxlen: 120,
    padding: 'post',
    truncating: 'post',
  },
};
