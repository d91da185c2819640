// Uploaded files wait on disk under DATA_DIR/uploads/<submission id>/ until they are graded, so a
// restart loses nothing a member uploaded.
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';

export type StoredFile = { name: string; path: string; size: number };

export class UploadStore {
  constructor(private readonly root: string) {}

  /** A fresh folder for one submission's files. */
  async newFolder(): Promise<string> {
    const dir = join(this.root, randomBytes(8).toString('hex'));
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** The file name kept on disk: the member's name without any path, prefixed to keep order. */
  static fileName(index: number, name: string): string {
    const safe = basename(name).replace(/[^\w.\-]+/g, '_').slice(0, 120) || 'upload';
    return `${String(index).padStart(2, '0')}-${safe}`;
  }

  async files(dir: string): Promise<StoredFile[]> {
    const names = (await readdir(dir)).sort();
    return Promise.all(
      names.map(async (stored) => ({ name: stored.replace(/^\d{2}-/, ''), path: join(dir, stored), size: (await stat(join(dir, stored))).size })),
    );
  }

  async remove(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }
}
