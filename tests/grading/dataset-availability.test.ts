// The start's dataset check: cached, reachable or missing, found out without downloading.
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { problemCatalog } from '../../problems/index.ts';
import { checkDatasetAvailability, warnAboutMissingDatasets } from '../../src/datasets/availability.ts';
import { datasets, type DatasetId, type ImageFolderDataset } from '../../src/datasets/registry.ts';

const sharedDatasets = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'datasets');
const ids = Object.keys(datasets) as DatasetId[];

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tfsb-availability-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

/** A fetch that records what it was asked and answers as `answer` says. */
function recordingFetch(answer: (url: string) => Response | Error) {
  const calls: { url: string; method: string }[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, method: init?.method ?? 'GET' });
    const outcome = answer(url);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const noNetwork = () => new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND storage.googleapis.com'), { code: 'ENOTFOUND' }) });

describe('checkDatasetAvailability', () => {
  it('a dataset in DATA_DIR is cached, the others in a mirror folder are reachable, and nothing is copied or downloaded', async () => {
    const dataDir = await tempDir();
    await mkdir(path.join(dataDir, 'datasets', 'sunspots'), { recursive: true });
    await symlink(path.join(sharedDatasets, 'sunspots', 'Sunspots.csv'), path.join(dataDir, 'datasets', 'sunspots', 'Sunspots.csv'));
    const { fetch, calls } = recordingFetch(noNetwork);

    const results = await Promise.all(ids.map((id) => checkDatasetAvailability(id, { dataDir, mirror: sharedDatasets, fetch })));
    expect(results.find((r) => r.id === 'sunspots')).toEqual({ id: 'sunspots', state: 'cached' });
    for (const result of results.filter((r) => r.id !== 'sunspots')) expect(result.state).toBe('reachable');
    expect(results.find((r) => r.id === 'horse-or-human')).toEqual({
      id: 'horse-or-human',
      state: 'reachable',
      sources: [path.join(sharedDatasets, 'horse_or_human_validation', 'validation-horse-or-human')],
    });
    expect(calls).toEqual([]);
    expect(await readdir(path.join(dataDir, 'datasets'))).toEqual(['sunspots']);
  });

  it('a file of the wrong size in the mirror and a canonical URL that does not answer make it missing, with each reason', async () => {
    const mirror = await tempDir();
    await mkdir(path.join(mirror, 'sunspots'));
    await writeFile(path.join(mirror, 'sunspots', 'Sunspots.csv'), 'x');
    const { fetch, calls } = recordingFetch(noNetwork);

    const result = await checkDatasetAvailability('sunspots', { dataDir: await tempDir(), mirror, fetch });
    expect(result).toEqual({
      id: 'sunspots',
      state: 'missing',
      tried: [
        `mirror ${path.join(mirror, 'sunspots', 'Sunspots.csv')}: 1 bytes, expected 70827`,
        'canonical URL https://storage.googleapis.com/laurencemoroney-blog.appspot.com/Sunspots.csv: fetch failed: getaddrinfo ENOTFOUND storage.googleapis.com',
      ],
    });
    // A HEAD, not a download.
    expect(calls).toEqual([{ url: 'https://storage.googleapis.com/laurencemoroney-blog.appspot.com/Sunspots.csv', method: 'HEAD' }]);
  });

  it('an image folder behind a URL mirror is found by its first image', async () => {
    const horses = datasets['horse-or-human'] as ImageFolderDataset;
    const firstImage = `http://mirror.test/horse_or_human_validation/validation-horse-or-human/${horses.manifest[0][0]}`;
    const { fetch, calls } = recordingFetch((url) => new Response(null, { status: url === firstImage ? 200 : 404 }));

    const result = await checkDatasetAvailability('horse-or-human', { dataDir: await tempDir(), mirror: 'http://mirror.test', fetch });
    expect(result).toEqual({ id: 'horse-or-human', state: 'reachable', sources: ['http://mirror.test/horse_or_human_validation/validation-horse-or-human'] });
    expect(calls).toEqual([{ url: firstImage, method: 'HEAD' }]);
  });
});

describe('warnAboutMissingDatasets', () => {
  function recordingLogger() {
    const lines: { level: 'info' | 'warn'; details: object; message: string }[] = [];
    return {
      lines,
      info: (details: object, message: string) => lines.push({ level: 'info', details, message }),
      warn: (details: object, message: string) => lines.push({ level: 'warn', details, message }),
    };
  }

  it('warns once per missing dataset with the problems it holds back, then says what it found', async () => {
    const logger = recordingLogger();
    const { fetch } = recordingFetch(noNetwork);
    await warnAboutMissingDatasets(problemCatalog, { dataDir: await tempDir(), fetch }, logger);
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings.map((w) => (w.details as { dataset: string }).dataset).sort()).toEqual([...ids].sort());
    expect(warnings.find((w) => (w.details as { dataset: string }).dataset === 'mnist')?.message).toMatch(/^dataset mnist is neither in DATA_DIR nor reachable, so mnist cannot be graded: /);
    const summary = logger.lines.at(-1)!;
    expect(summary).toMatchObject({ level: 'info', message: 'datasets checked', details: { cached: [], reachable: [] } });
    expect([...(summary.details as { missing: string[] }).missing].sort()).toEqual([...ids].sort());
  });

  it('says nothing when the check was stopped (the bot is shutting down)', async () => {
    const logger = recordingLogger();
    const { fetch } = recordingFetch(noNetwork);
    await warnAboutMissingDatasets(problemCatalog, { dataDir: await tempDir(), fetch, signal: AbortSignal.abort() }, logger);
    expect(logger.lines).toEqual([]);
  });
});
