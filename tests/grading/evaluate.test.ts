import { beforeAll, describe, expect, it } from 'vitest';
import type { LayersModel } from '@tensorflow/tfjs';
import { requireProblem } from '../../problems/index.ts';
import type { ClassificationSet, TimeSeriesSet } from '../../src/datasets/evaluation-sets.ts';
import { loadEvaluationSet } from '../../src/datasets/evaluation-sets.ts';
import { ModelRejectedError } from '../../src/grading/errors.ts';
import { evaluate, lastLayerActivation, summariseResiduals } from '../../src/grading/evaluate.ts';
import type { ProblemDefinition } from '../../src/grading/problem-types.ts';
import { loadTf, type Tf } from '../../src/grading/tf-backend.ts';

let tf: Tf;

beforeAll(async () => {
  ({ tf } = await loadTf({ prefer: 'cpu' }));
});

/** Dense(1) on one input with the given weight and bias. */
function linearModel(weight: number, bias: number, batchInputShape: (number | null)[] = [null, 1]): LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 1, batchInputShape, kernelInitializer: 'zeros' }));
  model.setWeights([tf.tensor2d([[weight]]), tf.tensor1d([bias])]);
  return model;
}

describe('evaluate: regression (linear problems)', () => {
  it('scores w=1, b=9 5/5 on linear-a with MSE 0 over 11 distinct X', async () => {
    const linearA = requireProblem('linear-a');
    const set = await loadEvaluationSet(linearA, { dataDir: '/nonexistent' });
    const progress: number[] = [];
    const outcome = await evaluate(linearA, linearModel(1, 9), { tf, evaluationSet: set, onProgress: (f) => progress.push(f) });
    expect(outcome.points).toBe(5);
    expect(outcome.value).toBe(0);
    expect(outcome.sampleCount).toBe(11);
    expect(progress.at(-1)).toBe(1);
    expect(outcome.details.kind).toBe('regression');
    if (outcome.details.kind === 'regression') {
      expect(outcome.details.points.find((p) => p.x === 10)).toEqual({ x: 10, expected: 19, predicted: 19 });
      expect(outcome.details.residuals.maxAbs).toBe(0);
    }
  });

  it('takes a point per factor of 10 of MSE', async () => {
    const linearA = requireProblem('linear-a');
    const set = await loadEvaluationSet(linearA, { dataDir: '/nonexistent' });
    // Every prediction 0.05 too high: MSE 0.0025, within 100x of 1e-4 -> 3 points.
    const outcome = await evaluate(linearA, linearModel(1, 9.05), { tf, evaluationSet: set });
    expect(outcome.value).toBeCloseTo(0.0025, 6);
    expect(outcome.points).toBe(3);
    expect(outcome.hint).toContain('for 4 points');
  });

  it('scores a constant output low', async () => {
    const linearB = requireProblem('linear-b');
    const set = await loadEvaluationSet(linearB, { dataDir: '/nonexistent' });
    const outcome = await evaluate(linearB, linearModel(0, 10), { tf, evaluationSet: set });
    // Y = 2X + 3 over X = 1..7, -2, 10 against a constant 10: squared errors sum to 409.
    expect(outcome.value).toBeCloseTo(409 / 9, 4);
    expect(outcome.points).toBe(0);
  });

  it('gives 0 points and a message when the model outputs NaN', async () => {
    const linearC = requireProblem('linear-c');
    const set = await loadEvaluationSet(linearC, { dataDir: '/nonexistent' });
    const outcome = await evaluate(linearC, linearModel(Number.NaN, 1), { tf, evaluationSet: set });
    expect(outcome.points).toBe(0);
    expect(Number.isNaN(outcome.value)).toBe(true);
    expect(outcome.message).toMatch(/NaN or infinite outputs for 9 of 9 inputs/);
    expect(outcome.details).toEqual({ kind: 'non-finite', nonFiniteCount: 9, firstNonFiniteIndex: 0 });
  });

  it('disposes every tensor it creates', async () => {
    const linearA = requireProblem('linear-a');
    const set = await loadEvaluationSet(linearA, { dataDir: '/nonexistent' });
    const model = linearModel(1, 9, [4, 1]);
    const classifier = brightnessModel(4, -2, 'sigmoid');
    const before = tf.memory().numTensors;
    await evaluate(linearA, model, { tf, evaluationSet: set, batchSize: 3 });
    await evaluate(tinyImageProblem, classifier, { tf, evaluationSet: brightDarkSet(10), batchSize: 3 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('feeds a pinned batch size in padded chunks of that size', async () => {
    const linearA = requireProblem('linear-a');
    const set = await loadEvaluationSet(linearA, { dataDir: '/nonexistent' });
    const outcome = await evaluate(linearA, linearModel(1, 9, [4, 1]), { tf, evaluationSet: set });
    expect(outcome.points).toBe(5);
    expect(outcome.sampleCount).toBe(11);
    expect(outcome.adaptationNotes.join(' ')).toMatch(/batch size to 4/);
  });

  it('refuses a model whose input does not fit before running it', async () => {
    const linearA = requireProblem('linear-a');
    const set = await loadEvaluationSet(linearA, { dataDir: '/nonexistent' });
    const wide = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] });
    await expect(evaluate(linearA, wide, { tf, evaluationSet: set })).rejects.toThrow(ModelRejectedError);
    await expect(evaluate(linearA, wide, { tf, evaluationSet: set })).rejects.toThrow('Your model takes (None, 3); this problem feeds (None, 1)');
  });
});

/** A two-class image-like set: class 1 samples are bright (all 255), class 0 dark (all 0). */
function brightDarkSet(count: number): ClassificationSet {
  const sampleShape = [2, 2, 3];
  const size = 12;
  const inputs = new Uint8Array(count * size);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 2;
    inputs.fill(labels[i] ? 255 : 0, i * size, (i + 1) * size);
  }
  return { kind: 'classification', count, sampleShape, inputs, inputDivisor: 255, labels, classNames: ['horses', 'humans'], info: {} };
}

