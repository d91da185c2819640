// Where a graded upload counts, seen through the fake Discord with the real grader: a file graded
// before counts again this week and in the timed attempt; a problem outside the week's set says
// so; uploads refused as no model do not use the hourly cap; and the reply's steps move forward,
// at most one edit a second, on timers the test moves.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GradeProgress } from '../../src/grading/grader.ts';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { createScratchDatabase, dropScratchDatabase, testEngines } from '../support/db.ts';
import type { FakeMember, InteractionHandle, Json } from '../support/fake-discord/index.ts';
import { ManualTimers } from '../support/manual-timers.ts';
import { testDataPath } from '../support/test-data/locate.ts';

const FIXTURES = testDataPath('fixtures', 'models');
const LINEAR_A = '01_dense_regression_A1_k2.5.h5';
const LINEAR_B = '02_dense_normalization_B1_k2.9.h5';
const SET = { category1: 'linear-a', category2: 'mnist', category3: 'horse-or-human', category4: 'bbc-news', category5: 'sunspots' };

let now: Date;
let timers: ManualTimers;
let bot: BotHarness;

type Embed = { title?: string; description?: string; fields?: Array<{ name: string; value: string }> };
const embedOf = (message: Json): Embed => ((message.embeds as Embed[] | undefined) ?? [])[0] ?? {};
const isFinal = (message: Json) => /\/5|not graded/.test(embedOf(message).title ?? '');

/** What an edit showed: the step marked ⏳ in a progress embed, else the final reply's title. */
function shownBy(body: Json): string {
  const { title = '', description = '' } = embedOf(body);
  return description.split('\n').find((line) => line.startsWith('⏳'))?.slice(2).replace(/ \(.*\)$/, '') ?? title;
}

function member(username: string): FakeMember {
  return bot.fake.member({ guildId: bot.guildId, username, permissions: PermissionFlagsBits.SendMessages });
}

async function grade(who: FakeMember, problem: string, fixture: string | Buffer, name = 'model.h5'): Promise<{ it: InteractionHandle; embed: Embed }> {
  const bytes = typeof fixture === 'string' ? readFileSync(resolve(FIXTURES, fixture)) : fixture;
  const it = await bot.fake.slashCommand({ name: 'grade', member: who, options: { problem, model: bot.fake.cdn.add(name, bytes) } });
  return { it, embed: embedOf(await it.waitForMessage(isFinal, 60_000)) };
}

async function replyOf(who: FakeMember, name: string, options: Record<string, string> = {}, subcommand?: string): Promise<string> {
  const it = await bot.fake.slashCommand({ name, subcommand, member: who, options });
  return JSON.stringify(embedOf(await it.waitForMessage()));
}

