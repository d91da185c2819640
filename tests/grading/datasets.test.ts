import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getProblem } from '../../problems/index.ts';
import { startHttpServer, type LocalHttpServer } from '../support/http-server.ts';
import { decodePngRgbNearest } from '../../src/datasets/decode.ts';
import { parseCsv } from '../../src/io/csv.ts';
import { DatasetUnavailableError, ensureDataset, extractImageZip } from '../../src/datasets/ensure.ts';
import {
  clearEvaluationSetMemoryCache,
  evaluationCachePath,
  loadEvaluationSet,
  type ClassificationSet,
  type TimeSeriesSet,
} from '../../src/datasets/evaluation-sets.ts';
import { zipSync } from 'fflate';
import { datasets, type ImageFolderDataset } from '../../src/datasets/registry.ts';
import type { ProblemDefinition } from '../../src/grading/problem-types.ts';
import { testDataPath } from '../support/test-data/locate.ts';

const testDatasets = testDataPath('datasets');

function problem(id: string): ProblemDefinition {
  const found = getProblem(id);
  if (!found) throw new Error(`no problem ${id}`);
  return found;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const newTempDir = () => mkdtemp(path.join(tmpdir(), 'tfsb-datasets-'));

// A test's folders are removed when it ends, passed or failed.
const tempDirs: string[] = [];
async function tempDataDir(): Promise<string> {
  const dir = await newTempDir();
  tempDirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Serves the test data's datasets folder, plus a few misbehaving routes. */
let server: LocalHttpServer;
let baseUrl: string;
beforeAll(async () => {
  server = await startHttpServer(async (request, response) => {
    const url = decodeURIComponent((request.url ?? '/').split('?')[0]);
    if (url.startsWith('/truncated/')) {
      const bytes = await readFile(path.join(testDatasets, url.slice('/truncated/'.length)));
      response.writeHead(200, { 'content-length': bytes.length });
      response.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      setTimeout(() => response.socket?.destroy(), 20);
      return;
    }
    if (url.startsWith('/tampered/')) {
      const bytes = Buffer.from(await readFile(path.join(testDatasets, url.slice('/tampered/'.length))));
      bytes[bytes.length - 3] ^= 0xff;
      response.writeHead(200, { 'content-length': bytes.length });
      response.end(bytes);
      return;
    }
    try {
      const bytes = await readFile(path.join(testDatasets, url));
      response.writeHead(200, { 'content-length': bytes.length });
      response.end(bytes);
    } catch {
      response.writeHead(404);
      response.end('not found');
    }
  });
  baseUrl = server.url;
});

afterAll(() => server.close());

async function leftovers(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { recursive: true })).filter((name) => String(name).includes('.part'));
}