const tinyImageProblem: ProblemDefinition = {
  ...requireProblem('horse-or-human'),
  id: 'tiny-images',
  input: { shape: [2, 2, 3], description: 'RGB images', values: 'float' },
};

/** Mean pixel through a Dense(1): bright images give w + b, dark ones b. */
function brightnessModel(weight: number, bias: number, activation: 'sigmoid' | 'linear', units = 1): LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.globalAveragePooling2d({ inputShape: [2, 2, 3] }));
  model.add(tf.layers.dense({ units, activation, kernelInitializer: 'zeros' }));
  const w = weight / 3;
  const kernel = units === 1 ? [[w], [w], [w]] : [[-w, w], [-w, w], [-w, w]];
  model.setWeights([tf.tensor2d(kernel), tf.tensor1d(new Array(units).fill(bias))]);
  return model;
}

describe('evaluate: classification', () => {
  it('reads one sigmoid unit as > 0.5 and reports per-class accuracy and the confusion matrix', async () => {
    const model = brightnessModel(4, -2, 'sigmoid');
    expect(lastLayerActivation(model)).toBe('sigmoid');
    const outcome = await evaluate(tinyImageProblem, model, { tf, evaluationSet: brightDarkSet(10) });
    expect(outcome.value).toBe(1);
    expect(outcome.points).toBe(5);
    if (outcome.details.kind !== 'classification') throw new Error('expected classification details');
    expect(outcome.details.confusionMatrix).toEqual([
      [5, 0],
      [0, 5],
    ]);
    expect(outcome.details.decisionRule).toMatch(/> 0.5/);
  });

  it('reads one linear unit as a logit (> 0), where a 0.5 cut would fail', async () => {
    // Outputs: dark -0.2, bright 0.3 -> all correct with > 0, all "horses" with > 0.5.
    const model = brightnessModel(0.5, -0.2, 'linear');
    const outcome = await evaluate(tinyImageProblem, model, { tf, evaluationSet: brightDarkSet(10) });
    expect(outcome.value).toBe(1);
    const forcedSigmoid = await evaluate(tinyImageProblem, model, { tf, evaluationSet: brightDarkSet(10), lastActivation: 'sigmoid' });
    expect(forcedSigmoid.value).toBe(0.5);
    expect(forcedSigmoid.points).toBe(0);
    expect(forcedSigmoid.hint).toContain('Weakest class: humans (0.0% right).');
    if (forcedSigmoid.details.kind !== 'classification') throw new Error('expected classification details');
    expect(forcedSigmoid.details.perClass).toEqual([
      { name: 'horses', total: 5, correct: 5, accuracy: 1 },
      { name: 'humans', total: 5, correct: 0, accuracy: 0 },
    ]);
  });

  it('reads two units by argmax; a constant model scores low', async () => {
    const outcome = await evaluate(tinyImageProblem, brightnessModel(1, 0, 'linear', 2), { tf, evaluationSet: brightDarkSet(8) });
    expect(outcome.value).toBe(1);
    const constant = await evaluate(tinyImageProblem, brightnessModel(0, 0.3, 'linear', 2), { tf, evaluationSet: brightDarkSet(8) });
    expect(constant.value).toBe(0.5);
    expect(constant.points).toBe(0);
  });

  it('maps 6 units to classes index - 1 and counts unit 0 as no class', async () => {
    const bbc = requireProblem('bbc-news');
    const count = 5;
    const set: ClassificationSet = {
      kind: 'classification',
      count,
      sampleShape: [120],
      inputs: new Int32Array(count * 120).map((_, i) => (i % 120 === 0 ? Math.floor(i / 120) + 1 : 0)),
      inputDivisor: 1,
      labels: Int32Array.from([0, 1, 2, 3, 4]),
      classNames: ['sport', 'business', 'politics', 'tech', 'entertainment'],
      info: {},
    };
    // First token k (1..5) -> one-hot at unit k via a Dense on the first position only.
    const kernel = Array.from({ length: 120 }, () => new Array<number>(6).fill(0));
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 6, inputShape: [120], kernelInitializer: 'zeros' })] });
    // unit u scores -(k - u)^2 = -k^2 + 2uk - u^2: a kernel of 2u on the first token and a bias of -u^2.
    kernel[0] = Array.from({ length: 6 }, (_, unit) => 2 * unit);
    model.setWeights([tf.tensor2d(kernel), tf.tensor1d(Array.from({ length: 6 }, (_, unit) => -unit * unit))]);
    const outcome = await evaluate(bbc, model, { tf, evaluationSet: set });
    expect(outcome.value).toBe(1);
    if (outcome.details.kind !== 'classification') throw new Error('expected classification details');
    expect(outcome.details.decisionRule).toMatch(/class k - 1/);

    // Every sample landing on unit 0 -> no class at all.
    model.setWeights([tf.zeros([120, 6]), tf.tensor1d([1, 0, 0, 0, 0, 0])]);
    const unassigned = await evaluate(bbc, model, { tf, evaluationSet: set });
    expect(unassigned.value).toBe(0);
    if (unassigned.details.kind !== 'classification') throw new Error('expected classification details');
    expect(unassigned.details.unassignedPredictions).toBe(5);
  });
});

