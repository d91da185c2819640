// Streams bytes to a file while counting and hashing them, with a size cap. Used for dataset
// downloads and for members' uploads; on any failure the partial file is removed.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';

export type HashedWrite = { size: number; sha256: string };

/**
 * Writes `source` to `destination`. More than `maxBytes` stops the transfer with the error
 * `tooLarge(received)` returns. On failure the error carries `received` (the bytes that arrived).
 */
export async function writeHashed(
  source: Readable,
  destination: string,
  maxBytes: number,
  tooLarge: (received: number) => Error,
): Promise<HashedWrite> {
  // The source may fail while the folder is made, before pipeline() listens: without a listener
  // that 'error' would be an uncaught exception (the whole process). pipeline() still sees it.
  const ignoreUntilPiped = () => {};
  source.on('error', ignoreUntilPiped);
  try {
    await mkdir(dirname(destination), { recursive: true });
  } catch (error) {
    // Nothing will read the source now: close it (an open file, a download's connection).
    source.destroy();
    throw error;
  } finally {
    source.off('error', ignoreUntilPiped);
  }
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) {
        callback(tooLarge(size));
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  const file = createWriteStream(destination);
  try {
    await pipeline(source, meter, file);
  } catch (error) {
    // The file opens asynchronously: when the source failed first, it may appear after pipeline()
    // gave up. Removed only once the stream has closed, so no empty file is left behind.
    if (!file.closed) await once(file, 'close').catch(() => {});
    await rm(destination, { force: true });
    throw Object.assign(error as Error, { received: size });
  }
  return { size, sha256: hash.digest('hex') };
}
