// Faults a real deployment meets, with real processes: `tf-study-bot start` killed with SIGKILL
// while it grades and while it receives an upload, then started again, on both engines. Each grade
// is answered exactly once: graded by the next process, or failed with a message for the member.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { submissions } from '../../src/db/schema.ts';
import { createScratchDatabase, dropScratchDatabase, testEngines } from '../support/db.ts';
import { startFakeDiscord, type FakeDiscord, type InteractionHandle, type Json } from '../support/fake-discord/index.ts';
import { BIN, PROJECT_ROOT, cleanEnv, killOnExit, runCli } from '../support/run-cli.ts';
import { testDataPath } from '../support/test-data/locate.ts';

const MNIST_CNN = testDataPath('fixtures', 'models', '03_mnist_cnn_C2_fixedbatch32_k2.8.h5');

type Bot = { child: ChildProcess; output(): string; exited: Promise<number | null> };

/** Starts `tf-study-bot start` and resolves once it is online. */
async function startBot(env: NodeJS.ProcessEnv): Promise<Bot> {
  const child = killOnExit(spawn(process.execPath, [BIN, 'start'], { env, cwd: PROJECT_ROOT }));
  let output = '';
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const online = new Promise<void>((resolveOnline, reject) => {
    const onData = (data: Buffer) => {
      output += data;
      if (output.includes('"msg":"bot is online"')) resolveOnline();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`the bot exited with ${code} before it was online:\n${output}`)));
  });
  await online;
  return { child, output: () => output, exited };
}

async function kill9(bot: Bot): Promise<void> {
  bot.child.kill('SIGKILL');
  await bot.exited;
}

async function stop(bot: Bot): Promise<void> {
  bot.child.kill('SIGTERM');
  expect(await bot.exited).toBe(0);
}

const titleOf = (body: Json) => ((body.embeds as Array<{ title?: string }> | undefined) ?? [])[0]?.title ?? '';
const descriptionOf = (body: Json) => ((body.embeds as Array<{ description?: string }> | undefined) ?? [])[0]?.description ?? '';
/** The reply shows one of the steps as current (at most one edit a second: a step may be skipped). */
const showsStep = (grade: InteractionHandle, ...steps: string[]) => () =>
  grade.edits.find((e) => steps.some((step) => descriptionOf(e.body).includes(`⏳ ${step}`)));

describe.each(testEngines)('a bot killed with SIGKILL on %s', (engine) => {
  let fake: FakeDiscord;
  let dataDir: string;
  let databaseUrl: string | undefined;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    fake = await startFakeDiscord({ guilds: [{ name: 'Study group' }] });
    dataDir = mkdtempSync(join(tmpdir(), 'tsb-faults-'));
    databaseUrl = engine === 'postgres' ? await createScratchDatabase() : undefined;
    env = cleanEnv({
      DISCORD_TOKEN: 'fake-token',
      DISCORD_API_URL: fake.apiUrl,
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      DATASET_MIRROR: testDataPath('datasets'),
      GRADER_WORKERS: '1',
      // A short lease: with PostgreSQL the next process takes the grade back once it expires.
      GRADE_LEASE_SECONDS: '2',
      LOG_LEVEL: 'info',
    });
    const deployed = await runCli(['deploy-commands', '--guild', fake.guild().id], { env });
    expect(deployed.code).toBe(0);
  });

  afterAll(async () => {
    await fake?.stop();
    if (databaseUrl) await dropScratchDatabase(databaseUrl);
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function rows() {
    const handle = await openDatabase({ databaseUrl, dataDir });
    try {
      return await handle.db.select().from(submissions);
    } finally {
      await handle.close();
    }
  }

  it('grades a model whose grader was killed mid-grade once, in the next process, and answers the original reply', { timeout: 400_000 }, async () => {
    const member = fake.member({ username: `ada-${engine}` });
    const first = await startBot(env);
    const model = fake.cdn.add('model.h5', readFileSync(MNIST_CNN));
    const grade = await fake.slashCommand({ name: 'grade', member, options: { problem: 'mnist', model } });
    await grade.waitFor(showsStep(grade, 'Importing the model', 'Evaluating'), 120_000, 'the grade to start');
    await kill9(first);

    const second = await startBot(env);
    try {
      const final = await grade.waitForMessage((m) => titleOf(m).includes('/5'), 180_000);
      expect(titleOf(final)).toContain('5/5');
      expect(grade.edits.filter((e) => titleOf(e.body).includes('/5'))).toHaveLength(1);
      fake.assertNoViolations();
    } finally {
      await stop(second);
    }
    const [row] = (await rows()).filter((r) => r.userName === `ada-${engine}`);
    expect(row).toMatchObject({ status: 'graded', points: 5, attempts: 2, crashes: 1, leaseOwner: null });
  });

  it('tells the member to send again an upload that was being received when the bot was killed', { timeout: 300_000 }, async () => {
    const member = fake.member({ username: `ben-${engine}` });
    const first = await startBot(env);
    const model = fake.cdn.add('model.h5', readFileSync(MNIST_CNN), { stall: true });
    const grade = await fake.slashCommand({ name: 'grade', member, options: { problem: 'mnist', model } });
    await grade.waitFor(showsStep(grade, 'Downloading'), 60_000, 'the download to start');
    await kill9(first);

    const second = await startBot(env);
    try {
      const told = await grade.waitForMessage((m) => descriptionOf(m).includes('send it again'), 60_000);
      expect(titleOf(told)).toContain('not graded');
      expect(descriptionOf(told)).toContain('The bot restarted while your upload was being received');
      fake.assertNoViolations();
    } finally {
      await stop(second);
    }
    const [row] = (await rows()).filter((r) => r.userName === `ben-${engine}`);
    expect(row).toMatchObject({ status: 'failed', errorCode: 'upload-interrupted' });
    // The half-received upload went with it.
    expect(readdirSync(join(dataDir, 'uploads'))).toEqual([]);
  });
});
