// Keras HDF5 files (`model.save("model.h5")`) written by Keras 2 or by Keras 3 ("legacy" h5).
//
// Root attribute `model_config` holds the JSON config; weights sit under
// `model_weights/<layer>/` and are listed, in order, by each group's `weight_names` attribute
// (NUL-padded in old h5py files; "dense/kernel:0" in Keras 2, "sequential/dense/kernel" under a
// model-name prefix in Keras 3). A nested model is one group holding all its inner weights.
import type * as tfTypes from '@tensorflow/tfjs';
import { ModelRejectedError } from '../errors.ts';
import type { Tf } from '../tf-backend.ts';
import {
  assignWeights,
  buildModel,
  countStoredParameters,
  describeModel,
  fillOrDispose,
  findLayer,
  layersMissingWeights,
  missingWeightsError,
  type StoredWeight,
} from './build.ts';
import {
  datasetShape,
  getNode,
  isDataset,
  isGroup,
  openHdf5,
  readFloat32,
  readStringAttribute,
  readStringListAttribute,
  type Hdf5File,
} from './hdf5.ts';
import { checkConfigDepth, isJsonObject, type JsonObject } from './keras-config.ts';
import { checkParameterCount } from './shims.ts';
import type { ImportedModel, ImportLimits, UploadedFile } from './types.ts';

interface LayerWeights {
  layerName: string;
  weights: StoredWeight[];
}

export function parseModelConfig(text: string, fileName: string): JsonObject {
  checkConfigDepth(text, fileName);
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    throw new ModelRejectedError('bad-model-config', `${fileName}: the model configuration is not valid JSON; the file is damaged. Save the model again.`);
  }
  if (!isJsonObject(config)) {
    throw new ModelRejectedError('bad-model-config', `${fileName}: the model configuration is not a Keras model. Save the model with model.save().`);
  }
  return config;
}

function readLayerWeights(h5: Hdf5File): LayerWeights[] {
  const weightsGroup = getNode(h5, h5.root, 'model_weights');
  if (!isGroup(weightsGroup)) {
    throw new ModelRejectedError('missing-weights', `${h5.fileName} has a model configuration but no weights (no "model_weights" group). Save the trained model with model.save("model.h5").`);
  }
  const result: LayerWeights[] = [];
  for (const layerName of readStringListAttribute(h5, weightsGroup, 'layer_names')) {
    const group = getNode(h5, weightsGroup, layerName);
    if (!isGroup(group)) {
      throw new ModelRejectedError('missing-weights', `${h5.fileName} lists layer "${layerName}" among its weights but has no data for it; the file is damaged.`);
    }
    const weights = readStringListAttribute(h5, group, 'weight_names').map((weightName): StoredWeight => {
      const dataset = getNode(h5, group, weightName);
      if (!isDataset(dataset)) {
        throw new ModelRejectedError('missing-weights', `${h5.fileName} lists weight "${weightName}" of layer "${layerName}" but has no data for it; the file is damaged.`);
      }
      return { name: weightName, shape: datasetShape(h5, dataset), read: () => readFloat32(h5, dataset) };
    });
    if (weights.length > 0) result.push({ layerName, weights });
  }
  return result;
}

export async function importKerasH5(tf: Tf, file: UploadedFile, limits: ImportLimits): Promise<ImportedModel> {
  const h5 = openHdf5(file.bytes, file.name);
  const configText = readStringAttribute(h5, h5.root, 'model_config');
  if (!configText) {
    const onlyWeights = readStringListAttribute(h5, h5.root, 'layer_names').length > 0;
    throw new ModelRejectedError(
      'no-model-config',
      onlyWeights
        ? `${file.name} holds only weights (it was saved with save_weights), not the model's architecture. Save the whole model with model.save("model.h5").`
        : `${file.name} is an HDF5 file but not a Keras model (it has no model_config). Save the model with model.save("model.h5").`,
    );
  }
  const config = parseModelConfig(configText, file.name);
  const kerasVersion = readStringAttribute(h5, h5.root, 'keras_version');
  const format = kerasVersion?.startsWith('3') ? 'keras3-h5' : 'keras2-h5';

  const layerWeights = readLayerWeights(h5);
  checkParameterCount(countStoredParameters(layerWeights.flatMap((entry) => entry.weights)), limits.maxParams);

  const model = await buildModel(tf, config, limits.maxParams);
  await fillOrDispose(model, () => {
    const assigned = new Set<tfTypes.layers.Layer>();
    for (const { layerName, weights } of layerWeights) {
      const layer = findLayer(model, layerName);
      if (!layer) {
        throw new ModelRejectedError(
          'weight-mismatch',
          `${file.name} has weights for a layer "${layerName}" that its model configuration does not have; the file is inconsistent. Save the model again.`,
        );
      }
      assignWeights(tf, layer, weights, file.name);
      assigned.add(layer);
    }
    const missing = layersMissingWeights(model, assigned);
    if (missing.length > 0) throw missingWeightsError(file.name, missing);
  });
  return describeModel(model, format, kerasVersion);
}
