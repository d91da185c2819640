// No dataset can be had (the mirror serves one dataset only, every canonical URL refuses the
// connection): the start warns once per missing dataset, and a member who grades on one is told
// the problem cannot be graded right now and that the moderators were told, with a ref that
// leads to the details in the log; no path, URL or hash reaches the member.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasets } from '../../src/datasets/registry.ts';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { recordingLogger, type LogLine } from '../support/recording-logger.ts';
import type { Json } from '../support/fake-discord/index.ts';

const SHARED = resolve(import.meta.dirname, '..', '..', '..', 'shared');
const SERVED = 'daily_min_temperatures/daily-min-temperatures.csv';

const logged = new EventEmitter();
const { logger, lines: logLines } = recordingLogger('info', (line) => logged.emit('line', line));

/** Resolves with the first log line that matches, waiting for it if it was not written yet. */
function waitForLog(matches: (line: LogLine) => boolean): Promise<LogLine> {
  const found = logLines.find(matches);
  if (found) return Promise.resolve(found);
  return new Promise((resolvePromise) => {
    const onLine = (line: LogLine) => {
      if (!matches(line)) return;
      logged.off('line', onLine);
      resolvePromise(line);
    };
    logged.on('line', onLine);
  });
}

let mirror: Server;
let bot: BotHarness;

beforeAll(async () => {
  // A mirror that has one dataset file, for HEAD and GET; 404 for anything else.
  const served = readFileSync(resolve(SHARED, 'datasets', SERVED));
  mirror = createServer((req, res) => {
    if (req.url !== `/${SERVED}`) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': served.length });
    res.end(req.method === 'HEAD' ? undefined : served);
  });
  await new Promise<void>((done) => mirror.listen(0, '127.0.0.1', done));
  const mirrorUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`;

  // Every canonical URL points at a port where nothing listens any more (fetch refuses port 1).
  const closed = createServer();
  await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((done) => closed.close(done));
  const datasetUrlOverrides: Record<string, string> = {};
  for (const dataset of Object.values(datasets)) {
    for (const file of dataset.kind === 'files' ? dataset.files : [dataset.zip]) {
      datasetUrlOverrides[`${dataset.folder}/${file.name}`] = `http://127.0.0.1:${closedPort}/${dataset.folder}/${file.name}`;
    }
  }
  bot = await startBotHarness({
    // One grade an hour: a failure on the bot's side must not use it.
    env: { DATASET_MIRROR: mirrorUrl, GRADES_PER_HOUR: '1' },
    start: { datasetUrlOverrides },
    logger,
  });
});

afterAll(async () => {
  await bot?.stop();
  await new Promise((done) => mirror?.close(done));
});

describe('datasets at start', () => {
  it('warns once per dataset that is neither in DATA_DIR nor reachable, naming the problems and the fix', async () => {
    const summary = await waitForLog((line) => line.msg === 'datasets checked');
    expect(summary).toMatchObject({ cached: [], reachable: ['daily-min-temperatures'] });
    expect([...(summary.missing as string[])].sort()).toEqual(['bbc-text', 'daily-max-temperatures', 'horse-or-human', 'mnist', 'sunspots']);

    const warnings = logLines.filter((line) => line.level === 40 && typeof line.dataset === 'string');
    expect(warnings.map((w) => w.dataset).sort()).toEqual(['bbc-text', 'daily-max-temperatures', 'horse-or-human', 'mnist', 'sunspots']);
    const sunspots = warnings.find((w) => w.dataset === 'sunspots')!;
    expect(sunspots.problems).toEqual(['sunspots']);
    expect(sunspots.msg).toBe(
      'dataset sunspots is neither in DATA_DIR nor reachable, so sunspots cannot be graded: ' +
        'run `tf-study-bot datasets fetch` where it can be downloaded, or set DATASET_MIRROR',
    );
    expect(sunspots.tried).toEqual([
      expect.stringMatching(/^mirror http:\/\/127\.0\.0\.1:\d+\/sunspots\/Sunspots\.csv: HTTP 404/),
      expect.stringMatching(/^canonical URL http:\/\/127\.0\.0\.1:\d+\/sunspots\/Sunspots\.csv: fetch failed: connect ECONNREFUSED/),
    ]);
  });
});

describe('/grade on a problem whose dataset is missing', () => {
  it('tells the member it cannot be graded right now and the moderators were told, with a ref to the details in the log', async () => {
    const model = bot.fake.cdn.add('model.h5', readFileSync(resolve(SHARED, 'fixtures', 'models', '10_sunspots_causalconv1d_lstm_A5_k2.8.h5')));
    const grade = await bot.fake.slashCommand({ name: 'grade', member: bot.student, options: { problem: 'sunspots', model } });
    const final = await grade.waitForMessage((m) => ((m.embeds as Json[] | undefined)?.[0]?.title as string | undefined)?.includes('not graded') ?? false);
    const description = (final.embeds as Array<{ description: string }>)[0].description;
    expect(description).toMatch(/This problem cannot be graded right now: the grader cannot get its evaluation data\. The moderators have been told \(ref [0-9A-F]{4}\)\./);
    for (const detail of [bot.app.context.config.dataDir, 'sha256', 'DATASET_MIRROR', '127.0.0.1', 'Sunspots.csv']) {
      expect(description).not.toContain(detail);
    }

    const ref = /\(ref ([0-9A-F]{4})\)/.exec(description)![1];
    const line = await waitForLog((l) => l.ref === ref);
    expect(line.level).toBe(50);
    expect(line.msg).toContain('dataset unavailable');
    const err = line.err as { message: string };
    expect(err.message).toContain('Dataset file sunspots/Sunspots.csv is not available.');
    expect(err.message).toContain('tf-study-bot datasets fetch');
    const [row] = await bot.app.database.db.query.submissions.findMany();
    expect(row).toMatchObject({ status: 'failed', errorCode: 'dataset-unavailable' });
    bot.fake.assertNoViolations();
  });

  it('does not count that failure against the member\'s grades for the hour', async () => {
    // The one dataset the mirror serves: this grade is admitted, the hour's only one.
    const model = bot.fake.cdn.add('model.h5', readFileSync(resolve(SHARED, 'fixtures', 'models', '12_maxtemp_dense_float64_B5_k2.9.h5')));
    const grade = await bot.fake.slashCommand({ name: 'grade', member: bot.student, options: { problem: 'daily-min-temperatures', model } });
    const final = await grade.waitForMessage((m) => /\/5|not graded/.test(((m.embeds as Json[] | undefined)?.[0]?.title as string | undefined) ?? ''), 60_000);
    expect((final.embeds as Array<{ title: string }>)[0].title).toMatch(/\d\/5/);
    const again = await bot.fake.slashCommand({ name: 'grade', member: bot.student, options: { problem: 'daily-min-temperatures', model } });
    const capped = await again.waitForMessage((m) => ((m.embeds as Json[] | undefined)?.[0]?.title as string | undefined)?.includes('not graded') ?? false);
    expect((capped.embeds as Array<{ description: string }>)[0].description).toContain('You have used your 1 grade for this hour.');
    bot.fake.assertNoViolations();
  });
});
