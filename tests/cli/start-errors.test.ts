import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, startScript } from '../support/run-cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'tsb-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('tf-study-bot start refuses a bad configuration with one readable message', () => {
  it('names the missing token', async () => {
    const result = await runCli(['start'], { env: cleanEnv({ DATA_DIR: join(scratch, 'a') }), cwd: scratch });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DISCORD_TOKEN is required');
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('lists every invalid value at once', async () => {
    const result = await runCli(['start'], {
      env: cleanEnv({ DISCORD_TOKEN: 'x', DATABASE_URL: 'mysql://nope', DEFAULT_TIMEZONE: 'Mars/Olympus', LOG_LEVEL: 'loud' }),
      cwd: scratch,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DATABASE_URL must be a postgres://');
    expect(result.stderr).toContain('DEFAULT_TIMEZONE must be an IANA timezone');
    expect(result.stderr).toContain('LOG_LEVEL');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('says which PostgreSQL it cannot reach, without a stack trace', async () => {
    const result = await runCli(['start'], {
      env: cleanEnv({ DISCORD_TOKEN: 'x', DATABASE_URL: 'postgres://bot:hunter2@127.0.0.1:1/studybot' }),
      cwd: scratch,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Cannot connect to PostgreSQL at 127.0.0.1:1/studybot');
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('answers an unknown subcommand with the usage', async () => {
    const result = await runCli(['fly'], { env: cleanEnv(), cwd: scratch });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "fly"');
    expect(result.stderr).toContain('deploy-commands');
  });
});

describe('the embedded database directory is locked', () => {
  it('refuses a second process, naming the directory and the pid, and takes over a dead holder\'s lock', async () => {
    const dataDir = join(scratch, 'locked');
    const holder = await startScript('tests/support/hold-database.ts', [dataDir], 'ready');
    try {
      const second = await runCli(['migrate'], { env: cleanEnv({ DATA_DIR: dataDir }), cwd: scratch });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(dataDir);
      expect(second.stderr).toContain(`pid ${holder.pid}`);
    } finally {
      holder.kill('SIGKILL');
      await new Promise((r) => holder.once('exit', r));
    }
    // The holder died without releasing its lock: the next process takes it over.
    const third = await runCli(['migrate'], { env: cleanEnv({ DATA_DIR: dataDir }), cwd: scratch });
    expect(third.stderr).toBe('');
    expect(third.code).toBe(0);
  });
});
