// `tf-study-bot datasets fetch`: every dataset into DATA_DIR ahead of time, a line per file, and
// grading afterwards needs neither the mirror nor the network.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchDatasets } from '../../src/cli/datasets.ts';
import { cleanEnv, PROJECT_ROOT, runCli } from '../support/run-cli.ts';

const shared = path.resolve(PROJECT_ROOT, '..', 'shared');
const mirror = path.join(shared, 'datasets');

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'tfsb-datasets-cli-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const PARTS = [
  'mnist/t10k-images-idx3-ubyte.gz',
  'mnist/t10k-labels-idx1-ubyte.gz',
  'sunspots/Sunspots.csv',
  'daily_min_temperatures/daily-min-temperatures.csv',
  'daily_max_temperatures/daily-max-temperatures.csv',
  'bbc_text/bbc-text.csv',
  'horse_or_human_validation/validation-horse-or-human',
];

describe('tf-study-bot datasets fetch', () => {
  it('copies every dataset from the mirror with a line per file, keeps them on a second run, and grading then needs no mirror', async () => {
    const dataDir = path.join(scratch, 'data');
    const first = await runCli(['datasets', 'fetch'], { env: cleanEnv({ DATA_DIR: dataDir, DATASET_MIRROR: mirror }) });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines).toEqual([
      ...PARTS.map((part) => `${part}: from mirror ${path.join(mirror, ...part.split('/'))}`),
      `6 datasets in ${path.join(dataDir, 'datasets')}`,
    ]);
    expect((await readdir(path.join(dataDir, 'datasets'))).sort()).toEqual(
      ['bbc_text', 'daily_max_temperatures', 'daily_min_temperatures', 'horse_or_human_validation', 'mnist', 'sunspots'],
    );

    const second = await runCli(['datasets', 'fetch'], { env: cleanEnv({ DATA_DIR: dataDir }) });
    expect(second.code).toBe(0);
    expect(second.stdout.trim().split('\n').slice(0, PARTS.length)).toEqual(
      PARTS.map((part) => `${part}: already in ${path.join(dataDir, 'datasets', ...part.split('/'))}`),
    );

    const graded = await runCli(['grade', '-p', 'daily-max-temperatures', path.join(shared, 'fixtures', 'models', '12_maxtemp_dense_float64_B5_k2.9.h5'), '--json'], {
      env: cleanEnv({ DATA_DIR: dataDir }),
    });
    expect(graded.code).toBe(0);
    expect(JSON.parse(graded.stdout)).toMatchObject({ problem: 'daily-max-temperatures', sampleCount: expect.any(Number) });
  });

  it('is misuse without the action, or with another one', async () => {
    const none = await runCli(['datasets'], { env: cleanEnv({ DATA_DIR: path.join(scratch, 'unused') }) });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('usage: tf-study-bot datasets fetch');
    const other = await runCli(['datasets', 'pull'], { env: cleanEnv({ DATA_DIR: path.join(scratch, 'unused') }) });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/^tf-study-bot datasets: unknown action "pull"/);
  });
});

describe('fetchDatasets without a source', () => {
  it('reports each dataset it could not obtain on one line, with what was tried and the fix, and goes on with the others', async () => {
    const noNetwork = (async () => {
      throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND storage.googleapis.com') });
    }) as typeof globalThis.fetch;
    const progress: string[] = [];
    const problems: string[] = [];
    const failed = await fetchDatasets(
      { dataDir: path.join(scratch, 'offline'), mirror: path.join(scratch, 'empty-mirror'), fetch: noNetwork },
      { progress: (line) => progress.push(line), problem: (line) => problems.push(line) },
    );
    expect(failed).toEqual(['mnist', 'sunspots', 'daily-min-temperatures', 'daily-max-temperatures', 'bbc-text', 'horse-or-human']);
    expect(progress).toEqual([]);
    expect(problems).toHaveLength(6);
    for (const line of problems) expect(line).not.toContain('\n');
    expect(problems[1]).toMatch(
      /^Dataset file sunspots\/Sunspots\.csv is not available\. tried mirror .*empty-mirror\/sunspots\/Sunspots\.csv: ENOENT.* tried canonical URL https:\/\/storage\.googleapis\.com\/.*: fetch failed: getaddrinfo ENOTFOUND storage\.googleapis\.com Download it from .* or run `tf-study-bot datasets fetch` where it can be downloaded, or set DATASET_MIRROR/,
    );
  });
});
