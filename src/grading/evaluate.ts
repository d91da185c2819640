// Runs a model over a problem's evaluation set and scores it. tfjs is passed in (never imported
// here at run time) and every tensor is disposed: a grader process lives long.
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import type { EvaluationSet } from '../datasets/evaluation-sets.ts';
import { checkCompatibility, type InputAdaptation } from './compatibility.ts';
import { ModelRejectedError } from './errors.ts';
import type { MetricKind, ProblemDefinition } from './problem-types.ts';
import { baselineScores, type BaselineScore } from './baselines.ts';
import { hintFor, MAX_POINTS, metricNames, pointsFor, thresholdTable, type ThresholdRow, type ThresholdTable } from './scoring.ts';
import type { Tf } from './tf-backend.ts';

export interface EvaluateOptions {
  tf: Tf;
  evaluationSet: EvaluationSet;
  /** From checkCompatibility; computed from the model's own shapes when left out. */
  adaptation?: InputAdaptation;
  /** Samples per predict call (a pinned batch size wins). */
  batchSize?: number;
  /** At most this many samples per predict call, so one batch's activations fit in memory. */
  maxBatchSize?: number;
  /**
   * Activation of a single-unit classifier's last layer: 'sigmoid' means > 0.5 is the positive
   * class, anything linear means > 0 (a logit). Read from the model when left out.
   */
  lastActivation?: string;
  onProgress?: (fraction: number) => void;
}

export interface ResidualSummary {
  count: number;
  /** Mean of predicted - actual. */
  mean: number;
  meanAbs: number;
  rmse: number;
  maxAbs: number;
  /** Percentiles of |predicted - actual|. */
  p50Abs: number;
  p90Abs: number;
  p99Abs: number;
}

export interface ClassificationDetails {
  kind: 'classification';
  classNames: string[];
  perClass: { name: string; total: number; correct: number; accuracy: number }[];
  /** confusionMatrix[actual][predicted]. */
  confusionMatrix: number[][];
  /** Predictions that name no class (the unused index 0 of a 6-unit BBC model). */
  unassignedPredictions: number;
  /** How a single-unit output was read, e.g. "humans when > 0.5 (sigmoid)". */
  decisionRule: string;
}

interface RegressionDetails {
  kind: 'regression';
  residuals: ResidualSummary;
  /** For a chart of predictions against the line. */
  points: { x: number; expected: number; predicted: number }[];
}

interface TimeSeriesDetails {
  kind: 'time-series';
  residuals: ResidualSummary;
  /** Forecast vs actual from index `start` of the normalised series (the split time). */
  chart: { start: number; actual: number[]; forecast: number[] };
}

export interface NonFiniteDetails {
  kind: 'non-finite';
  nonFiniteCount: number;
  firstNonFiniteIndex: number;
}

type EvaluationDetails = ClassificationDetails | RegressionDetails | TimeSeriesDetails | NonFiniteDetails;

export interface EvaluationOutcome {
  metric: MetricKind;
  metricName: string;
  /** NaN when the model produced non-finite outputs. */
  value: number;
  points: number;
  maxPoints: number;
  /** The problem's threshold table: the value needed for each of 5..1 points. */
  thresholds: ThresholdRow[];
  /** What models that learned nothing score, strongest first. */
  baselines: BaselineScore[];
  sampleCount: number;
  hint: string;
  /** Set when something the member should know happened (non-finite outputs, an image model that rescales pixels twice). */
  message?: string;
  adaptationNotes: string[];
  details: EvaluationDetails;
}

const DEFAULT_BATCH: Record<EvaluationSet['kind'], number> = { regression: 1024, classification: 256, 'time-series': 256 };
/** Upper bound on input values per predict call (32 images of 150x150x3). */
const MAX_BATCH_INPUT_VALUES = 32 * 150 * 150 * 3;

/**
 * Points and the hint toward the next point for a metric value: the one scoring step of a fresh
 * grade, of shards merged into one result and of a stored result rescored. With the per-class
 * figures of a classification, the hint also names the class that fails most.
 */
export function scoreValue(
  table: ThresholdTable,
  value: number,
  sampleCount: number,
  perClass?: ClassificationDetails['perClass'],
): { points: number; hint: string } {
  const points = pointsFor(table, value);
  let hint = hintFor(table, value, points, perClass ? sampleCount : undefined);
  if (perClass && Number.isFinite(value) && points < MAX_POINTS && perClass.length > 0) {
    const weakest = perClass.reduce((worst, c) => (c.accuracy < worst.accuracy ? c : worst));
    hint += ` Weakest class: ${weakest.name} (${(weakest.accuracy * 100).toFixed(1)}% right).`;
  }
  return { points, hint };
}

