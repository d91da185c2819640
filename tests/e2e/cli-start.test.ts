// `tf-study-bot start` as a real process, as `npm start` runs it: against the fake Discord, on a
// new embedded database, answering /tip, and stopping cleanly on SIGTERM.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME } from '../../src/db/lock.ts';
import { startFakeDiscord, type FakeDiscord } from '../support/fake-discord/index.ts';
import { startHttpServer } from '../support/http-server.ts';
import { BIN, PROJECT_ROOT, cleanEnv, killOnExit, runCli } from '../support/run-cli.ts';

let fake: FakeDiscord;
const dataDir = mkdtempSync(join(tmpdir(), 'tsb-start-'));
beforeAll(async () => {
  fake = await startFakeDiscord({ guilds: [{ name: 'Study group' }] });
});
afterAll(async () => {
  await fake?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('tf-study-bot start', () => {
  it('registers commands, comes online, answers /tip, and exits cleanly on SIGTERM', async () => {
    const env = cleanEnv({
      DISCORD_TOKEN: 'fake-token',
      DISCORD_API_URL: fake.apiUrl,
      DATA_DIR: dataDir,
      GRADER_WORKERS: '1',
      LOG_LEVEL: 'info',
    });
    const deployed = await runCli(['deploy-commands', '--guild', fake.guild().id], { env });
    expect(deployed.code).toBe(0);
    expect(fake.commands({ guildId: fake.guild().id }).map((c) => c.name)).toContain('tip');

    const child = killOnExit(spawn(process.execPath, [BIN, 'start'], { env, cwd: PROJECT_ROOT }));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
    try {
      await waitFor(() => stdout.includes('"msg":"bot is online"'), 60_000, () => `no "bot is online" line:\n${stdout}\n${stderr}`);
      // A new data directory says that it is initialised rather than hanging silently.
      expect(stdout).toContain('a new data directory is initialised first');
      expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(true);

      const tip = await fake.slashCommand({ name: 'tip', subcommand: 'show' });
      const response = await tip.response();
      expect(response.type).toBe(4);
      expect((response.data as { embeds: Array<{ title: string }> }).embeds[0].title.length).toBeGreaterThan(0);
      fake.assertNoViolations();
    } finally {
      child.kill('SIGTERM');
    }
    const signalledAt = Date.now();
    const { code, at } = await exited;
    expect(code).toBe(0);
    // A hang detector, not a speed goal: the stop is bounded by the drain (5 s) and the grade grace (2 s).
    expect(at - signalledAt).toBeLessThan(30_000);
    expect(stdout).toContain('"msg":"bot stopped"');
    expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(false);
  });

  it('stopped with SIGTERM while still starting, comes online and then stops cleanly', async () => {
    // Discord's REST answers only once the test lets it: the bot cannot be online before the signal.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = 0;
    const discord = await startHttpServer(async (req, res) => {
      held += 1;
      const body: Buffer[] = [];
      for await (const chunk of req) body.push(chunk as Buffer);
      await released;
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name))) as Record<string, string>;
      const answer = await fetch(`${new URL(fake.apiUrl).origin}${req.url}`, { method: req.method, headers, body: body.length > 0 ? Buffer.concat(body) : undefined });
      res.writeHead(answer.status, Object.fromEntries([...answer.headers].filter(([name]) => !['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(name))));
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
    try {
      const env = cleanEnv({ DISCORD_TOKEN: 'fake-token', DISCORD_API_URL: `${discord.url}/api`, DATA_DIR: dataDir, GRADER_WORKERS: '1', LOG_LEVEL: 'info' });
      const child = killOnExit(spawn(process.execPath, [BIN, 'start'], { env, cwd: PROJECT_ROOT }));
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // Logging in: its first request to Discord waits here.
      await waitFor(() => held > 0, 60_000, () => `no request reached Discord:\n${stdout}`);
      child.kill('SIGTERM');
      release();
      expect(await exited, stdout).toBe(0);
      const order = ['"msg":"bot is online"', '"msg":"shutting down"', '"msg":"bot stopped"'].map((line) => stdout.indexOf(line));
      expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1])), stdout).toBe(true);
      expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(false);
    } finally {
      release();
      await discord.close();
    }
  });
});

async function waitFor(check: () => boolean, timeoutMs: number, explain: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(explain());
    await new Promise((r) => setTimeout(r, 50));
  }
}
