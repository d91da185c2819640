// Makes a dataset available under DATA_DIR/datasets/<folder>/, checked by sha256 before use.
//
// Sources, in order: what is already in DATA_DIR (checked), the DATASET_MIRROR (a folder or a base
// URL laid out as <folder>/<file>), then the canonical URL. Each transfer goes through
// src/io/verified-file.ts, so a failed or truncated one never leaves a file that looks usable.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { unzipSync } from 'fflate';
import {
  describeError,
  fetchVerifiedFile,
  isUrl,
  locationUnder,
  openDownload,
  sha256OfFile,
  tempPathFor,
  writeVerified,
  type ExpectedFile,
  type TransferOptions,
} from '../io/verified-file.ts';
import { getDataset, type DatasetFile, type DatasetId, type FilesDataset, type ImageFolderDataset } from './registry.ts';

export interface DatasetLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

const quietLogger: DatasetLogger = { info() {}, warn() {} };

export interface EnsureDatasetOptions extends TransferOptions {
  /** DATA_DIR: files go to `<dataDir>/datasets/<folder>/<file>`. */
  dataDir: string;
  /** DATASET_MIRROR: a local folder or an http(s) base URL laid out as `<folder>/<file>`. */
  mirror?: string;
  logger?: DatasetLogger;
  /** Replaces canonical URLs, keyed by `<folder>/<file>` (a private copy, or a test server). */
  urlOverrides?: Record<string, string>;
  /** Told where each file (or the image folder as a whole) came from once it is in place. */
  onObtained?(obtained: ObtainedPart): void;
}

export type SourceLabel = 'mirror' | 'canonical URL';

export type Source = { label: SourceLabel; location: string };

export type ObtainedPart = {
  /** `<folder>/<file>`, or `<folder>/<extracted folder>` for an image folder. */
  part: string;
  source: 'cache' | SourceLabel;
  /** The path or URL it came from (for the cache, where it is). */
  location: string;
};

export type EnsuredDataset =
  | { kind: 'files'; id: DatasetId; dir: string; paths: Record<string, string> }
  | { kind: 'image-folder'; id: DatasetId; dir: string; imagesDir: string };

/** A dataset file could not be obtained or did not match its hash. The message says what to do. */
export class DatasetUnavailableError extends Error {
  override readonly name = 'DatasetUnavailableError';
  constructor(
    message: string,
    readonly file: string,
    readonly attempts: string[],
  ) {
    super(message);
  }
}

// One obtain at a time per destination within a process.
const inFlight = new Map<string, Promise<unknown>>();

function once<T>(key: string, work: () => Promise<T>): Promise<T> {
  const running = inFlight.get(key) as Promise<T> | undefined;
  if (running) return running;
  const started = work().finally(() => inFlight.delete(key));
  inFlight.set(key, started);
  return started;
}

export function datasetsRoot(dataDir: string): string {
  return path.join(dataDir, 'datasets');
}

export async function ensureDataset(id: DatasetId, options: EnsureDatasetOptions): Promise<EnsuredDataset> {
  const dataset = getDataset(id);
  const dir = path.join(datasetsRoot(options.dataDir), dataset.folder);
  if (dataset.kind === 'files') {
    const paths: Record<string, string> = {};
    for (const file of dataset.files) paths[file.name] = await ensureFile(dataset, file, options);
    return { kind: 'files', id, dir, paths };
  }
  const imagesDir = await once(path.join(dir, dataset.extractedFolder), () => ensureImageFolder(dataset, options));
  return { kind: 'image-folder', id, dir, imagesDir };
}

function canonicalUrl(folder: string, file: DatasetFile, options: EnsureDatasetOptions): string {
  return options.urlOverrides?.[`${folder}/${file.name}`] ?? file.url;
}

/** Tries each source in turn; returns the one that worked, else undefined with one reason per source in `attempts`. */
async function obtainFile(
  sources: Source[],
  destination: string,
  expected: ExpectedFile,
  options: EnsureDatasetOptions,
  attempts: string[],
): Promise<Source | undefined> {
  const logger = options.logger ?? quietLogger;
  for (const source of sources) {
    try {
      await fetchVerifiedFile(source.location, destination, expected, options);
      logger.info({ source: source.location, destination }, `dataset file obtained from ${source.label}`);
      return source;
    } catch (error) {
      const reason = `${source.label} ${source.location}: ${describeError(error)}`;
      attempts.push(reason);
      logger.warn({ source: source.location, reason: describeError(error) }, 'dataset source failed');
    }
  }
  return undefined;
}

