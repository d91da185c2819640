// Builds a problem's evaluation set from its dataset, exactly as the problem's fixed preprocessing
// says, and caches it: in memory per process, and on disk (DATA_DIR/cache/evaluation) so the next
// process does not decode 256 PNGs or re-tokenise 2,225 articles again. The disk cache key covers
// the dataset's content hash and the problem's evaluation spec.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCsv } from '../io/csv.ts';
import { decodeIdx, decodePngRgbNearest } from './decode.ts';
import { ensureDataset, type DatasetLogger, type EnsureDatasetOptions } from './ensure.ts';
import type { EvaluationSetSpec, EvaluationSource } from './evaluation-source.ts';
import { KerasTokenizer, padSequences } from './keras-text.ts';
import { datasetContentHash, getDataset, type ImageFolderDataset } from './registry.ts';

interface RegressionSet {
  kind: 'regression';
  xs: Float32Array;
  ys: Float32Array;
}

export interface ClassificationSet {
  kind: 'classification';
  count: number;
  /** Per-sample shape as built (without batch), e.g. [28, 28, 1], [150, 150, 3], [120]. */
  sampleShape: number[];
  /** Sample values before division: pixels (bytes) or token ids. */
  inputs: Uint8Array | Int32Array;
  /** The model sees inputs[i] / inputDivisor (255 for pixels, 1 for token ids). */
  inputDivisor: number;
  labels: Int32Array;
  classNames: string[];
  /** Facts about the preprocessing, for tests and result displays (e.g. the tokenizer's vocabulary size). */
  info: Record<string, number | string>;
}

export interface TimeSeriesSet {
  kind: 'time-series';
  /** The whole normalised series, (x - min) / max, in float64 as numpy computes it. */
  series: Float64Array;
  splitTime: number;
  windowSize: number;
  min: number;
  max: number;
}

export type EvaluationSet = RegressionSet | ClassificationSet | TimeSeriesSet;

export interface LoadEvaluationSetOptions extends Omit<EnsureDatasetOptions, 'logger'> {
  logger?: DatasetLogger;
  /** Default true: read and write DATA_DIR/cache/evaluation. */
  diskCache?: boolean;
}

const CACHE_FORMAT = 1;
const memoryCache = new Map<string, Promise<EvaluationSet>>();

/** Forgets the in-memory cache (tests; a long-lived process after DATA_DIR changed). */
export function clearEvaluationSetMemoryCache(): void {
  memoryCache.clear();
}

function evaluationCacheKey(problem: EvaluationSetSpec): string {
  const content = problem.dataset ? datasetContentHash(getDataset(problem.dataset)) : 'inline';
  return createHash('sha256')
    .update(JSON.stringify({ format: CACHE_FORMAT, problem: problem.id, content, evaluation: problem.evaluation }))
    .digest('hex')
    .slice(0, 24);
}

export function evaluationCachePath(dataDir: string, problem: EvaluationSetSpec): string {
  return path.join(dataDir, 'cache', 'evaluation', `${problem.id}-${evaluationCacheKey(problem)}.bin`);
}

export function loadEvaluationSet(problem: EvaluationSetSpec, options: LoadEvaluationSetOptions): Promise<EvaluationSet> {
  if (problem.evaluation.kind === 'linear') return Promise.resolve(buildLinear(problem.evaluation));
  const key = `${path.resolve(options.dataDir)}:${problem.id}:${evaluationCacheKey(problem)}`;
  let loading = memoryCache.get(key);
  if (!loading) {
    loading = loadThroughDiskCache(problem, options);
    memoryCache.set(key, loading);
    loading.catch(() => memoryCache.delete(key));
  }
  return loading;
}

