// Whether each dataset can be had when a grade needs it, found out without downloading anything:
// in DATA_DIR already (checked by hash), or at a source that answers (a file of the right size or
// the folder in a mirror folder, a URL that answers HEAD). The bot runs this in the background at
// start, so a missing dataset is a warning in the log before a member runs into it.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { describeError, isUrl, locationUnder, sha256OfFile } from '../io/verified-file.ts';
import {
  checkFolderAgainstManifest,
  datasetsRoot,
  exists,
  fileSources,
  imageFolderSources,
  type DatasetLogger,
  type EnsureDatasetOptions,
  type Source,
} from './ensure.ts';
import { getDataset, type DatasetId, type FilesDataset, type ImageFolderDataset } from './registry.ts';

export type DatasetAvailability =
  | { id: DatasetId; state: 'cached' }
  | { id: DatasetId; state: 'reachable'; sources: string[] }
  | { id: DatasetId; state: 'missing'; tried: string[] };

export type AvailabilityOptions = Pick<EnsureDatasetOptions, 'dataDir' | 'mirror' | 'fetch' | 'urlOverrides'> & {
  /** Per HEAD request; default 5 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
};

const HEAD_TIMEOUT_MS = 5_000;

/** undefined when the source would serve the part, else why not. */
async function probe(location: string, expectedBytes: number | undefined, options: AvailabilityOptions): Promise<string | undefined> {
  try {
    if (isUrl(location)) {
      const timeout = AbortSignal.timeout(options.timeoutMs ?? HEAD_TIMEOUT_MS);
      const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
      const response = await (options.fetch ?? globalThis.fetch)(location, { method: 'HEAD', signal });
      await response.body?.cancel();
      return response.ok ? undefined : `HTTP ${response.status} ${response.statusText}`.trim();
    }
    const info = await stat(location);
    if (expectedBytes !== undefined && info.size !== expectedBytes) return `${info.size} bytes, expected ${expectedBytes}`;
    return undefined;
  } catch (error) {
    return describeError(error);
  }
}

/** The first source that answers; the others' reasons go to `tried`. */
async function firstReachable(
  sources: Source[],
  expectedBytes: number | undefined,
  options: AvailabilityOptions,
  tried: string[],
  probeLocation: (source: Source) => string = (source) => source.location,
): Promise<Source | undefined> {
  for (const source of sources) {
    const problem = await probe(probeLocation(source), expectedBytes, options);
    if (problem === undefined) return source;
    tried.push(`${source.label} ${source.location}: ${problem}`);
  }
  return undefined;
}

async function checkFiles(dataset: FilesDataset, options: AvailabilityOptions): Promise<DatasetAvailability> {
  const tried: string[] = [];
  const sources: string[] = [];
  for (const file of dataset.files) {
    if ((await sha256OfFile(path.join(datasetsRoot(options.dataDir), dataset.folder, file.name))) === file.sha256) continue;
    const source = await firstReachable(fileSources(dataset, file, options), file.bytes, options, tried);
    if (!source) return { id: dataset.id, state: 'missing', tried };
    sources.push(source.location);
  }
  return sources.length === 0 ? { id: dataset.id, state: 'cached' } : { id: dataset.id, state: 'reachable', sources };
}

async function checkImageFolder(dataset: ImageFolderDataset, options: AvailabilityOptions): Promise<DatasetAvailability> {
  const dir = path.join(datasetsRoot(options.dataDir), dataset.folder);
  const final = path.join(dir, dataset.extractedFolder);
  if ((await exists(final)) && (await checkFolderAgainstManifest(final, dataset.manifest)) === undefined) return { id: dataset.id, state: 'cached' };
  if ((await sha256OfFile(path.join(dir, dataset.zip.name))) === dataset.zip.sha256) return { id: dataset.id, state: 'cached' };
  const tried: string[] = [];
  const { folders, zips } = imageFolderSources(dataset, options);
  // An extracted folder behind a URL cannot be listed: its first image stands for it.
  const firstImage = (source: Source) => (isUrl(source.location) ? locationUnder(source.location, dataset.manifest[0][0]) : source.location);
  const source = (await firstReachable(folders, undefined, options, tried, firstImage)) ?? (await firstReachable(zips, dataset.zip.bytes, options, tried));
  return source ? { id: dataset.id, state: 'reachable', sources: [source.location] } : { id: dataset.id, state: 'missing', tried };
}

export async function checkDatasetAvailability(id: DatasetId, options: AvailabilityOptions): Promise<DatasetAvailability> {
  const dataset = getDataset(id);
  try {
    return dataset.kind === 'files' ? await checkFiles(dataset, options) : await checkImageFolder(dataset, options);
  } catch (error) {
    // DATA_DIR itself unreadable, say: the grade would fail the same way.
    return { id, state: 'missing', tried: [`DATA_DIR ${datasetsRoot(options.dataDir)}: ${describeError(error)}`] };
  }
}

/**
 * Checks the datasets of the catalog's problems, all at once, and logs one warning per missing
 * one, naming the problems that cannot be graded without it; then one line with the outcome.
 * Nothing is logged when `signal` aborted the check (the bot is stopping). The catalog comes as
 * plain data (problem id and dataset): datasets sit below grading and know nothing of it.
 */
export async function warnAboutMissingDatasets(
  catalog: ReadonlyArray<{ id: string; dataset: DatasetId | null }>,
  options: AvailabilityOptions,
  logger: DatasetLogger,
): Promise<DatasetAvailability[]> {
  const ids = [...new Set(catalog.flatMap((problem) => (problem.dataset ? [problem.dataset] : [])))];
  const results = await Promise.all(ids.map((id) => checkDatasetAvailability(id, options)));
  if (options.signal?.aborted) return results;
  for (const result of results) {
    if (result.state !== 'missing') continue;
    const problems = catalog.filter((problem) => problem.dataset === result.id).map((problem) => problem.id);
    logger.warn(
      { dataset: result.id, problems, tried: result.tried },
      `dataset ${result.id} is neither in DATA_DIR nor reachable, so ${problems.join(', ')} cannot be graded: ` +
        'run `tf-study-bot datasets fetch` where it can be downloaded, or set DATASET_MIRROR',
    );
  }
  const byState = (state: DatasetAvailability['state']) => results.filter((r) => r.state === state).map((r) => r.id);
  logger.info({ cached: byState('cached'), reachable: byState('reachable'), missing: byState('missing') }, 'datasets checked');
  return results;
}