describe.each(testEngines)('on %s', (engine) => {
  let databaseUrl: string | undefined;
  beforeAll(async () => {
    now = new Date('2026-11-25T12:00:00Z'); // Wednesday of 2026-W48
    timers = new ManualTimers();
    databaseUrl = engine === 'postgres' ? await createScratchDatabase() : undefined;
    bot = await startBotHarness({
      env: { DATASET_MIRROR: testDataPath('datasets'), GRADES_PER_HOUR: '2', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
      start: { clock: () => now, timers },
    });
    for (const week of ['this', 'next']) {
      const set = await bot.fake.slashCommand({ name: 'mockexam', subcommand: 'set', member: bot.moderator, options: { ...SET, week } });
      expect(((await set.response()).data as { content: string }).content).toContain('linear-a');
    }
  });
  afterAll(async () => {
    await bot?.stop();
    if (databaseUrl) await dropScratchDatabase(databaseUrl);
  });
  afterEach(() => bot.fake.assertNoViolations());

  describe('a file graded before', () => {
    it('counts again on this week\'s board, in /mockexam status, and on the timed board after /mockexam start', async () => {
      const ada = member('adalovelace');
      const first = await grade(ada, 'linear-a', LINEAR_A);
      expect(first.embed.title).toContain('5/5');
      expect(first.embed.description).toContain('Counts for the mock exam of 2026-W48.');

      now = new Date('2026-12-02T12:00:00Z'); // the next week
      expect(await replyOf(ada, 'mockexam', {}, 'status')).not.toContain('`linear-a` 5/5');
      const again = await grade(ada, 'linear-a', LINEAR_A, 'again.h5');
      expect(again.embed.title).toContain('5/5');
      expect(again.embed.description).toContain('This file was graded before, so its stored result is reused. Counts for the mock exam of 2026-W49.');
      expect(await replyOf(ada, 'mockexam', {}, 'status')).toContain('`linear-a` 5/5');
      const weekBoard = await replyOf(ada, 'leaderboard');
      expect(weekBoard).toContain('2026-W49');
      expect(weekBoard).toContain('adalovelace');
      expect(await replyOf(ada, 'leaderboard', { board: 'timed' })).not.toContain('adalovelace');

      const start = await bot.fake.slashCommand({ name: 'mockexam', subcommand: 'start', member: ada });
      await start.waitForMessage();
      now = new Date(now.getTime() + 60_000);
      const timed = await grade(ada, 'linear-a', LINEAR_A, 'timed.h5');
      expect(timed.embed.description).toContain('Counts for the mock exam of 2026-W49 and for your timed attempt.');
      expect(await replyOf(ada, 'leaderboard', { board: 'timed' })).toContain('adalovelace');
      expect(await replyOf(ada, 'mockexam', {}, 'status')).toContain('Timed score 6.7');

      // Reused, never graded again: the later rows were never claimed by a grader.
      const rows = (await bot.app.database.db.query.submissions.findMany()).filter((r) => r.userName === 'adalovelace').sort((a, b) => a.id - b.id);
      expect(rows.map((r) => [r.week, r.timed, r.points, r.attempts])).toEqual([
        ['2026-W48', false, 5, 1],
        ['2026-W49', false, 5, 0],
        ['2026-W49', true, 5, 0],
      ]);
    });
  });

  describe('a problem outside this week\'s set', () => {
    it('says so in the reply and stays off the week\'s board', async () => {
      const bea = member('beaoutside');
      const graded = await grade(bea, 'linear-b', LINEAR_B);
      expect(graded.embed.title).toContain('/5');
      expect(graded.embed.description).toContain("This problem is not in this week's set (2026-W49): the grade counts for your best on it, not on the week's boards.");
      expect(await replyOf(bea, 'leaderboard')).not.toContain('beaoutside');
    });
  });

  describe('the hourly cap (GRADES_PER_HOUR=2)', () => {
    it('is not used by uploads refused as no model or as the wrong shape, only by grades with points', async () => {
      const cy = member('cy');
      const garbage = await grade(cy, 'mnist', Buffer.from('these bytes are not a Keras model'));
      expect(garbage.embed.title).toContain('not graded');
      const wrongShape = await grade(cy, 'mnist', '13_mnist_dense_keras3.8_legacy.h5');
      expect(wrongShape.embed.title).toContain('not graded');
      expect(wrongShape.embed.description).toMatch(/\(None, 784\)/);

      expect((await grade(cy, 'linear-a', LINEAR_A)).embed.title).toContain('5/5');
      expect((await grade(cy, 'linear-b', LINEAR_B)).embed.title).toContain('/5');
      const capped = await grade(cy, 'linear-a', LINEAR_B, 'third.h5');
      expect(capped.embed.title).toContain('not graded');
      expect(capped.embed.description).toContain('You have used your 2 grades for this hour.');
    });
  });

  describe('the reply while a grade runs', () => {
    it('shows only steps that move forward, one edit a second at most, and the result at once', async () => {
      const dan = member('dan');
      // The test's clock stands still, except one second once the evaluation begins.
      let moved = false;
      const onProgress = (_submission: unknown, progress: GradeProgress) => {
        if (progress.stage !== 'evaluating' || moved) return;
        moved = true;
        void timers.advance(1_000);
      };
      bot.app.context.gradingQueue.on('progress', onProgress);
      try {
        const { it, embed } = await grade(dan, 'linear-a', LINEAR_A);
        expect(embed.title).toContain('5/5');
        const shown = it.edits.map((edit) => shownBy(edit.body));
        // Downloading at once; everything reported within that second waits, and only the latest
        // (the evaluation) is shown when the second is over; the result does not wait.
        expect(shown).toEqual(['Downloading', 'Evaluating', expect.stringContaining('5/5')]);
        expect(moved).toBe(true);
      } finally {
        bot.app.context.gradingQueue.off('progress', onProgress);
      }
      // Nothing waits to overwrite the result.
      expect(timers.waiting).toBe(0);
    });

    it('sends a grade that ends within its first second as two edits: the download, then the result', async () => {
      const eve = member('eve');
      const { it } = await grade(eve, 'linear-a', LINEAR_A);
      expect(it.edits.map((edit) => shownBy(edit.body))).toEqual(['Downloading', expect.stringContaining('5/5')]);
      expect(timers.waiting).toBe(0);
    });
  });
});