async function loadThroughDiskCache(problem: EvaluationSetSpec, options: LoadEvaluationSetOptions): Promise<EvaluationSet> {
  const useDisk = options.diskCache ?? true;
  const cacheFile = evaluationCachePath(options.dataDir, problem);
  if (useDisk) {
    const cached = await readCacheFile(cacheFile);
    if (cached) return cached;
  }
  const set = await buildEvaluationSet(problem, options);
  if (useDisk) {
    try {
      await writeCacheFile(cacheFile, set);
      await removeStaleCacheFiles(cacheFile, problem.id);
    } catch (error) {
      options.logger?.warn({ cacheFile, error: String(error) }, 'could not write the evaluation cache');
    }
  }
  return set;
}

async function buildEvaluationSet(problem: EvaluationSetSpec, options: LoadEvaluationSetOptions): Promise<EvaluationSet> {
  const source = problem.evaluation;
  switch (source.kind) {
    case 'linear':
      return buildLinear(source);
    case 'mnist': {
      const ensured = await ensureDataset(source.dataset, options);
      if (ensured.kind !== 'files') throw new Error('mnist must be a files dataset');
      const images = decodeIdx(await readFile(ensured.paths['t10k-images-idx3-ubyte.gz']), 't10k-images-idx3-ubyte.gz');
      const labels = decodeIdx(await readFile(ensured.paths['t10k-labels-idx1-ubyte.gz']), 't10k-labels-idx1-ubyte.gz');
      const [count, rows, cols] = images.dims;
      if (images.dims.length !== 3 || labels.dims.length !== 1 || labels.dims[0] !== count) {
        throw new Error(`MNIST files disagree: images ${images.dims.join('x')}, labels ${labels.dims.join('x')}`);
      }
      return {
        kind: 'classification',
        count,
        sampleShape: [rows, cols, 1],
        inputs: images.data,
        inputDivisor: 255,
        labels: Int32Array.from(labels.data),
        classNames: Array.from({ length: 10 }, (_, digit) => String(digit)),
        info: {},
      };
    }
    case 'image-folder': {
      const ensured = await ensureDataset(source.dataset, options);
      if (ensured.kind !== 'image-folder') throw new Error(`${source.dataset} must be an image-folder dataset`);
      const dataset = getDataset(source.dataset) as ImageFolderDataset;
      return buildImageFolderSet(ensured.imagesDir, dataset, source.classes, source.size);
    }
    case 'text-classification': {
      const ensured = await ensureDataset(source.dataset, options);
      if (ensured.kind !== 'files') throw new Error('bbc-text must be a files dataset');
      return buildTextSet(await readFile(ensured.paths['bbc-text.csv'], 'utf8'), source);
    }
    case 'time-series': {
      const ensured = await ensureDataset(source.dataset, options);
      if (ensured.kind !== 'files') throw new Error(`${source.dataset} must be a files dataset`);
      const [file] = Object.values(ensured.paths);
      return buildTimeSeries(await readFile(file, 'utf8'), source);
    }
  }
}

function buildLinear(source: Extract<EvaluationSource, { kind: 'linear' }>): RegressionSet {
  // Each distinct X once: the extra points may repeat a training X (-2 is in -4..5).
  const xs = [...new Set([...source.trainingXs, ...source.extraXs])];
  return {
    kind: 'regression',
    xs: Float32Array.from(xs),
    ys: Float32Array.from(xs.map((x) => source.slope * x + source.intercept)),
  };
}

async function buildImageFolderSet(imagesDir: string, dataset: ImageFolderDataset, classes: string[], size: number): Promise<ClassificationSet> {
  // File order: by class (label order), then by name, as flow_from_directory lists them.
  const files = dataset.manifest
    .map(([relative]) => relative)
    .filter((relative) => classes.includes(relative.split('/')[0]))
    .sort((a, b) => {
      const byClass = classes.indexOf(a.split('/')[0]) - classes.indexOf(b.split('/')[0]);
      return byClass !== 0 ? byClass : a < b ? -1 : a > b ? 1 : 0;
    });
  const sampleSize = size * size * 3;
  const inputs = new Uint8Array(files.length * sampleSize);
  const labels = new Int32Array(files.length);
  for (let i = 0; i < files.length; i++) {
    const relative = files[i];
    let pixels: Uint8Array;
    try {
      pixels = decodePngRgbNearest(await readFile(path.join(imagesDir, ...relative.split('/'))), size);
    } catch (error) {
      throw new Error(`Could not decode ${relative}: ${error instanceof Error ? error.message : String(error)}`);
    }
    inputs.set(pixels, i * sampleSize);
    labels[i] = classes.indexOf(relative.split('/')[0]);
  }
  return {
    kind: 'classification',
    count: files.length,
    sampleShape: [size, size, 3],
    inputs,
    inputDivisor: 255,
    labels,
    classNames: classes,
    info: { files: files.length },
  };
}