describe('ensureDataset: files', () => {
  it('seeds from a mirror folder laid out as <folder>/<file> and checks the hash', async () => {
    const dataDir = await tempDataDir();
    const ensured = await ensureDataset('sunspots', { dataDir, mirror: testDatasets, urlOverrides: { 'sunspots/Sunspots.csv': `${baseUrl}/nothing-here` } });
    if (ensured.kind !== 'files') throw new Error('expected files');
    const file = ensured.paths['Sunspots.csv'];
    expect(file).toBe(path.join(dataDir, 'datasets', 'sunspots', 'Sunspots.csv'));
    expect(sha256(readFileSync(file))).toBe(datasets.sunspots.kind === 'files' && datasets.sunspots.files[0].sha256);
  });

  it('downloads through the real download path from a local HTTP server (canonical URL overridden)', async () => {
    const dataDir = await tempDataDir();
    const logged: string[] = [];
    const ensured = await ensureDataset('mnist', {
      dataDir,
      urlOverrides: {
        'mnist/t10k-images-idx3-ubyte.gz': `${baseUrl}/mnist/t10k-images-idx3-ubyte.gz`,
        'mnist/t10k-labels-idx1-ubyte.gz': `${baseUrl}/mnist/t10k-labels-idx1-ubyte.gz`,
      },
      logger: { info: (_d, message) => logged.push(message), warn: (_d, message) => logged.push(message) },
    });
    if (ensured.kind !== 'files') throw new Error('expected files');
    expect(readFileSync(ensured.paths['t10k-images-idx3-ubyte.gz']).length).toBe(1648877);
    expect(logged.filter((m) => m.includes('canonical URL'))).toHaveLength(2);
    // Already there and valid: no second download.
    logged.length = 0;
    await ensureDataset('mnist', { dataDir, urlOverrides: { 'mnist/t10k-labels-idx1-ubyte.gz': `${baseUrl}/nothing` } });
    expect(logged).toEqual([]);
  });

  it('uses an HTTP mirror before the canonical URL', async () => {
    const dataDir = await tempDataDir();
    const ensured = await ensureDataset('daily-max-temperatures', {
      dataDir,
      mirror: `${baseUrl}/`,
      urlOverrides: { 'daily_max_temperatures/daily-max-temperatures.csv': 'http://127.0.0.1:9/unreachable.csv' },
    });
    if (ensured.kind !== 'files') throw new Error('expected files');
    expect(readFileSync(ensured.paths['daily-max-temperatures.csv']).length).toBe(69359);
  });

  it('refuses a file with the wrong hash, names file, URL and destination, and leaves nothing behind', async () => {
    const dataDir = await tempDataDir();
    const url = `${baseUrl}/tampered/daily_min_temperatures/daily-min-temperatures.csv`;
    const attempt = ensureDataset('daily-min-temperatures', { dataDir, urlOverrides: { 'daily_min_temperatures/daily-min-temperatures.csv': url } });
    await expect(attempt).rejects.toThrow(DatasetUnavailableError);
    const error = (await attempt.catch((e: unknown) => e)) as DatasetUnavailableError;
    const destination = path.join(dataDir, 'datasets', 'daily_min_temperatures', 'daily-min-temperatures.csv');
    expect(error.message).toContain('daily_min_temperatures/daily-min-temperatures.csv');
    expect(error.message).toContain(url);
    expect(error.message).toContain('sha256 mismatch');
    expect(error.message).toContain(`put it at ${destination}`);
    expect(error.message).toContain('DATASET_MIRROR');
    expect(existsSync(destination)).toBe(false);
    expect(await leftovers(dataDir)).toEqual([]);
  });

  it('refuses a truncated transfer and leaves no partial file', async () => {
    const dataDir = await tempDataDir();
    const url = `${baseUrl}/truncated/bbc_text/bbc-text.csv`;
    const error = (await ensureDataset('bbc-text', { dataDir, urlOverrides: { 'bbc_text/bbc-text.csv': url } }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(DatasetUnavailableError);
    expect(error.message).toMatch(/interrupted|incomplete/);
    expect(error.message).toContain(url);
    expect(existsSync(path.join(dataDir, 'datasets', 'bbc_text', 'bbc-text.csv'))).toBe(false);
    expect(await leftovers(dataDir)).toEqual([]);
  });

  it('says where to put the file by hand when offline, and replaces a wrong file already in place', async () => {
    const dataDir = await tempDataDir();
    const destination = path.join(dataDir, 'datasets', 'sunspots', 'Sunspots.csv');
    await cp(path.join(testDatasets, 'daily_max_temperatures', 'daily-max-temperatures.csv'), destination);
    const offline = { 'sunspots/Sunspots.csv': 'http://127.0.0.1:9/Sunspots.csv' };
    const error = (await ensureDataset('sunspots', { dataDir, urlOverrides: offline }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(DatasetUnavailableError);
    expect(error.message).toContain(`the file already at ${destination}: sha256`);
    expect(error.message).toContain('http://127.0.0.1:9/Sunspots.csv');
    expect(error.message).toContain('sha256 0ef4cf0379879a9be0043885d8de1c1907ae852c903a0fcbbc58ba813efb3f10');
    await ensureDataset('sunspots', { dataDir, mirror: testDatasets, urlOverrides: offline });
    expect(readFileSync(destination).length).toBe(70827);
  });
});

describe('ensureDataset: horse-or-human folder', () => {
  it('copies the extracted folder from a mirror, checked file by file against the manifest', async () => {
    const dataDir = await tempDataDir();
    const ensured = await ensureDataset('horse-or-human', { dataDir, mirror: testDatasets });
    if (ensured.kind !== 'image-folder') throw new Error('expected an image folder');
    expect(ensured.imagesDir).toBe(path.join(dataDir, 'datasets', 'horse_or_human_validation', 'validation-horse-or-human'));
    expect(await readdir(path.join(ensured.imagesDir, 'horses'))).toHaveLength(128);
    expect(await readdir(path.join(ensured.imagesDir, 'humans'))).toHaveLength(128);
  });

  it('downloads the folder file by file from an HTTP mirror', async () => {
    const dataDir = await tempDataDir();
    const ensured = await ensureDataset('horse-or-human', { dataDir, mirror: baseUrl });
    if (ensured.kind !== 'image-folder') throw new Error('expected an image folder');
    expect(await readdir(path.join(ensured.imagesDir, 'humans'))).toHaveLength(128);
  });

  it('rejects a tampered extracted folder and a zip with the wrong hash, with a clear message', async () => {
    const dataDir = await tempDataDir();
    const folder = path.join(dataDir, 'datasets', 'horse_or_human_validation', 'validation-horse-or-human');
    await cp(path.join(testDatasets, 'horse_or_human_validation', 'validation-horse-or-human'), folder, { recursive: true });
    await writeFile(path.join(folder, 'humans', 'valhuman01-00.png'), 'not a png');
    // Any file that is not the zip: here one of the images.
    const zipUrl = `${baseUrl}/horse_or_human_validation/validation-horse-or-human/horses/horse1-000.png`;
    const error = (await ensureDataset('horse-or-human', {
      dataDir,
      urlOverrides: { 'horse_or_human_validation/validation-horse-or-human.zip': zipUrl },
    }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(DatasetUnavailableError);
    expect(error.message).toContain('humans/valhuman01-00.png has sha256');
    expect(error.message).toContain(zipUrl);
    expect(error.message).toMatch(/horses and .*humans hold the images/);
    expect(existsSync(folder)).toBe(false);
    expect(await leftovers(dataDir)).toEqual([]);
  });
});

describe('extractImageZip', () => {
  const dataset = datasets['horse-or-human'] as ImageFolderDataset;
  const folder = path.join(testDatasets, 'horse_or_human_validation', 'validation-horse-or-human');
  function zipOf(prefix: string, skip?: string): Uint8Array {
    const entries: Record<string, Uint8Array> = { '__MACOSX/._junk': new Uint8Array([1]) };
    for (const [relative] of dataset.manifest) {
      if (relative !== skip) entries[prefix + relative] = new Uint8Array(readFileSync(path.join(folder, relative)));
    }
    return zipSync(entries, { level: 0 });
  }

  it('extracts a zip with the class folders at its root or under a top folder', async () => {
    const dataDir = await tempDataDir();
    for (const prefix of ['', 'validation-horse-or-human/']) {
      const final = path.join(dataDir, `extracted-${prefix ? 'nested' : 'flat'}`);
      await extractImageZip(dataset, zipOf(prefix), final);
      expect(await readdir(path.join(final, 'horses'))).toHaveLength(128);
      expect(await readdir(path.join(final, 'humans'))).toHaveLength(128);
      expect(existsSync(path.join(final, '__MACOSX'))).toBe(false);
    }
  });

  it('refuses a zip that misses a manifest file and leaves nothing behind', async () => {
    const dataDir = await tempDataDir();
    const final = path.join(dataDir, 'extracted');
    await expect(extractImageZip(dataset, zipOf('', 'humans/valhuman01-00.png'), final)).rejects.toThrow(
      "the zip's content does not match the manifest: humans/valhuman01-00.png is missing",
    );
    expect(existsSync(final)).toBe(false);
    expect(await leftovers(dataDir)).toEqual([]);
  });
});

describe('decoders', () => {
  it('parses quoted CSV fields, doubled quotes and CRLF without a final newline', () => {
    expect(parseCsv('a,"b,c"\r\n"say ""hi""",2\r\nlast,')).toEqual([
      ['a', 'b,c'],
      ['say "hi"', '2'],
      ['last', ''],
    ]);
  });

  it('resizes 300 -> 150 with PIL NEAREST (source pixel 2x+1) and drops alpha', () => {
    const bytes = readFileSync(path.join(testDatasets, 'horse_or_human_validation', 'validation-horse-or-human', 'horses', 'horse1-000.png'));
    const png = PNG.sync.read(bytes);
    const rgb = decodePngRgbNearest(bytes, 150);
    expect(rgb.length).toBe(150 * 150 * 3);
    for (const [x, y] of [
      [0, 0],
      [10, 77],
      [149, 149],
      [75, 3],
    ]) {
      const source = ((2 * y + 1) * 300 + (2 * x + 1)) * 4;
      const target = (y * 150 + x) * 3;
      expect([...rgb.subarray(target, target + 3)]).toEqual([...png.data.subarray(source, source + 3)]);
    }
  });
});

describe('evaluation sets', () => {
  // One data folder for the whole group: the last test reads the cache the others wrote.
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await newTempDir();
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('MNIST: 10,000 digits (28,28,1) with the known label counts', async () => {
    const set = (await loadEvaluationSet(problem('mnist'), { dataDir, mirror: testDatasets })) as ClassificationSet;
    expect(set.kind).toBe('classification');
    expect(set.count).toBe(10000);
    expect(set.sampleShape).toEqual([28, 28, 1]);
    expect(set.inputs.length).toBe(10000 * 784);
    const counts = new Array(10).fill(0);
    for (const label of set.labels) counts[label]++;
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(set.inputDivisor).toBe(255);
  });

  it('BBC: 445 evaluation rows, token ids below 1000, labels in label-tokenizer order', async () => {
    const set = (await loadEvaluationSet(problem('bbc-news'), { dataDir, mirror: testDatasets })) as ClassificationSet;
    expect(set.count).toBe(445);
    expect(set.sampleShape).toEqual([120]);
    expect(set.info.trainRows).toBe(1780);
    expect(set.classNames).toEqual(['sport', 'business', 'politics', 'tech', 'entertainment']);
    expect(Math.max(...set.inputs)).toBeLessThan(1000);
    // Post padding: a 0 is only ever followed by 0s in its row.
    for (let row = 0; row < set.count; row++) {
      const ids = [...set.inputs.subarray(row * 120, (row + 1) * 120)];
      const firstZero = ids.indexOf(0);
      if (firstZero >= 0) expect(ids.slice(firstZero).every((id) => id === 0)).toBe(true);
    }
    expect(set.inputs.filter((id) => id === 1).length).toBeGreaterThan(0);
    // Figures from a separate Python reproduction of Keras' Tokenizer (csv module, str.translate,
    // stable sort) over the same file: vocabulary incl. <OOV>, sum of all ids, first row's start.
    expect(set.info.vocabularySize).toBe(27299);
    expect(Array.from(set.inputs).reduce((sum, id) => sum + id, 0)).toBe(6811176);
    expect([...set.inputs.subarray(0, 20)]).toEqual([1, 1, 198, 81, 314, 365, 4, 2, 1, 221, 1, 1, 20, 14, 11, 12, 24, 17, 43, 3]);
    const csv = parseCsv(readFileSync(path.join(testDatasets, 'bbc_text', 'bbc-text.csv'), 'utf8')).slice(1781);
    expect([...set.labels].map((label) => set.classNames[label])).toEqual(csv.map((row) => row[0]));
  });

  it('time series: lengths and (x - min) / max normalisation', async () => {
    const sunspots = (await loadEvaluationSet(problem('sunspots'), { dataDir, mirror: testDatasets })) as TimeSeriesSet;
    expect(sunspots.series.length).toBe(3235);
    expect(sunspots.min).toBe(0);
    expect(sunspots.max).toBe(398.2);
    expect(sunspots.series[0]).toBeCloseTo(96.7 / 398.2, 12);
    expect(Math.max(...sunspots.series)).toBe(1);
    const minTemps = (await loadEvaluationSet(problem('daily-min-temperatures'), { dataDir, mirror: testDatasets })) as TimeSeriesSet;
    expect(minTemps.series.length).toBe(3650);
    expect(minTemps.series[0]).toBeCloseTo((20.7 - minTemps.min) / minTemps.max, 12);
    expect(Math.min(...minTemps.series)).toBe(0);
    const maxTemps = (await loadEvaluationSet(problem('daily-max-temperatures'), { dataDir, mirror: testDatasets })) as TimeSeriesSet;
    expect(maxTemps.series.length).toBe(3650);
    expect(maxTemps.series[0]).toBeCloseTo((38.1 - maxTemps.min) / maxTemps.max, 12);
  });

  it('horse-or-human: 256 images, horses 0 then humans 1, pixels 2x+1 of the PNG', async () => {
    const set = (await loadEvaluationSet(problem('horse-or-human'), { dataDir, mirror: testDatasets })) as ClassificationSet;
    expect(set.count).toBe(256);
    expect(set.sampleShape).toEqual([150, 150, 3]);
    expect([...set.labels.slice(0, 128)].every((label) => label === 0)).toBe(true);
    expect([...set.labels.slice(128)].every((label) => label === 1)).toBe(true);
    const first = decodePngRgbNearest(readFileSync(path.join(testDatasets, 'horse_or_human_validation', 'validation-horse-or-human', 'horses', 'horse1-000.png')), 150);
    expect(sha256(set.inputs.subarray(0, first.length) as Uint8Array)).toBe(sha256(first));
  });

  it('reads the disk cache in the next process and rebuilds a corrupt cache file', async () => {
    const sunspots = problem('sunspots');
    const cacheFile = evaluationCachePath(dataDir, sunspots);
    expect(existsSync(cacheFile)).toBe(true);
    const before = (await loadEvaluationSet(sunspots, { dataDir })) as TimeSeriesSet;
    // As a new process would: no memory cache, and no dataset files either, only the cache file.
    clearEvaluationSetMemoryCache();
    await rm(path.join(dataDir, 'datasets', 'sunspots'), { recursive: true });
    const fromDisk = (await loadEvaluationSet(sunspots, { dataDir, urlOverrides: { 'sunspots/Sunspots.csv': 'http://127.0.0.1:9/x' } })) as TimeSeriesSet;
    expect(fromDisk.series).toEqual(before.series);
    expect(fromDisk.max).toBe(before.max);

    const horse = problem('horse-or-human');
    clearEvaluationSetMemoryCache();
    const horseFromDisk = (await loadEvaluationSet(horse, { dataDir })) as ClassificationSet;
    expect(horseFromDisk.inputs).toBeInstanceOf(Uint8Array);
    expect(horseFromDisk.count).toBe(256);

    // Flip a byte in the cached payload: the cache is ignored and the set rebuilt from the dataset.
    const bytes = readFileSync(cacheFile);
    bytes[bytes.length - 1] ^= 0xff;
    await writeFile(cacheFile, bytes);
    clearEvaluationSetMemoryCache();
    const rebuilt = (await loadEvaluationSet(sunspots, { dataDir, mirror: testDatasets })) as TimeSeriesSet;
    expect(rebuilt.series).toEqual(before.series);
    expect(existsSync(path.join(dataDir, 'datasets', 'sunspots', 'Sunspots.csv'))).toBe(true);
  });
});
