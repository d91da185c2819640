// Through the fake Discord: the baseline models of every time series, built in code and uploaded
// as a member would, get the points the problem promises (always the training mean 0, the naive
// forecast 4), and the reply shows the baselines next to the member's value.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireProblem } from '../../problems/index.ts';
import { loadEvaluationSet } from '../../src/datasets/evaluation-sets.ts';
import { baselineModels } from '../support/baseline-models.ts';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import type { Json } from '../support/fake-discord/index.ts';
import { testDataPath } from '../support/test-data/locate.ts';

type Embed = { title: string; description?: string; fields?: Array<{ name: string; value: string }> };

let bot: BotHarness;
let dataDir: string;
beforeAll(async () => {
  bot = await startBotHarness({ env: { DATASET_MIRROR: testDataPath('datasets'), GRADES_PER_HOUR: '20' } });
  dataDir = await mkdtemp(path.join(tmpdir(), 'tfsb-e2e-baselines-'));
});
afterAll(async () => {
  await bot?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});
afterEach(() => bot.fake.assertNoViolations());

const embedsOf = (message: Json) => (message.embeds as Embed[] | undefined) ?? [];

describe.each(['sunspots', 'daily-min-temperatures', 'daily-max-temperatures'])('%s', (problemId) => {
  it('gives the training-mean model 0 points and the naive forecast 4, with the baselines in the reply', async () => {
    const problem = requireProblem(problemId);
    const set = await loadEvaluationSet(problem, { dataDir, mirror: testDataPath('datasets') });
    const member = bot.fake.member({ guildId: bot.guildId, username: `forecaster-${problemId}`, permissions: PermissionFlagsBits.SendMessages });
    const naive = problem.baselines.naive!;
    for (const model of await baselineModels(problem, set)) {
      const attachment = bot.fake.cdn.add(`${model.id}-model.zip`, Buffer.from(model.zip));
      const grade = await bot.fake.slashCommand({ name: 'grade', member, options: { problem: problemId, model: attachment } });
      const final = await grade.waitForMessage((m) => embedsOf(m)[0]?.title.includes('/5') ?? false, 60_000);
      const embed = embedsOf(final)[0];
      const baselines = embed.fields?.find((field) => field.name === 'Baselines')?.value ?? '';
      expect(baselines).toContain(`the naive forecast (next value = last value): ${naive.value.toFixed(4)} (4 pts)`);
      expect(baselines).toMatch(/always the training mean \([0-9.]+\): 0\.\d{4} \(0 pts\)/);
      if (model.id === 'constant') {
        expect(embed.title).toContain('○○○○○ 0/5');
        expect(embed.description).toMatch(/\d+\.\d% higher MAE than the naive forecast \(next value = last value\) at /);
      } else {
        expect(embed.title).toContain('●●●●○ 4/5');
        expect(embed.description).toContain(`about the same MAE as the naive forecast (next value = last value) at ${naive.value.toFixed(4)}`);
      }
    }
  });
});
