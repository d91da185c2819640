// Downloads an uploaded model file (a Discord attachment URL) to disk with a size cap and a time
// limit, hashing it on the way. The declared size is checked before the first byte is fetched.
import { Readable } from 'node:stream';
import { formatBytes } from '../grading/limits.ts';
import { writeHashed, type HashedWrite } from '../io/hashed-write.ts';
import { MemberError } from '../member-error.ts';

export class DownloadRejectedError extends MemberError {
  override name = 'DownloadRejectedError';
  declare readonly code: 'too-large' | 'timeout' | 'http-error' | 'network' | 'empty';

  constructor(code: DownloadRejectedError['code'], memberMessage: string) {
    super(code, memberMessage);
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

export function tooLargeMessage(name: string, size: number, maxBytes: number): string {
  return `${name} is ${formatBytes(size, { kilobyteDecimals: 0 })}; the grader takes files up to ${formatBytes(maxBytes, { kilobyteDecimals: 0 })}. Exam models are far smaller: check that you saved the model (model.save("model.h5")), not a checkpoint folder or the dataset.`;
}

export async function downloadToFile(request: DownloadRequest): Promise<{ size: number; sha256: string }> {
  if (request.declaredSize !== undefined && request.declaredSize > request.maxBytes) {
    throw new DownloadRejectedError('too-large', tooLargeMessage(request.name, request.declaredSize, request.maxBytes));
  }
  const timedOut = () =>
    new DownloadRejectedError('timeout', `Downloading ${request.name} took longer than ${Math.round(request.timeoutMs / 1000)} s. Please try again.`);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.timeoutMs);
  try {
    let response: Response;
    try {
      response = await fetch(request.url, { signal: controller.signal });
    } catch (error) {
      throw controller.signal.aborted
        ? timedOut()
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
    let written: HashedWrite;
    try {
      written = await writeHashed(
        Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
        request.destination,
        request.maxBytes,
        (received) => new DownloadRejectedError('too-large', tooLargeMessage(request.name, received, request.maxBytes)),
      );
    } catch (error) {
      if (error instanceof DownloadRejectedError) throw error;
      if (controller.signal.aborted) throw timedOut();
      throw new DownloadRejectedError('network', `The download of ${request.name} broke off (${(error as Error).message}). Please try again.`);
    }
    const { size, sha256 } = written;
    if (size === 0) throw new DownloadRejectedError('empty', `${request.name} is empty (0 bytes).`);
    return { size, sha256 };
  } finally {
    clearTimeout(timer);
  }
}
