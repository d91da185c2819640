// The embedded database's directory lock, against holders that are really there and holders whose
// pid now belongs to some other process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE_NAME, lockDataDir, processStartOf } from '../../src/db/lock.ts';

describe.skipIf(process.platform !== 'linux')('the data directory lock', () => {
  let dir: string;
  let other: ChildProcess;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsb-lock-'));
    // An unrelated live process whose pid a stale lock can name.
    other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((resolve) => other.once('spawn', resolve));
  });
  afterAll(() => {
    other.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const writeLock = (content: object) => writeFileSync(join(dir, LOCK_FILE_NAME), JSON.stringify(content));

  it('records which process holds it, started when', () => {
    const lock = lockDataDir(dir);
    try {
      expect(JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8'))).toEqual({ pid: process.pid, hostname: hostname(), processStart: processStartOf(process.pid) });
    } finally {
      lock.release();
    }
  });

  it('refuses while the holder runs', () => {
    writeLock({ pid: other.pid, hostname: hostname(), processStart: processStartOf(other.pid!) });
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir)).toThrow(`(pid ${other.pid})`);
  });

  it('takes over a lock whose pid now belongs to an unrelated process', () => {
    const start = Number(processStartOf(other.pid!));
    writeLock({ pid: other.pid, hostname: hostname(), processStart: String(start - 1) });
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });
});
