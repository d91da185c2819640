// The capped, hashing file writer under a source that fails before it is piped.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { writeHashed } from '../../src/io/hashed-write.ts';

const dir = mkdtempSync(join(tmpdir(), 'tsb-hashed-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('rejects with the error of a source that breaks while the folder is being made, and crashes nothing', async () => {
  const source = new Readable({ read() {} });
  // Fires while writeHashed awaits mkdir, before pipeline() listens (a download cut off at once).
  setImmediate(() => source.destroy(new Error('other side closed')));
  const destination = join(dir, 'new-folder', 'deeper', 'model.h5');
  await expect(writeHashed(source, destination, 1024, () => new Error('too large'))).rejects.toThrow('other side closed');
  expect(existsSync(destination)).toBe(false);
});

it('closes the source when the destination folder cannot be made', async () => {
  const blocker = join(dir, 'a-file');
  writeFileSync(blocker, '');
  const source = Readable.from([Buffer.from('bytes')]);
  await expect(writeHashed(source, join(blocker, 'model.h5'), 1024, () => new Error('too large'))).rejects.toThrow(/ENOTDIR|EEXIST/);
  expect(source.destroyed).toBe(true);
});