function buildTextSet(csvText: string, source: Extract<EvaluationSource, { kind: 'text-classification' }>): ClassificationSet {
  const rows = parseCsv(csvText);
  const header = rows.shift();
  if (!header || header[0] !== 'category' || header[1] !== 'text') {
    throw new Error(`bbc-text.csv: expected the header "category,text", got "${header?.join(',')}"`);
  }
  const categories = rows.map((row) => row[0]);
  const texts = rows.map((row) => row[1] ?? '');
  const trainRows = Math.floor(source.trainFraction * rows.length);
  const tokenizer = new KerasTokenizer({ numWords: source.numWords, oovToken: source.oovToken });
  tokenizer.fitOnTexts(texts.slice(0, trainRows));
  const padded = padSequences(tokenizer.textsToSequences(texts.slice(trainRows)), {
    maxlen: source.maxlen,
    padding: source.padding,
    truncating: source.truncating,
  });
  // Labels as the exam's label Tokenizer() numbers them: 1..n by frequency over every row.
  const labelTokenizer = new KerasTokenizer();
  labelTokenizer.fitOnTexts(categories);
  const classNames = [...labelTokenizer.wordIndex.entries()].sort((a, b) => a[1] - b[1]).map(([word]) => word);
  const evaluationCategories = categories.slice(trainRows);
  const labels = new Int32Array(evaluationCategories.length);
  evaluationCategories.forEach((category, i) => {
    const [word] = labelTokenizer.textsToSequences([category])[0];
    if (word === undefined) throw new Error(`bbc-text.csv row ${trainRows + i + 2}: empty category`);
    labels[i] = word - 1;
  });
  const inputs = new Int32Array(padded.length * source.maxlen);
  padded.forEach((row, i) => inputs.set(row, i * source.maxlen));
  return {
    kind: 'classification',
    count: padded.length,
    sampleShape: [source.maxlen],
    inputs,
    inputDivisor: 1,
    labels,
    classNames,
    info: { trainRows, totalRows: rows.length, vocabularySize: tokenizer.wordIndex.size },
  };
}

function buildTimeSeries(csvText: string, source: Extract<EvaluationSource, { kind: 'time-series' }>): TimeSeriesSet {
  const rows = parseCsv(csvText).slice(1);
  const raw = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    const value = Number(row[source.column]);
    if (row[source.column] === undefined || row[source.column].trim() === '' || !Number.isFinite(value)) {
      throw new Error(`${source.dataset}: row ${i + 2} column ${source.column} is not a number: "${row[source.column]}"`);
    }
    raw[i] = value;
  });
  let min = Infinity;
  let max = -Infinity;
  for (const value of raw) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  // The starter's "do not change" code: series -= min; series /= max (max of the raw series).
  const series = raw.map((value) => (value - min) / max);
  if (source.splitTime <= source.windowSize || source.splitTime >= series.length) {
    throw new Error(`${source.dataset}: split ${source.splitTime} does not fit a series of ${series.length}`);
  }
  return { kind: 'time-series', series, splitTime: source.splitTime, windowSize: source.windowSize, min, max };
}

// ---- disk cache ---------------------------------------------------------------------------------
// Layout: "TFSBEVAL" | uint32 header length | header JSON | padding to 8 | arrays, each 8-aligned.
// The header lists each array's name, type, offset and length, plus a sha256 of the array bytes.

