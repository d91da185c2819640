// Keras 3 `.keras` archives: config.json, metadata.json and model.weights.h5.
//
// In model.weights.h5 each layer's variables sit at `layers/<name>/vars/<i>` (i sorted
// numerically); sub-objects have their own groups: an LSTM's in `cell/vars`, a Bidirectional's
// in `forward_layer/...` then `backward_layer/...`, a nested model's layers in
// `layers/<model>/layers/<name>/...`.
import type * as tfTypes from '@tensorflow/tfjs';
import type * as hdf5 from 'jsfive';
import { ModelRejectedError } from '../errors.ts';
import type { Tf } from '../tf-backend.ts';
import {
  assignWeights,
  buildModel,
  countStoredParameters,
  describeModel,
  fillOrDispose,
  isContainer,
  layersMissingWeights,
  missingWeightsError,
  type StoredWeight,
} from './build.ts';
import { datasetShape, getNode, groupKeys, isDataset, isGroup, openHdf5, readFloat32, walkGroups, type Hdf5File } from './hdf5.ts';
import { isJsonObject } from './keras-config.ts';
import { parseModelConfig } from './keras-h5.ts';
import { checkParameterCount } from './shims.ts';
import type { ImportedModel, ImportLimits } from './types.ts';
import type { ZipArchive } from './zip.ts';

type Layer = tfTypes.layers.Layer;

// Sub-objects whose variables follow the owner's own, in Keras's saving order.
const childOrder = ['cell', 'forward_layer', 'backward_layer', 'layer'];

/** The variables stored for one layer, in the order Keras created them. */
function collectVariables(h5: Hdf5File, layer: hdf5.Group, layerPath: string): StoredWeight[] {
  const found: StoredWeight[] = [];
  walkGroups(h5, layer, layerPath, (group, path) => {
    const vars = getNode(h5, group, 'vars');
    if (isGroup(vars)) {
      const indices = groupKeys(h5, vars)
        .filter((key) => /^\d+$/.test(key))
        .sort((a, b) => Number(a) - Number(b));
      for (const index of indices) {
        const dataset = getNode(h5, vars, index);
        if (!isDataset(dataset)) continue;
        found.push({ name: `${path}/vars/${index}`, shape: datasetShape(h5, dataset), read: () => readFloat32(h5, dataset) });
      }
    }
    const children = groupKeys(h5, group).filter((key) => key !== 'vars');
    children.sort((a, b) => {
      const rank = (key: string) => (childOrder.includes(key) ? childOrder.indexOf(key) : childOrder.length);
      return rank(a) - rank(b) || a.localeCompare(b);
    });
    return childGroups(h5, group, children);
  });
  return found;
}

function allDatasets(h5: Hdf5File, root: hdf5.Group, rootPath: string): StoredWeight[] {
  const found: StoredWeight[] = [];
  walkGroups(h5, root, rootPath, (group, path) => {
    const keys = groupKeys(h5, group);
    for (const key of keys) {
      const node = getNode(h5, group, key);
      if (isDataset(node)) found.push({ name: `${path}/${key}`, shape: datasetShape(h5, node), read: () => readFloat32(h5, node) });
    }
    return childGroups(h5, group, keys);
  });
  return found;
}

/** The subgroups among `keys` of `group`, in that order. */
function childGroups(h5: Hdf5File, group: hdf5.Group, keys: string[]): Array<[string, hdf5.Group]> {
  return keys.flatMap((key): Array<[string, hdf5.Group]> => {
    const node = getNode(h5, group, key);
    return isGroup(node) ? [[key, node]] : [];
  });
}

export async function importKerasZip(tf: Tf, archive: ZipArchive, fileName: string, limits: ImportLimits): Promise<ImportedModel> {
  const config = parseModelConfig(new TextDecoder().decode(archive.read('config.json')), `${fileName}/config.json`);
  let kerasVersion: string | undefined;
  if (archive.has('metadata.json')) {
    try {
      const metadata: unknown = JSON.parse(new TextDecoder().decode(archive.read('metadata.json')));
      if (isJsonObject(metadata) && typeof metadata.keras_version === 'string') kerasVersion = metadata.keras_version;
    } catch (error) {
      if (error instanceof ModelRejectedError) throw error;
      // metadata.json is informative only.
    }
  }
  if (!archive.has('model.weights.h5')) {
    throw new ModelRejectedError('missing-weights', `${fileName} has no model.weights.h5, so it holds no trained weights. Save the model with model.save("model.keras") or model.save("model.h5").`);
  }
  const weightsName = `${fileName}/model.weights.h5`;
  const h5 = openHdf5(archive.read('model.weights.h5'), weightsName);
  const layersGroup = getNode(h5, h5.root, 'layers');
  const stored = isGroup(layersGroup) ? allDatasets(h5, layersGroup, 'layers') : [];
  checkParameterCount(countStoredParameters(stored), limits.maxParams);

  const model = await buildModel(tf, config, limits.maxParams);
  await fillOrDispose(model, () => {
    const assigned = new Set<Layer>();
    const fill = (layer: Layer, group: hdf5.Group | undefined, path: string) => {
      if (layer.weights.length === 0) return;
      if (isContainer(layer)) {
        const inner = group ? getNode(h5, group, 'layers') : undefined;
        for (const child of layer.layers) {
          const childGroup = isGroup(inner) ? getNode(h5, inner, child.name) : undefined;
          fill(child, isGroup(childGroup) ? childGroup : undefined, `${path}/layers/${child.name}`);
        }
        return;
      }
      if (!group) return; // reported as missing below
      assignWeights(tf, layer, collectVariables(h5, group, path), weightsName);
      assigned.add(layer);
    };
    for (const layer of model.layers) {
      const group = isGroup(layersGroup) ? getNode(h5, layersGroup, layer.name) : undefined;
      fill(layer, isGroup(group) ? group : undefined, `layers/${layer.name}`);
    }
    const missing = layersMissingWeights(model, assigned);
    if (missing.length > 0) throw missingWeightsError(weightsName, missing);
  });
  return describeModel(model, 'keras3-zip', kerasVersion);
}
