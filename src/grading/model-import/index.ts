// Model import: uploaded files -> a tfjs LayersModel ready to predict, or a ModelRejectedError
// whose message tells the member what is wrong with the upload.
//
// The format is detected from the content (HDF5 signature, zip signature, JSON), not from the
// file name; the name only shapes the message when the content is not a model.
import { ModelRejectedError } from '../errors.ts';
import type { Tf } from '../tf-backend.ts';
import { isHdf5 } from './hdf5.ts';
import { importKerasH5 } from './keras-h5.ts';
import { importKerasZip } from './keras-zip.ts';
import { importSavedModel, savedModelRoot } from './savedmodel.ts';
import { importTfjsLayers, parseTfjsModelJson } from './tfjs-layers.ts';
import { defaultImportLimits, type ImportedModel, type ImportLimits, type ImportOptions, type UploadedFile } from './types.ts';
import { isZip, openZip, type ZipArchive } from './zip.ts';

export type { ImportedModel, ImportOptions, UploadedFile } from './types.ts';

type ContentKind = 'empty' | 'hdf5' | 'zip' | 'json' | 'unknown';

/** What a file holds, judged from its first bytes. */
function detectContent(bytes: Uint8Array): ContentKind {
  if (bytes.length === 0) return 'empty';
  if (isHdf5(bytes)) return 'hdf5';
  if (isZip(bytes)) return 'zip';
  let first = 0;
  while (first < bytes.length && first < 1024 && [0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf].includes(bytes[first])) first++;
  if (bytes[first] === 0x7b /* { */) return 'json';
  return 'unknown';
}

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

const saveHint = 'In Colab, save the trained model with model.save("model.h5") and upload that file.';

/** The message for a file whose content is no model format we know, shaped by its extension. */
function unknownContentError(file: UploadedFile): ModelRejectedError {
  const ext = extension(file.name);
  const messages: Record<string, string> = {
    h5: `${file.name} is named .h5 but is not an HDF5 file (it does not start with the HDF5 signature); it may have been damaged or saved as something else. ${saveHint}`,
    hdf5: `${file.name} is named .hdf5 but is not an HDF5 file. ${saveHint}`,
    keras: `${file.name} is named .keras but is not a zip archive, as a .keras file is. ${saveHint}`,
    zip: `${file.name} is named .zip but is not a zip archive. ${saveHint}`,
    tflite: `${file.name} is a TensorFlow Lite model, which keeps no Keras layers and cannot be graded. ${saveHint}`,
    pb: `${file.name} looks like part of a SavedModel or a frozen graph, which cannot be graded here. ${saveHint}`,
    pt: `${file.name} looks like a PyTorch file; the exam grades Keras models. ${saveHint}`,
    pth: `${file.name} looks like a PyTorch file; the exam grades Keras models. ${saveHint}`,
    onnx: `${file.name} is an ONNX model; the exam grades Keras models. ${saveHint}`,
    pkl: `${file.name} is a Python pickle, which is not a model format the grader can read (and is unsafe to open). ${saveHint}`,
    ipynb: `${file.name} is a notebook, not a model. Run it, then ${saveHint.charAt(0).toLowerCase()}${saveHint.slice(1)}`,
    py: `${file.name} is Python code, not a trained model. ${saveHint}`,
    bin: `${file.name} is a TF.js weight shard; upload it together with its model.json.`,
  };
  return new ModelRejectedError(
    ext === 'h5' || ext === 'keras' || ext === 'hdf5' || ext === 'zip' ? 'not-a-model' : 'wrong-extension',
    messages[ext] ?? `${file.name} is not a model file the grader knows (.h5, .keras, a TF.js model.json with its .bin files, or a zip of them). ${saveHint}`,
  );
}

function resolveLimits(options: ImportOptions): ImportLimits {
  return {
    maxParams: options.maxParams ?? defaultImportLimits.maxParams,
    maxUncompressedBytes: options.maxUncompressedBytes ?? defaultImportLimits.maxUncompressedBytes,
    maxZipEntries: options.maxZipEntries ?? defaultImportLimits.maxZipEntries,
  };
}

