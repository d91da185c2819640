// Builds a tfjs LayersModel from a Keras config and fills in weights read from a file.
import type * as tfTypes from '@tensorflow/tfjs';
import { ModelRejectedError } from '../errors.ts';
import type { Tf } from '../tf-backend.ts';
import { translateKerasConfig, validateLayers, type JsonObject } from './keras-config.ts';
import { checkParameterCount, isKnownLayerClass, registerShims, withParameterBudget } from './shims.ts';
import type { ImportedModel, ModelFormat } from './types.ts';

type LayersModel = tfTypes.LayersModel;
type Layer = tfTypes.layers.Layer;

/** One weight array found in a file, read only when needed. */
export interface StoredWeight {
  /** Name as stored (for messages), e.g. "dense/kernel:0" or "layers/dense/vars/0". */
  name: string;
  shape: number[];
  read(): Float32Array;
}

export function countStoredParameters(weights: Iterable<StoredWeight>): number {
  let total = 0;
  for (const weight of weights) total += weight.shape.reduce((product, size) => product * size, 1);
  return total;
}

/**
 * Validates, translates and builds a Keras model config. Parameters are counted while the layers
 * are built, so a model over `maxParams` is refused before its big weights are allocated.
 */
export async function buildModel(tf: Tf, kerasConfig: JsonObject, maxParams: number): Promise<LayersModel> {
  registerShims(tf);
  validateLayers(kerasConfig, (className) => isKnownLayerClass(tf, className));
  const translated = translateKerasConfig(kerasConfig);
  let building: Promise<LayersModel> | undefined;
  try {
    // modelFromJSON builds the layers synchronously before its first await, inside the budget.
    // tidy frees the scratch tensors of initializers (the LSTM's unit-forget-bias leaves 4 per
    // layer otherwise, which add up in a long-lived worker); the weight variables are kept.
    withParameterBudget(maxParams, () => {
      tf.tidy(() => {
        building = tf.models.modelFromJSON({ modelTopology: translated } as unknown as Parameters<Tf['models']['modelFromJSON']>[0]);
      });
    });
    const model = await building!;
    checkParameterCount(model.countParams(), maxParams);
    return model;
  } catch (error) {
    if (error instanceof ModelRejectedError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new ModelRejectedError(
      'bad-model-config',
      `The model's architecture could not be rebuilt by the grader (TensorFlow.js): ${detail.slice(0, 300)}`,
      { cause: error },
    );
  }
}

/** The layer of `model` (or of a model nested in it) with that name. */
export function findLayer(model: LayersModel, name: string): Layer | undefined {
  try {
    return model.getLayer(name);
  } catch {
    return undefined;
  }
}

export function isContainer(layer: Layer): layer is Layer & { layers: Layer[] } {
  return Array.isArray((layer as { layers?: unknown }).layers);
}

function sameShape(a: readonly number[], b: readonly (number | null)[]): boolean {
  return a.length === b.length && a.every((size, index) => size === b[index]);
}

function formatShape(shape: readonly (number | null)[]): string {
  return `(${shape.map((size) => (size === null ? 'None' : String(size))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/**
 * Writes stored weights into a layer's variables in order (Keras saves them in the order of
 * layer.trainable_weights + layer.non_trainable_weights, which tfjs's layer.weights follows).
 * Shapes must match; NaN or infinite values are refused (training diverged: such a model can only
 * score 0, and the member learns more from this message than from a 0).
 */
export function assignWeights(tf: Tf, layer: Layer, stored: StoredWeight[], fileName: string): void {
  const targets = layer.weights;
  // Keras 3 saves Normalization without `count`; the shim's count is not used at inference.
  const isNormalization = layer.getClassName() === 'Normalization';
  const enough = stored.length === targets.length || (isNormalization && stored.length === 2 && targets.length === 3);
  if (!enough) {
    throw new ModelRejectedError(
      'weight-mismatch',
      `${fileName}: layer "${layer.name}" has ${stored.length} weight arrays in the file, but its configuration needs ${targets.length}. ` +
        'The file is inconsistent; save the model again with model.save().',
    );
  }
  for (let index = 0; index < stored.length; index++) {
    const target = targets[index];
    const weight = stored[index];
    if (!sameShape(weight.shape, target.shape)) {
      throw new ModelRejectedError(
        'weight-mismatch',
        `${fileName}: weight "${weight.name}" of layer "${layer.name}" has shape ${formatShape(weight.shape)}, ` +
          `but the layer's configuration needs ${formatShape(target.shape)}. Save the model again with model.save().`,
      );
    }
  }
  stored.forEach((weight, index) => {
    const values = weight.read();
    for (let position = 0; position < values.length; position++) {
      if (!Number.isFinite(values[position])) {
        throw new ModelRejectedError(
          'nan-weights',
          `Layer "${layer.name}" has ${Number.isNaN(values[position]) ? 'NaN (not-a-number)' : 'infinite'} values in its weight "${weight.name}": ` +
            'training diverged, so the model cannot predict anything. Try a lower learning rate or normalised inputs, and train again.',
        );
      }
    }
    const tensor = tf.tensor(values, weight.shape, 'float32');
    try {
      targets[index].write(tensor);
    } finally {
      tensor.dispose();
    }
  });
}

/** Layers of the model (nested models included) that hold weights none of `assigned` covers. */
export function layersMissingWeights(model: LayersModel, assigned: Set<Layer>): Layer[] {
  const missing: Layer[] = [];
  const visit = (layer: Layer) => {
    if (assigned.has(layer) || layer.weights.length === 0) return;
    if (isContainer(layer)) layer.layers.forEach(visit);
    else missing.push(layer);
  };
  model.layers.forEach(visit);
  return missing;
}

export function missingWeightsError(fileName: string, layers: Layer[]): ModelRejectedError {
  const names = layers.slice(0, 5).map((layer) => `"${layer.name}"`).join(', ');
  return new ModelRejectedError(
    'missing-weights',
    `${fileName} has no weights for layer${layers.length > 1 ? 's' : ''} ${names}${layers.length > 5 ? ', ...' : ''}. ` +
      'Save the whole trained model with model.save() (not only its architecture).',
  );
}

function countLayers(layers: Layer[]): number {
  let count = 0;
  for (const layer of layers) {
    if (isContainer(layer)) count += countLayers(layer.layers);
    else if (layer.getClassName() !== 'InputLayer') count += 1;
  }
  return count;
}

/** Describes a built model; refuses models with several inputs or outputs. */
export function describeModel(
  model: LayersModel,
  format: ModelFormat,
  kerasVersion: string | undefined,
): ImportedModel {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    const count = model.inputs.length !== 1 ? `${model.inputs.length} inputs` : `${model.outputs.length} outputs`;
    model.dispose();
    throw new ModelRejectedError(
      'wrong-input-shape',
      `The model has ${count}; the exam's problems feed one input and read one output.`,
    );
  }
  return {
    model,
    format,
    ...(kerasVersion ? { kerasVersion } : {}),
    inputShape: [...model.inputs[0].shape],
    outputShape: [...model.outputs[0].shape],
    inputDtype: model.inputs[0].dtype,
    paramCount: model.countParams(),
    layerCount: countLayers(model.layers),
  };
}

/** Disposes the model if `fill` fails, so a refused upload leaks no tensors. */
export async function fillOrDispose(model: LayersModel, fill: () => void | Promise<void>): Promise<void> {
  try {
    await fill();
  } catch (error) {
    model.dispose();
    throw error;
  }
}
