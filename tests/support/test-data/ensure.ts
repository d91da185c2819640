// Makes sure every file in the test-data manifest is in the test-data folder (locate.ts) with its
// size and sha256, once per run before anything reads it: vitest's global setup and the benchmarks
// call ensureTestData. The cache is filled through the product's own verified download
// (src/io/verified-file.ts), from TEST_DATA_MIRROR first, then each file's pinned URL. When a file
// cannot be provided, it throws one TestDataUnavailableError that says what is missing and how to
// provide it.
import path from 'node:path';
import { formatBytes } from '../../../src/grading/limits.ts';
import { describeError, fetchVerifiedFile, locationUnder, sha256OfFile } from '../../../src/io/verified-file.ts';
import { loadTestDataManifest, type TestDataFile } from './manifest.ts';
import { locateTestData, PROJECT_ROOT, testDataCacheDir, type TestDataLocation } from './locate.ts';
import { TestDataUnavailableError, unavailableMessage, type FileProblem } from './unavailable-message.ts';

export interface EnsureTestDataOptions {
  env?: NodeJS.ProcessEnv;
  projectRoot?: string;
  /** Default: the files in manifest.json. */
  files?: TestDataFile[];
  fetch?: typeof globalThis.fetch;
  /** One line per downloaded file and a closing line; default: stderr. */
  log?: (line: string) => void;
}

// A few downloads at a time: most files are small, and a 2-core machine has little to gain from more.
const concurrentDownloads = 4;
// Per file. The largest file is about 5 MB; a stalled transfer should not hold the run for the
// product's 10 minutes.
const downloadTimeoutMs = 120_000;

async function checkFiles(dir: string, files: TestDataFile[]): Promise<FileProblem[]> {
  const problems: FileProblem[] = [];
  for (const file of files) {
    const sha256 = await sha256OfFile(path.join(dir, ...file.name.split('/')));
    if (sha256 === undefined) problems.push({ name: file.name, problem: 'missing' });
    else if (sha256 !== file.sha256) problems.push({ name: file.name, problem: `sha256 ${sha256}, expected ${file.sha256}` });
  }
  return problems;
}

/**
 * Once a host has failed at the network level (no DNS, refused, timed out), later requests to it
 * fail at once: offline, the run then stops in seconds instead of trying every file in turn.
 */
export function failFastPerHost(fetchImpl: typeof globalThis.fetch): typeof globalThis.fetch {
  const unreachable = new Map<string, string>();
  return async (input, init) => {
    const host = new URL(input instanceof Request ? input.url : input).host;
    const earlier = unreachable.get(host);
    if (earlier !== undefined) throw new Error(`${host} was unreachable earlier in this run (${earlier})`);
    try {
      return await fetchImpl(input, init);
    } catch (error) {
      unreachable.set(host, describeError(error));
      throw error;
    }
  };
}

async function forEachConcurrently<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

interface DownloadFailure {
  name: string;
  reasons: string[];
}

/** Downloads each file into `dir`; returns the files no source could provide, in manifest order. */
async function fillCache(
  dir: string,
  files: TestDataFile[],
  options: { mirror?: string; fetch: typeof globalThis.fetch; log: (line: string) => void },
): Promise<DownloadFailure[]> {
  const fetchImpl = failFastPerHost(options.fetch);
  const failures = new Map<string, DownloadFailure>();
  let obtained = 0;
  await forEachConcurrently(files, concurrentDownloads, async (file) => {
    const sources = [
      ...(options.mirror ? [{ label: 'TEST_DATA_MIRROR', location: locationUnder(options.mirror, file.name) }] : []),
      { label: 'pinned URL', location: file.url },
    ];
    const reasons: string[] = [];
    for (const source of sources) {
      try {
        await fetchVerifiedFile(source.location, path.join(dir, ...file.name.split('/')), file, { fetch: fetchImpl, timeoutMs: downloadTimeoutMs });
        obtained++;
        options.log(`test data [${obtained}/${files.length}] ${file.name} (${formatBytes(file.bytes)}) from ${source.location}`);
        return;
      } catch (error) {
        reasons.push(`${source.label} ${source.location}: ${describeError(error)}`);
      }
    }
    failures.set(file.name, { name: file.name, reasons });
  });
  return files.flatMap((file) => failures.get(file.name) ?? []);
}

export async function ensureTestData(options: EnsureTestDataOptions = {}): Promise<TestDataLocation> {
  const env = options.env ?? process.env;
  const projectRoot = options.projectRoot ?? PROJECT_ROOT;
  const files = options.files ?? loadTestDataManifest();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const location = locateTestData(env, projectRoot);
  const unavailable = (problems: FileProblem[], downloadFailure?: DownloadFailure) =>
    new TestDataUnavailableError(
      unavailableMessage({ location, projectRoot, cacheDir: testDataCacheDir(env), total: files.length, problems, downloadFailure }),
    );

  const problems = await checkFiles(location.dir, files);
  if (problems.length > 0) {
    // Only the cache is ours to fill; a folder someone pointed us at is theirs to fix.
    if (location.source !== 'cache') throw unavailable(problems);
    const missing = new Set(problems.map((problem) => problem.name));
    const failures = await fillCache(
      location.dir,
      files.filter((file) => missing.has(file.name)),
      { mirror: env.TEST_DATA_MIRROR || undefined, fetch: options.fetch ?? globalThis.fetch, log },
    );
    if (failures.length > 0) {
      const failed = new Set(failures.map((failure) => failure.name));
      throw unavailable(problems.filter((problem) => failed.has(problem.name)), failures[0]);
    }
  }
  log(`test data: ${files.length} files checked in ${location.dir} (${location.source})`);
  return location;
}

/**
 * For the start of a run (vitest's global setup, a benchmark): when the test data cannot be
 * provided, prints the one message, alone, and ends the process with code 1.
 */
export async function ensureTestDataOrExit(options: EnsureTestDataOptions = {}): Promise<TestDataLocation> {
  try {
    return await ensureTestData(options);
  } catch (error) {
    if (!(error instanceof TestDataUnavailableError)) throw error;
    process.stderr.write(`\n${error.message}\n\n`);
    process.exit(1);
  }
}
