// TensorFlow SavedModel folders uploaded as a zip. Only the native backend (tfjs-node) can run
// them; everywhere else the member is told how to save an .h5 instead.
//
// tfjs-node loads a SavedModel as a TFSavedModel (a graph, not Keras layers), so it is wrapped in
// an object offering the part of the LayersModel API grading uses: predict, inputs, outputs,
// countParams and dispose.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { ModelRejectedError } from '../errors.ts';
import type { Tf } from '../tf-backend.ts';
import type { ImportedModel, ImportLimits } from './types.ts';
import type { ZipArchive } from './zip.ts';

function savedModelUnsupported(fileName: string): ModelRejectedError {
  return new ModelRejectedError(
    'savedmodel-unsupported',
    `${fileName} is a TensorFlow SavedModel. This grader runs TensorFlow.js without the native TensorFlow library, so it cannot load SavedModels. ` +
      'In Colab, save the model with model.save("model.h5") and upload that file.',
  );
}

interface TensorInfo {
  name: string;
  shape: number[];
  dtype: string;
}

interface TfSavedModel {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  predict(inputs: tfTypes.Tensor | tfTypes.Tensor[]): tfTypes.Tensor | tfTypes.Tensor[] | tfTypes.NamedTensorMap;
  dispose(): void;
}

interface TfNode {
  node: { loadSavedModel(dir: string, tags?: string[], signature?: string): Promise<TfSavedModel> };
}

/** The folder inside the zip that holds saved_model.pb ('' for the root). */
export function savedModelRoot(archive: ZipArchive): string | undefined {
  const entry = archive.entries.find((candidate) => candidate.name === 'saved_model.pb' || candidate.name.endsWith('/saved_model.pb'));
  return entry ? entry.name.slice(0, -'saved_model.pb'.length) : undefined;
}

export async function importSavedModel(tf: Tf, archive: ZipArchive, fileName: string, limits: ImportLimits): Promise<ImportedModel> {
  if (tf.getBackend() !== 'tensorflow' || !('node' in tf)) throw savedModelUnsupported(fileName);
  const root = savedModelRoot(archive) ?? '';
  // Variables are float32 in practice: 4 bytes a parameter bounds the count from above.
  const variableBytes = archive.entries
    .filter((entry) => entry.name.startsWith(`${root}variables/`))
    .reduce((total, entry) => total + entry.uncompressedSize, 0);
  if (variableBytes / 4 > limits.maxParams) {
    throw new ModelRejectedError('too-many-params', `${fileName} holds about ${Math.round(variableBytes / 4).toLocaleString('en-US')} parameters; at most ${limits.maxParams.toLocaleString('en-US')} are accepted.`);
  }
  const directory = await mkdtemp(path.join(os.tmpdir(), 'tf-study-bot-savedmodel-'));
  try {
    for (const entry of archive.entries) {
      if (entry.isDirectory || !entry.name.startsWith(root)) continue;
      // Entry names were checked for `..` and absolute paths when the zip was opened.
      const target = path.join(directory, entry.name.slice(root.length));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, archive.read(entry.name));
    }
    let saved: TfSavedModel;
    try {
      saved = await (tf as unknown as TfNode).node.loadSavedModel(directory);
    } catch (error) {
      throw new ModelRejectedError(
        'not-a-model',
        `${fileName} could not be loaded as a SavedModel (${error instanceof Error ? error.message.slice(0, 200) : String(error)}). Save the model with model.save("model.h5") and upload that file.`,
      );
    }
    if (saved.inputs.length !== 1 || saved.outputs.length !== 1) {
      saved.dispose();
      throw new ModelRejectedError('wrong-input-shape', `${fileName} has ${saved.inputs.length} inputs and ${saved.outputs.length} outputs; the exam's problems feed one input and read one output.`);
    }
    const toShape = (shape: number[]) => shape.map((size) => (size < 0 ? null : size));
    const inputShape = toShape(saved.inputs[0].shape);
    const outputShape = toShape(saved.outputs[0].shape);
    const model = {
      inputs: [{ shape: inputShape, dtype: saved.inputs[0].dtype }],
      outputs: [{ shape: outputShape, dtype: saved.outputs[0].dtype }],
      layers: [],
      predict(x: tfTypes.Tensor | tfTypes.Tensor[]) {
        const result = saved.predict(x);
        if (result instanceof tf.Tensor || Array.isArray(result)) return result;
        return Object.values(result)[0];
      },
      countParams: () => Math.round(variableBytes / 4),
      dispose: () => saved.dispose(),
    } as unknown as tfTypes.LayersModel;
    return {
      model,
      format: 'savedmodel',
      inputShape,
      outputShape,
      inputDtype: saved.inputs[0].dtype,
      paramCount: Math.round(variableBytes / 4),
      layerCount: 0,
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
