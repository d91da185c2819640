// TF.js Layers models: model.json (topology + weights manifest) and its .bin shards, uploaded as
// several files or as one zip. The topology goes through the same validation, translation and
// initializer neutralising as Keras files; the weights are decoded with tf.io.decodeWeights and
// matched by name.
import type * as tfTypes from '@tensorflow/tfjs';
import { ModelRejectedError } from '../errors.ts';
import type { Tf } from '../tf-backend.ts';
import { buildModel, describeModel, fillOrDispose } from './build.ts';
import { checkConfigDepth, isJsonObject, type JsonObject } from './keras-config.ts';
import { formatBytes } from '../limits.ts';
import { checkParameterCount } from './shims.ts';
import type { ImportedModel, ImportLimits } from './types.ts';

export interface TfjsModelJson {
  modelTopology: JsonObject;
  weightsManifest: tfTypes.io.WeightsManifestConfig;
  format?: string;
}

/** Parses model.json text; undefined when it is JSON but not a TF.js model. */
export function parseTfjsModelJson(text: string, fileName: string): TfjsModelJson {
  checkConfigDepth(text, fileName);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ModelRejectedError('not-a-model', `${fileName} is not valid JSON, so it is not a TF.js model.json.`);
  }
  if (!isJsonObject(parsed) || !isJsonObject(parsed.modelTopology)) {
    throw new ModelRejectedError('not-a-model', `${fileName} is JSON but not a TF.js model.json (no modelTopology). Upload model.h5 instead.`);
  }
  if (parsed.format === 'graph-model') {
    throw new ModelRejectedError(
      'unsupported-format',
      `${fileName} is a TF.js graph model, which keeps no Keras layers. Upload the Keras model.h5 instead (or convert with --output_format tfjs_layers_model).`,
    );
  }
  const manifest = Array.isArray(parsed.weightsManifest) ? parsed.weightsManifest : [];
  checkWeightsManifest(manifest, fileName);
  return { modelTopology: parsed.modelTopology, weightsManifest: manifest as tfTypes.io.WeightsManifestConfig, format: parsed.format as string | undefined };
}

/** The dtypes a Keras model's weights have in a TF.js manifest (quantized ones say so apart). */
const WEIGHT_DTYPES = new Set(['float32', 'int32', 'bool']);

