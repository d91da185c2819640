// PostgreSQL goes away while a model is evaluated (a TCP proxy between the bot and the database is
// cut): the grade finishes, recording it fails and is tried again, and once the database is back
// the member's reply gets the result exactly once and the upload is removed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GradeProgress } from '../../src/grading/grader.ts';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { recordingLogger, type LogLine } from '../support/recording-logger.ts';
import { createScratchDatabase, dropScratchDatabase } from '../support/db.ts';
import type { Json } from '../support/fake-discord/index.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { testDataPath } from '../support/test-data/locate.ts';

describe.skipIf(!process.env.TEST_DATABASE_URL)('a PostgreSQL outage during a grade', () => {
  let bot: BotHarness;
  let proxy: TcpProxy;
  let databaseUrl: string;
  const logWaiters: Array<{ match: (line: LogLine) => boolean; resolve: () => void }> = [];
  const { logger, lines: logLines } = recordingLogger('info', (line) => {
    for (const waiter of logWaiters.filter((w) => w.match(line))) waiter.resolve();
  });
  const logged = (match: (line: LogLine) => boolean) =>
    logLines.some(match) ? Promise.resolve() : new Promise<void>((resolve) => logWaiters.push({ match, resolve }));

  beforeAll(async () => {
    databaseUrl = await createScratchDatabase();
    const direct = new URL(databaseUrl);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const viaProxy = new URL(databaseUrl);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    bot = await startBotHarness({
      env: { DATABASE_URL: viaProxy.toString(), DATASET_MIRROR: testDataPath('datasets') },
      logger,
    });
  });

  afterAll(async () => {
    proxy?.restore();
    await bot?.stop();
    await proxy?.close();
    if (databaseUrl) await dropScratchDatabase(databaseUrl);
  });

  it('records the grade once the database is back, answers once, and keeps the upload until then', { timeout: 300_000 }, async () => {
    const model = bot.fake.cdn.add('model.h5', readFileSync(testDataPath('fixtures', 'models', '03_mnist_cnn_C2_fixedbatch32_k2.8.h5')));
    const evaluating = new Promise<void>((resolve) => {
      const onProgress = (_submission: unknown, progress: GradeProgress) => {
        if (progress.stage !== 'evaluating') return;
        bot.app.context.gradingQueue.off('progress', onProgress);
        resolve();
      };
      bot.app.context.gradingQueue.on('progress', onProgress);
    });
    const grade = await bot.fake.slashCommand({ name: 'grade', member: bot.student, options: { problem: 'mnist', model } });
    const title = (body: Json) => ((body.embeds as Array<{ title?: string }> | undefined) ?? [])[0]?.title ?? '';
    await evaluating;

    proxy.cut();
    await logged((line) => line.msg === 'could not record a grade; trying again');
    const uploads = join(bot.app.context.config.dataDir, 'uploads');
    expect(readdirSync(uploads)).toHaveLength(1);
    expect(grade.edits.some((e) => title(e.body).includes('/5'))).toBe(false);
    proxy.restore();

    const final = await grade.waitForMessage((m) => title(m).includes('/5'), 120_000);
    expect(title(final)).toContain('5/5');
    expect(grade.edits.filter((e) => title(e.body).includes('/5'))).toHaveLength(1);
    const [row] = await bot.app.database.db.query.submissions.findMany();
    expect(row).toMatchObject({ status: 'graded', points: 5, attempts: 1, crashes: 0 });
    expect(readdirSync(uploads)).toHaveLength(0);
    bot.fake.assertNoViolations();
  });
});