const MAGIC = 'TFSBEVAL';
type ArrayType = 'u8' | 'i32' | 'f32' | 'f64';
type StoredArray = Uint8Array | Int32Array | Float32Array | Float64Array;

function arrayType(array: StoredArray): ArrayType {
  if (array instanceof Uint8Array) return 'u8';
  if (array instanceof Int32Array) return 'i32';
  if (array instanceof Float32Array) return 'f32';
  return 'f64';
}

function makeArray(type: ArrayType, bytes: ArrayBuffer, offset: number, length: number): StoredArray {
  switch (type) {
    case 'u8':
      return new Uint8Array(bytes, offset, length);
    case 'i32':
      return new Int32Array(bytes, offset, length);
    case 'f32':
      return new Float32Array(bytes, offset, length);
    case 'f64':
      return new Float64Array(bytes, offset, length);
  }
}

function splitArrays(set: EvaluationSet): { meta: Record<string, unknown>; arrays: Record<string, StoredArray> } {
  switch (set.kind) {
    case 'regression':
      return { meta: { kind: set.kind }, arrays: { xs: set.xs, ys: set.ys } };
    case 'classification': {
      const { inputs, labels, ...meta } = set;
      return { meta, arrays: { inputs, labels } };
    }
    case 'time-series': {
      const { series, ...meta } = set;
      return { meta, arrays: { series } };
    }
  }
}

async function writeCacheFile(file: string, set: EvaluationSet): Promise<void> {
  const { meta, arrays } = splitArrays(set);
  const entries: { name: string; type: ArrayType; offset: number; length: number }[] = [];
  const payloadHash = createHash('sha256');
  let offset = 0;
  for (const [name, array] of Object.entries(arrays)) {
    entries.push({ name, type: arrayType(array), offset, length: array.length });
    payloadHash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    offset += Math.ceil(array.byteLength / 8) * 8;
  }
  const header = Buffer.from(JSON.stringify({ meta, entries, sha256: payloadHash.digest('hex') }), 'utf8');
  const start = Math.ceil((MAGIC.length + 4 + header.length) / 8) * 8;
  const out = Buffer.alloc(start + offset);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(header.length, MAGIC.length);
  header.copy(out, MAGIC.length + 4);
  for (const entry of entries) {
    const array = arrays[entry.name];
    Buffer.from(array.buffer, array.byteOffset, array.byteLength).copy(out, start + entry.offset);
  }
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.part`;
  try {
    await writeFile(temp, out);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Reads a cache file; any mismatch (format, truncation, hash) counts as no cache. */
async function readCacheFile(file: string): Promise<EvaluationSet | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return undefined;
  }
  try {
    if (bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
    const headerLength = bytes.readUInt32LE(MAGIC.length);
    const header = JSON.parse(bytes.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + headerLength)) as {
      meta: Record<string, unknown>;
      entries: { name: string; type: ArrayType; offset: number; length: number }[];
      sha256: string;
    };
    const start = Math.ceil((MAGIC.length + 4 + headerLength) / 8) * 8;
    // A fresh, aligned copy: typed arrays need their offset to be a multiple of the element size.
    const payload = new Uint8Array(bytes.length - start);
    payload.set(bytes.subarray(start));
    const hash = createHash('sha256');
    const arrays: Record<string, StoredArray> = {};
    for (const entry of header.entries) {
      const array = makeArray(entry.type, payload.buffer, entry.offset, entry.length);
      hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      arrays[entry.name] = array;
    }
    if (hash.digest('hex') !== header.sha256) return undefined;
    return { ...header.meta, ...arrays } as unknown as EvaluationSet;
  } catch {
    return undefined;
  }
}

async function removeStaleCacheFiles(current: string, problemId: string): Promise<void> {
  const dir = path.dirname(current);
  for (const name of await readdir(dir)) {
    const isOurs = name.startsWith(`${problemId}-`) && /^[0-9a-f]{24}\.bin$/.test(name.slice(problemId.length + 1));
    if (isOurs && path.join(dir, name) !== current) {
      await rm(path.join(dir, name), { force: true });
    }
  }
}