/** Refuses a weights manifest that is not made of paths and of weights with a name, a shape and a dtype. */
function checkWeightsManifest(manifest: unknown[], fileName: string): void {
  const refuse = (what: string) =>
    new ModelRejectedError('bad-model-config', `${fileName}: weightsManifest ${what}. The file was not written by TensorFlow.js: convert the model again, or upload model.h5.`);
  manifest.forEach((group, g) => {
    if (!isJsonObject(group) || !Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string')) throw refuse(`entry ${g + 1} has no list of file paths`);
    if (!Array.isArray(group.weights)) throw refuse(`entry ${g + 1} has no list of weights`);
    group.weights.forEach((weight, w) => {
      const where = `entry ${g + 1}, weight ${w + 1}`;
      if (!isJsonObject(weight) || typeof weight.name !== 'string') throw refuse(`${where} has no name`);
      const name = JSON.stringify(weight.name.slice(0, 100));
      if (!Array.isArray(weight.shape) || !weight.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
        throw refuse(`${where} (${name}) has a shape that is not a list of sizes`);
      }
      if (typeof weight.dtype !== 'string' || !WEIGHT_DTYPES.has(weight.dtype)) throw refuse(`${where} (${name}) has an unknown dtype`);
    });
  });
}

/** Bytes one manifest entry takes in the shards (quantized weights take their stored dtype's size). */
function weightBytes(spec: tfTypes.io.WeightsManifestEntry): number {
  const count = spec.shape.reduce((product, size) => product * size, 1);
  const stored = spec.quantization?.dtype ?? spec.dtype;
  const size = stored === 'uint8' || stored === 'bool' ? 1 : stored === 'uint16' || stored === 'float16' ? 2 : 4;
  return count * size;
}

function baseName(path: string): string {
  return path.split('/').pop() ?? path;
}

/**
 * Imports a TF.js Layers model. `shard(path)` returns the bytes of a shard named in the
 * manifest (path relative to model.json), or undefined when it was not uploaded.
 */
export async function importTfjsLayers(
  tf: Tf,
  modelJson: TfjsModelJson,
  shard: (path: string) => Uint8Array | undefined,
  fileName: string,
  limits: ImportLimits,
): Promise<ImportedModel> {
  const specs: tfTypes.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  const listed = new Set<string>();
  for (const group of modelJson.weightsManifest) {
    for (const path of group.paths ?? []) {
      // A file listed again would be joined again: a small upload could ask for any amount of memory.
      if (listed.has(path)) {
        throw new ModelRejectedError('bad-model-config', `${fileName} lists the weight file "${path.slice(0, 100)}" more than once. Convert the model again, or upload model.h5.`);
      }
      listed.add(path);
      const bytes = shard(path) ?? shard(baseName(path));
      if (!bytes) {
        throw new ModelRejectedError('missing-file', `${fileName} needs the weight file "${path}", which was not uploaded. Upload model.json together with all its .bin files.`);
      }
      parts.push(bytes);
    }
    specs.push(...(group.weights ?? []));
  }
  checkParameterCount(
    specs.reduce((total, spec) => total + spec.shape.reduce((product, size) => product * size, 1), 0),
    limits.maxParams,
  );
  // Checked before the shards are joined into one buffer: they must hold exactly the listed weights.
  const declared = specs.reduce((total, spec) => total + weightBytes(spec), 0);
  const uploaded = parts.reduce((total, part) => total + part.length, 0);
  if (uploaded !== declared) {
    throw new ModelRejectedError(
      'weight-mismatch',
      `${fileName}: the .bin files hold ${formatBytes(uploaded)} but model.json lists ${formatBytes(declared)} of weights. Upload model.json together with its own .bin files, unchanged.`,
    );
  }
  const weightData = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    weightData.set(part, offset);
    offset += part.length;
  }

  const topology = isJsonObject(modelJson.modelTopology.model_config) ? modelJson.modelTopology.model_config : modelJson.modelTopology;
  const kerasVersion = typeof modelJson.modelTopology.keras_version === 'string' ? modelJson.modelTopology.keras_version : undefined;
  const model = await buildModel(tf, topology, limits.maxParams);
  await fillOrDispose(model, () => {
    let named: tfTypes.NamedTensorMap;
    try {
      named = tf.io.decodeWeights(weightData.buffer, specs);
    } catch (error) {
      throw new ModelRejectedError(
        'weight-mismatch',
        `${fileName}: the .bin files do not match the weights listed in model.json (${error instanceof Error ? error.message : String(error)}). Upload the files again, unchanged.`,
      );
    }
    try {
      for (const weight of model.weights) {
        const value = named[weight.originalName];
        if (!value) {
          throw new ModelRejectedError('missing-weights', `${fileName} has no values for weight "${weight.originalName}". Upload model.json together with all its .bin files.`);
        }
        if (value.shape.length !== weight.shape.length || value.shape.some((size, index) => size !== weight.shape[index])) {
          throw new ModelRejectedError(
            'weight-mismatch',
            `${fileName}: weight "${weight.originalName}" has shape [${value.shape.join(', ')}] but the model needs [${weight.shape.join(', ')}].`,
          );
        }
        const finite = tf.tidy(() => tf.all(tf.isFinite(value)).dataSync()[0] === 1);
        if (!finite) {
          throw new ModelRejectedError(
            'nan-weights',
            `Weight "${weight.originalName}" has NaN or infinite values: training diverged, so the model cannot predict anything. Train again (e.g. with a lower learning rate).`,
          );
        }
        const float = value.dtype === 'float32' ? value : tf.cast(value, 'float32');
        weight.write(float);
        if (float !== value) float.dispose();
      }
    } finally {
      tf.dispose(named);
    }
  });
  return describeModel(model, 'tfjs-layers', kerasVersion);
}
