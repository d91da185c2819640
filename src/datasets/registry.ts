// The datasets the mock-exam problems grade on: canonical download URLs, sizes and sha256 of the
// exact bytes practice models were trained on. Laid out on disk (and in a DATASET_MIRROR) as
// `<folder>/<file>`, e.g. `mnist/t10k-images-idx3-ubyte.gz`.
import { createHash } from 'node:crypto';
import { horseOrHumanManifest } from './horse-or-human-manifest.ts';

export type DatasetId = 'mnist' | 'horse-or-human' | 'bbc-text' | 'sunspots' | 'daily-min-temperatures' | 'daily-max-temperatures';

export interface DatasetFile {
  name: string;
  url: string;
  bytes: number;
  sha256: string;
}

/** A dataset made of plain files, each checked by its own hash. */
export interface FilesDataset {
  kind: 'files';
  id: DatasetId;
  folder: string;
  files: DatasetFile[];
}

/**
 * A folder of images, accepted either as the canonical zip (checked by the zip's hash, then
 * extracted) or as an already extracted folder (checked file by file against the manifest).
 */
export interface ImageFolderDataset {
  kind: 'image-folder';
  id: DatasetId;
  folder: string;
  zip: DatasetFile;
  /** Name of the extracted folder inside `folder`, holding one subfolder per class. */
  extractedFolder: string;
  manifest: ReadonlyArray<readonly [path: string, sha256: string]>;
}

export type DatasetDefinition = FilesDataset | ImageFolderDataset;

export const datasets: Record<DatasetId, DatasetDefinition> = {
  mnist: {
    kind: 'files',
    id: 'mnist',
    folder: 'mnist',
    files: [
      {
        name: 't10k-images-idx3-ubyte.gz',
        url: 'https://storage.googleapis.com/cvdf-datasets/mnist/t10k-images-idx3-ubyte.gz',
        bytes: 1648877,
        sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
      },
      {
        name: 't10k-labels-idx1-ubyte.gz',
        url: 'https://storage.googleapis.com/cvdf-datasets/mnist/t10k-labels-idx1-ubyte.gz',
        bytes: 4542,
        sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
      },
    ],
  },
  sunspots: {
    kind: 'files',
    id: 'sunspots',
    folder: 'sunspots',
    files: [
      {
        name: 'Sunspots.csv',
        url: 'https://storage.googleapis.com/laurencemoroney-blog.appspot.com/Sunspots.csv',
        bytes: 70827,
        sha256: '0ef4cf0379879a9be0043885d8de1c1907ae852c903a0fcbbc58ba813efb3f10',
      },
    ],
  },
  'daily-min-temperatures': {
    kind: 'files',
    id: 'daily-min-temperatures',
    folder: 'daily_min_temperatures',
    files: [
      {
        name: 'daily-min-temperatures.csv',
        url: 'https://raw.githubusercontent.com/jbrownlee/Datasets/master/daily-min-temperatures.csv',
        bytes: 67921,
        sha256: '8b9de63ed6789492bf497625e7f9beb96a63d367b4b0a21754006f749fa5e5da',
      },
    ],
  },
  'daily-max-temperatures': {
    kind: 'files',
    id: 'daily-max-temperatures',
    folder: 'daily_max_temperatures',
    files: [
      {
        name: 'daily-max-temperatures.csv',
        url: 'https://raw.githubusercontent.com/jbrownlee/Datasets/master/daily-max-temperatures.csv',
        bytes: 69359,
        sha256: '4f4ab4d6134d9c0f8efb3d6af6edc30a0ad3c56573d0f20f45db010055d0371c',
      },
    ],
  },
  'bbc-text': {
    kind: 'files',
    id: 'bbc-text',
    folder: 'bbc_text',
    files: [
      {
        name: 'bbc-text.csv',
        url: 'https://storage.googleapis.com/download.tensorflow.org/data/bbc-text.csv',
        bytes: 5057493,
        sha256: 'fdaee0f7451cd8db2709d00e992886fe1c387ee332b8c7b7c1554ed3d3e3382e',
      },
    ],
  },
  'horse-or-human': {
    kind: 'image-folder',
    id: 'horse-or-human',
    folder: 'horse_or_human_validation',
    zip: {
      name: 'validation-horse-or-human.zip',
      url: 'https://storage.googleapis.com/download.tensorflow.org/data/validation-horse-or-human.zip',
      bytes: 11480187,
      sha256: 'ae5fff2f4f5554791f05358108e2e05d9801b191f1896ea101402f0e7f6c32c0',
    },
    extractedFolder: 'validation-horse-or-human',
    manifest: horseOrHumanManifest,
  },
};

export function getDataset(id: DatasetId): DatasetDefinition {
  const dataset = datasets[id];
  if (!dataset) throw new Error(`Unknown dataset "${id}"; known: ${Object.keys(datasets).join(', ')}`);
  return dataset;
}

/** A value identifying the dataset's exact content, for cache keys. */
export function datasetContentHash(dataset: DatasetDefinition): string {
  return dataset.kind === 'files' ? dataset.files.map((file) => file.sha256).join('+') : manifestHash(dataset.manifest);
}

/** sha256 over the manifest's "path sha256\n" lines sorted by path: one value for a whole folder. */
function manifestHash(manifest: ImageFolderDataset['manifest']): string {
  const lines = [...manifest].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([path, sha256]) => `${path} ${sha256}\n`);
  return createHash('sha256').update(lines.join('')).digest('hex');
}
