// Obtains a file whose size and sha256 are known in advance, from an http(s) URL or a local path.
// The bytes stream to a temporary file next to the destination while being hashed, and are renamed
// into place only when size and hash match, so a failed, truncated or tampered transfer never leaves
// a file that looks usable. Serves the exam datasets (src/datasets/ensure.ts) and the test data
// (tests/support/test-data/).
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { writeHashed, type HashedWrite } from './hashed-write.ts';

export interface ExpectedFile {
  bytes: number;
  sha256: string;
}

export interface TransferOptions {
  fetch?: typeof globalThis.fetch;
  /** Per download; default 10 minutes. */
  timeoutMs?: number;
}

export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

function joinUrl(base: string, relative: string): string {
  return `${base.replace(/\/+$/, '')}/${relative.split('/').map(encodeURIComponent).join('/')}`;
}

/** Where `relative` (slash-separated) is under `base`, a local folder or an http(s) base URL. */
export function locationUnder(base: string, relative: string): string {
  return isUrl(base) ? joinUrl(base, relative) : path.join(path.resolve(base), ...relative.split('/'));
}

/** The file's sha256, or undefined when there is no file. */
export async function sha256OfFile(filePath: string): Promise<string | undefined> {
  try {
    const hash = createHash('sha256');
    await pipeline(createReadStream(filePath), hash);
    return hash.digest('hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** One line: the error's message and, for fetch's bare "fetch failed", the cause that says why. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  const causeText = cause instanceof Error ? `: ${cause.message}` : '';
  return `${error.message}${causeText}`;
}

export function tempPathFor(destination: string): string {
  return `${destination}.${process.pid}-${randomBytes(4).toString('hex')}.part`;
}

/**
 * Streams `source` into a temporary file next to `destination` while hashing; renames it into place
 * only when the byte count and sha256 match. Throws a one-line reason otherwise (temp file removed).
 */
export async function writeVerified(source: Readable, destination: string, expected: ExpectedFile): Promise<void> {
  const temp = tempPathFor(destination);
  let written: HashedWrite;
  try {
    written = await writeHashed(source, temp, expected.bytes, () => new Error(`received more than the expected ${expected.bytes} bytes`));
  } catch (error) {
    const received = (error as { received?: number }).received ?? 0;
    if (error instanceof Error && /premature close|terminated|aborted|ECONNRESET/i.test(error.message)) {
      throw new Error(`transfer interrupted after ${received} of ${expected.bytes} bytes (${describeError(error)})`);
    }
    throw error;
  }
  try {
    if (written.size !== expected.bytes) {
      throw new Error(`transfer incomplete: received ${written.size} of ${expected.bytes} bytes`);
    }
    if (written.sha256 !== expected.sha256) throw new Error(`sha256 mismatch: got ${written.sha256}, expected ${expected.sha256}`);
    await rename(temp, destination);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Opens `url` for reading; throws on network errors and on any status but 2xx. */
export async function openDownload(url: string, options: TransferOptions): Promise<Response & { body: WebReadableStream<Uint8Array> }> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const response = await fetchImpl(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 600_000) });
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
  }
  return response as Response & { body: WebReadableStream<Uint8Array> };
}

/** Downloads (URL) or copies (local path) `location` to `destination`, checked as writeVerified does. */
export async function fetchVerifiedFile(location: string, destination: string, expected: ExpectedFile, options: TransferOptions = {}): Promise<void> {
  if (!isUrl(location)) {
    await writeVerified(createReadStream(location), destination, expected);
    return;
  }
  const response = await openDownload(location, options);
  await writeVerified(Readable.fromWeb(response.body), destination, expected);
}
