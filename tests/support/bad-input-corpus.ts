// The bad-input corpus: uploads that must be refused with a specific code and a message a member
// can act on. Each is built in code from the real fixtures (read from the test data, never
// copied) or from scratch: no binary is committed. tests/grading/bad-inputs.test.ts sends them
// through the grader; tests/cli/hostile-uploads.test.ts through the command line, measuring memory.
import { closeSync, ftruncateSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import * as hdf5 from 'jsfive';
import type { GradeRequest } from '../../src/grading/grader.ts';
import { loadTf } from '../../src/grading/tf-backend.ts';
import { testDataPath } from './test-data/locate.ts';

const fixtures = testDataPath('fixtures', 'models');

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(fixtures, name)));
}

/** A copy of `bytes` with the only occurrence of `from` replaced by `to` (same length: HDF5 offsets stay valid). */
function patchAscii(bytes: Uint8Array, from: string, to: string): Uint8Array {
  if (from.length !== to.length) throw new Error(`patch must keep the length: "${from}" -> "${to}"`);
  const buffer = Buffer.from(bytes);
  const at = buffer.indexOf(from, 0, 'latin1');
  if (at < 0) throw new Error(`"${from}" not found`);
  if (buffer.indexOf(from, at + 1, 'latin1') >= 0) throw new Error(`"${from}" occurs more than once`);
  buffer.write(to, at, 'latin1');
  return new Uint8Array(buffer);
}

/** Fixture 01 (Dense(1), Keras 2.5) with its kernel value overwritten by NaN in the file's bytes. */
function nanWeightsH5(): Uint8Array {
  const bytes = Buffer.from(fixture('01_dense_regression_A1_k2.5.h5'));
  const file = new hdf5.File(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const kernel = (file.get('model_weights/dense/dense/kernel:0') as hdf5.Dataset).value as number[];
  const stored = Buffer.from(Float32Array.from(kernel).buffer);
  const at = bytes.indexOf(stored);
  if (at < 0 || bytes.indexOf(stored, at + 1) >= 0) throw new Error('kernel bytes not found exactly once');
  bytes.writeFloatLE(Number.NaN, at);
  return new Uint8Array(bytes);
}

type KerasParts = Record<string, Uint8Array>;

/** The parts of fixture 14 (a Keras 3.8 .keras zip): config.json, metadata.json, model.weights.h5. */
export function kerasParts(): KerasParts {
  return unzipSync(fixture('14_mnist_dense_keras3.8_same_weights_as_13.keras'));
}

/** Fixture 14 with its config changed by `edit` (layers: the Sequential's layer list). */
export function editedKeras(edit: (layers: Record<string, unknown>[]) => void): Uint8Array {
  const parts = kerasParts();
  const config = JSON.parse(new TextDecoder().decode(parts['config.json'])) as { config: { layers: Record<string, unknown>[] } };
  edit(config.config.layers);
  return zipSync({ ...parts, 'config.json': strToU8(JSON.stringify(config)) });
}

function insertLayer(layer: Record<string, unknown>): Uint8Array {
  return editedKeras((layers) => layers.splice(1, 0, layer));
}

/** Offsets of the size fields of the first entry in a zip made by fflate (no zip64). */
function setDeclaredSize(zip: Uint8Array, entryName: string, size: number): Uint8Array {
  const buffer = Buffer.from(zip);
  const name = Buffer.from(entryName, 'latin1');
  let patched = 0;
  // Local header (PK\x03\x04): uncompressed size at +22, name at +30. Central (PK\x01\x02): size at +24, name at +46.
  for (let at = 0; at + 4 <= buffer.length; at++) {
    const signature = buffer.readUInt32LE(at);
    if (signature === 0x04034b50 && buffer.subarray(at + 30, at + 30 + name.length).equals(name)) {
      buffer.writeUInt32LE(size, at + 22);
      patched++;
    } else if (signature === 0x02014b50 && buffer.subarray(at + 46, at + 46 + name.length).equals(name)) {
      buffer.writeUInt32LE(size, at + 24);
      patched++;
    }
  }
  if (patched !== 2) throw new Error(`expected a local and a central header for ${entryName}, patched ${patched}`);
  return new Uint8Array(buffer);
}

/** A TF.js Layers model (Dense(1) on [1]) saved in code: model.json text and its one shard. */
export async function tfjsLayersModel(kernel: number, bias: number): Promise<{ modelJson: Uint8Array; shard: Uint8Array }> {
  return savedTfjsModel((tf) => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], name: 'dense' })] });
    model.setWeights([tf.tensor2d([[kernel]]), tf.tensor1d([bias])]);
    return model;
  });
}

