// The cost estimate behind the compute and memory budgets: on real exam models (well inside both)
// and on models built to exhaust them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelRejectedError } from '../../src/grading/errors.ts';
import { defaultGradingLimits } from '../../src/grading/limits.ts';
import { batchWithinMemory, checkComputeBudget, estimateCost } from '../../src/grading/model-cost.ts';
import { importModel } from '../../src/grading/model-import/index.ts';
import { loadTf, type Tf } from '../../src/grading/tf-backend.ts';
import { testDataPath } from '../support/test-data/locate.ts';

const { maxEvaluationFlops, maxEvaluationValues, maxActivationBytes } = defaultGradingLimits;
const budget = { maxFlops: maxEvaluationFlops, maxValues: maxEvaluationValues };
let tf: Tf;
beforeAll(async () => {
  ({ tf } = await loadTf());
});

async function fixtureCost(name: string, unknownLength: number) {
  const imported = await importModel([{ name, bytes: new Uint8Array(readFileSync(path.join(testDataPath('fixtures', 'models'), name))) }], { tf });
  try {
    return estimateCost(imported.model, unknownLength);
  } finally {
    imported.model.dispose();
  }
}

function refusal(check: () => unknown): ModelRejectedError {
  try {
    check();
  } catch (error) {
    if (error instanceof ModelRejectedError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the evaluation cost of a model', () => {
  it('counts the exam\'s MNIST CNN at a few MFLOP per digit, far inside the budget for 10,000 digits', async () => {
    // Conv2D(32, 3x3) on 28x28x1 (its widest output), pooling, more convolutions, Dense layers.
    const cost = await fixtureCost('03_mnist_cnn_C2_fixedbatch32_k2.8.h5', 28);
    expect(cost.flopsPerSample).toBeGreaterThan(3e6);
    expect(cost.flopsPerSample).toBeLessThan(10e6);
    expect(cost.peakValuesPerSample).toBe(26 * 26 * 32);
    expect(() => checkComputeBudget(cost, 10_000, budget)).not.toThrow();
    expect(cost.flopsPerSample * 10_000 * 10).toBeLessThan(maxEvaluationFlops);
    expect(cost.valuesPerSample * 10_000 * 4).toBeLessThan(maxEvaluationValues);
    expect(batchWithinMemory(cost, maxActivationBytes, 32)).toBeGreaterThanOrEqual(256);
  });

  it('keeps a horse-or-human CNN and an LSTM forecaster inside both budgets', async () => {
    const horses = await fixtureCost('06_horse_human_cnn_150x150_A2_k2.7.h5', 150);
    expect(() => checkComputeBudget(horses, 256, budget)).not.toThrow();
    expect(horses.valuesPerSample * 256 * 4).toBeLessThan(maxEvaluationValues);
    expect(batchWithinMemory(horses, maxActivationBytes, null)).toBeGreaterThanOrEqual(32);
    const sunspots = await fixtureCost('10_sunspots_causalconv1d_lstm_A5_k2.8.h5', 64);
    expect(sunspots.flopsPerSample).toBeGreaterThan(0);
    expect(() => checkComputeBudget(sunspots, 1_000, budget)).not.toThrow();
  });

  it('refuses two Conv2D(512) on MNIST for its compute, naming the estimate and the budget', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 512, kernelSize: 3, activation: 'relu' }),
        tf.layers.conv2d({ filters: 512, kernelSize: 3, activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    try {
      const cost = estimateCost(model, 28);
      // 2 x (3*3*512*512) per position x 24*24 positions, plus the rest.
      expect(cost.flopsPerSample).toBeGreaterThan(2 * 9 * 512 * 512 * 24 * 24);
      const error = refusal(() => checkComputeBudget(cost, 10_000, budget));
      expect(error.code).toBe('too-much-compute');
      expect(error.memberMessage).toMatch(/^Evaluating this model on the 10,000 test samples would take about [\d.,]+ TFLOP \([\d.,]+ GFLOP per sample\); the grader's budget is 2 TFLOP\./);
    } finally {
      model.dispose();
    }
  });

  it('refuses one wide Conv2D on 150x150 images for its activations, shrinks its batches to fit memory, and refuses a layer too wide for one sample', () => {
    const wide = (filters: number) =>
      tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [150, 150, 3], filters, kernelSize: 3 }), tf.layers.globalAveragePooling2d({}), tf.layers.dense({ units: 1 })] });
    const conv1024 = wide(1024);
    try {
      const cost = estimateCost(conv1024, 150);
      expect(cost.peakValuesPerSample).toBe(148 * 148 * 1024);
      // Few FLOPs for its size, but 5.7 billion values written over the 256 images: refused.
      const slow = refusal(() => checkComputeBudget(cost, 256, budget));
      expect(slow.code).toBe('too-much-compute');
      expect(slow.memberMessage).toMatch(/would make its layers output about 5\.7 Gvalues \(22\.4 Mvalues per sample\); the grader's budget is 2 Gvalues/);
      // 512 MiB over 2 x 4 bytes x 22.4M values: two images at a time instead of 32.
      expect(batchWithinMemory(cost, maxActivationBytes, null)).toBe(2);
      const pinned = refusal(() => batchWithinMemory(cost, maxActivationBytes, 32));
      expect(pinned.code).toBe('too-much-memory');
      expect(pinned.memberMessage).toContain('a batch of 32 samples (the batch size the model was saved with)');
    } finally {
      conv1024.dispose();
    }
    const conv8192 = wide(8192);
    try {
      const error = refusal(() => batchWithinMemory(estimateCost(conv8192, 150), maxActivationBytes, null));
      expect(error.code).toBe('too-much-memory');
      expect(error.memberMessage).toMatch(/produces 179\.4 Mvalues per sample, so a single sample needs about 1\.4 GB of memory; the grader allows 536\.9 MB/);
    } finally {
      conv8192.dispose();
    }
  });
});