function unavailableMessage(label: string, destination: string, file: DatasetFile, url: string, attempts: string[], extra = ''): string {
  return [
    `Dataset file ${label} is not available.`,
    ...attempts.map((attempt) => `  tried ${attempt}`),
    `Download it from ${url} (${file.bytes} bytes, sha256 ${file.sha256}) and put it at ${destination}${extra},`,
    `or run \`tf-study-bot datasets fetch\` where it can be downloaded, or set DATASET_MIRROR to a folder or URL laid out as <dataset>/<file> (e.g. ${label}).`,
  ].join('\n');
}

/** Where a file of a files dataset is looked for after DATA_DIR, in order. */
export function fileSources(dataset: FilesDataset, file: DatasetFile, options: EnsureDatasetOptions): Source[] {
  const relative = `${dataset.folder}/${file.name}`;
  return [
    ...(options.mirror ? [{ label: 'mirror' as const, location: locationUnder(options.mirror, relative) }] : []),
    { label: 'canonical URL', location: canonicalUrl(dataset.folder, file, options) },
  ];
}

async function ensureFile(dataset: FilesDataset, file: DatasetFile, options: EnsureDatasetOptions): Promise<string> {
  const destination = path.join(datasetsRoot(options.dataDir), dataset.folder, file.name);
  const relative = `${dataset.folder}/${file.name}`;
  return once(destination, async () => {
    const attempts: string[] = [];
    const existing = await sha256OfFile(destination);
    if (existing === file.sha256) {
      options.onObtained?.({ part: relative, source: 'cache', location: destination });
      return destination;
    }
    if (existing !== undefined) attempts.push(`the file already at ${destination}: sha256 ${existing}, expected ${file.sha256}`);
    const used = await obtainFile(fileSources(dataset, file, options), destination, file, options, attempts);
    if (used) {
      options.onObtained?.({ part: relative, source: used.label, location: used.location });
      return destination;
    }
    const url = canonicalUrl(dataset.folder, file, options);
    throw new DatasetUnavailableError(unavailableMessage(relative, destination, file, url, attempts), relative, attempts);
  });
}

// ---- image folder (horse-or-human) --------------------------------------------------------------

/** Checks a folder against the manifest; returns the first problem found, or undefined when it matches. */
export async function checkFolderAgainstManifest(folder: string, manifest: ImageFolderDataset['manifest']): Promise<string | undefined> {
  for (const [relative, sha256] of manifest) {
    const actual = await sha256OfFile(path.join(folder, ...relative.split('/')));
    if (actual === undefined) return `${relative} is missing`;
    if (actual !== sha256) return `${relative} has sha256 ${actual}, expected ${sha256}`;
  }
  return undefined;
}

export async function exists(target: string): Promise<boolean> {
  try {
    await stat(target);
    return true;
  } catch {
    return false;
  }
}

/** Moves a finished temporary folder into place; if another process got there first, keeps theirs. */
async function moveFolderIntoPlace(temp: string, final: string): Promise<void> {
  try {
    await rename(temp, final);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
  }
}

/**
 * Extracts the class folders of the zip (with or without a top folder) into `final`, through a
 * temporary folder, and checks them against the manifest first.
 */
