// PGlite does not lock its data directory: a second process would open it silently and committed
// rows would be lost. This lock file makes the second process refuse to start instead.
import { OperatorError } from '../operator-error.ts';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE_NAME = 'tf-study-bot.lock';

export class DataDirLockedError extends OperatorError {
  override name = 'DataDirLockedError';

  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
  ) {
    super(
      `The data directory ${dataDir} is in use by another tf-study-bot process (pid ${holderPid}). ` +
        'Stop that process, or give this one another DATA_DIR, or use DATABASE_URL (PostgreSQL) to run several processes.',
    );
  }
}

/** `processStart` tells a holder from a later process that got the same pid (Linux only). */
type LockContent = { pid: number; hostname: string; processStart?: string };

function readLock(path: string): LockContent | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockContent>;
    return typeof parsed.pid === 'number' ? (parsed as LockContent) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * When the process started, in clock ticks since boot (field 22 of /proc/<pid>/stat): with the
 * pid, it names one process for good. Undefined where there is no /proc.
 */
export function processStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** The lock's holder still runs: its pid is alive and, where it can be told, is the same process. */
function isHolderRunning(holder: LockContent): boolean {
  if (!isProcessAlive(holder.pid)) return false;
  const start = processStartOf(holder.pid);
  return holder.processStart === undefined || start === undefined || start === holder.processStart;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type DataDirLock = { path: string; release(): void };

/**
 * Takes the lock on `dataDir` or throws DataDirLockedError. A lock left by a dead process, by one
 * whose pid another process has since, or by a previous life of this very pid (a container
 * restarted as pid 1), is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE_NAME);
  const content: LockContent = { pid: process.pid, hostname: hostname(), processStart: processStartOf(process.pid) };
  // The content is written to a private file first and hard-linked into place, so the lock file
  // appears atomically with its content and is never seen half-written.
  const draft = `${path}.${process.pid}.tmp`;
  writeFileSync(draft, JSON.stringify(content));
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(draft, path);
        let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          if (readLock(path)?.pid === process.pid) {
            try {
              unlinkSync(path);
            } catch {
              // Already gone: nothing to release.
            }
          }
        },
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = readLock(path);
        if (holder && holder.hostname !== content.hostname) {
          // A lock from another machine sharing the directory: its pid means nothing here.
          throw new DataDirLockedError(dataDir, holder.pid);
        }
        if (holder && holder.pid !== process.pid && isHolderRunning(holder)) {
          throw new DataDirLockedError(dataDir, holder.pid);
        }
        // Stale: a dead holder, its pid now used by another process, this pid in a previous life (a
        // container restarted as pid 1), or garbage.
        try {
          unlinkSync(path);
        } catch {
          // Another process took it over first; the next attempt sees its lock.
        }
      }
    }
    throw new DataDirLockedError(dataDir, readLock(path)?.pid ?? -1);
  } finally {
    unlinkSync(draft);
  }
}
