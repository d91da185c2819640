// /grade, /problems, /mockexam and /leaderboard through the fake Discord with the real grader.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { PNG } from 'pngjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import type { Json } from '../support/fake-discord/index.ts';
import { testDataPath } from '../support/test-data/locate.ts';

const FIXTURES = testDataPath('fixtures', 'models');
const EPHEMERAL = 1 << 6;

type Embed = { title: string; description?: string; fields?: Array<{ name: string; value: string }>; image?: { url: string } };

let bot: BotHarness;
beforeAll(async () => {
  bot = await startBotHarness({ env: { DATASET_MIRROR: testDataPath('datasets') } });
});
afterAll(async () => bot?.stop());
afterEach(() => bot.fake.assertNoViolations());

function upload(fixture: string, name = fixture): Json {
  return bot.fake.cdn.add(name, readFileSync(resolve(FIXTURES, fixture)));
}

function embedsOf(message: Json): Embed[] {
  return (message.embeds as Embed[] | undefined) ?? [];
}

describe('/grade', () => {
  it('defers, shows progress, and ends with the points, the metric and a rendered picture', async () => {
    const it = await bot.fake.slashCommand({
      name: 'grade',
      member: bot.student,
      options: { problem: 'linear-a', model: upload('01_dense_regression_A1_k2.5.h5', 'model.h5') },
    });
    const first = await it.response();
    expect(first.type).toBe(5); // deferred
    expect(((first.data as { flags?: number } | undefined)?.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    const final = await it.waitForMessage((m) => embedsOf(m)[0]?.title.includes('/5') ?? false, 60_000);
    const embed = embedsOf(final)[0];
    expect(embed.title).toContain('●●●●● 5/5');
    expect(embed.description).toMatch(/MSE/i);
    expect(embed.fields?.map((f) => f.name)).toEqual(expect.arrayContaining(['Points', 'Next point']));
    // Progress came before, as edits of the reply: the download first, then only later steps (how
    // many shows depends on how long the grade takes: at most one edit a second).
    const steps = ['Downloading', 'Queued', 'Importing the model', 'Evaluating'];
    const shown = it.edits.slice(0, -1).map((e) => steps.findIndex((step) => JSON.stringify(e.body).includes(`⏳ ${step}`)));
    expect(shown[0]).toBe(0);
    expect(shown.every((step, index) => step >= 0 && (index === 0 || step >= shown[index - 1]))).toBe(true);
    // The picture is a real PNG attached to the final edit.
    const attachments = final.attachments as Array<{ filename: string }>;
    expect(attachments).toHaveLength(1);
    const png = PNG.sync.read(bot.fake.fileBytes(attachments[0] as Json));
    expect(png.width).toBeGreaterThanOrEqual(600);
    expect(embed.image?.url).toContain(attachments[0].filename);
  });

  it('returns the stored result for the same file without grading again', async () => {
    const before = await bot.app.context.submissions.bestPoints(bot.guildId, bot.student.user.id);
    const it = await bot.fake.slashCommand({
      name: 'grade',
      member: bot.student,
      options: { problem: 'linear-a', model: upload('01_dense_regression_A1_k2.5.h5', 'again.h5') },
    });
    const final = await it.waitForMessage((m) => embedsOf(m)[0]?.title.includes('/5') ?? false, 30_000);
    expect(embedsOf(final)[0].description).toContain('graded before');
    expect(before.get('linear-a')).toBe(5);
    // Recorded again for this week, never handed to a grader.
    const rows = await bot.app.database.db.query.submissions.findMany();
    const mine = rows.filter((r) => r.userId === bot.student.user.id && r.problemId === 'linear-a').sort((a, b) => a.id - b.id);
    expect(mine.map((r) => [r.status, r.points, r.attempts, r.fileName])).toEqual([
      ['graded', 5, 1, 'model.h5'],
      ['graded', 5, 0, 'again.h5'],
    ]);
  });

  it('refuses a file that is not a model at once, privately, without downloading it', async () => {
    const notes = bot.fake.cdn.add('notebook.ipynb', Buffer.from('{}'));
    const it = await bot.fake.slashCommand({ name: 'grade', member: bot.student, options: { problem: 'mnist', model: notes } });
    const answer = (await it.response()).data as { content: string; flags: number };
    expect(answer.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(answer.content).toContain('notebook.ipynb is not a model file');
    expect(answer.content).toContain('model.save("model.h5")');
  });

  it('explains why a model that does not fit the problem cannot be graded', async () => {
    const it = await bot.fake.slashCommand({
      name: 'grade',
      member: bot.moderator,
      options: { problem: 'mnist', model: upload('13_mnist_dense_keras3.8_legacy.h5') },
    });
    const final = await it.waitForMessage((m) => embedsOf(m)[0]?.title.includes('not graded') ?? false, 60_000);
    expect(embedsOf(final)[0].description).toMatch(/\(None, 784\)/);
  });

  it('posts a public refusal that quotes a layer name with a Markdown link as text, not as a link, pinging nobody', async () => {
    const parts = unzipSync(readFileSync(resolve(FIXTURES, '14_mnist_dense_keras3.8_same_weights_as_13.keras')));
    const config = JSON.parse(strFromU8(parts['config.json'])) as { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } };
    const bait = '[Claim your free Nitro](https://evil.example/steal) @everyone';
    config.config.layers.splice(1, 0, { class_name: 'Lambda', config: { name: bait, function: 'x' } });
    const model = bot.fake.cdn.add('model.keras', zipSync({ ...parts, 'config.json': strToU8(JSON.stringify(config)) }));
    const it = await bot.fake.slashCommand({ name: 'grade', member: bot.student, options: { problem: 'mnist', model, public: true } });
    expect(((await it.response()).data?.flags ?? 0) & EPHEMERAL).toBe(0);
    const final = await it.waitForMessage((m) => embedsOf(m)[0]?.title.includes('not graded') ?? false, 60_000);
    const description = embedsOf(final)[0].description ?? '';
    expect(description).toContain('is a Lambda layer');
    expect(description).toContain('\\[Claim your free Nitro\\](https\\://evil.example/steal) @everyone');
    expect(description).not.toContain('](https://');
    // Every write of this reply said who may be pinged: nobody.
    for (const edit of it.edits) expect(edit.body.allowed_mentions).toEqual({ parse: [] });
  });
});

describe('/problems', () => {
  it('lists the catalog with this week\'s set and the caller\'s best points', async () => {
    const it = await bot.fake.slashCommand({ name: 'problems', subcommand: 'list', member: bot.student });
    const embed = ((await it.response()).data as { embeds: Embed[] }).embeds[0];
    const text = JSON.stringify(embed);
    for (const id of ['linear-a', 'mnist', 'horse-or-human', 'bbc-news', 'sunspots']) expect(text).toContain(id);
    expect(text).toContain('linear-a');
    expect(text).toMatch(/linear-a[^\]]*\[5\/5\]/);
    expect(text.match(/★/g)?.length).toBeGreaterThanOrEqual(5);
  });

  it('shows a statement with the starter attached', async () => {
    const it = await bot.fake.slashCommand({ name: 'problems', subcommand: 'show', member: bot.student, options: { problem: 'sunspots' } });
    const message = await it.waitForMessage();
    expect(embedsOf(message)[0].title).toMatch(/sunspot/i);
    const attachments = message.attachments as Array<{ filename: string }>;
    expect(attachments[0].filename).toBe('sunspots-starter.py');
    expect(bot.fake.fileBytes(attachments[0] as Json).toString()).toContain('model.save');
  });
});

describe('/mockexam and /leaderboard', () => {
  it('a moderator sets the week; two members\' grades make the weekly board, shown as a card with a text fallback', async () => {
    const set = await bot.fake.slashCommand({
      name: 'mockexam',
      subcommand: 'set',
      member: bot.moderator,
      options: { category1: 'linear-b', category2: 'mnist', category3: 'horse-or-human', category4: 'bbc-news', category5: 'daily-max-temperatures' },
    });
    expect(((await set.response()).data as { content: string }).content).toContain('linear-b');

    const refused = await bot.fake.slashCommand({
      name: 'mockexam',
      subcommand: 'set',
      member: bot.student,
      options: { category1: 'linear-a', category2: 'mnist', category3: 'horse-or-human', category4: 'bbc-news', category5: 'sunspots' },
    });
    expect(((await refused.response()).data as { content: string }).content).toContain('Manage Server');

    const gradeA = await bot.fake.slashCommand({
      name: 'grade',
      member: bot.student,
      options: { problem: 'linear-b', model: upload('02_dense_normalization_B1_k2.9.h5') },
    });
    await gradeA.waitForMessage((m) => embedsOf(m)[0]?.title.includes('/5') ?? false, 60_000);
    const gradeB = await bot.fake.slashCommand({
      name: 'grade',
      member: bot.moderator,
      options: { problem: 'daily-max-temperatures', model: upload('12_maxtemp_dense_float64_B5_k2.9.h5') },
    });
    await gradeB.waitForMessage((m) => embedsOf(m)[0]?.title.includes('/5') ?? false, 60_000);

    const status = await bot.fake.slashCommand({ name: 'mockexam', subcommand: 'status', member: bot.student });
    const statusEmbed = ((await status.response()).data as { embeds: Embed[] }).embeds[0];
    expect(statusEmbed.description).toContain('`linear-b` 5/5');
    expect(JSON.stringify(statusEmbed.fields)).toContain('6.7 / 100'); // 5 x 1 / 75

    const board = await bot.fake.slashCommand({ name: 'leaderboard', member: bot.student });
    const message = await board.waitForMessage();
    const text = embedsOf(message)[0].description!;
    // moderator: 4 x 5 = 20 -> 26.7 (the max-temperature model is 4% better than the naive
    // forecast: 4 points); student: 5 x 1 = 5 -> 6.7
    expect(text.indexOf('mod')).toBeLessThan(text.indexOf('student'));
    expect(text).toContain('26.7');
    expect(text).toContain('6.7');
    const card = PNG.sync.read(bot.fake.fileBytes((message.attachments as Json[])[0]));
    expect(card.width).toBe(800);
  });
});

describe('/config', () => {
  it('is refused, server-side, to a member without Manage Server', async () => {
    const it = await bot.fake.slashCommand({ name: 'config', member: bot.student, options: { timezone: 'Asia/Tokyo' } });
    const answer = (await it.response()).data as { content: string; flags: number };
    expect(answer.content).toContain('Manage Server');
    expect(answer.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect((await bot.app.context.settings.get(bot.guildId)).timezone).toBe('UTC');
  });

  it('lets a moderator set a valid timezone and refuses an invalid one', async () => {
    const bad = await bot.fake.slashCommand({ name: 'config', member: bot.moderator, options: { timezone: 'Mars/Olympus' } });
    expect(((await bad.response()).data as { content: string }).content).toContain('not an IANA timezone');
    const good = await bot.fake.slashCommand({ name: 'config', member: bot.moderator, options: { timezone: 'Asia/Tokyo' } });
    expect(JSON.stringify((await good.response()).data)).toContain('Asia/Tokyo');
    expect((await bot.app.context.settings.get(bot.guildId)).timezone).toBe('Asia/Tokyo');
  });
});
