// TF.js Layers models (model.json + .bin shards) as several files or as one zip. The model files
// are made in the test: a real fixture is imported, then saved with tf.io.withSaveHandler.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type * as tfTypes from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelRejectedError } from '../../src/grading/errors.ts';
import { importModel, type UploadedFile } from '../../src/grading/model-import/index.ts';
import { loadTf, type Tf } from '../../src/grading/tf-backend.ts';
import { testDataPath } from '../support/test-data/locate.ts';

const fixtureDir = testDataPath('fixtures', 'models');

let tf: Tf;
let modelJson: { modelTopology: unknown; format: string; weightsManifest: Array<{ paths: string[]; weights: tfTypes.io.WeightsManifestEntry[] }> };
let shards: Uint8Array[];
let expected: number[];
const inputs = [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]];

beforeAll(async () => {
  ({ tf } = await loadTf());
  // The sunspots model: causal Conv1D shim + LSTMs + Dense, i.e. custom classes in the topology.
  const name = '10_sunspots_causalconv1d_lstm_A5_k2.8.h5';
  const source = await importModel([{ name, bytes: readFileSync(path.join(fixtureDir, name)) }], { tf });
  expected = predict(source.model);
  let artifacts: tfTypes.io.ModelArtifacts | undefined;
  await source.model.save(
    tf.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  source.model.dispose();
  const weightData = new Uint8Array(artifacts!.weightData as ArrayBuffer);
  // Two shards, as the converter writes them for bigger models.
  const half = Math.floor(weightData.length / 2);
  shards = [weightData.slice(0, half), weightData.slice(half)];
  modelJson = {
    modelTopology: artifacts!.modelTopology,
    format: 'layers-model',
    weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: artifacts!.weightSpecs! }],
  };
});

function predict(model: tfTypes.LayersModel): number[] {
  return tf.tidy(() => Array.from((model.predict(tf.tensor3d(inputs[0], [1, 10, 1])) as tfTypes.Tensor).dataSync()));
}

const files = (json: unknown = modelJson): UploadedFile[] => [
  { name: 'model.json', bytes: strToU8(JSON.stringify(json)) },
  { name: 'group1-shard1of2.bin', bytes: shards[0] },
  { name: 'group1-shard2of2.bin', bytes: shards[1] },
];

async function rejection(upload: UploadedFile[]): Promise<ModelRejectedError> {
  const error = await importModel(upload, { tf }).then(
    (imported) => {
      imported.model.dispose();
      return undefined;
    },
    (caught: unknown) => caught,
  );
  if (!(error instanceof ModelRejectedError)) throw new Error(`expected a ModelRejectedError, got ${String(error)}`);
  return error;
}

describe('TF.js Layers import', () => {
  it('imports model.json with its .bin shards uploaded as separate files, predicting like the source', async () => {
    const imported = await importModel(files(), { tf });
    expect(imported).toMatchObject({ format: 'tfjs-layers', inputShape: [null, null, 1], outputShape: [null, null, 1] });
    expect(predict(imported.model)).toEqual(expected);
    imported.model.dispose();
  });

  it('imports the same model from a zip with a top folder', async () => {
    const zip = zipSync({
      'tfjs_model/model.json': strToU8(JSON.stringify(modelJson)),
      'tfjs_model/group1-shard1of2.bin': shards[0],
      'tfjs_model/group1-shard2of2.bin': shards[1],
    });
    const imported = await importModel([{ name: 'tfjs_model.zip', bytes: zip }], { tf });
    expect(imported.format).toBe('tfjs-layers');
    expect(predict(imported.model)).toEqual(expected);
    imported.model.dispose();
  });

  it('refuses model.json without its shards, naming the missing file', async () => {
    const error = await rejection(files().slice(0, 2));
    expect(error.code).toBe('missing-file');
    expect(error.memberMessage).toContain('group1-shard2of2.bin');
  });

  it('refuses shards that do not match the manifest', async () => {
    const error = await rejection([files()[0], { name: 'group1-shard1of2.bin', bytes: shards[0] }, { name: 'group1-shard2of2.bin', bytes: shards[1].subarray(0, 100) }]);
    expect(error.code).toBe('weight-mismatch');
  });

  it('refuses a manifest whose weight shape differs from the topology', async () => {
    const altered = structuredClone(modelJson);
    const kernel = altered.weightsManifest[0].weights.find((spec) => spec.name.endsWith('dense_2/kernel'))!;
    kernel.shape = [kernel.shape[1], kernel.shape[0]];
    const error = await rejection(files(altered));
    expect(error.code).toBe('weight-mismatch');
    expect(error.memberMessage).toContain('dense_2/kernel');
  });

  it('refuses a TF.js graph model', async () => {
    const error = await rejection([{ name: 'model.json', bytes: strToU8(JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] })) }]);
    expect(error.code).toBe('unsupported-format');
  });
});
