// Real Keras files people trained for exam practice, graded end to end on their problems:
// import -> compatibility check -> evaluation set -> evaluate -> points. The points and metric
// values asserted here were measured with the wasm backend (see SOURCES.txt for each file).
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireProblem } from '../../problems/index.ts';
import { loadEvaluationSet } from '../../src/datasets/evaluation-sets.ts';
import { checkCompatibility } from '../../src/grading/compatibility.ts';
import { ModelRejectedError } from '../../src/grading/errors.ts';
import { evaluate, type EvaluationOutcome } from '../../src/grading/evaluate.ts';
import { importModel } from '../../src/grading/model-import/index.ts';
import { loadTf, type Tf } from '../../src/grading/tf-backend.ts';
import { testDataPath } from '../support/test-data/locate.ts';

const fixtures = testDataPath('fixtures', 'models');

let tf: Tf;
let dataDir: string;

beforeAll(async () => {
  ({ tf } = await loadTf());
  dataDir = await mkdtemp(path.join(tmpdir(), 'tfsb-fixtures-grade-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function grade(file: string, problemId: string): Promise<EvaluationOutcome> {
  const problem = requireProblem(problemId);
  const imported = await importModel([{ name: file, bytes: new Uint8Array(readFileSync(path.join(fixtures, file))) }], { tf });
  try {
    const adaptation = checkCompatibility(problem, imported);
    const evaluationSet = await loadEvaluationSet(problem, { dataDir, mirror: testDataPath('datasets') });
    const tensorsBefore = tf.memory().numTensors;
    const outcome = await evaluate(problem, imported.model, { tf, evaluationSet, adaptation });
    // A grader process lives long: evaluation leaves no tensor behind.
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    return outcome;
  } finally {
    imported.model.dispose();
  }
}

describe('real fixtures graded on their problems', () => {
  it('01 (Dense, Y = X + 9) on linear-a: 5 points, MSE about 8.2e-5', async () => {
    const outcome = await grade('01_dense_regression_A1_k2.5.h5', 'linear-a');
    expect(outcome.points).toBe(5);
    expect(outcome.value).toBeCloseTo(8.24e-5, 6);
  });

  it('02 (Normalization + Dense, Y = 2X + 3) on linear-b: 5 points, MSE about 9.6e-4', async () => {
    const outcome = await grade('02_dense_normalization_B1_k2.9.h5', 'linear-b');
    expect(outcome.points).toBe(5);
    expect(outcome.value).toBeCloseTo(9.61e-4, 5);
  });

  it('03 (MNIST CNN, batch size pinned to 32) on mnist: 5 points, accuracy about 98.9%', async () => {
    const outcome = await grade('03_mnist_cnn_C2_fixedbatch32_k2.8.h5', 'mnist');
    expect(outcome.points).toBe(5);
    expect(outcome.value).toBeCloseTo(0.9888, 3);
    expect(outcome.adaptationNotes.join(' ')).toMatch(/batch size to 32/);
    if (outcome.details.kind !== 'classification') throw new Error('expected classification details');
    expect(outcome.details.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(10000);
  });

  it('06 (horse-or-human CNN, sigmoid) on horse-or-human: 5 points, accuracy about 86.3%', async () => {
    const outcome = await grade('06_horse_human_cnn_150x150_A2_k2.7.h5', 'horse-or-human');
    expect(outcome.points).toBe(5);
    expect(outcome.value).toBeCloseTo(0.8633, 2);
    if (outcome.details.kind !== 'classification') throw new Error('expected classification details');
    expect(outcome.details.decisionRule).toMatch(/> 0.5/);
    expect(outcome.details.perClass.map((c) => c.total)).toEqual([128, 128]);
  });

  it('09 (BBC Embedding + Conv1D + LSTM, 6 units) on bbc-news: 5 points, accuracy about 92.4%', async () => {
    const outcome = await grade('09_bbc_emb_conv1d_lstm_B4_k2.13.h5', 'bbc-news');
    expect(outcome.points).toBe(5);
    expect(outcome.value).toBeCloseTo(0.9236, 2);
    expect(outcome.sampleCount).toBe(445);
  });

  it('10 (sunspots causal Conv1D + LSTM, sequence output) on sunspots: 4 points, MAE about 0.0405, no better than the naive forecast', async () => {
    const outcome = await grade('10_sunspots_causalconv1d_lstm_A5_k2.8.h5', 'sunspots');
    expect(outcome.points).toBe(4);
    expect(outcome.baselines[0]).toMatchObject({ id: 'naive', points: 4 });
    expect(outcome.value / outcome.baselines[0].value).toBeGreaterThan(0.95);
    expect(outcome.value).toBeCloseTo(0.0405, 3);
    expect(outcome.sampleCount).toBe(3235 - 3000);
    expect(outcome.adaptationNotes.join(' ')).toMatch(/last step/);
  });

  it('12 (max temperatures Dense per step, float64 input) on daily-max-temperatures: 4 points, MAE about 0.0674, 4% better than the naive forecast', async () => {
    const outcome = await grade('12_maxtemp_dense_float64_B5_k2.9.h5', 'daily-max-temperatures');
    expect(outcome.points).toBe(4);
    expect(outcome.value).toBeCloseTo(0.0674, 3);
    expect(outcome.sampleCount).toBe(3650 - 2500);
  });

  it('04 (a Fashion-MNIST model) on mnist: accepted shapes, but 0 points', async () => {
    const outcome = await grade('04_fashion_mnist_cnn_B2_k2.9.h5', 'mnist');
    expect(outcome.points).toBe(0);
    expect(outcome.value).toBeLessThan(0.2);
  });

  it('13 (MNIST on flattened 784 inputs) on mnist: refused with the shape message', async () => {
    const error = await grade('13_mnist_dense_keras3.8_legacy.h5', 'mnist').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelRejectedError);
    expect((error as ModelRejectedError).code).toBe('wrong-input-shape');
    expect((error as ModelRejectedError).memberMessage).toContain('Your model takes (None, 784); this problem feeds (None, 28, 28, 1)');
  });
});
