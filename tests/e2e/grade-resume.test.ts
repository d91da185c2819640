// A restart while a grade runs: the submission is put back in the queue, graded by the next
// process, and the member's original reply gets the result.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import type { Json } from '../support/fake-discord/index.ts';
import { testDataPath } from '../support/test-data/locate.ts';

let bot: BotHarness;
beforeAll(async () => {
  bot = await startBotHarness({
    persistent: true,
    env: { DATASET_MIRROR: testDataPath('datasets') },
    // Stop at once, without waiting for the grade in progress.
    start: { gradeShutdownGraceMs: 0 },
  });
});
afterAll(async () => bot?.stop());

const titleOf = (m: Json) => ((m.embeds as Array<{ title: string }> | undefined) ?? [])[0]?.title ?? '';

it('resumes a grade that was running when the bot stopped, and answers the original reply', async () => {
  // A model whose evaluation takes seconds (256 images through a CNN), so the stop cuts it off.
  const model = bot.fake.cdn.add('model.h5', readFileSync(testDataPath('fixtures', 'models', '06_horse_human_cnn_150x150_A2_k2.7.h5')));
  const started = new Promise((resolve) => bot.app.context.gradingQueue.once('progress', resolve));
  const grade = await bot.fake.slashCommand({ name: 'grade', member: bot.student, options: { problem: 'horse-or-human', model } });
  await grade.response();
  await started;
  const [running] = await bot.app.database.db.query.submissions.findMany();
  expect(running.status).toBe('running');

  await bot.restart();

  const final = await grade.waitForMessage((m) => titleOf(m).includes('/5'), 120_000);
  expect(titleOf(final)).toContain('5/5');
  const [graded] = await bot.app.database.db.query.submissions.findMany();
  expect(graded).toMatchObject({ id: running.id, status: 'graded', points: 5, attempts: 2 });
  bot.fake.assertNoViolations();
});
