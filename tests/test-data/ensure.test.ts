// The test-data resolver: which folder it uses, how it fills the cache from a mirror or the pinned
// URLs (a local HTTP server stands in for both), and the one message when nothing can provide a file.
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ensureTestData, ensureTestDataOrExit, failFastPerHost } from '../support/test-data/ensure.ts';
import { locateTestData, sharedDirBeside, testDataPath } from '../support/test-data/locate.ts';
import { loadTestDataManifest, type TestDataFile } from '../support/test-data/manifest.ts';
import { TestDataUnavailableError } from '../support/test-data/unavailable-message.ts';
import { startHttpServer } from '../support/http-server.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A temporary folder with a project inside it, so `<sandbox>/shared` is "../shared" beside the project. */
async function sandbox() {
  const root = await mkdtemp(path.join(os.tmpdir(), 'tsb-test-data-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  const projectRoot = path.join(root, 'project');
  await mkdir(projectRoot);
  return { root, projectRoot, cache: path.join(root, 'cache'), served: path.join(root, 'served') };
}

/** Serves a folder over HTTP on 127.0.0.1 and records the paths asked for. */
async function serveFolder(folder: string) {
  const requests: string[] = [];
  const server = await startHttpServer((request, response) => {
    const urlPath = decodeURIComponent(request.url ?? '/');
    requests.push(urlPath);
    try {
      const bytes = readFileSync(path.join(folder, ...urlPath.split('/')));
      response.writeHead(200, { 'content-length': bytes.length }).end(bytes);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  let open = true;
  const close = async () => {
    if (!open) return;
    open = false;
    await server.close();
  };
  cleanups.push(close);
  return { url: server.url, requests, close };
}

// Two small real files from the manifest.
const smallFiles = loadTestDataManifest().filter((file) =>
  ['datasets/mnist/t10k-labels-idx1-ubyte.gz', 'fixtures/models/01_dense_regression_A1_k2.5.h5'].includes(file.name),
);

/** Puts copies of `files` under `<folder>/<name>`, the mirror layout. */
async function copyInto(folder: string, files: TestDataFile[]): Promise<void> {
  for (const file of files) await cp(testDataPath(file.name), path.join(folder, file.name));
}

/** The files with their pinned URL moved to `<base>/pinned/<name>`, so no test reaches the internet. */
function pinnedTo(base: string, files: TestDataFile[]): TestDataFile[] {
  return files.map((file) => ({ ...file, url: `${base}/pinned/${file.name}` }));
}

const sha256Of = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function partialFiles(folder: string): Promise<string[]> {
  if (!existsSync(folder)) return [];
  return (await readdir(folder, { recursive: true })).filter((name) => String(name).endsWith('.part'));
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function logInto(lines: string[]) {
  return (line: string) => lines.push(line);
}

describe('locateTestData', () => {
  it('takes TEST_DATA_DIR, else ../shared beside the project, else the cache', async () => {
    const { root, projectRoot, cache } = await sandbox();
    expect(locateTestData({ TEST_DATA_CACHE: cache }, projectRoot)).toEqual({ source: 'cache', dir: cache });
    expect(locateTestData({ XDG_CACHE_HOME: path.join(root, 'xdg') }, projectRoot)).toEqual({
      source: 'cache',
      dir: path.join(root, 'xdg', 'tf-study-bot', 'test-data'),
    });
    expect(locateTestData({}, projectRoot).dir).toBe(path.join(os.homedir(), '.cache', 'tf-study-bot', 'test-data'));

    await mkdir(path.join(root, 'shared'));
    expect(locateTestData({ TEST_DATA_CACHE: cache }, projectRoot)).toEqual({ source: '../shared', dir: path.join(root, 'shared') });
    expect(locateTestData({ TEST_DATA_CACHE: cache, TEST_DATA_DIR: path.join(root, 'mine') }, projectRoot)).toEqual({
      source: 'TEST_DATA_DIR',
      dir: path.join(root, 'mine'),
    });
  });
});

describe('ensureTestData', () => {
  it('fills the cache from TEST_DATA_MIRROR, checking each file, with a progress line per file', async () => {
    const { projectRoot, cache, served } = await sandbox();
    await copyInto(path.join(served, 'mirror'), smallFiles);
    const server = await serveFolder(served);
    const files = pinnedTo(server.url, smallFiles);
    const lines: string[] = [];

    const location = await ensureTestData({ env: { TEST_DATA_CACHE: cache, TEST_DATA_MIRROR: `${server.url}/mirror` }, projectRoot, files, log: logInto(lines) });

    expect(location).toEqual({ source: 'cache', dir: cache });
    for (const file of files) {
      expect(sha256Of(path.join(cache, file.name))).toBe(file.sha256);
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^test data \\[[12]/2\\] ${escapeRegExp(file.name)} \\(.+\\) from ${escapeRegExp(`${server.url}/mirror/${file.name}`)}$`)));
    }
    expect(lines.at(-1)).toBe(`test data: 2 files checked in ${cache} (cache)`);
    expect(server.requests.filter((request) => request.startsWith('/pinned/'))).toEqual([]);
    expect(await partialFiles(cache)).toEqual([]);
  });

  it('uses the cache on the next run without touching the network', async () => {
    const { projectRoot, cache, served } = await sandbox();
    await copyInto(path.join(served, 'mirror'), smallFiles);
    const server = await serveFolder(served);
    const files = pinnedTo(server.url, smallFiles);
    const env = { TEST_DATA_CACHE: cache, TEST_DATA_MIRROR: `${server.url}/mirror` };
    await ensureTestData({ env, projectRoot, files, log: () => {} });
    await server.close();

    const offline = vi.fn<typeof fetch>(() => Promise.reject(new Error('no network in this test')));
    const lines: string[] = [];
    const location = await ensureTestData({ env, projectRoot, files, fetch: offline, log: logInto(lines) });

    expect(location).toEqual({ source: 'cache', dir: cache });
    expect(offline).not.toHaveBeenCalled();
    expect(lines).toEqual([`test data: 2 files checked in ${cache} (cache)`]);
  });

  it('falls back to the pinned URL for a file the mirror does not have', async () => {
    const { projectRoot, cache, served } = await sandbox();
    const [inMirror, onlyPinned] = smallFiles;
    await copyInto(path.join(served, 'mirror'), [inMirror]);
    await copyInto(path.join(served, 'pinned'), [onlyPinned]);
    const server = await serveFolder(served);
    const lines: string[] = [];

    await ensureTestData({
      env: { TEST_DATA_CACHE: cache, TEST_DATA_MIRROR: `${server.url}/mirror` },
      projectRoot,
      files: pinnedTo(server.url, smallFiles),
      log: logInto(lines),
    });

    expect(sha256Of(path.join(cache, onlyPinned.name))).toBe(onlyPinned.sha256);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`${escapeRegExp(onlyPinned.name)} .* from ${escapeRegExp(`${server.url}/pinned/${onlyPinned.name}`)}$`)));
  });

  it('refuses a file whose sha256 does not match and keeps it out of the cache', async () => {
    const { projectRoot, cache, served } = await sandbox();
    const [good, tampered] = smallFiles;
    await copyInto(path.join(served, 'mirror'), smallFiles);
    const tamperedCopy = path.join(served, 'mirror', tampered.name);
    const bytes = readFileSync(tamperedCopy);
    bytes[bytes.length - 3] ^= 0xff;
    await writeFile(tamperedCopy, bytes);
    const server = await serveFolder(served);

    const error = await ensureTestData({
      env: { TEST_DATA_CACHE: cache, TEST_DATA_MIRROR: `${server.url}/mirror` },
      projectRoot,
      files: pinnedTo(server.url, smallFiles),
      log: () => {},
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TestDataUnavailableError);
    const message = (error as Error).message;
    expect(message).toContain(`1 of the 2 test-data files`);
    expect(message).toContain(`Downloading ${tampered.name} failed:`);
    expect(message).toContain(`TEST_DATA_MIRROR ${server.url}/mirror/${tampered.name}: sha256 mismatch`);
    expect(message).toContain(`pinned URL ${server.url}/pinned/${tampered.name}: HTTP 404`);
    expect(existsSync(path.join(cache, tampered.name))).toBe(false);
    // What did arrive stays, for the next run.
    expect(sha256Of(path.join(cache, good.name))).toBe(good.sha256);
    expect(await partialFiles(cache)).toEqual([]);
  });

  it('with no source for the files, stops with one message naming them and the three ways to provide them', async () => {
    const { projectRoot, cache, root } = await sandbox();
    const server = await serveFolder(root);
    await server.close();

    const error = await ensureTestData({
      env: { TEST_DATA_CACHE: cache, TEST_DATA_MIRROR: server.url },
      projectRoot,
      files: pinnedTo(server.url, smallFiles),
      log: () => {},
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TestDataUnavailableError);
    const { message } = error as Error;
    expect(message.split('\n')[0]).toBe(`Test data unavailable: 2 of the 2 test-data files are missing or wrong in ${cache} (the cache):`);
    for (const file of smallFiles) expect(message).toContain(`\n  ${file.name}\n`);
    expect(message).toMatch(/ECONNREFUSED/);
    expect(message).toContain('tests/support/test-data/manifest.json');
    expect(message).toContain('1. TEST_DATA_DIR=<folder>');
    expect(message).toContain(`2. a folder with that layout at ${sharedDirBeside(projectRoot)}`);
    expect(message).toContain(`3. network access to the manifest's URLs, or TEST_DATA_MIRROR=<base URL>`);
    expect(message).toContain(`into the cache, ${cache} (TEST_DATA_CACHE moves it)`);
    expect(await partialFiles(cache)).toEqual([]);
  });

  it('names many missing files in one folder by the folder and a count', async () => {
    const { projectRoot, cache } = await sandbox();
    const images = Array.from({ length: 5 }, (_, i) => ({ ...smallFiles[0], name: `datasets/pictures/humans/${i}.png` }));
    const error = (await ensureTestData({
      env: { TEST_DATA_CACHE: cache },
      projectRoot,
      files: [...images, smallFiles[1]],
      fetch: () => Promise.reject(new Error('offline')),
      log: () => {},
    }).catch((e: unknown) => e)) as Error;

    expect(error.message).toContain('\n  datasets/pictures/humans/ (5 files)\n');
    expect(error.message).toContain(`\n  ${smallFiles[1].name}\n`);
    expect(error.message).not.toContain('\n  datasets/pictures/humans/0.png');
  });

  it('reports a TEST_DATA_DIR that lacks a file or holds a wrong one, and downloads nothing into it', async () => {
    const { root, projectRoot, cache, served } = await sandbox();
    const [present, wrong] = smallFiles;
    const mine = path.join(root, 'mine');
    await copyInto(mine, [present]);
    await mkdir(path.dirname(path.join(mine, wrong.name)), { recursive: true });
    await writeFile(path.join(mine, wrong.name), 'not the model');
    await copyInto(path.join(served, 'mirror'), smallFiles);
    const server = await serveFolder(served);
    const fetchSpy = vi.fn(globalThis.fetch);

    const error = (await ensureTestData({
      env: { TEST_DATA_DIR: mine, TEST_DATA_CACHE: cache, TEST_DATA_MIRROR: `${server.url}/mirror` },
      projectRoot,
      files: pinnedTo(server.url, smallFiles),
      fetch: fetchSpy,
      log: () => {},
    }).catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(TestDataUnavailableError);
    expect(error.message).toContain(`in ${mine} (TEST_DATA_DIR is set, so only that folder is used):`);
    expect(error.message).toContain(`  ${wrong.name} (sha256 ${createHash('sha256').update('not the model').digest('hex')}, expected ${wrong.sha256})`);
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(readFileSync(path.join(mine, wrong.name), 'utf8')).toBe('not the model');
    expect(existsSync(cache)).toBe(false);
  });
});

describe('ensureTestDataOrExit', () => {
  it('prints the message alone and ends the process with code 1', async () => {
    const { projectRoot, cache } = await sandbox();
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => {
      throw new Error('exit called');
    }) as typeof process.exit);
    const written: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
    cleanups.push(async () => {
      exit.mockRestore();
      write.mockRestore();
    });

    const options = { env: { TEST_DATA_CACHE: cache }, projectRoot, files: smallFiles, fetch: () => Promise.reject(new Error('offline')), log: () => {} };
    await expect(ensureTestDataOrExit(options)).rejects.toThrow('exit called');

    expect(exit).toHaveBeenCalledWith(1);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^\nTest data unavailable: 2 of the 2 test-data files [^]*TEST_DATA_CACHE moves it\)\.\n\n$/);
  });
});

describe('failFastPerHost', () => {
  it('after a network failure, fails later requests to that host at once and leaves other hosts alone', async () => {
    const underlying = vi.fn<typeof fetch>(async (input) => {
      if (String(input).includes('down.example')) throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND down.example') });
      return new Response('ok');
    });
    const guarded = failFastPerHost(underlying);

    await expect(guarded('https://down.example/a')).rejects.toThrow('fetch failed');
    await expect(guarded('https://down.example/b')).rejects.toThrow('down.example was unreachable earlier in this run (fetch failed: getaddrinfo ENOTFOUND down.example)');
    expect(await (await guarded('https://up.example/c')).text()).toBe('ok');
    expect(underlying.mock.calls.map(([input]) => input)).toEqual(['https://down.example/a', 'https://up.example/c']);
  });
});
