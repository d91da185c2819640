// `tf-study-bot start --shards auto` as a real process tree: the manager asks Discord how many
// shards (the fake recommends 2) and spawns one process per shard; each shard is sent only its own
// guild by the fake Discord (routed as Discord routes), answers it, serves its own /healthz on
// METRICS_PORT + its shard id, and SIGTERM to the manager stops every shard.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, dropScratchDatabase } from '../support/db.ts';
import { guildIdOnShard, startFakeDiscord, type FakeDiscord } from '../support/fake-discord/index.ts';
import { BIN, PROJECT_ROOT, cleanEnv, killOnExit, runCli } from '../support/run-cli.ts';

type LogLine = { msg?: string; shard?: number; pid?: number; port?: number; shards?: number; requested?: number | string; interaction?: { id?: string } };

function logLines(output: string): LogLine[] {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
}

/** Polls for what a child process prints: its log line may come after the reply it sent. */
async function waitFor(check: () => boolean, timeoutMs: number, explain: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(explain());
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Two neighbouring ports nothing listens on now, for shard 0 and shard 1's metrics. */
async function twoFreePorts(): Promise<number> {
  for (;;) {
    const first = createServer();
    await new Promise<void>((resolve) => first.listen(0, '127.0.0.1', resolve));
    const port = (first.address() as AddressInfo).port;
    const second = createServer();
    const free =
      port < 65_535 &&
      (await new Promise<boolean>((resolve) => {
        second.once('error', () => resolve(false));
        second.listen(port + 1, '127.0.0.1', () => resolve(true));
      }));
    await new Promise((resolve) => first.close(resolve));
    if (free) {
      await new Promise((resolve) => second.close(resolve));
      return port;
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('tf-study-bot start --shards without PostgreSQL', () => {
  it('refuses, because each shard is a process and the embedded database allows one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tsb-shards-'));
    try {
      const result = await runCli(['start', '--shards', '2'], { env: cleanEnv({ DISCORD_TOKEN: 'fake-token', DATA_DIR: dataDir }) });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('tf-study-bot start --shards needs PostgreSQL (DATABASE_URL)');
      const misuse = await runCli(['start', '--shards', '0'], { env: cleanEnv({ DISCORD_TOKEN: 'fake-token', DATA_DIR: dataDir }) });
      expect(misuse.code).toBe(2);
      expect(misuse.stderr).toContain('--shards must be "auto" or a whole number of at least 1, not "0"');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('tf-study-bot start --shards auto on PostgreSQL', () => {
  const guildIds = [guildIdOnShard(0, 2), guildIdOnShard(1, 2)];
  const dataDir = mkdtempSync(join(tmpdir(), 'tsb-shards-'));
  let fake: FakeDiscord;
  let databaseUrl: string;

  beforeAll(async () => {
    fake = await startFakeDiscord({ shards: 2, guilds: [{ id: guildIds[0], name: 'Group on shard 0' }, { id: guildIds[1], name: 'Group on shard 1' }] });
    databaseUrl = await createScratchDatabase('tsb_shards');
  });
  afterAll(async () => {
    await fake?.stop();
    if (databaseUrl) await dropScratchDatabase(databaseUrl);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs each shard in its own process, answers each guild from its shard once, restarts a dead shard, and stops them all on SIGTERM', { timeout: 240_000 }, async () => {
    const metricsPort = await twoFreePorts();
    const env = cleanEnv({
      DISCORD_TOKEN: 'fake-token',
      DISCORD_API_URL: fake.apiUrl,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      GRADER_WORKERS: '1',
      LOG_LEVEL: 'debug',
      METRICS_PORT: String(metricsPort),
    });
    for (const guildId of guildIds) {
      const deployed = await runCli(['deploy-commands', '--guild', guildId], { env });
      expect(deployed.code, deployed.stderr).toBe(0);
    }

    const manager = killOnExit(spawn(process.execPath, [BIN, 'start', '--shards', 'auto'], { env, cwd: PROJECT_ROOT }));
    let output = '';
    manager.stdout.on('data', (d: Buffer) => (output += d));
    manager.stderr.on('data', (d: Buffer) => (output += d));
    const exited = new Promise<number | null>((resolve) => manager.on('exit', (code) => resolve(code)));
    let shardPids: number[] = [];
    try {
      await Promise.race([
        fake.waitForBot(180_000),
        exited.then((code) => Promise.reject(new Error(`the manager exited with ${code} before the shards were online:\n${output}`))),
      ]);
      const started = logLines(output).filter((line) => line.msg === 'shard process started');
      expect(started.map((line) => line.shard)).toEqual([0, 1]);
      shardPids = started.map((line) => line.pid!);
      expect(new Set([manager.pid, ...shardPids]).size).toBe(3);
      // auto: the count Discord recommends.
      expect(logLines(output).find((line) => line.msg === 'starting shards')).toMatchObject({ shards: 2, requested: 'auto' });

      // Each shard serves its health and metrics on METRICS_PORT + its shard id.
      const served = () => logLines(output).filter((line) => line.msg === 'metrics and health served');
      await waitFor(() => served().length === 2, 30_000, () => `the shards did not both serve metrics:\n${output}`);
      expect(served().map((line) => [line.shard, line.port]).sort()).toEqual([[0, metricsPort], [1, metricsPort + 1]]);
      for (const port of [metricsPort, metricsPort + 1]) {
        const health = await fetch(`http://127.0.0.1:${port}/healthz`);
        expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
        expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain('interactions_total');
      }

      for (const [shard, guildId] of guildIds.entries()) {
        const tip = await fake.slashCommand({ name: 'tip', subcommand: 'show', guildId });
        const response = await tip.response();
        expect(response.type).toBe(4);
        expect((response.data as { embeds: Array<{ title: string }> }).embeds[0].title.length).toBeGreaterThan(0);
        // Discord sent it to the guild's shard alone, and that shard's process answered it, once.
        expect(tip.shards).toEqual([[shard, 2]]);
        expect(tip.callbacks).toHaveLength(1);
        const handled = () => logLines(output).filter((line) => line.msg === 'interaction handled' && line.interaction?.id === tip.id);
        await waitFor(() => handled().length > 0, 30_000, () => `no shard logged handling ${tip.id}:\n${output}`);
        expect(handled().map((line) => line.shard)).toEqual([shard]);
      }

      // A shard that dies is started again by the manager and serves its guild again.
      process.kill(shardPids[1], 'SIGKILL');
      const shardOneLines = (msg: string) => logLines(output).filter((line) => line.msg === msg && line.shard === 1);
      await waitFor(() => shardOneLines('shard ready').length === 2, 120_000, () => `shard 1 was not started again:\n${output}`);
      expect(shardOneLines('shard process exited; starting it again')).toHaveLength(1);
      shardPids.push(shardOneLines('shard process started')[1].pid!);
      await fake.waitForBot(30_000);
      const again = await fake.slashCommand({ name: 'tip', subcommand: 'show', guildId: guildIds[1] });
      expect((await again.response()).type).toBe(4);
      expect(again.shards).toEqual([[1, 2]]);
      fake.assertNoViolations();
    } finally {
      manager.kill('SIGTERM');
    }
    expect(await exited, output).toBe(0);
    expect(logLines(output).filter((line) => line.msg === 'bot stopped').map((line) => line.shard).sort()).toEqual([0, 1]);
    expect(shardPids.filter(isRunning)).toEqual([]);
  });
});
