// Public types of the model importer.
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tf } from '../tf-backend.ts';

export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

export type ModelFormat = 'keras2-h5' | 'keras3-h5' | 'keras3-zip' | 'tfjs-layers' | 'savedmodel';

export interface ImportedModel {
  model: tfTypes.LayersModel;
  format: ModelFormat;
  kerasVersion?: string;
  /** Input shape with the batch dimension first, as Keras shows it: [null, 28, 28, 1]. */
  inputShape: (number | null)[];
  outputShape: (number | null)[];
  inputDtype: string;
  paramCount: number;
  /** Layers that compute something (nested models counted by their layers; input layers not counted). */
  layerCount: number;
}

export interface ImportOptions {
  tf: Tf;
  /** Largest parameter count accepted (default 50,000,000). */
  maxParams?: number;
  /** Largest total uncompressed size of a zip upload, in bytes (default 512 MiB). */
  maxUncompressedBytes?: number;
  /** Largest number of entries in a zip upload (default 2,000). */
  maxZipEntries?: number;
}

export interface ImportLimits {
  maxParams: number;
  maxUncompressedBytes: number;
  maxZipEntries: number;
}

export const defaultImportLimits: ImportLimits = {
  maxParams: 50_000_000,
  maxUncompressedBytes: 512 * 1024 * 1024,
  maxZipEntries: 2_000,
};