/** Finds `name` at the root of the archive or inside its single top folder. */
function findInArchive(archive: ZipArchive, name: string): string | undefined {
  if (archive.has(name)) return name;
  const nested = archive.entries.filter((entry) => !entry.isDirectory && entry.name.endsWith(`/${name}`) && entry.name.split('/').length === 2);
  return nested.length === 1 ? nested[0].name : undefined;
}

async function importZip(tf: Tf, file: UploadedFile, limits: ImportLimits): Promise<ImportedModel> {
  const archive = openZip(file.bytes, file.name, { maxEntries: limits.maxZipEntries, maxUncompressedBytes: limits.maxUncompressedBytes });
  if (archive.has('config.json') && (archive.has('model.weights.h5') || archive.has('metadata.json'))) {
    return importKerasZip(tf, archive, file.name, limits);
  }
  const modelJsonName = findInArchive(archive, 'model.json');
  if (modelJsonName) {
    const folder = modelJsonName.slice(0, -'model.json'.length);
    const modelJson = parseTfjsModelJson(new TextDecoder().decode(archive.read(modelJsonName)), `${file.name}/${modelJsonName}`);
    return importTfjsLayers(
      tf,
      modelJson,
      (path) => (archive.has(folder + path) ? archive.read(folder + path) : undefined),
      file.name,
      limits,
    );
  }
  if (savedModelRoot(archive) !== undefined) return importSavedModel(tf, archive, file.name, limits);
  if (archive.has('config.json')) {
    throw new ModelRejectedError('missing-weights', `${file.name} has a config.json but no model.weights.h5, so it holds no trained weights. Save the model with model.save("model.keras").`);
  }
  const listed = archive.entries.slice(0, 5).map((entry) => entry.name).join(', ');
  throw new ModelRejectedError(
    'not-a-model',
    `${file.name} is a zip archive but holds no model the grader knows (a .keras file has config.json and model.weights.h5; a TF.js model has model.json). ` +
      `It holds: ${listed || 'nothing'}${archive.entries.length > 5 ? ', ...' : ''}. ${saveHint}`,
  );
}

/**
 * Imports an uploaded model: one .h5 (Keras 2 or 3), one .keras, a zip (of a .keras, a TF.js
 * Layers model or a SavedModel), or a TF.js model.json with its .bin shards as several files.
 * Throws ModelRejectedError for every unusable upload; any other error is an internal error.
 */
export async function importModel(files: UploadedFile[], options: ImportOptions): Promise<ImportedModel> {
  const { tf } = options;
  const limits = resolveLimits(options);
  if (files.length === 0) {
    throw new ModelRejectedError('missing-file', 'No file was uploaded. Upload the model.h5 your training notebook saved.');
  }
  for (const file of files) {
    if (file.bytes.length === 0) {
      throw new ModelRejectedError('empty-file', `${file.name} is empty (0 bytes): the upload or the download from Colab did not finish. Upload the file again.`);
    }
  }
  if (files.length === 1) {
    const [file] = files;
    switch (detectContent(file.bytes)) {
      case 'hdf5':
        return importKerasH5(tf, file, limits);
      case 'zip':
        return importZip(tf, file, limits);
      case 'json': {
        const modelJson = parseTfjsModelJson(new TextDecoder().decode(file.bytes), file.name);
        return importTfjsLayers(tf, modelJson, () => undefined, file.name, limits);
      }
      default:
        throw unknownContentError(file);
    }
  }
  const jsonFiles = files.filter((file) => detectContent(file.bytes) === 'json');
  if (jsonFiles.length !== 1) {
    throw new ModelRejectedError(
      'unsupported-format',
      `Several files were uploaded (${files.map((file) => file.name).join(', ')}). Upload one .h5 or .keras file, or one TF.js model.json together with its .bin files.`,
    );
  }
  const [modelJsonFile] = jsonFiles;
  const shards = new Map(files.filter((file) => file !== modelJsonFile).map((file) => [file.name.split('/').pop() ?? file.name, file.bytes]));
  const modelJson = parseTfjsModelJson(new TextDecoder().decode(modelJsonFile.bytes), modelJsonFile.name);
  return importTfjsLayers(tf, modelJson, (path) => shards.get(path.split('/').pop() ?? path), modelJsonFile.name, limits);
}