export function nonFiniteMessage(count: number, total: number, firstIndex: number): string {
  return `Your model produced NaN or infinite outputs for ${count} of ${total} inputs (first at input ${firstIndex}), so it scores 0.`;
}

function modelShapes(model: LayersModel): { inputShape: (number | null)[]; outputShape: (number | null)[]; inputDtype: string } {
  if (model.inputs.length !== 1) {
    throw new ModelRejectedError('wrong-input-shape', `Your model has ${model.inputs.length} inputs; this problem feeds exactly one.`);
  }
  if (model.outputs.length !== 1) {
    throw new ModelRejectedError('wrong-output-units', `Your model has ${model.outputs.length} outputs; this problem reads exactly one.`);
  }
  return {
    inputShape: model.inputs[0].shape.map((dim) => dim ?? null),
    outputShape: model.outputs[0].shape.map((dim) => dim ?? null),
    inputDtype: model.inputs[0].dtype,
  };
}

/** Activation of the layer that produces the output, looking inside nested models. */
export function lastLayerActivation(model: LayersModel): string | undefined {
  let layer: unknown = model.layers.at(-1);
  for (let depth = 0; depth < 10 && layer; depth++) {
    const nested = (layer as { layers?: unknown[] }).layers;
    if (Array.isArray(nested) && nested.length > 0) {
      layer = nested.at(-1);
      continue;
    }
    const config = (layer as { getConfig?: () => Record<string, unknown> }).getConfig?.();
    const activation = config?.activation;
    return typeof activation === 'string' ? activation : undefined;
  }
  return undefined;
}

/**
 * The Rescaling layer the model applies to its input before anything else (looking inside a
 * nested Sequential such as a preprocessing block), or undefined.
 */
export function inputRescaling(model: LayersModel): { scale: number; offset: number } | undefined {
  let layers: unknown[] = model.layers;
  for (let depth = 0; depth < 10; depth++) {
    const first = layers.find((layer) => (layer as { getClassName?: () => string }).getClassName?.() !== 'InputLayer');
    if (!first) return undefined;
    const nested = (first as { layers?: unknown[] }).layers;
    if (Array.isArray(nested) && nested.length > 0) {
      layers = nested;
      continue;
    }
    if ((first as { getClassName?: () => string }).getClassName?.() !== 'Rescaling') return undefined;
    const { scale, offset } = (first as { getConfig: () => Record<string, unknown> }).getConfig();
    return typeof scale === 'number' ? { scale, offset: typeof offset === 'number' ? offset : 0 } : undefined;
  }
  return undefined;
}

/** An accuracy within 0.1 of always answering the most frequent class: about as well as a constant. */
export function nearConstant(problem: Pick<ProblemDefinition, 'baselines'>, accuracy: number): boolean {
  return accuracy < problem.baselines.constant.value + 0.1;
}

const short = (value: number) => Number(value.toPrecision(3));

/**
 * Said when a model that divides its input by about 255 itself scores about as well as always
 * answering one class: the grader already feeds pixels divided by 255, so the model sees values
 * near 0 (or near its offset).
 */
export function rescaledTwiceMessage({ scale, offset }: { scale: number; offset: number }): string {
  const layer = offset === 0 ? `Rescaling(${short(scale)})` : `Rescaling(${short(scale)}, offset=${short(offset)})`;
  const change =
    offset === 0
      ? 'The layers after Rescaling already expect 0-1 values: save the model without that layer ' +
        '(e.g. tf.keras.Sequential(model.layers[1:]) for a Sequential model) and upload it again, ' +
        'or scale the images in the data pipeline instead of inside the model.'
      : `Replace it with Rescaling(${short(scale * 255)}, offset=${short(offset)}), which maps the grader's 0-1 pixels to the range ` +
        'your later layers were trained on, save the model and upload it again; no training is needed.';
  return (
    `Your model begins with ${layer}, but the grader already feeds pixels divided by 255 (0 to 1), ` +
    `so your model sees almost constant values and answers about as well as a constant. ${change}`
  );
}

/** Number of samples and a filler writing sample i (already divided, as float) into a batch buffer. */
interface FeedPlan {
  count: number;
  sampleSize: number;
  write(sampleIndex: number, target: Float32Array | Int32Array, offset: number): void;
}

/** How many samples the set feeds the model. */
export function sampleCount(set: EvaluationSet): number {
  return feedPlan(set).count;
}

