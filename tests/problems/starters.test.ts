// The starters are the code members begin from. They must prepare the data exactly as the grader
// does (the numbers of the problem definition) and must train and validate on a slice of the
// training part only: the graded data is public, and a starter that validates on it teaches
// members to pick their epochs on the evaluation set.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { problemCatalog } from '../../problems/index.ts';
import { datasets } from '../../src/datasets/registry.ts';

const problemsDir = path.resolve(import.meta.dirname, '..', '..', 'problems');

function read(problemId: string, file: string): string {
  return readFileSync(path.join(problemsDir, problemId, file), 'utf8');
}

/** The starter's Python without comments, so that explanations may name what the code must not use. */
function codeOf(starter: string): string {
  return starter
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .join('\n');
}

/** The number assigned to `name` at the start of a line, e.g. `split_time = 3000`. */
function assigned(code: string, name: string): number {
  const match = new RegExp(`^\\s*${name} = ([0-9.]+)\\s*$`, 'm').exec(code);
  if (!match) throw new Error(`no "${name} = <number>" line`);
  return Number(match[1]);
}

describe('starters validate on the training part only', () => {
  for (const problem of problemCatalog) {
    const starter = read(problem.id, 'starter.py');
    const code = codeOf(starter);
    const readme = read(problem.id, 'README.md');
    const evaluation = problem.evaluation;

    if (evaluation.kind === 'time-series') {
      describe(problem.id, () => {
        it('splits and windows like the grader, and holds out the last stretch before the split', () => {
          expect(assigned(code, 'split_time')).toBe(evaluation.splitTime);
          expect(assigned(code, 'window_size')).toBe(evaluation.windowSize);
          const validTime = assigned(code, 'valid_time');
          expect(validTime).toBeGreaterThan(evaluation.windowSize);
          expect(validTime).toBeLessThan(evaluation.splitTime);
          expect(code).toContain('x_train = series[:valid_time]');
          expect(code).toContain('x_valid = series[valid_time - window_size:split_time]');
          expect(code).toMatch(/model\.fit\(train_set, .*validation_data=valid_set\)/);
          expect(readme).toContain(`series[:${validTime}]`);
          expect(readme).toContain(`series[${validTime}:${evaluation.splitTime}]`);
        });

        it('never reads the evaluation part after the split', () => {
          expect(code).not.toMatch(/\[\s*split_time\s*:/);
          expect(code).not.toMatch(new RegExp(`\\[\\s*${evaluation.splitTime}\\s*:`));
        });
      });
    }

    if (evaluation.kind === 'text-classification') {
      describe(problem.id, () => {
        it('tokenises like the grader and validates on the last training rows', () => {
          expect(assigned(code, 'training_portion')).toBe(evaluation.trainFraction);
          expect(assigned(code, 'vocab_size')).toBe(evaluation.numWords);
          expect(assigned(code, 'max_length')).toBe(evaluation.maxlen);
          expect(code).toContain(`oov_tok = "${evaluation.oovToken}"`);
          expect(code).toContain(`trunc_type = "${evaluation.truncating}"`);
          expect(code).toContain(`padding_type = "${evaluation.padding}"`);
          expect(code).toMatch(/model\.fit\(train_padded, train_label_seq, .*validation_split=0\.2\)/);
        });

        it('never reads the evaluation rows after train_size', () => {
          expect(code).not.toMatch(/\[\s*train_size\s*:/);
          expect(code).not.toContain('validation_data');
        });
      });
    }

    if (evaluation.kind === 'image-folder') {
      describe(problem.id, () => {
        it('reads images like the grader and validates on a fifth of the training folder', () => {
          const size = evaluation.size;
          expect(code).toContain(`image_size=(${size}, ${size}), interpolation="nearest"`);
          expect(code).toContain('x / 255.0');
          expect(code).toContain('validation_split=0.2, subset=subset, seed=42');
          expect(code).toContain('load_images("training")');
          expect(code).toContain('load_images("validation")');
        });

        it('never downloads or reads the evaluation images', () => {
          const dataset = datasets[evaluation.dataset];
          if (dataset.kind !== 'image-folder') throw new Error(`${evaluation.dataset} is not an image folder`);
          expect(code).not.toContain(dataset.zip.url);
          expect(code).not.toContain(dataset.extractedFolder);
        });
      });
    }

    if (evaluation.kind === 'mnist') {
      describe(problem.id, () => {
        it('trains on the training digits, validates on a slice of them, and never loads the test digits', () => {
          expect(code).toContain('train-images-idx3-ubyte.gz');
          expect(code).toMatch(/model\.fit\(x_train, y_train, .*validation_split=/);
          expect(code).not.toContain('t10k');
        });
      });
    }
  }
});