/** A model built in code and saved as TF.js Layers files: model.json text and its one shard. */
export async function savedTfjsModel(build: (tf: Awaited<ReturnType<typeof loadTf>>['tf']) => import('@tensorflow/tfjs').LayersModel): Promise<{ modelJson: Uint8Array; shard: Uint8Array }> {
  const { tf } = await loadTf();
  const model = build(tf);
  let saved: { topology: unknown; specs: unknown; data: ArrayBuffer } | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = { topology: artifacts.modelTopology, specs: artifacts.weightSpecs, data: artifacts.weightData as ArrayBuffer };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  const json = {
    format: 'layers-model',
    generatedBy: 'TensorFlow.js tfjs-layers',
    convertedBy: null,
    modelTopology: saved!.topology,
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: saved!.specs }],
  };
  return { modelJson: strToU8(JSON.stringify(json)), shard: new Uint8Array(saved!.data) };
}

/** An upload of the bad-input corpus: the problem it is sent to and the refusal it must get. */
export interface BadInput {
  kind: string;
  problemId: string;
  request: () => Promise<GradeRequest['files']> | GradeRequest['files'];
  code: string;
  message: RegExp;
}

export const h5 = (name: string, bytes: Uint8Array) => [{ name, bytes }];
export const mnistCnn = () => fixture('03_mnist_cnn_C2_fixedbatch32_k2.8.h5');
export const linearH5 = () => fixture('01_dense_regression_A1_k2.5.h5');

