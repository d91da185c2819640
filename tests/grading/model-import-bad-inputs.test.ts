// Unusable uploads, built in the test from the real fixtures: each gets a ModelRejectedError with
// a specific code and message, never a crash or an internal error.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelRejectedError } from '../../src/grading/errors.ts';
import { getNode, isDataset, openHdf5, readFloat32 } from '../../src/grading/model-import/hdf5.ts';
import { importModel, type UploadedFile } from '../../src/grading/model-import/index.ts';
import { loadTf, type Tf } from '../../src/grading/tf-backend.ts';
import { testDataPath } from '../support/test-data/locate.ts';

const fixtureDir = testDataPath('fixtures', 'models');
const fixture = (name: string) => new Uint8Array(readFileSync(path.join(fixtureDir, name)));
const mnistH5 = '04_fashion_mnist_cnn_B2_k2.9.h5';
const mnistKeras = '14_mnist_dense_keras3.8_same_weights_as_13.keras';

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await loadTf());
});

async function rejection(files: UploadedFile[], limits: { maxParams?: number; maxUncompressedBytes?: number; maxZipEntries?: number } = {}): Promise<ModelRejectedError> {
  const memoryBefore = tf.memory().numTensors;
  try {
    const imported = await importModel(files, { tf, ...limits });
    imported.model.dispose();
  } catch (error) {
    if (!(error instanceof ModelRejectedError)) throw error;
    // A refused upload leaves no tensors behind.
    expect(tf.memory().numTensors).toBe(memoryBefore);
    return error;
  }
  throw new Error(`expected ${files.map((file) => file.name).join(', ')} to be refused`);
}

/** Replaces the first float of `values` where the exact byte sequence occurs in `bytes`. */
function poisonFloats(bytes: Uint8Array, values: Float32Array, replacement: number): Uint8Array {
  const needle = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const copy = bytes.slice();
  outer: for (let start = 0; start + needle.length <= copy.length; start++) {
    for (let index = 0; index < needle.length; index++) if (copy[start + index] !== needle[index]) continue outer;
    new DataView(copy.buffer).setFloat32(start, replacement, true);
    return copy;
  }
  throw new Error('weights not found in the file');
}

function datasetValues(bytes: Uint8Array, datasetPath: string): Float32Array {
  const h5 = openHdf5(bytes, 'fixture');
  const node = getNode(h5, h5.root, datasetPath);
  if (!isDataset(node)) throw new Error(`no dataset ${datasetPath}`);
  return readFloat32(h5, node);
}

/** The .keras fixture's entries, to rebuild variants with fflate. */
function kerasEntries(): Record<string, Uint8Array> {
  return unzipSync(fixture(mnistKeras));
}

function kerasConfig(): { class_name: string; config: { layers: Array<Record<string, unknown>> } } {
  return JSON.parse(new TextDecoder().decode(kerasEntries()['config.json']));
}

/** Central directory record of the first entry (for patching declared sizes). */
function centralDirectoryOffset(zip: Uint8Array): number {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let offset = zip.length - 22; offset >= 0; offset--) {
    if (view.getUint32(offset, true) === 0x06054b50) return view.getUint32(offset + 16, true);
  }
  throw new Error('no end of central directory');
}