describe('evaluate: time series', () => {
  const sunspots = requireProblem('sunspots');
  // A ramp: the next value is the last one plus 0.001.
  const series = Float64Array.from({ length: 3100 }, (_, i) => i / 3100);
  const set: TimeSeriesSet = { kind: 'time-series', series, splitTime: 3000, windowSize: 30, min: 0, max: 3100 };

  function lastValueModel(sequence: boolean): LayersModel {
    // Dense(1) per time step copying the value: (b, 30, 1) -> (b, 30, 1); Flatten+Dense picks the last.
    if (sequence) {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [null, 1] as unknown as number[], kernelInitializer: 'zeros' })] });
      model.setWeights([tf.tensor2d([[1]]), tf.tensor1d([0])]);
      return model;
    }
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [30, 1] }), tf.layers.dense({ units: 1, kernelInitializer: 'zeros' })] });
    const kernel = new Array(30).fill(0).map((_, i) => [i === 29 ? 1 : 0]);
    model.setWeights([tf.tensor2d(kernel), tf.tensor1d([0])]);
    return model;
  }

  it('feeds series[t-30:t] and compares with series[t] (MAE of a last-value model = one step)', async () => {
    const outcome = await evaluate(sunspots, lastValueModel(false), { tf, evaluationSet: set });
    expect(outcome.sampleCount).toBe(100);
    expect(outcome.value).toBeCloseTo(1 / 3100, 6);
    expect(outcome.points).toBe(5);
    if (outcome.details.kind !== 'time-series') throw new Error('expected time-series details');
    expect(outcome.details.chart.actual).toHaveLength(100);
    expect(outcome.details.chart.forecast[0]).toBeCloseTo(2999 / 3100, 6);
  });

  it('uses the last step of a (batch, time, 1) output', async () => {
    const outcome = await evaluate(sunspots, lastValueModel(true), { tf, evaluationSet: set });
    expect(outcome.adaptationNotes.join(' ')).toMatch(/last step/);
    expect(outcome.value).toBeCloseTo(1 / 3100, 6);
  });

  it('scores a constant forecast by the formula', async () => {
    const model = lastValueModel(false);
    model.setWeights([tf.zeros([30, 1]), tf.tensor1d([0.7])]);
    const outcome = await evaluate(sunspots, model, { tf, evaluationSet: set });
    // actual values 3000/3100 .. 3099/3100, mean about 0.9837: MAE about 0.2837 -> 0 points.
    expect(outcome.value).toBeCloseTo(0.98371 - 0.7, 3);
    expect(outcome.points).toBe(0);
  });
});

describe('summariseResiduals', () => {
  it('computes mean, abs mean, rmse, max and percentiles of |residual|', () => {
    const summary = summariseResiduals([1, 2, 3, 4, 15], [1, 1, 1, 1, 1]);
    expect(summary).toMatchObject({ count: 5, mean: 4, meanAbs: 4, maxAbs: 14, p50Abs: 2 });
    expect(summary.rmse).toBeCloseTo(Math.sqrt((0 + 1 + 4 + 9 + 196) / 5), 10);
    expect(summary.p90Abs).toBeCloseTo(3 + (14 - 3) * 0.6, 10);
  });
});
