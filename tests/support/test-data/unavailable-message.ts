// The one message shown when the test data cannot be provided: what is missing, where it was looked
// for, and the three ways to provide it. It replaces what would otherwise be hundreds of ENOENT failures.
import path from 'node:path';
import { MANIFEST_PATH } from './manifest.ts';
import { PROJECT_ROOT, sharedDirBeside, type TestDataLocation } from './locate.ts';

export interface FileProblem {
  name: string;
  /** "missing", or what is wrong with the file that is there. */
  problem: string;
}

export class TestDataUnavailableError extends Error {
  override readonly name = 'TestDataUnavailableError';
}

// Above this many problems in one folder, the folder is named once with a count.
const folderSummaryThreshold = 4;

function listProblems(problems: FileProblem[]): string[] {
  const byFolder = new Map<string, FileProblem[]>();
  for (const problem of problems) {
    const folder = path.posix.dirname(problem.name);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), problem]);
  }
  return [...byFolder].flatMap(([folder, inFolder]) =>
    inFolder.length >= folderSummaryThreshold
      ? [`  ${folder}/ (${inFolder.length} files)`]
      : inFolder.map(({ name, problem }) => `  ${name}${problem === 'missing' ? '' : ` (${problem})`}`),
  );
}

const whereLookedFor: Record<TestDataLocation['source'], string> = {
  TEST_DATA_DIR: 'TEST_DATA_DIR is set, so only that folder is used',
  '../shared': 'the shared folder beside the project exists, so only it is used',
  cache: 'the cache',
};

export function unavailableMessage(options: {
  location: TestDataLocation;
  projectRoot: string;
  cacheDir: string;
  total: number;
  problems: FileProblem[];
  /** Why the first file that could not be downloaded failed, one reason per source tried. */
  downloadFailure?: { name: string; reasons: string[] };
}): string {
  const { location, problems, downloadFailure } = options;
  const manifest = path.relative(PROJECT_ROOT, MANIFEST_PATH);
  const layout = 'datasets/<dataset>/<file>, fixtures/models/<file>, discord-api-spec/openapi.json';
  return [
    `Test data unavailable: ${problems.length} of the ${options.total} test-data files are missing or wrong in ${location.dir} (${whereLookedFor[location.source]}):`,
    ...listProblems(problems),
    ...(downloadFailure ? [`Downloading ${downloadFailure.name} failed:`, ...downloadFailure.reasons.map((reason) => `  ${reason}`)] : []),
    `Provide them (listed with URL, size and sha256 in ${manifest}) in one of three ways:`,
    `  1. TEST_DATA_DIR=<folder> holding them in the layout ${layout};`,
    `  2. a folder with that layout at ${sharedDirBeside(options.projectRoot)}, beside the project;`,
    `  3. network access to the manifest's URLs, or TEST_DATA_MIRROR=<base URL> serving that layout: the tests then download them once into the cache, ${options.cacheDir} (TEST_DATA_CACHE moves it).`,
  ].join('\n');
}
