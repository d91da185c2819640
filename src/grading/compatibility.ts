// Checks an imported model's shapes against a problem before anything runs, and says how to feed
// it. Only safe adaptations are made: a reshape between listed equivalent shapes ((28,28) <->
// (28,28,1)) and a pinned batch size (fed in chunks of exactly that size).
import { ModelRejectedError } from './errors.ts';
import type { ProblemDefinition } from './problem-types.ts';

export interface ModelShapes {
  /** With the batch dimension, as Keras reports it: [null, 28, 28, 1]. */
  inputShape: (number | null)[];
  outputShape: (number | null)[];
  inputDtype: string;
}

export interface InputAdaptation {
  /** Shape of one sample as fed to the model (without the batch dimension). */
  sampleShape: number[];
  /** The batch size the model pins in its input shape, or null: then batches are padded to it. */
  pinnedBatchSize: number | null;
  /** Size of the last output dimension. */
  outputUnits: number;
  /** The output has a time axis, (batch, time, units): the last step is the prediction. */
  sequenceOutput: boolean;
  /** Tensor dtype to feed: int32 only when the model declares an int32 input. */
  feedDtype: 'float32' | 'int32';
  /** What was adapted, in words, for the result display. */
  notes: string[];
}

/** Keras-style shape text: (None, 150, 150, 3). */
export function formatShape(shape: readonly (number | null | undefined)[]): string {
  const parts = shape.map((dim) => (dim === null || dim === undefined || dim === -1 ? 'None' : String(dim)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

function matches(modelDims: (number | null)[], feedDims: number[]): boolean {
  return modelDims.length === feedDims.length && modelDims.every((dim, i) => dim === null || dim === -1 || dim === feedDims[i]);
}

const ACCEPTED_DTYPES = new Set(['float32', 'float64', 'float16', 'int32']);

export function checkCompatibility(problem: ProblemDefinition, model: ModelShapes): InputAdaptation {
  const notes: string[] = [];
  const [batch, ...inputDims] = model.inputShape;
  const feedShapes = [problem.input.shape, ...(problem.input.alternativeShapes ?? [])];
  const sampleShape = feedShapes.find((shape) => matches(inputDims, shape));
  if (!sampleShape) {
    const feeds = feedShapes.map((shape) => formatShape([null, ...shape])).join(' or ');
    throw new ModelRejectedError(
      'wrong-input-shape',
      `Your model takes ${formatShape(model.inputShape)}; this problem feeds ${feeds} ${problem.input.description}. ` +
        `Build the model with input_shape=${formatShape(problem.input.shape)}.`,
    );
  }
  if (sampleShape !== problem.input.shape) notes.push(`fed as ${formatShape([null, ...sampleShape])} instead of ${formatShape([null, ...problem.input.shape])}`);

  const pinnedBatchSize = typeof batch === 'number' && batch > 0 ? batch : null;
  if (pinnedBatchSize !== null) notes.push(`the model pins its batch size to ${pinnedBatchSize}: fed in batches of ${pinnedBatchSize}`);

  const dtype = model.inputDtype || 'float32';
  if (!ACCEPTED_DTYPES.has(dtype)) {
    throw new ModelRejectedError('wrong-dtype', `Your model's input has dtype ${dtype}; this problem feeds ${problem.input.description} as float32 numbers.`);
  }
  if (dtype === 'float64' || dtype === 'float16') notes.push(`input dtype ${dtype} fed as float32`);
  const feedDtype = dtype === 'int32' ? 'int32' : 'float32';

  const outputDims = model.outputShape.slice(1);
  const units = outputDims.at(-1);
  const sequenceOutput = outputDims.length === 2 && problem.output.allowSequence === true;
  const expected = problem.output.units.map((n) => formatShape([null, n])).join(' or ');
  if ((outputDims.length !== 1 && !sequenceOutput) || typeof units !== 'number' || !problem.output.units.includes(units)) {
    throw new ModelRejectedError(
      'wrong-output-units',
      `Your model outputs ${formatShape(model.outputShape)}; this problem expects ${expected}: ${problem.output.description}.`,
    );
  }
  if (sequenceOutput) notes.push(`the model outputs a sequence ${formatShape(model.outputShape)}: its last step is the forecast`);

  return { sampleShape, pinnedBatchSize, outputUnits: units, sequenceOutput, feedDtype, notes };
}