export async function extractImageZip(dataset: ImageFolderDataset, zipBytes: Uint8Array, final: string): Promise<void> {
  const wanted = new Map(dataset.manifest.map(([relative, sha256]) => [relative, sha256]));
  const entries = unzipSync(zipBytes, {
    filter: (entry) => wanted.has(entry.name) || wanted.has(entry.name.replace(/^[^/]+\//, '')),
  });
  const temp = tempPathFor(final);
  try {
    for (const [name, bytes] of Object.entries(entries)) {
      const relative = wanted.has(name) ? name : name.replace(/^[^/]+\//, '');
      const target = path.join(temp, ...relative.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, bytes);
    }
    const problem = await checkFolderAgainstManifest(temp, dataset.manifest);
    if (problem) throw new Error(`the zip's content does not match the manifest: ${problem}`);
    await moveFolderIntoPlace(temp, final);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Copies (folder mirror) or downloads (URL mirror) every manifest file into a temp folder, each checked. */
async function fetchFolderFiles(dataset: ImageFolderDataset, base: string, final: string, options: EnsureDatasetOptions): Promise<void> {
  const temp = tempPathFor(final);
  try {
    for (const [relative, sha256] of dataset.manifest) {
      const location = locationUnder(base, relative);
      const destination = path.join(temp, ...relative.split('/'));
      const size = isUrl(base) ? undefined : (await stat(location)).size;
      // Manifest entries carry no size: bound a download by the whole zip's size instead.
      const expected = { bytes: size ?? dataset.zip.bytes, sha256 };
      try {
        if (isUrl(base)) await downloadUnsized(location, destination, sha256, dataset.zip.bytes, options);
        else await fetchVerifiedFile(location, destination, expected);
      } catch (error) {
        throw new Error(`${relative}: ${describeError(error)}`);
      }
    }
    await moveFolderIntoPlace(temp, final);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

async function downloadUnsized(url: string, destination: string, sha256: string, maxBytes: number, options: EnsureDatasetOptions): Promise<void> {
  const response = await openDownload(url, options);
  const declared = Number(response.headers.get('content-length'));
  const bytes = Number.isFinite(declared) && declared > 0 && declared <= maxBytes ? declared : undefined;
  if (bytes === undefined) {
    const body = new Uint8Array(await response.arrayBuffer());
    if (body.length > maxBytes) throw new Error(`larger than ${maxBytes} bytes`);
    await writeVerified(Readable.from([Buffer.from(body)]), destination, { bytes: body.length, sha256 });
    return;
  }
  await writeVerified(Readable.fromWeb(response.body), destination, { bytes, sha256 });
}

/**
 * Where an image folder is looked for after DATA_DIR, in order: the mirror's extracted folder,
 * then the zip from the mirror and from its canonical URL.
 */
export function imageFolderSources(dataset: ImageFolderDataset, options: EnsureDatasetOptions): { folders: Source[]; zips: Source[] } {
  const mirror = options.mirror;
  return {
    folders: mirror ? [{ label: 'mirror', location: locationUnder(mirror, `${dataset.folder}/${dataset.extractedFolder}`) }] : [],
    zips: [
      ...(mirror ? [{ label: 'mirror' as const, location: locationUnder(mirror, `${dataset.folder}/${dataset.zip.name}`) }] : []),
      { label: 'canonical URL', location: canonicalUrl(dataset.folder, dataset.zip, options) },
    ],
  };
}

async function ensureImageFolder(dataset: ImageFolderDataset, options: EnsureDatasetOptions): Promise<string> {
  const logger = options.logger ?? quietLogger;
  const dir = path.join(datasetsRoot(options.dataDir), dataset.folder);
  const final = path.join(dir, dataset.extractedFolder);
  const zipPath = path.join(dir, dataset.zip.name);
  const relativeFolder = `${dataset.folder}/${dataset.extractedFolder}`;
  const relativeZip = `${dataset.folder}/${dataset.zip.name}`;
  const attempts: string[] = [];
  const obtained = (source: ObtainedPart['source'], location: string): string => {
    options.onObtained?.({ part: relativeFolder, source, location });
    return final;
  };

  if (await exists(final)) {
    const problem = await checkFolderAgainstManifest(final, dataset.manifest);
    if (!problem) return obtained('cache', final);
    // Keep what was there for inspection, out of the way of a fresh copy.
    const aside = `${final}.rejected-${randomBytes(4).toString('hex')}`;
    await rename(final, aside);
    attempts.push(`the folder already at ${final}: ${problem} (moved to ${aside})`);
    logger.warn({ folder: final, problem }, 'extracted dataset folder does not match its manifest');
  }
  await mkdir(dir, { recursive: true });

  const fromZipFile = async (zipFile: string): Promise<void> => {
    const bytes = await readFile(zipFile);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== dataset.zip.sha256) throw new Error(`sha256 mismatch: got ${actual}, expected ${dataset.zip.sha256}`);
    await extractImageZip(dataset, bytes, final);
  };

  if (await exists(zipPath)) {
    try {
      await fromZipFile(zipPath);
      return obtained('cache', zipPath);
    } catch (error) {
      attempts.push(`the zip already at ${zipPath}: ${describeError(error)}`);
    }
  }

  // A mirror folder without the dataset is skipped quietly; a URL can only be known by trying it.
  const absentFromMirrorFolder = async (source: Source) => source.label === 'mirror' && !isUrl(source.location) && !(await exists(source.location));
  const sources = imageFolderSources(dataset, options);
  for (const source of sources.folders) {
    if (await absentFromMirrorFolder(source)) continue;
    try {
      await fetchFolderFiles(dataset, source.location, final, options);
      logger.info({ source: source.location }, 'dataset folder obtained from mirror');
      return obtained(source.label, source.location);
    } catch (error) {
      attempts.push(`${source.label} ${source.location}: ${describeError(error)}`);
    }
  }
  for (const source of sources.zips) {
    if (await absentFromMirrorFolder(source)) continue;
    if (await obtainFile([source], zipPath, dataset.zip, options, attempts)) {
      await fromZipFile(zipPath);
      return obtained(source.label, source.location);
    }
  }
  const url = canonicalUrl(dataset.folder, dataset.zip, options);
  throw new DatasetUnavailableError(
    unavailableMessage(relativeZip, zipPath, dataset.zip, url, attempts, ` (or extract it so that ${final}/horses and ${final}/humans hold the images)`),
    relativeZip,
    attempts,
  );
}
