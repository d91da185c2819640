// The baseline models of a problem built in code as tfjs Layers models with set weights, saved as
// TF.js files: the constant model (the training mean, or the most frequent class) and, for time
// series, the naive forecast (the last value of the window). Graded like any upload, they show that
// the points a problem gives them are the points its table promises.
import { zipSync } from 'fflate';
import type { EvaluationSet } from '../../src/datasets/evaluation-sets.ts';
import type { ProblemBaselines, ProblemDefinition } from '../../src/grading/problem-types.ts';
import { savedTfjsModel } from './bad-input-corpus.ts';

export interface BaselineModel {
  id: keyof ProblemBaselines;
  /** model.json and its weights, as a member uploads them next to each other. */
  files: { name: string; bytes: Uint8Array }[];
  /** The same files in one zip, as one Discord attachment. */
  zip: Uint8Array;
}

function mean(values: ArrayLike<number>, end = values.length): number {
  let sum = 0;
  for (let i = 0; i < end; i++) sum += values[i];
  return sum / end;
}

async function saved(id: keyof ProblemBaselines, build: Parameters<typeof savedTfjsModel>[0]): Promise<BaselineModel> {
  const { modelJson, shard } = await savedTfjsModel(build);
  return {
    id,
    files: [
      { name: 'model.json', bytes: modelJson },
      { name: 'group1-shard1of1.bin', bytes: shard },
    ],
    zip: zipSync({ 'model.json': modelJson, 'group1-shard1of1.bin': shard }),
  };
}

export async function baselineModels(problem: ProblemDefinition, set: EvaluationSet): Promise<BaselineModel[]> {
  switch (set.kind) {
    case 'time-series': {
      const window = set.windowSize;
      const trainingMean = mean(set.series, set.splitTime);
      const onWindow = (id: keyof ProblemBaselines, kernel: number[], bias: number) =>
        saved(id, (tf) => {
          const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [window, 1] }), tf.layers.dense({ units: 1 })] });
          model.setWeights([tf.tensor2d(kernel, [window, 1]), tf.tensor1d([bias])]);
          return model;
        });
      const last = Array.from({ length: window }, (_, i) => (i === window - 1 ? 1 : 0));
      return [await onWindow('constant', new Array<number>(window).fill(0), trainingMean), await onWindow('naive', last, 0)];
    }
    case 'regression': {
      const evaluation = problem.evaluation;
      if (evaluation.kind !== 'linear') throw new Error(`a regression set from ${evaluation.kind}`);
      const trainingMean = mean(evaluation.trainingXs.map((x) => evaluation.slope * x + evaluation.intercept));
      return [
        await saved('constant', (tf) => {
          const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
          model.setWeights([tf.tensor2d([[0]]), tf.tensor1d([trainingMean])]);
          return model;
        }),
      ];
    }
    case 'classification': {
      const counts = new Array<number>(set.classNames.length).fill(0);
      for (const label of set.labels) counts[label]++;
      const majority = counts.indexOf(Math.max(...counts));
      const units = problem.output.units.includes(set.classNames.length) ? set.classNames.length : problem.output.units.find((u) => u > 1)!;
      const inputs = set.sampleShape.reduce((a, b) => a * b, 1);
      return [
        await saved('constant', (tf) => {
          const flat = problem.input.shape.length === 1;
          const model = tf.sequential({
            layers: flat
              ? [tf.layers.dense({ units, activation: 'softmax', inputShape: problem.input.shape })]
              : [tf.layers.flatten({ inputShape: problem.input.shape }), tf.layers.dense({ units, activation: 'softmax' })],
          });
          const bias = Array.from({ length: units }, (_, unit) => (unit === majority ? 10 : 0));
          model.setWeights([tf.zeros([inputs, units]), tf.tensor1d(bias)]);
          return model;
        }),
      ];
    }
  }
}
