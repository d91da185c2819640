import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DownloadRejectedError, downloadToFile } from '../../src/submissions/download.ts';
import { startHttpServer, type LocalHttpServer } from '../support/http-server.ts';

const body = Buffer.from('x'.repeat(5000));
const dir = mkdtempSync(join(tmpdir(), 'tsb-download-'));
let server: LocalHttpServer;
let base: string;

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/model.h5') return res.end(body);
    if (req.url === '/no-length') {
      // Chunked, without content-length: only the running count can stop it.
      res.write(body.subarray(0, 2500));
      return res.end(body.subarray(2500));
    }
    if (req.url === '/slow') return void setTimeout(() => res.end(body), 2_000);
    if (req.url === '/broken') {
      res.writeHead(200, { 'content-length': String(body.length) });
      res.write(body.subarray(0, 100));
      return void setTimeout(() => res.destroy(), 20);
    }
    res.writeHead(404).end();
  });
  base = server.url;
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const request = (path: string, extra: Partial<Parameters<typeof downloadToFile>[0]> = {}) => ({
  url: `${base}${path}`,
  name: 'model.h5',
  maxBytes: 10_000,
  timeoutMs: 5_000,
  destination: join(dir, `${path.slice(1)}-${Math.random()}`),
  ...extra,
});

async function rejection(promise: Promise<unknown>): Promise<DownloadRejectedError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DownloadRejectedError);
  return error as DownloadRejectedError;
}

describe('downloadToFile', () => {
  it('writes the file and returns its size and sha256', async () => {
    const req = request('/model.h5');
    const result = await downloadToFile(req);
    expect(result).toEqual({ size: 5000, sha256: createHash('sha256').update(body).digest('hex') });
    expect(readFileSync(req.destination)).toEqual(body);
  });

  it('refuses a declared size over the limit without fetching', async () => {
    const error = await rejection(downloadToFile(request('/nowhere', { declaredSize: 2 * 1024 ** 3 })));
    expect(error.code).toBe('too-large');
    expect(error.memberMessage).toContain('model.h5 is 2.0 GB');
  });

  it('stops a transfer that grows past the limit and leaves no file', async () => {
    const req = request('/no-length', { maxBytes: 3000 });
    const error = await rejection(downloadToFile(req));
    expect(error.code).toBe('too-large');
    expect(existsSync(req.destination)).toBe(false);
  });

  it('gives up after the time limit', async () => {
    const error = await rejection(downloadToFile(request('/slow', { timeoutMs: 200 })));
    expect(error.code).toBe('timeout');
  });

  it('says so when the transfer breaks off, and leaves no file', async () => {
    const req = request('/broken');
    const error = await rejection(downloadToFile(req));
    expect(error.code).toBe('network');
    expect(existsSync(req.destination)).toBe(false);
  });

  it('reports an HTTP error', async () => {
    expect((await rejection(downloadToFile(request('/missing')))).code).toBe('http-error');
  });
});
