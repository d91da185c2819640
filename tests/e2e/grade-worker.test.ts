// Grading on workers: a bot with GRADER_WORKERS=0 and a separate `tf-study-bot worker` process on
// one PostgreSQL database answer a /grade through the fake Discord; a worker killed with SIGKILL
// mid-grade loses nothing: another worker grades the submission once and answers the same reply.
// Workers need PostgreSQL (the embedded database belongs to one process), so this runs with
// TEST_DATABASE_URL, as CI does.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { submissions } from '../../src/db/schema.ts';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { createScratchDatabase, dropScratchDatabase } from '../support/db.ts';
import type { InteractionHandle, Json } from '../support/fake-discord/index.ts';
import { startHttpServer } from '../support/http-server.ts';
import { cleanEnv, runCli, startCli } from '../support/run-cli.ts';
import { testDataPath } from '../support/test-data/locate.ts';

const FIXTURES = testDataPath('fixtures', 'models');
type Worker = { child: ChildProcess; exited: Promise<number | null>; output(): string; metricsPort: number };

const titleOf = (body: Json) => ((body.embeds as Array<{ title?: string }> | undefined) ?? [])[0]?.title ?? '';
const descriptionOf = (body: Json) => ((body.embeds as Array<{ description?: string }> | undefined) ?? [])[0]?.description ?? '';

describe.skipIf(!process.env.TEST_DATABASE_URL)('grading on `tf-study-bot worker` processes', () => {
  let bot: BotHarness;
  let databaseUrl: string;
  const workers: Worker[] = [];

  beforeAll(async () => {
    databaseUrl = await createScratchDatabase();
    bot = await startBotHarness({ persistent: true, env: { DATABASE_URL: databaseUrl, GRADER_WORKERS: '0' } });
  });
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await bot?.stop();
    if (databaseUrl) await dropScratchDatabase(databaseUrl);
  });
  afterEach(() => bot.fake.assertNoViolations());

  /** Starts `tf-study-bot worker` and resolves once it grades. */
  async function startWorker(): Promise<Worker> {
    const env = cleanEnv({
      DATABASE_URL: databaseUrl,
      DISCORD_API_URL: bot.fake.apiUrl,
      DATASET_MIRROR: testDataPath('datasets'),
      DATA_DIR: bot.app.context.config.dataDir,
      // A short lease: a killed worker's grade goes to the next one soon after.
      GRADE_LEASE_SECONDS: '2',
      LOG_LEVEL: 'info',
      METRICS_PORT: '0',
    });
    const { child, exited, output } = await startCli(['worker', '--concurrency', '1'], env, '"msg":"worker is grading"');
    const metricsPort = Number(/"metricsPort":(\d+)/.exec(output())?.[1]);
    const worker = { child, exited, output, metricsPort };
    workers.push(worker);
    return worker;
  }

  async function grade(problem: string, fixture: string, username: string): Promise<InteractionHandle> {
    const member = bot.fake.member({ guildId: bot.guildId, username });
    const model = bot.fake.cdn.add('model.h5', readFileSync(`${FIXTURES}/${fixture}`));
    return bot.fake.slashCommand({ name: 'grade', member, options: { problem, model } });
  }

  it('stops with a message, instead of hanging on its open database, when its metrics port is taken', async () => {
    const taken = await startHttpServer((_req, res) => res.end());
    try {
      const port = new URL(taken.url).port;
      const env = cleanEnv({ DATABASE_URL: databaseUrl, DISCORD_API_URL: bot.fake.apiUrl, DATA_DIR: bot.app.context.config.dataDir, METRICS_PORT: port });
      const run = await runCli(['worker', '--concurrency', '1'], { env, timeoutMs: 60_000 });
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toContain(`Could not serve metrics on 127.0.0.1:${port}`);
    } finally {
      await taken.close();
    }
  });

  it('refuses to run on the embedded database, saying why and what to do', async () => {
    const run = await runCli(['worker'], { env: cleanEnv({ DATA_DIR: bot.app.context.config.dataDir }) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('tf-study-bot worker needs PostgreSQL (DATABASE_URL)');
  });

  it('answers a /grade from a worker while the bot grades nothing itself', { timeout: 180_000 }, async () => {
    const worker = await startWorker();
    const handle = await grade('linear-a', '01_dense_regression_A1_k2.5.h5', 'ada');
    const final = await handle.waitForMessage((m) => titleOf(m).includes('/5'), 120_000);
    expect(titleOf(final)).toContain('5/5');
    const [row] = (await bot.app.database.db.select().from(submissions)).filter((r) => r.userName === 'ada');
    // Graded under the worker's lease; the files it waited with are gone from the database.
    expect(row).toMatchObject({ status: 'graded', points: 5, attempts: 1, leaseOwner: null, filesPath: `database:${row.id}` });
    // The worker serves its health and its grade counts.
    const health = await fetch(`http://127.0.0.1:${worker.metricsPort}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    const metrics = await (await fetch(`http://127.0.0.1:${worker.metricsPort}/metrics`)).text();
    expect(metrics).toContain('grades_total{problem="linear-a",outcome="graded"} 1');
    // Grading work yields the CPU to a bot or database on the same host (GRADER_NICE, default 10):
    // every thread of the worker, including the thread pool that draws its charts.
    const nice = Math.max(10, os.getPriority());
    expect(os.getPriority(worker.child.pid!)).toBe(nice);
    if (existsSync(`/proc/${worker.child.pid}/task`)) {
      const threads = readdirSync(`/proc/${worker.child.pid}/task`);
      const niceness = threads.map((tid) => Number(readFileSync(`/proc/${worker.child.pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]));
      expect(threads.length).toBeGreaterThan(4);
      expect(niceness).toEqual(threads.map(() => nice));
    }
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });

  it('grades once, in another worker, a submission whose worker was killed mid-grade', { timeout: 400_000 }, async () => {
    const first = await startWorker();
    const handle = await grade('mnist', '03_mnist_cnn_C2_fixedbatch32_k2.8.h5', 'ben');
    await handle.waitFor(() => handle.edits.find((e) => /⏳ (Importing the model|Evaluating)/.test(descriptionOf(e.body))), 120_000, 'the grade to start');
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await startWorker();
    const final = await handle.waitForMessage((m) => titleOf(m).includes('/5'), 240_000);
    expect(titleOf(final)).toContain('5/5');
    expect(handle.edits.filter((e) => titleOf(e.body).includes('/5'))).toHaveLength(1);
    const [row] = (await bot.app.database.db.select().from(submissions)).filter((r) => r.userName === 'ben');
    expect(row).toMatchObject({ status: 'graded', points: 5, attempts: 2, crashes: 1 });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
