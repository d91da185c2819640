// Uploaded files wait on disk under DATA_DIR/uploads/<submission id>/ until they are graded, so a
// restart loses nothing a member uploaded.
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';

export type StoredFile = { name: string; path: string; size: number };

export class UploadStore {
  constructor(private readonly root: string) {}

  /** A fresh folder for a download in progress. */
  async scratch(): Promise<string> {
    const dir = join(this.root, `incoming-${randomBytes(6).toString('hex')}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** The file name kept on disk: the member's name without any path, prefixed to keep order. */
  static fileName(index: number, name: string): string {
    const safe = basename(name).replace(/[^\w.\-]+/g, '_').slice(0, 120) || 'upload';
    return `${String(index).padStart(2, '0')}-${safe}`;
  }

  /** Moves a scratch folder to the submission's folder and returns its path. */
  async keep(scratchDir: string, submissionId: number): Promise<string> {
    const dir = join(this.root, String(submissionId));
    await rm(dir, { recursive: true, force: true });
    await rename(scratchDir, dir);
    return dir;
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