/** The bad-input corpus; files that must exist on disk are made in `tempDir`. */
export function badInputCorpus(tempDir: string): BadInput[] {
  return [
  // ---- checked in the calling thread, before any parsing ----
  { kind: 'no file at all', problemId: 'mnist', request: () => [], code: 'missing-file', message: /No file was uploaded/ },
  { kind: 'empty file (bytes)', problemId: 'mnist', request: () => h5('model.h5', new Uint8Array(0)), code: 'empty-file', message: /model\.h5 is empty \(0 bytes\)/ },
  {
    kind: 'empty file (path)',
    problemId: 'mnist',
    request: () => {
      const file = path.join(tempDir, 'empty.h5');
      writeFileSync(file, '');
      return [{ name: 'empty.h5', path: file }];
    },
    code: 'empty-file',
    message: /empty\.h5 is empty/,
  },
  {
    kind: '2 GB file on disk (sparse, never read)',
    problemId: 'mnist',
    request: () => {
      const file = path.join(tempDir, 'huge.h5');
      const fd = openSync(file, 'w');
      ftruncateSync(fd, 2 * 1024 ** 3);
      closeSync(fd);
      return [{ name: 'huge.h5', path: file }];
    },
    code: 'too-large',
    message: /huge\.h5 is 2\.0 GB; the grader accepts at most 128\.0 MB per model/,
  },
  {
    kind: '2 GB declared size (refused before stat)',
    problemId: 'mnist',
    request: () => [{ name: 'declared.h5', path: path.join(tempDir, 'does-not-exist.h5'), size: 2 * 1024 ** 3 }],
    code: 'too-large',
    message: /declared\.h5 is 2\.0 GB/,
  },
  {
    kind: '65 files',
    problemId: 'mnist',
    request: () => Array.from({ length: 65 }, (_, i) => ({ name: `group1-shard${i}.bin`, bytes: new Uint8Array([1]) })),
    code: 'too-many-files',
    message: /65 files were uploaded; the grader accepts at most 64/,
  },
  // ---- not a model at all ----
  {
    kind: 'random bytes named .h5',
    problemId: 'mnist',
    request: () => h5('model.h5', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)),
    code: 'not-a-model',
    message: /model\.h5 is named \.h5 but is not an HDF5 file/,
  },
  {
    kind: 'a PNG named .h5',
    problemId: 'mnist',
    request: () => h5('model.h5', new Uint8Array(readFileSync(testDataPath('datasets', 'horse_or_human_validation', 'validation-horse-or-human', 'horses', 'horse1-000.png')))),
    code: 'not-a-model',
    message: /not an HDF5 file/,
  },
  { kind: 'a .txt file', problemId: 'mnist', request: () => h5('notes.txt', strToU8('model trained, accuracy 0.99\n')), code: 'wrong-extension', message: /notes\.txt is not a model file the grader knows/ },
  { kind: 'a Python pickle', problemId: 'mnist', request: () => h5('model.pkl', new Uint8Array([0x80, 0x04, 0x95, 0x10, 0, 0, 0])), code: 'wrong-extension', message: /Python pickle/ },
  { kind: 'a TF Lite model', problemId: 'mnist', request: () => h5('model.tflite', strToU8('\x1c\x00\x00\x00TFL3')), code: 'wrong-extension', message: /TensorFlow Lite/ },
  // ---- damaged HDF5 ----
  ...[10, 64, 1024].map(
    (cut): BadInput => ({
      kind: `HDF5 cut to its first ${cut} bytes`,
      problemId: 'mnist',
      request: () => h5('model.h5', mnistCnn().subarray(0, cut)),
      code: 'truncated-hdf5',
      message: /model\.h5 is cut short/,
    }),
  ),
  {
    kind: 'HDF5 cut in half (the superblock records the real end)',
    problemId: 'mnist',
    request: () => {
      const bytes = mnistCnn();
      return h5('model.h5', bytes.subarray(0, Math.floor(bytes.length / 2)));
    },
    code: 'truncated-hdf5',
    message: /the file says it is 1,379,960 bytes long but only 689,980 bytes arrived/,
  },
  {
    kind: 'HDF5 missing its last byte',
    problemId: 'mnist',
    request: () => {
      const bytes = mnistCnn();
      return h5('model.h5', bytes.subarray(0, bytes.length - 1));
    },
    code: 'truncated-hdf5',
    message: /1,379,960 bytes long but only 1,379,959 bytes arrived/,
  },
  {
    kind: 'HDF5 without model_config (a Keras 3 weights file)',
    problemId: 'mnist',
    request: () => h5('model.h5', kerasParts()['model.weights.h5']),
    code: 'no-model-config',
    message: /model\.h5 (is an HDF5 file but not a Keras model|holds only weights)/,
  },
  {
    kind: 'HDF5 whose model_config is not JSON',
    problemId: 'linear-a',
    request: () => h5('model.h5', patchAscii(linearH5(), '{"class_name": "Sequential"', '["class_name": "Sequential"')),
    code: 'bad-model-config',
    message: /not valid JSON/,
  },
  // ---- layers that cannot be graded ----
  {
    kind: 'Lambda layer (in a real .h5)',
    problemId: 'mnist',
    request: () => h5('model.h5', patchAscii(mnistCnn(), '"class_name": "Flatten"', '"class_name": "Lambda" ')),
    code: 'lambda-layer',
    message: /Layer "flatten_1" is a Lambda layer/,
  },
  {
    kind: 'unknown layer class (in a real .h5)',
    problemId: 'mnist',
    request: () => h5('model.h5', patchAscii(mnistCnn(), '"class_name": "Flatten"', '"class_name": "MyLayer"')),
    code: 'unknown-layer',
    message: /Layer "flatten_1" has the class MyLayer/,
  },
  {
    kind: 'string input (text fed to the model)',
    problemId: 'linear-a',
    request: () => h5('model.h5', patchAscii(linearH5(), '"dtype": "float32", "sparse"', '"dtype": "string",  "sparse"')),
    code: 'text-vectorization',
    message: /takes strings\. The grader feeds token ids/,
  },
  {
    kind: 'custom registered class (.keras)',
    problemId: 'mnist',
    request: () => h5('model.keras', insertLayer({ module: null, class_name: 'ScaleLayer', config: { name: 'scale' }, registered_name: 'Custom>ScaleLayer' })),
    code: 'custom-class',
    message: /Layer "scale" is a custom class/,
  },
  {
    kind: 'TF Hub KerasLayer (.keras)',
    problemId: 'mnist',
    request: () => h5('model.keras', insertLayer({ module: 'tensorflow_hub.keras_layer', class_name: 'KerasLayer', config: { name: 'keras_layer', handle: 'https://tfhub.dev/google/imagenet/mobilenet_v2_100_224/feature_vector/5' }, registered_name: null })),
    code: 'hub-layer',
    message: /Layer "keras_layer" is a TensorFlow Hub KerasLayer/,
  },
  {
    kind: 'TextVectorization inside the model (.keras)',
    problemId: 'bbc-news',
    request: () => h5('model.keras', insertLayer({ module: 'keras.layers', class_name: 'TextVectorization', config: { name: 'text_vectorization', max_tokens: 1000 }, registered_name: null })),
    code: 'text-vectorization',
    message: /Layer "text_vectorization" is a TextVectorization layer inside the model/,
  },
  {
    kind: 'Lambda layer (.keras)',
    problemId: 'mnist',
    request: () => h5('model.keras', insertLayer({ module: 'keras.layers', class_name: 'Lambda', config: { name: 'rescale', function: { class_name: '__lambda__' } }, registered_name: null })),
    code: 'lambda-layer',
    message: /Layer "rescale" is a Lambda layer/,
  },
  // ---- weights ----
  { kind: 'NaN weights (.h5)', problemId: 'linear-a', request: () => h5('model.h5', nanWeightsH5()), code: 'nan-weights', message: /Layer "dense" has NaN \(not-a-number\) values in its weight/ },
  {
    kind: '100M parameters in the config only (refused before allocating)',
    problemId: 'mnist',
    request: () =>
      h5(
        'model.keras',
        editedKeras((layers) => {
          (layers[1].config as { units: number }).units = 130_000;
        }),
      ),
    code: 'too-many-params',
    message: /more than 25,000,000 parameters/,
  },
  {
    kind: '.keras without model.weights.h5',
    problemId: 'mnist',
    request: () => {
      const { 'model.weights.h5': _weights, ...rest } = kerasParts();
      return h5('model.keras', zipSync(rest));
    },
    code: 'missing-weights',
    message: /has no model\.weights\.h5/,
  },
  // ---- hostile or damaged zips ----
  {
    kind: '.keras zip bomb (declares 3 GB)',
    problemId: 'mnist',
    request: () => h5('model.keras', setDeclaredSize(zipSync(kerasParts()), 'model.weights.h5', 3 * 1024 ** 3)),
    code: 'zip-bomb',
    message: /would unpack to more than 256\.0 MB/,
  },
  {
    kind: '.keras zip bomb (header lies: 20 MB inflate from a 1 KB declaration)',
    problemId: 'mnist',
    request: () => {
      const parts = kerasParts();
      const padded = new Uint8Array(20 * 1024 * 1024).fill(0x20);
      padded.set(parts['config.json']);
      return h5('model.keras', setDeclaredSize(zipSync({ ...parts, 'config.json': padded }), 'config.json', 1024));
    },
    code: 'zip-bomb',
    message: /config\.json unpacks to more than the 1\.0 KB its header declares/,
  },
  {
    kind: 'zip with a ../ path',
    problemId: 'mnist',
    request: () => h5('model.keras', zipSync({ ...kerasParts(), '../../etc/cron.d/evil': strToU8('* * * * * root sh') })),
    code: 'zip-path-escape',
    message: /points outside the archive \("\.\.\/\.\.\/etc\/cron\.d\/evil"\)/,
  },
  {
    kind: 'zip with an absolute path',
    problemId: 'mnist',
    request: () => h5('model.zip', zipSync({ '/tmp/model.json': strToU8('{}') })),
    code: 'zip-path-escape',
    message: /absolute path \("\/tmp\/model\.json"\)/,
  },
  {
    kind: 'zip with 2,001 entries',
    problemId: 'mnist',
    request: () => h5('model.zip', zipSync(Object.fromEntries(Array.from({ length: 2001 }, (_, i) => [`f${i}.txt`, new Uint8Array([i % 256])])))),
    code: 'zip-too-many-entries',
    message: /holds 2001 entries; at most 2000/,
  },
  {
    kind: 'damaged zip (signature, then garbage)',
    problemId: 'mnist',
    request: () => h5('model.keras', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...Array.from({ length: 200 }, (_, i) => (i * 31) % 256)])),
    code: 'corrupt-zip',
    message: /model\.keras is not a readable zip archive/,
  },
  { kind: 'zip without a model inside', problemId: 'mnist', request: () => h5('model.zip', zipSync({ 'README.md': strToU8('# my model') })), code: 'not-a-model', message: /holds no model the grader knows.*README\.md/ },
  // ---- other formats ----
  {
    kind: 'TF.js model.json without its shards',
    problemId: 'linear-a',
    request: async () => h5('model.json', (await tfjsLayersModel(1, 9)).modelJson),
    code: 'missing-file',
    message: /needs the weight file "group1-shard1of1\.bin", which was not uploaded/,
  },
  {
    kind: 'TF.js model with a NaN shard',
    problemId: 'linear-a',
    request: async () => {
      const { modelJson, shard } = await tfjsLayersModel(Number.NaN, 9);
      return [
        { name: 'model.json', bytes: modelJson },
        { name: 'group1-shard1of1.bin', bytes: shard },
      ];
    },
    code: 'nan-weights',
    message: /NaN/,
  },
  {
    kind: 'TF.js graph model',
    problemId: 'mnist',
    request: () => h5('model.json', strToU8(JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }))),
    code: 'unsupported-format',
    message: /TF\.js graph model/,
  },
  {
    kind: 'SavedModel zip on the wasm backend',
    problemId: 'mnist',
    request: () =>
      h5(
        'saved_model.zip',
        zipSync({
          'my_model/saved_model.pb': new Uint8Array([0x08, 0x01, 0x12, 0x00]),
          'my_model/keras_metadata.pb': new Uint8Array([0x0a, 0x00]),
          'my_model/variables/variables.index': new Uint8Array(16),
          'my_model/variables/variables.data-00000-of-00001': new Uint8Array(64),
        }),
      ),
    code: 'savedmodel-unsupported',
    message: /saved_model\.zip is a TensorFlow SavedModel.*model\.save\("model\.h5"\)/,
  },
  // ---- real models on the wrong problem ----
  {
    kind: 'wrong input shape (a 150x150 RGB model on MNIST)',
    problemId: 'mnist',
    request: () => h5('model.h5', fixture('06_horse_human_cnn_150x150_A2_k2.7.h5')),
    code: 'wrong-input-shape',
    message: /Your model takes \(None, 150, 150, 3\); this problem feeds \(None, 28, 28, 1\) or \(None, 28, 28\)/,
  },
  {
    kind: 'two Conv2D(512) on MNIST (refused for its compute before it is evaluated)',
    problemId: 'mnist',
    request: async () => {
      const { modelJson, shard } = await savedTfjsModel((tf) =>
        tf.sequential({
          layers: [
            tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 512, kernelSize: 3, activation: 'relu' }),
            tf.layers.conv2d({ filters: 512, kernelSize: 3, activation: 'relu' }),
            tf.layers.globalAveragePooling2d({}),
            tf.layers.dense({ units: 10, activation: 'softmax' }),
          ],
        }),
      );
      return [
        { name: 'model.json', bytes: modelJson },
        { name: 'group1-shard1of1.bin', bytes: shard },
      ];
    },
    code: 'too-much-compute',
    message: /on the 10,000 test samples would take about [\d.,]+ TFLOP .*the grader's budget is 2 TFLOP/,
  },
  {
    kind: 'wrong output units (a 3-class model on horse-or-human)',
    problemId: 'horse-or-human',
    request: () => h5('model.h5', fixture('05_rps_cnn_150x150_B3_k2.5.h5')),
    code: 'wrong-output-units',
    message: /Your model outputs \(None, 3\); this problem expects \(None, 1\) or \(None, 2\)/,
  },
];
}