describe('bad uploads are refused with a specific message', () => {
  it('empty file', async () => {
    const error = await rejection([{ name: 'model.h5', bytes: new Uint8Array(0) }]);
    expect(error.code).toBe('empty-file');
    expect(error.memberMessage).toContain('model.h5 is empty');
  });

  it('random bytes named .h5', async () => {
    const random = Uint8Array.from({ length: 4096 }, (_, index) => (index * 2654435761) % 251);
    const error = await rejection([{ name: 'model.h5', bytes: random }]);
    expect(error.code).toBe('not-a-model');
    expect(error.memberMessage).toContain('is named .h5 but is not an HDF5 file');
  });

  it('a file of another kind gets a message for its extension', async () => {
    const tflite = await rejection([{ name: 'model.tflite', bytes: strToU8('TFL3 flatbuffer bytes') }]);
    expect(tflite.code).toBe('wrong-extension');
    expect(tflite.memberMessage).toContain('TensorFlow Lite');
    const notebook = await rejection([{ name: 'exam.ipynb', bytes: strToU8('{"cells": [], "nbformat": 4}') }]);
    expect(notebook.code).toBe('not-a-model');
    expect(notebook.memberMessage).toContain('not a TF.js model.json');
  });

  it('a real .h5 renamed .keras is recognised by its content and imports', async () => {
    const imported = await importModel([{ name: 'model.keras', bytes: fixture('01_dense_regression_A1_k2.5.h5') }], { tf });
    expect(imported.format).toBe('keras2-h5');
    imported.model.dispose();
  });

  it.each([0.5, 0.9, 0.999])('an HDF5 file cut to %s of its length', async (fraction) => {
    const bytes = fixture(mnistH5);
    const cut = bytes.subarray(0, Math.floor(bytes.length * fraction));
    const error = await rejection([{ name: 'model.h5', bytes: cut }]);
    expect(error.code).toBe('truncated-hdf5');
    expect(error.memberMessage).toContain(`says it is ${bytes.length.toLocaleString('en-US')} bytes long`);
  });

  it('an HDF5 file cut inside its header', async () => {
    const error = await rejection([{ name: 'model.h5', bytes: fixture(mnistH5).subarray(0, 30) }]);
    expect(error.code).toBe('truncated-hdf5');
  });

  it('an HDF5 file without model_config (a bare weights file)', async () => {
    const error = await rejection([{ name: 'weights.h5', bytes: kerasEntries()['model.weights.h5'] }]);
    expect(error.code).toBe('no-model-config');
    expect(error.memberMessage).toContain('model.save("model.h5")');
  });

  it('an HDF5 file whose structure is overwritten with garbage', async () => {
    const bytes = fixture('01_dense_regression_A1_k2.5.h5').slice();
    // Keep the superblock, destroy the root group's object header and symbol table after it.
    for (let index = 96; index < 2048; index++) bytes[index] = (index * 31) % 256;
    const error = await rejection([{ name: 'model.h5', bytes }]);
    expect(['corrupt-hdf5', 'no-model-config', 'bad-model-config']).toContain(error.code);
  });

  it('NaN weights in an .h5', async () => {
    const bytes = fixture(mnistH5);
    const poisoned = poisonFloats(bytes, datasetValues(bytes, 'model_weights/dense_1/dense_1/bias:0'), Number.NaN);
    const error = await rejection([{ name: 'model.h5', bytes: poisoned }]);
    expect(error.code).toBe('nan-weights');
    expect(error.memberMessage).toContain('"dense_1"');
    expect(error.memberMessage).toContain('training diverged');
  });

  it('infinite weights in a .keras', async () => {
    const entries = kerasEntries();
    const weights = entries['model.weights.h5'];
    entries['model.weights.h5'] = poisonFloats(weights, datasetValues(weights, 'layers/dense_1/vars/1'), Number.POSITIVE_INFINITY);
    const error = await rejection([{ name: 'model.keras', bytes: zipSync(entries) }]);
    expect(error.code).toBe('nan-weights');
    expect(error.memberMessage).toContain('infinite');
  });

  it('more parameters than the limit (checked from the file before building)', async () => {
    const error = await rejection([{ name: 'model.h5', bytes: fixture(mnistH5) }], { maxParams: 100_000 });
    expect(error.code).toBe('too-many-params');
    expect(error.memberMessage).toContain('100,000');
  });

  it('a .keras zip bomb: declared sizes over the limit', async () => {
    const zip = zipSync({ ...kerasEntries(), 'padding.bin': new Uint8Array(4 * 1024 * 1024) });
    const error = await rejection([{ name: 'model.keras', bytes: zip }], { maxUncompressedBytes: 2 * 1024 * 1024 });
    expect(error.code).toBe('zip-bomb');
  });

  it('a zip declaring a 2 GB entry', async () => {
    const zip = zipSync({ 'config.json': strToU8('{}'), 'model.weights.h5': new Uint8Array(1024) });
    const directory = centralDirectoryOffset(zip);
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    // Second central directory record: skip the first (46 bytes + name 'config.json').
    const second = directory + 46 + 'config.json'.length;
    view.setUint32(second + 24, 2 ** 31, true);
    const error = await rejection([{ name: 'model.keras', bytes: zip }]);
    expect(error.code).toBe('zip-bomb');
    expect(error.memberMessage).toContain('2.0 GB');
  });

  it('a zip entry that inflates to more than its header declares', async () => {
    const entries = kerasEntries();
    const zip = zipSync({ 'model.weights.h5': entries['model.weights.h5'], 'config.json': entries['config.json'], 'metadata.json': entries['metadata.json'] });
    const directory = centralDirectoryOffset(zip);
    new DataView(zip.buffer, zip.byteOffset, zip.byteLength).setUint32(directory + 24, 1000, true);
    const error = await rejection([{ name: 'model.keras', bytes: zip }]);
    expect(error.code).toBe('zip-bomb');
    expect(error.memberMessage).toContain('model.weights.h5 unpacks to more than');
  });

  it('a zip with a ../ path', async () => {
    const zip = zipSync({ ...kerasEntries(), '../escape.txt': strToU8('x') } as Zippable);
    const error = await rejection([{ name: 'model.keras', bytes: zip }]);
    expect(error.code).toBe('zip-path-escape');
    expect(error.memberMessage).toContain('../escape.txt');
  });

  it('a zip with an absolute path', async () => {
    const zip = zipSync({ '/etc/passwd': strToU8('x') } as Zippable);
    const error = await rejection([{ name: 'model.zip', bytes: zip }]);
    expect(error.code).toBe('zip-path-escape');
  });

  it('a zip with too many entries', async () => {
    const many: Zippable = {};
    for (let index = 0; index < 20; index++) many[`file_${index}.txt`] = strToU8(String(index));
    const error = await rejection([{ name: 'model.zip', bytes: zipSync(many) }], { maxZipEntries: 10 });
    expect(error.code).toBe('zip-too-many-entries');
    expect(error.memberMessage).toContain('20 entries');
  });

  it('a cut-short zip', async () => {
    const zip = fixture(mnistKeras);
    const error = await rejection([{ name: 'model.keras', bytes: zip.subarray(0, zip.length - 100) }]);
    expect(error.code).toBe('corrupt-zip');
  });

  it('a .keras without config.json', async () => {
    const { 'config.json': _config, ...rest } = kerasEntries();
    const error = await rejection([{ name: 'model.keras', bytes: zipSync(rest) }]);
    expect(error.code).toBe('not-a-model');
    expect(error.memberMessage).toContain('config.json');
  });

  it('a .keras without model.weights.h5', async () => {
    const { 'model.weights.h5': _weights, ...rest } = kerasEntries();
    const error = await rejection([{ name: 'model.keras', bytes: zipSync(rest) }]);
    expect(error.code).toBe('missing-weights');
  });

  it('a .keras whose config.json has a Lambda layer', async () => {
    const config = kerasConfig();
    config.config.layers.splice(1, 0, {
      module: 'keras.layers',
      class_name: 'Lambda',
      config: { name: 'rescale', function: { class_name: '__lambda__', config: { code: '4wEAAAAAAAAA' } } },
      registered_name: null,
    });
    const error = await rejection([{ name: 'model.keras', bytes: zipSync({ ...kerasEntries(), 'config.json': strToU8(JSON.stringify(config)) }) }]);
    expect(error.code).toBe('lambda-layer');
    expect(error.memberMessage).toContain('"rescale"');
  });

  it('a .keras whose config.json has an unknown layer class', async () => {
    const config = kerasConfig();
    config.config.layers[1].class_name = 'MultiHeadAttention';
    const error = await rejection([{ name: 'model.keras', bytes: zipSync({ ...kerasEntries(), 'config.json': strToU8(JSON.stringify(config)) }) }]);
    expect(error.code).toBe('unknown-layer');
    expect(error.memberMessage).toContain('MultiHeadAttention');
  });

  it('a .keras whose config.json is not JSON', async () => {
    const error = await rejection([{ name: 'model.keras', bytes: zipSync({ ...kerasEntries(), 'config.json': strToU8('{"class_name": "Seq') }) }]);
    expect(error.code).toBe('bad-model-config');
  });

  it('a .keras whose config does not match its weights (units changed)', async () => {
    const config = kerasConfig();
    (config.config.layers[1].config as { units: number }).units = 64;
    const error = await rejection([{ name: 'model.keras', bytes: zipSync({ ...kerasEntries(), 'config.json': strToU8(JSON.stringify(config)) }) }]);
    expect(error.code).toBe('weight-mismatch');
    expect(error.memberMessage).toContain('"dense"');
    expect(error.memberMessage).toContain('(784, 128)');
  });

  it('a .keras whose weights lack a layer of its config', async () => {
    const config = kerasConfig();
    (config.config.layers[2].config as { name: string }).name = 'renamed_dense';
    const error = await rejection([{ name: 'model.keras', bytes: zipSync({ ...kerasEntries(), 'config.json': strToU8(JSON.stringify(config)) }) }]);
    expect(error.code).toBe('missing-weights');
    expect(error.memberMessage).toContain('"renamed_dense"');
  });

  it('a zipped SavedModel without the native backend', async () => {
    const zip = zipSync({ 'my_model/saved_model.pb': new Uint8Array(64), 'my_model/variables/variables.index': new Uint8Array(16) });
    const error = await rejection([{ name: 'my_model.zip', bytes: zip }]);
    expect(error.code).toBe('savedmodel-unsupported');
    expect(error.memberMessage).toContain('model.save("model.h5")');
  });

  it('a zip holding no model', async () => {
    const error = await rejection([{ name: 'homework.zip', bytes: zipSync({ 'notes.txt': strToU8('hello') }) }]);
    expect(error.code).toBe('not-a-model');
    expect(error.memberMessage).toContain('notes.txt');
  });

  it('several files without a model.json', async () => {
    const error = await rejection([
      { name: 'a.h5', bytes: fixture('01_dense_regression_A1_k2.5.h5') },
      { name: 'b.h5', bytes: fixture('01_dense_regression_A1_k2.5.h5') },
    ]);
    expect(error.code).toBe('unsupported-format');
  });

  it('no file at all', async () => {
    expect((await rejection([])).code).toBe('missing-file');
  });

  it.each(['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'])('a layer class named %s (a name every plain object has)', async (className) => {
    const config = kerasConfig();
    config.config.layers[1].class_name = className;
    const error = await rejection([{ name: 'model.keras', bytes: zipSync({ ...kerasEntries(), 'config.json': strToU8(JSON.stringify(config)) }) }]);
    expect(error.code).toBe('unknown-layer');
    expect(error.memberMessage).toContain(`has the class ${className}, which the grader (TensorFlow.js) cannot run`);
  });

  it('a config nested 200,000 levels deep, refused before it is parsed or walked', async () => {
    const depth = 200_000;
    const deep = `{"class_name":"Sequential","config":{"layers":[${'['.repeat(depth)}${']'.repeat(depth)}]}}`;
    const error = await rejection([{ name: 'model.keras', bytes: zipSync({ ...kerasEntries(), 'config.json': strToU8(deep) }) }]);
    expect(error.code).toBe('bad-model-config');
    expect(error.memberMessage).toMatch(/config\.json: the model configuration is nested 200,003 levels deep; .* \(the limit is 64\)/);
  });

  it('a TF.js weights manifest whose shape is not a list', async () => {
    const modelJson = {
      format: 'layers-model',
      modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'dense', units: 1, batch_input_shape: [null, 1] } }] } },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'dense/kernel', shape: 'oops', dtype: 'float32' }, { name: 'dense/bias', shape: [1], dtype: 'float32' }] }],
    };
    const error = await rejection([
      { name: 'model.json', bytes: strToU8(JSON.stringify(modelJson)) },
      { name: 'group1-shard1of1.bin', bytes: new Uint8Array(8) },
    ]);
    expect(error.code).toBe('bad-model-config');
    expect(error.memberMessage).toBe(
      'model.json: weightsManifest entry 1, weight 1 ("dense/kernel") has a shape that is not a list of sizes. The file was not written by TensorFlow.js: convert the model again, or upload model.h5.',
    );
  });

  it('a .keras whose weights file links a group back to its parent (a loop), refused instead of recursing forever', async () => {
    const entries = kerasEntries();
    const weights = Buffer.from(entries['model.weights.h5']);
    const h5 = openHdf5(weights, 'model.weights.h5');
    const layers = getNode(h5, h5.root, 'layers') as unknown as { keys: string[]; _dataobjects: { offset: number } };
    const firstLayer = getNode(h5, h5.root, `layers/${layers.keys[0]}`) as unknown as { _dataobjects: { offset: number } };
    // The symbol table entry of layers/<first layer> holds its object header address: point it at "layers".
    const address = (offset: number) => {
      const bytes = Buffer.alloc(8);
      bytes.writeBigUInt64LE(BigInt(offset));
      return bytes;
    };
    const at = weights.indexOf(address(firstLayer._dataobjects.offset));
    expect(weights.indexOf(address(firstLayer._dataobjects.offset), at + 1)).toBe(-1);
    address(layers._dataobjects.offset).copy(weights, at);
    const error = await rejection([{ name: 'model.keras', bytes: zipSync({ ...entries, 'model.weights.h5': new Uint8Array(weights) }) }]);
    expect(error.code).toBe('corrupt-hdf5');
    expect(error.memberMessage).toMatch(/model\.keras\/model\.weights\.h5 is damaged: the group "layers\/.*" links back to a group that contains it/);
  });

  it('a TF.js manifest that lists one weight file many times, refused before anything is joined', async () => {
    const modelJson = {
      format: 'layers-model',
      modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'dense', units: 1, batch_input_shape: [null, 1] } }] } },
      weightsManifest: [{ paths: Array.from({ length: 1000 }, () => 'big.bin'), weights: [{ name: 'dense/kernel', shape: [1, 1], dtype: 'float32' }, { name: 'dense/bias', shape: [1], dtype: 'float32' }] }],
    };
    const error = await rejection([
      { name: 'model.json', bytes: strToU8(JSON.stringify(modelJson)) },
      { name: 'big.bin', bytes: new Uint8Array(4 * 1024 * 1024) },
    ]);
    expect(error.code).toBe('bad-model-config');
    expect(error.memberMessage).toBe('model.json lists the weight file "big.bin" more than once. Convert the model again, or upload model.h5.');
  });

  it('TF.js shards larger than the weights the manifest lists, refused before they are joined', async () => {
    const modelJson = {
      format: 'layers-model',
      modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'dense', units: 1, batch_input_shape: [null, 1] } }] } },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'dense/kernel', shape: [1, 1], dtype: 'float32' }, { name: 'dense/bias', shape: [1], dtype: 'float32' }] }],
    };
    const error = await rejection([
      { name: 'model.json', bytes: strToU8(JSON.stringify(modelJson)) },
      { name: 'group1-shard1of1.bin', bytes: new Uint8Array(4 * 1024 * 1024) },
    ]);
    expect(error.code).toBe('weight-mismatch');
    expect(error.memberMessage).toMatch(/the \.bin files hold 4\.0 MB but model\.json lists 8 bytes of weights/);
  });
});
