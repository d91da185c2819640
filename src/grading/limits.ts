// Limits of the grader and the checks made in the calling thread before any byte of an upload is
// parsed: the number of files, empty files and the total size. A 2 GB upload given by path is
// refused from its size alone, without being read.
import { stat } from 'node:fs/promises';
import { ModelRejectedError } from './errors.ts';

export interface GradingLimits {
  /**
   * Largest total size of the files of one grade, in bytes. Default 128 MiB: a 25M-parameter
   * float32 model is 100 MB of weights, and exam models are far smaller (the MNIST CNN is 1.4 MB).
   */
  maxUploadBytes: number;
  /** Largest number of files in one grade (a TF.js model is model.json plus its shards). Default 64. */
  maxFiles: number;
  /** Largest parameter count, checked from the config before weights are allocated. Default 25M. */
  maxParams: number;
  /** Largest total uncompressed size of a zip upload (.keras, zipped TF.js or SavedModel). Default 256 MiB. */
  maxUncompressedBytes: number;
  /** Largest number of entries in a zip upload. Default 2,000. */
  maxZipEntries: number;
  /**
   * Floating point operations one evaluation may take (estimated from the layers before it runs).
   * Default 2 TFLOP: a minute or two on the wasm backend; the exam's MNIST CNN takes about 60 GFLOP
   * on its 10,000 digits, a horse-or-human CNN about 100 GFLOP.
   */
  maxEvaluationFlops: number;
  /**
   * Activation values all layers may output over one evaluation. Default 2 billion: the exam's
   * MNIST and horse-or-human CNNs output 0.3-0.4 billion; one Conv2D(1024) on the 150x150 images
   * outputs 5.7 billion (few FLOPs, but minutes of memory traffic on the wasm backend).
   */
  maxEvaluationValues: number;
  /**
   * Memory the activations of one evaluation batch may take, in bytes; batches shrink to fit.
   * Default 512 MiB. Outside the worker's heap limit (tensors live in WebAssembly memory, which
   * never shrinks), so it is decided from the layer shapes before the first batch.
   */
  maxActivationBytes: number;
  /** Wall time allowed to import and evaluate one model, in ms. Default 120 s. */
  timeoutMs: number;
  /**
   * Wall time allowed to get the evaluation data ready (download, decode) before the model's own
   * clock starts, in ms. Default 10 min: a first download on a slow link.
   */
  preparationTimeoutMs: number;
  /**
   * JavaScript heap of one grading worker, in MB (worker resourceLimits.maxOldGenerationSizeMb).
   * Default 1,024. Typed arrays and WebAssembly memory (the wasm backend's tensors) are outside
   * the V8 heap and outside this limit: the parameter and upload limits bound those.
   */
  workerMemoryMb: number;
}

export const defaultGradingLimits: GradingLimits = {
  maxUploadBytes: 128 * 1024 * 1024,
  maxFiles: 64,
  maxParams: 25_000_000,
  maxUncompressedBytes: 256 * 1024 * 1024,
  maxZipEntries: 2_000,
  maxEvaluationFlops: 2e12,
  maxEvaluationValues: 2e9,
  maxActivationBytes: 512 * 1024 * 1024,
  timeoutMs: 120_000,
  preparationTimeoutMs: 600_000,
  workerMemoryMb: 1_024,
};

/** An uploaded file, held in memory. */
interface UploadedBytes {
  name: string;
  bytes: Uint8Array;
}

/**
 * An uploaded file on disk (a download in progress to a temporary file, a CLI argument). `size`, when
 * known beforehand (a Discord attachment's declared size), lets a too-large file be refused before
 * the file system is even asked.
 */
interface UploadedPath {
  name: string;
  path: string;
  size?: number;
}

export type UploadSource = UploadedBytes | UploadedPath;

/** A file that passed the size checks: bytes in memory, or a path with its measured size. */
export type CheckedUpload = { name: string; size: number; bytes: Uint8Array } | { name: string; size: number; path: string };

/**
 * A size for messages: "512 bytes", "1.5 KB", "128.0 MB", "2.0 GB" (binary units). The /grade
 * download messages write whole KB ("4 KB"): `kilobyteDecimals: 0`.
 */
export function formatBytes(bytes: number, { kilobyteDecimals = 1 }: { kilobyteDecimals?: number } = {}): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(kilobyteDecimals)} KB`;
  return `${bytes} bytes`;
}

function isPathSource(file: UploadSource): file is UploadedPath {
  return typeof (file as UploadedPath).path === 'string';
}

function tooLarge(what: string, size: number, limit: number): ModelRejectedError {
  return new ModelRejectedError(
    'too-large',
    `${what} ${formatBytes(size)}; the grader accepts at most ${formatBytes(limit)} per model. ` +
      'Exam models are a few MB: check that you saved the model (model.save("model.h5")), not the data or a checkpoint folder.',
  );
}

/**
 * Checks the files of one grade without parsing them: at least one, not too many, none empty, and
 * the total size within the limit. Path sources are measured with stat(), never read here.
 */
export async function checkUploads(files: readonly UploadSource[], limits: Pick<GradingLimits, 'maxUploadBytes' | 'maxFiles'>): Promise<CheckedUpload[]> {
  if (files.length === 0) {
    throw new ModelRejectedError('missing-file', 'No file was uploaded. Attach your model file (model.h5 or model.keras).');
  }
  if (files.length > limits.maxFiles) {
    throw new ModelRejectedError(
      'too-many-files',
      `${files.length} files were uploaded; the grader accepts at most ${limits.maxFiles} for one model. Upload model.h5, or a .zip of a TF.js model folder.`,
    );
  }
  const checked: CheckedUpload[] = [];
  let total = 0;
  for (const file of files) {
    const name = typeof file.name === 'string' && file.name.trim() !== '' ? file.name : 'the uploaded file';
    let size: number;
    if (isPathSource(file)) {
      if (file.size !== undefined && file.size > limits.maxUploadBytes) throw tooLarge(`${name} is`, file.size, limits.maxUploadBytes);
      let info;
      try {
        info = await stat(file.path);
      } catch (error) {
        throw new Error(`Cannot read the upload ${name} at ${file.path}: ${(error as Error).message}`, { cause: error });
      }
      if (!info.isFile()) throw new Error(`The upload ${name} at ${file.path} is not a regular file`);
      size = info.size;
      checked.push({ name, size, path: file.path });
    } else {
      if (!(file.bytes instanceof Uint8Array)) throw new TypeError(`The upload ${name} has no bytes (expected a Uint8Array)`);
      size = file.bytes.byteLength;
      checked.push({ name, size, bytes: file.bytes });
    }
    if (size === 0) {
      throw new ModelRejectedError('empty-file', `${name} is empty (0 bytes). Download the model again from Colab and upload the complete file.`);
    }
    if (size > limits.maxUploadBytes) throw tooLarge(`${name} is`, size, limits.maxUploadBytes);
    total += size;
    if (total > limits.maxUploadBytes) throw tooLarge(`Together, the ${files.length} files are`, total, limits.maxUploadBytes);
  }
  return checked;
}
