// The real command line when Discord cannot be used: a refused token, an API that refuses the
// connection, a host name that does not resolve. Each gives one line on stderr naming the cause
// and the fix, exit code 1 and no stack trace; the whole error is in the debug log.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME } from '../../src/db/lock.ts';
import { startFakeDiscord, type FakeDiscord } from '../support/fake-discord/index.ts';
import { cleanEnv, runCli, type CliResult } from '../support/run-cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'tsb-discord-errors-'));
let refusing: Server;
let refusingUrl: string;
let fake: FakeDiscord;

beforeAll(async () => {
  // Discord's answer to a wrong token, to every request.
  refusing = createServer((_req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: '401: Unauthorized', code: 0 }));
  });
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  refusingUrl = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/api`;
  fake = await startFakeDiscord({ botToken: 'the-right-token' });
});

afterAll(async () => {
  await new Promise((resolve) => refusing?.close(resolve));
  await fake?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** One line on stderr, no stack trace, exit 1. */
function expectOneLineFailure(result: CliResult): string {
  expect(result.stderr).not.toMatch(/\n\s+at /);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(result.code).toBe(1);
  return lines[0];
}

describe('tf-study-bot deploy-commands', () => {
  it('names a refused token and where to get the right one, with the whole error in the debug log', async () => {
    const result = await runCli(['deploy-commands', '--guild', '123456789012345678'], {
      env: cleanEnv({ DISCORD_TOKEN: 'wrong', DISCORD_API_URL: refusingUrl, LOG_LEVEL: 'debug' }),
      cwd: scratch,
    });
    const line = expectOneLineFailure(result);
    expect(line).toMatch(/^tf-study-bot deploy-commands: Discord refused the bot token \(401 Unauthorized\)\. Set DISCORD_TOKEN to the token on the Bot page/);
    const logged = result.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; err?: { stack: string } })
      .find((entry) => entry.msg === 'command failed');
    expect(logged?.level).toBe(20); // debug
    expect(logged?.err?.stack).toContain('caused by: DiscordAPIError[0]: 401: Unauthorized');
  });

  it('says the API refused the connection and points at DISCORD_API_URL', async () => {
    const result = await runCli(['deploy-commands'], {
      env: cleanEnv({ DISCORD_TOKEN: 'x', DISCORD_API_URL: 'http://127.0.0.1:1/api' }),
      cwd: scratch,
    });
    expect(expectOneLineFailure(result)).toBe(
      'tf-study-bot deploy-commands: Cannot reach Discord at http://127.0.0.1:1/api: the connection was refused (ECONNREFUSED). ' +
        'Check DISCORD_API_URL, or leave it unset to use Discord itself.',
    );
  });
});

describe('tf-study-bot start', () => {
  it('names a token the fake Discord refuses, at its first refusal, and leaves the data directory unlocked', async () => {
    const dataDir = join(scratch, 'wrong-token');
    const result = await runCli(['start'], {
      env: cleanEnv({ DISCORD_TOKEN: 'a-wrong-token', DISCORD_API_URL: fake.apiUrl, DATA_DIR: dataDir }),
      cwd: scratch,
    });
    expect(expectOneLineFailure(result)).toMatch(/^tf-study-bot start: Discord refused the bot token \(401 Unauthorized\)\. Set DISCORD_TOKEN/);
    // One question, refused: no login with its retries after it.
    expect(fake.requests.filter((r) => r.path === '/api/v10/gateway/bot').map((r) => r.status)).toEqual([401]);
    expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(false);
    fake.assertNoViolations();
  });

  it('says that the host name does not resolve (no network)', async () => {
    const dataDir = join(scratch, 'no-network');
    const result = await runCli(['start'], {
      env: cleanEnv({ DISCORD_TOKEN: 'x', DISCORD_API_URL: 'http://nonexistent.invalid/api', DATA_DIR: dataDir }),
      cwd: scratch,
    });
    // EAI_AGAIN where no DNS server answers at all.
    expect(expectOneLineFailure(result)).toMatch(
      /^tf-study-bot start: Cannot reach Discord at http:\/\/nonexistent\.invalid\/api: the host name nonexistent\.invalid does not resolve \((ENOTFOUND|EAI_AGAIN)\)\. Check DISCORD_API_URL/,
    );
    expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(false);
  });
});

describe('misuse exits 2, --help documents the exit codes', () => {
  it('refuses options a command does not take', async () => {
    const start = await runCli(['start', '--tokne', 'x'], { env: cleanEnv(), cwd: scratch });
    expect(start.code).toBe(2);
    expect(start.stderr).toMatch(/^tf-study-bot start: Unknown option '--tokne'/);
    const deploy = await runCli(['deploy-commands', '123456789012345678'], { env: cleanEnv(), cwd: scratch });
    expect(deploy.code).toBe(2);
    expect(deploy.stderr).toContain("Unexpected argument '123456789012345678'");
  });

  it('prints the exit codes with --help, and a command\'s own usage with <command> --help', async () => {
    const help = await runCli(['--help'], { env: cleanEnv(), cwd: scratch });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}2 {2}misuse/m);
    expect(help.stdout).toMatch(/^ {2}3 {2}grade: the model cannot be graded$/m);
    const grade = await runCli(['grade', '--help'], { env: cleanEnv(), cwd: scratch });
    expect(grade.code).toBe(0);
    expect(grade.stdout).toContain('usage: tf-study-bot grade --problem <id>');
    expect(grade.stdout).toContain('3 the model cannot be graded');
  });
});