function feedPlan(set: EvaluationSet): FeedPlan {
  switch (set.kind) {
    case 'regression':
      return { count: set.xs.length, sampleSize: 1, write: (i, target, offset) => void (target[offset] = set.xs[i]) };
    case 'classification': {
      const sampleSize = set.sampleShape.reduce((a, b) => a * b, 1);
      const { inputs, inputDivisor } = set;
      return {
        count: set.count,
        sampleSize,
        write(i, target, offset) {
          const start = i * sampleSize;
          if (inputDivisor === 1) {
            for (let k = 0; k < sampleSize; k++) target[offset + k] = inputs[start + k];
          } else {
            for (let k = 0; k < sampleSize; k++) target[offset + k] = inputs[start + k] / inputDivisor;
          }
        },
      };
    }
    case 'time-series': {
      const { series, splitTime, windowSize } = set;
      return {
        count: series.length - splitTime,
        sampleSize: windowSize,
        write(i, target, offset) {
          const t = splitTime + i;
          for (let k = 0; k < windowSize; k++) target[offset + k] = series[t - windowSize + k];
        },
      };
    }
  }
}

/**
 * Runs model.predict in batches and returns, per sample, the output row (outputUnits values) of the
 * last time step when the output is a sequence.
 */
async function predictAll(model: LayersModel, set: EvaluationSet, adaptation: InputAdaptation, options: EvaluateOptions): Promise<Float32Array> {
  const { tf } = options;
  const plan = feedPlan(set);
  const units = adaptation.outputUnits;
  // Big samples get small batches: 256 horse images would be ~70 MB of input and several hundred
  // MB of first-layer activations in a worker with a memory limit.
  const defaultBatch = Math.max(1, Math.min(DEFAULT_BATCH[set.kind], Math.floor(MAX_BATCH_INPUT_VALUES / plan.sampleSize)));
  const batchSize = adaptation.pinnedBatchSize ?? Math.max(1, Math.min(options.batchSize ?? defaultBatch, options.maxBatchSize ?? Infinity));
  const out = new Float32Array(plan.count * units);
  const sampleElements = adaptation.sampleShape.reduce((a, b) => a * b, 1);
  if (sampleElements !== plan.sampleSize) {
    throw new Error(`internal: the evaluation set has ${plan.sampleSize} values per sample, the adaptation ${sampleElements}`);
  }
  for (let start = 0; start < plan.count; start += batchSize) {
    const n = Math.min(batchSize, plan.count - start);
    // A pinned batch size is fed whole: the tail batch is padded with zeros and the padding dropped.
    const rows = adaptation.pinnedBatchSize ?? n;
    const buffer = adaptation.feedDtype === 'int32' ? new Int32Array(rows * plan.sampleSize) : new Float32Array(rows * plan.sampleSize);
    for (let i = 0; i < n; i++) plan.write(start + i, buffer, i * plan.sampleSize);
    const result = tf.tidy(() => {
      const input = tf.tensor(buffer, [rows, ...adaptation.sampleShape], adaptation.feedDtype);
      const predicted = model.predict(input);
      const y = (Array.isArray(predicted) ? predicted[0] : predicted) as Tensor;
      if (adaptation.sequenceOutput) {
        const steps = y.shape[1] as number;
        return y.slice([0, steps - 1, 0], [rows, 1, units]).reshape([rows, units]);
      }
      return y.reshape([rows, units]);
    });
    try {
      const values = (await result.data()) as Float32Array;
      out.set(values.subarray(0, n * units), start * units);
    } finally {
      result.dispose();
    }
    options.onProgress?.(Math.min(1, (start + n) / plan.count));
  }
  return out;
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * fraction;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

export function summariseResiduals(predicted: ArrayLike<number>, actual: ArrayLike<number>): ResidualSummary {
  const count = actual.length;
  const abs = new Float64Array(count);
  let sum = 0;
  let sumAbs = 0;
  let sumSquares = 0;
  for (let i = 0; i < count; i++) {
    const residual = predicted[i] - actual[i];
    sum += residual;
    abs[i] = Math.abs(residual);
    sumAbs += abs[i];
    sumSquares += residual * residual;
  }
  abs.sort();
  return {
    count,
    mean: sum / count,
    meanAbs: sumAbs / count,
    rmse: Math.sqrt(sumSquares / count),
    maxAbs: count ? abs[count - 1] : Number.NaN,
    p50Abs: percentile(abs, 0.5),
    p90Abs: percentile(abs, 0.9),
    p99Abs: percentile(abs, 0.99),
  };
}

function scoreClassification(
  set: Extract<EvaluationSet, { kind: 'classification' }>,
  outputs: Float32Array,
  units: number,
  activation: string | undefined,
): { value: number; details: ClassificationDetails } {
  const classes = set.classNames.length;
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  // Keras' label Tokenizer numbers classes from 1: a model with one unit more than there are
  // classes leaves unit 0 unused, so unit k is class k - 1.
  const offset = units === classes + 1 ? 1 : 0;
  const threshold = activation === 'sigmoid' || activation === 'softmax' ? 0.5 : 0;
  const decisionRule =
    units === 1
      ? `${set.classNames[1]} when the output is > ${threshold} (${threshold === 0.5 ? `${activation} output` : 'logit output'})`
      : offset
        ? `argmax over ${units} units, unit k = class k - 1`
        : `argmax over ${units} units`;
  let correct = 0;
  let unassigned = 0;
  for (let i = 0; i < set.count; i++) {
    let predicted: number;
    if (units === 1) {
      predicted = outputs[i] > threshold ? 1 : 0;
    } else {
      let best = 0;
      for (let k = 1; k < units; k++) if (outputs[i * units + k] > outputs[i * units + best]) best = k;
      predicted = best - offset;
    }
    const actual = set.labels[i];
    if (predicted < 0 || predicted >= classes) {
      unassigned++;
      continue;
    }
    matrix[actual][predicted]++;
    if (predicted === actual) correct++;
  }
  const perClass = set.classNames.map((name, c) => {
    const total = set.labels.reduce((n, label) => n + (label === c ? 1 : 0), 0);
    return { name, total, correct: matrix[c][c], accuracy: total ? matrix[c][c] / total : Number.NaN };
  });
  return {
    value: correct / set.count,
    details: { kind: 'classification', classNames: set.classNames, perClass, confusionMatrix: matrix, unassignedPredictions: unassigned, decisionRule },
  };
}

export async function evaluate(problem: ProblemDefinition, model: LayersModel, options: EvaluateOptions): Promise<EvaluationOutcome> {
  const set = options.evaluationSet;
  const adaptation = options.adaptation ?? checkCompatibility(problem, modelShapes(model));
  let outputs: Float32Array;
  try {
    outputs = await predictAll(model, set, adaptation, options);
  } catch (error) {
    if (error instanceof ModelRejectedError) throw error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ModelRejectedError('prediction-failed', `Running your model on this problem's data failed: ${reason}`, { cause: error });
  }
  const units = adaptation.outputUnits;
  const sampleCount = outputs.length / units;
  const table = thresholdTable(problem);
  const base = {
    metric: table.metric,
    metricName: metricNames[table.metric],
    maxPoints: MAX_POINTS,
    thresholds: table.rows,
    baselines: baselineScores(problem, table),
    sampleCount,
    adaptationNotes: adaptation.notes,
  };

  const samples = new Set<number>();
  for (let i = 0; i < outputs.length; i++) if (!Number.isFinite(outputs[i])) samples.add(Math.floor(i / units));
  if (samples.size > 0) {
    const firstNonFinite = Math.min(...samples);
    return {
      ...base,
      value: Number.NaN,
      ...scoreValue(table, Number.NaN, sampleCount),
      message: nonFiniteMessage(samples.size, sampleCount, firstNonFinite),
      details: { kind: 'non-finite', nonFiniteCount: samples.size, firstNonFiniteIndex: firstNonFinite },
    };
  }

  let value: number;
  let details: EvaluationDetails;
  switch (set.kind) {
    case 'regression': {
      const residuals = summariseResiduals(outputs, set.ys);
      let sumSquares = 0;
      for (let i = 0; i < set.xs.length; i++) sumSquares += (outputs[i] - set.ys[i]) ** 2;
      value = sumSquares / set.xs.length;
      details = {
        kind: 'regression',
        residuals,
        points: Array.from(set.xs, (x, i) => ({ x, expected: set.ys[i], predicted: outputs[i] })),
      };
      break;
    }
    case 'classification': {
      const activation = options.lastActivation ?? lastLayerActivation(model);
      ({ value, details } = scoreClassification(set, outputs, units, activation));
      break;
    }
    case 'time-series': {
      const actual = set.series.subarray(set.splitTime);
      const residuals = summariseResiduals(outputs, actual);
      value = residuals.meanAbs;
      details = { kind: 'time-series', residuals, chart: { start: set.splitTime, actual: Array.from(actual), forecast: Array.from(outputs) } };
      break;
    }
  }
  const { points, hint } = scoreValue(table, value, sampleCount, details.kind === 'classification' ? details.perClass : undefined);
  const rescaling = set.kind === 'classification' && set.inputDivisor === 255 ? inputRescaling(model) : undefined;
  const message = rescaling && rescaling.scale <= 1 / 100 && nearConstant(problem, value) ? rescaledTwiceMessage(rescaling) : undefined;
  return {
    ...base,
    value,
    points,
    hint,
    ...(message ? { message } : {}),
    details,
  };
}
