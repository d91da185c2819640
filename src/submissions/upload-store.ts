// Uploaded files wait until they are graded, so a restart loses nothing a member uploaded. With the
// embedded database they wait on disk under DATA_DIR/uploads/<folder>/ (one process does all). With
// PostgreSQL they wait in the database (upload_files), so a grading worker on any host can take the
// grade; the worker writes them to a folder of its own while it grades.
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { uploadFiles } from '../db/schema.ts';

export type StoredFile = { name: string; path: string; size: number };

/** Folders a grader writes database files into are named `.grading-<pid>-<random>`. */
const COPY_PREFIX = '.grading-';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `filesPath` of a submission whose files are in the database. */
const IN_DATABASE = /^database:(\d+)$/;

export class UploadStore {
  /** Folders this process wrote files from the database into, by reference. */
  private readonly copies = new Map<string, string>();

  constructor(
    private readonly root: string,
    /** Where files wait to be graded when any process may grade them; unset: on this disk. */
    private readonly shared?: Database,
  ) {}

  /**
   * Removes the copies of database files left by a grader process that was killed (a clean stop
   * removes its own). Copies of processes still running are theirs.
   */
  async removeStaleCopies(): Promise<void> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    for (const name of names) {
      const pid = Number(name.startsWith(COPY_PREFIX) ? name.slice(COPY_PREFIX.length).split('-')[0] : NaN);
      if (Number.isInteger(pid) && pid !== process.pid && !isRunning(pid)) await rm(join(this.root, name), { recursive: true, force: true });
    }
  }

  /** A fresh folder for one submission's files while they arrive. */
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

  /**
   * Keeps a received folder for grading: where every grader can read it. Returns the reference the
   * submission stores (the folder itself, or the files' place in the database).
   */
  async keep(folder: string, submissionId: number): Promise<string> {
    if (!this.shared) return folder;
    const names = (await readdir(folder)).sort();
    for (const [position, stored] of names.entries()) {
      const bytes = await readFile(join(folder, stored));
      await this.shared.insert(uploadFiles).values({ submissionId, position, name: stored, bytes }).onConflictDoNothing();
    }
    await rm(folder, { recursive: true, force: true });
    return `database:${submissionId}`;
  }

  async files(reference: string): Promise<StoredFile[]> {
    const dir = await this.folderOf(reference);
    const names = (await readdir(dir)).sort();
    return Promise.all(
      names.map(async (stored) => ({ name: stored.replace(/^\d{2}-/, ''), path: join(dir, stored), size: (await stat(join(dir, stored))).size })),
    );
  }

  async remove(reference: string): Promise<void> {
    const inDatabase = IN_DATABASE.exec(reference);
    if (!inDatabase) {
      await rm(reference, { recursive: true, force: true });
      return;
    }
    const copy = this.copies.get(reference);
    this.copies.delete(reference);
    if (copy) await rm(copy, { recursive: true, force: true });
    await this.shared?.delete(uploadFiles).where(eq(uploadFiles.submissionId, Number(inDatabase[1])));
  }

  private async folderOf(reference: string): Promise<string> {
    const inDatabase = IN_DATABASE.exec(reference);
    if (!inDatabase) return reference;
    if (!this.shared) throw new Error(`${reference}: the files are in the database, and this store reads the disk only`);
    const existing = this.copies.get(reference);
    if (existing) return existing;
    const dir = join(this.root, `${COPY_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
    await mkdir(dir, { recursive: true });
    const rows = await this.shared.select().from(uploadFiles).where(eq(uploadFiles.submissionId, Number(inDatabase[1]))).orderBy(asc(uploadFiles.position));
    for (const row of rows) await writeFile(join(dir, row.name), row.bytes);
    this.copies.set(reference, dir);
    return dir;
  }
}
