// Downloads an uploaded model file (a Discord attachment URL) to disk with a size cap and a time
// limit, hashing it on the way. The declared size is checked before the first byte is fetched.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export class DownloadRejectedError extends Error {
  constructor(
    readonly code: 'too-large' | 'timeout' | 'http-error' | 'network' | 'empty',
    readonly memberMessage: string,
  ) {
    super(memberMessage);
    this.name = 'DownloadRejectedError';
  }
}

export type DownloadRequest = {
  url: string;
  name: string;
  /** The size the attachment declares (Discord sends it); a larger download is cut off anyway. */
  declaredSize?: number;
  maxBytes: number;
  timeoutMs: number;
  destination: string;
};

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${bytes} bytes`;
}

export function tooLargeMessage(name: string, size: number, maxBytes: number): string {
  return `${name} is ${formatBytes(size)}; the grader takes files up to ${formatBytes(maxBytes)}. Exam models are far smaller: check that you saved the model (model.save("model.h5")), not a checkpoint folder or the dataset.`;
}

export async function downloadToFile(request: DownloadRequest): Promise<{ size: number; sha256: string }> {
  if (request.declaredSize !== undefined && request.declaredSize > request.maxBytes) {
    throw new DownloadRejectedError('too-large', tooLargeMessage(request.name, request.declaredSize, request.maxBytes));
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.timeoutMs);
  try {
    let response: Response;
    try {
      response = await fetch(request.url, { signal: controller.signal });
    } catch (error) {
      throw controller.signal.aborted
        ? new DownloadRejectedError('timeout', `Downloading ${request.name} took longer than ${Math.round(request.timeoutMs / 1000)} s. Please try again.`)
        : new DownloadRejectedError('network', `Could not download ${request.name} from Discord (${(error as Error).message}). Please try again.`);
    }
    if (!response.ok || !response.body) {
      throw new DownloadRejectedError('http-error', `Could not download ${request.name} from Discord (HTTP ${response.status}). Please upload it again.`);
    }
    const announced = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(announced) && announced > request.maxBytes) {
      await response.body.cancel();
      throw new DownloadRejectedError('too-large', tooLargeMessage(request.name, announced, request.maxBytes));
    }
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > request.maxBytes) {
          callback(new DownloadRejectedError('too-large', tooLargeMessage(request.name, size, request.maxBytes)));
          return;
        }
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    await mkdir(dirname(request.destination), { recursive: true });
    try {
      await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), meter, createWriteStream(request.destination));
    } catch (error) {
      await rm(request.destination, { force: true });
      if (error instanceof DownloadRejectedError) throw error;
      if (controller.signal.aborted) {
        throw new DownloadRejectedError('timeout', `Downloading ${request.name} took longer than ${Math.round(request.timeoutMs / 1000)} s. Please try again.`);
      }
      throw new DownloadRejectedError('network', `The download of ${request.name} broke off (${(error as Error).message}). Please try again.`);
    }
    if (size === 0) throw new DownloadRejectedError('empty', `${request.name} is empty (0 bytes).`);
    return { size, sha256: hash.digest('hex') };
  } finally {
    clearTimeout(timer);
  }
}
