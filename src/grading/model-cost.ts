// What evaluating a model will cost, estimated from its layers' shapes before it runs: the work
// (floating point operations per sample) and the widest activation (values per sample). The grader
// refuses a model whose evaluation would exceed the compute budget, and sizes its batches so the
// activations of one batch fit the memory budget: a 132 KB file with one Conv2D(1024) on 150x150
// images would otherwise ask for gigabytes, and two Conv2D(512) on MNIST would hold a worker for
// minutes. WebAssembly memory never shrinks, so this is decided before the first batch.
import type { LayersModel } from '@tensorflow/tfjs';
import { ModelRejectedError } from './errors.ts';

type Layer = LayersModel['layers'][number];
type Shape = Array<number | null>;

export type ModelCost = {
  /** Multiply-adds count twice, as is usual; elementwise layers once per output value. */
  flopsPerSample: number;
  /** The most values one layer outputs (or takes in) for one sample. */
  peakValuesPerSample: number;
  /**
   * Values all layers output for one sample: the memory traffic, which bounds the time as much as
   * the arithmetic (a single wide convolution on full-size images has few FLOPs per value written).
   */
  valuesPerSample: number;
};

const RECURRENT = new Set(['LSTM', 'GRU', 'SimpleRNN', 'Bidirectional', 'ConvLSTM2D']);

function firstShape(shape: Shape | Shape[] | undefined): Shape | undefined {
  if (!shape) return undefined;
  return Array.isArray(shape[0]) ? (shape[0] as Shape) : (shape as Shape);
}

function shapeOf(read: () => Shape | Shape[]): Shape | undefined {
  try {
    return firstShape(read());
  } catch {
    // A layer used in several places has no single shape: its first use stands for the rest.
    return undefined;
  }
}

function leafLayers(layers: readonly Layer[]): Layer[] {
  return layers.flatMap((layer) => {
    const inner = (layer as unknown as { layers?: Layer[] }).layers;
    return Array.isArray(inner) ? leafLayers(inner) : [layer];
  });
}

function count(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

/**
 * Estimates the cost of one sample. `unknownLength` stands for dimensions the model leaves open
 * (None), such as the time steps of a sequence model: the longest dimension of the data fed.
 */
export function estimateCost(model: LayersModel, unknownLength: number): ModelCost {
  const valuesPerSample = (shape: Shape | undefined) => (shape ? shape.slice(1).reduce<number>((n, d) => n * (d ?? unknownLength), 1) : 0);
  let flops = 0;
  let peak = 0;
  let values = 0;
  for (const layer of leafLayers(model.layers)) {
    const output = shapeOf(() => layer.outputShape as Shape | Shape[]);
    const input = shapeOf(() => {
      const symbolic = layer.input;
      return (Array.isArray(symbolic) ? symbolic[0] : symbolic).shape as Shape;
    });
    const outputValues = valuesPerSample(output);
    peak = Math.max(peak, outputValues, valuesPerSample(input));
    values += outputValues;
    const weights = layer.weights.map((w) => ({ name: w.originalName ?? w.name, size: count(w.shape as number[]) }));
    if (RECURRENT.has(layer.getClassName())) {
      // Every weight is used once per time step.
      const steps = input?.[1] ?? unknownLength;
      flops += 2 * weights.reduce((n, w) => n + w.size, 0) * steps;
      continue;
    }
    const kernels = weights.filter((w) => /kernel/.test(w.name));
    const channels = output?.[output.length - 1] ?? 1;
    if (kernels.length > 0 && channels) {
      // A kernel is applied once per output position (the output without its channels): Dense,
      // Conv1D/2D/3D, depthwise and separable convolutions alike.
      flops += 2 * kernels.reduce((n, w) => n + w.size, 0) * (outputValues / channels);
    } else {
      flops += outputValues;
    }
  }
  return { flopsPerSample: flops, peakValuesPerSample: peak, valuesPerSample: values };
}

function formatCount(value: number, unit: string): string {
  const steps: Array<[number, string]> = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  const [scale, prefix] = steps.find(([s]) => value >= s) ?? [1, ''];
  return `${(value / scale).toLocaleString('en-US', { maximumFractionDigits: 1 })} ${prefix}${unit}`;
}

export type ComputeBudget = { maxFlops: number; maxValues: number };

/**
 * Refuses a model whose evaluation of `samples` samples needs more arithmetic (`maxFlops`) or
 * writes more activation values (`maxValues`) than the budget.
 */
export function checkComputeBudget(cost: ModelCost, samples: number, budget: ComputeBudget): void {
  const advice = 'Exam models need a small fraction of that: use fewer or narrower layers (fewer filters and units), and pooling to shrink the images early.';
  const flops = cost.flopsPerSample * samples;
  if (flops > budget.maxFlops) {
    throw new ModelRejectedError(
      'too-much-compute',
      `Evaluating this model on the ${samples.toLocaleString('en-US')} test samples would take about ${formatCount(flops, 'FLOP')} ` +
        `(${formatCount(cost.flopsPerSample, 'FLOP')} per sample); the grader's budget is ${formatCount(budget.maxFlops, 'FLOP')}. ${advice}`,
    );
  }
  const values = cost.valuesPerSample * samples;
  if (values > budget.maxValues) {
    throw new ModelRejectedError(
      'too-much-compute',
      `Evaluating this model on the ${samples.toLocaleString('en-US')} test samples would make its layers output about ${formatCount(values, 'values')} ` +
        `(${formatCount(cost.valuesPerSample, 'values')} per sample); the grader's budget is ${formatCount(budget.maxValues, 'values')}. ${advice}`,
    );
  }
}

/**
 * The largest batch whose activations fit `maxBytes` (float32: input and output of the widest
 * layer at once). A model that cannot fit one sample, or the batch size it pins, is refused.
 */
export function batchWithinMemory(cost: ModelCost, maxBytes: number, pinnedBatchSize: number | null): number {
  const bytesPerSample = 2 * 4 * cost.peakValuesPerSample;
  const fitting = Math.floor(maxBytes / Math.max(1, bytesPerSample));
  const needed = pinnedBatchSize ?? 1;
  if (fitting < needed) {
    const what = pinnedBatchSize ? `a batch of ${pinnedBatchSize} samples (the batch size the model was saved with)` : 'a single sample';
    throw new ModelRejectedError(
      'too-much-memory',
      `One layer of this model produces ${formatCount(cost.peakValuesPerSample, 'values')} per sample, so ${what} needs about ${formatCount(bytesPerSample * needed, 'B')} of memory; ` +
        `the grader allows ${formatCount(maxBytes, 'B')}. Use fewer filters on the full-size image, or shrink it first with pooling or strides.`,
    );
  }
  return fitting;
}
