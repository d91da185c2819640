// The hostile uploads of the "hostile uploads" issue, generated (never committed as binaries):
// each is written as the files a member would upload, with the problem it is sent to and the
// refusal it must get. `node bin/run-ts.js tests/support/hostile-corpus.ts <folder>` writes them
// for trying by hand with `tf-study-bot grade`.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import * as hdf5 from 'jsfive';
import type { LayersModel } from '@tensorflow/tfjs';
import type { Tf } from '../../src/grading/tf-backend.ts';
import { editedKeras, kerasParts, savedTfjsModel } from './bad-input-corpus.ts';

export type HostileUpload = {
  kind: string;
  problem: string;
  files: Array<{ name: string; bytes: Uint8Array }>;
  code: string;
  message: RegExp;
};

/** A model built in code, as the files of a TF.js upload. */
async function tfjsFiles(build: (tf: Tf) => LayersModel): Promise<HostileUpload['files']> {
  const { modelJson, shard } = await savedTfjsModel(build);
  return [
    { name: 'model.json', bytes: modelJson },
    { name: 'group1-shard1of1.bin', bytes: shard },
  ];
}

/** The .keras fixture whose first layer group links back to its parent group ("layers"). */
function cyclicKeras(): Uint8Array {
  const parts = kerasParts();
  const weights = Buffer.from(parts['model.weights.h5']);
  const file = new hdf5.File(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer);
  const layers = file.get('layers') as hdf5.Group;
  const first = layers.get(layers.keys[0]) as hdf5.Group;
  const address = (offset: number) => {
    const bytes = Buffer.alloc(8);
    bytes.writeBigUInt64LE(BigInt(offset));
    return bytes;
  };
  const at = weights.indexOf(address(first._dataobjects!.offset!));
  address(layers._dataobjects!.offset!).copy(weights, at);
  return zipSync({ ...parts, 'model.weights.h5': new Uint8Array(weights) });
}

export async function hostileCorpus(): Promise<HostileUpload[]> {
  const tinyTopology = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'dense', units: 1, batch_input_shape: [null, 1] } }] } };
  const depth = 200_000;
  return [
    {
      kind: 'model.json listing one 4 MB weight file 1,000 times',
      problem: 'mnist',
      files: [
        {
          name: 'model.json',
          bytes: strToU8(JSON.stringify({ format: 'layers-model', modelTopology: tinyTopology, weightsManifest: [{ paths: Array.from({ length: 1000 }, () => 'big.bin'), weights: [{ name: 'dense/kernel', shape: [1, 1], dtype: 'float32' }, { name: 'dense/bias', shape: [1], dtype: 'float32' }] }] })),
        },
        { name: 'big.bin', bytes: new Uint8Array(4 * 1024 * 1024) },
      ],
      code: 'bad-model-config',
      message: /lists the weight file "big\.bin" more than once/,
    },
    {
      kind: 'horse-or-human model with one Conv2D(1024) on the full images',
      problem: 'horse-or-human',
      files: await tfjsFiles((tf) => tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [150, 150, 3], filters: 1024, kernelSize: 3 }), tf.layers.globalAveragePooling2d({}), tf.layers.dense({ units: 1, activation: 'sigmoid' })] })),
      code: 'too-much-compute',
      message: /would make its layers output about 5\.7 Gvalues/,
    },
    {
      kind: 'MNIST model with two Conv2D(512)',
      problem: 'mnist',
      files: await tfjsFiles((tf) =>
        tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 512, kernelSize: 3, activation: 'relu' }), tf.layers.conv2d({ filters: 512, kernelSize: 3, activation: 'relu' }), tf.layers.globalAveragePooling2d({}), tf.layers.dense({ units: 10, activation: 'softmax' })] }),
      ),
      code: 'too-much-compute',
      message: /would take about [\d.]+ TFLOP/,
    },
    ...['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'].map((className) => ({
      kind: `a layer class named ${className}`,
      problem: 'mnist',
      files: [{ name: 'model.keras', bytes: editedKeras((layers) => void (layers[1].class_name = className)) }],
      code: 'unknown-layer',
      message: new RegExp(`has the class ${className}, which the grader`),
    })),
    {
      kind: 'a config nested 200,000 levels deep',
      problem: 'mnist',
      files: [{ name: 'model.keras', bytes: zipSync({ ...kerasParts(), 'config.json': strToU8(`{"class_name":"Sequential","config":{"layers":[${'['.repeat(depth)}${']'.repeat(depth)}]}}`) }) }],
      code: 'bad-model-config',
      message: /nested 200,003 levels deep/,
    },
    {
      kind: 'a .keras whose HDF5 groups link back to their parent',
      problem: 'mnist',
      files: [{ name: 'model.keras', bytes: cyclicKeras() }],
      code: 'corrupt-hdf5',
      message: /links back to a group that contains it/,
    },
    {
      kind: 'a TF.js manifest whose shape is not a list',
      problem: 'linear-a',
      files: [
        { name: 'model.json', bytes: strToU8(JSON.stringify({ format: 'layers-model', modelTopology: tinyTopology, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'dense/kernel', shape: 'oops', dtype: 'float32' }, { name: 'dense/bias', shape: [1], dtype: 'float32' }] }] })) },
        { name: 'group1-shard1of1.bin', bytes: new Uint8Array(8) },
      ],
      code: 'bad-model-config',
      message: /has a shape that is not a list of sizes/,
    },
  ];
}

/** Writes each upload into `<folder>/<n>-<kind>/`, with the problem and expected refusal in expect.json. */
export async function writeHostileCorpus(folder: string): Promise<Array<{ upload: HostileUpload; dir: string }>> {
  const written: Array<{ upload: HostileUpload; dir: string }> = [];
  for (const [index, upload] of (await hostileCorpus()).entries()) {
    const dir = path.join(folder, `${String(index + 1).padStart(2, '0')}-${upload.kind.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
    mkdirSync(dir, { recursive: true });
    for (const file of upload.files) writeFileSync(path.join(dir, file.name), file.bytes);
    writeFileSync(path.join(dir, 'expect.json'), JSON.stringify({ problem: upload.problem, code: upload.code, message: upload.message.source }, null, 2));
    written.push({ upload, dir });
  }
  return written;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const folder = process.argv[2];
  if (!folder) {
    console.error('usage: node bin/run-ts.js tests/support/hostile-corpus.ts <folder>');
    process.exit(2);
  }
  for (const { dir } of await writeHostileCorpus(folder)) console.log(dir);
}
