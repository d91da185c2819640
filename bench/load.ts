// `npm run bench:load`: a deadline evening against the fake Discord on loopback. 200 members in 5
// servers send 100 `/grade` (a real Keras model each) at once and 1,000 `/tip show` over the next
// 10 seconds while those grades run, first to
// one bot process that grades itself, then to a bot with GRADER_WORKERS=0 and two
// `tf-study-bot worker` processes. Prints, per set-up and command, acknowledgement and reply
// latency (p50/p99), grades per minute, the event-loop lag p99 and peak RSS of the process running
// the bot, and whether every interaction was acknowledged within Discord's 3 s and every grade
// answered. Both set-ups use PostgreSQL (workers need it): set TEST_DATABASE_URL (a database whose
// server lets this create scratch databases), e.g. postgres://postgres@127.0.0.1:5432/test.
//
//   node bin/run-ts.js bench/load.ts [tips] [grades]   (default 1000 100)
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PermissionFlagsBits } from 'discord.js';
import { startBotHarness, type BotHarness } from '../tests/support/bot-harness.ts';
import { createScratchDatabase, dropScratchDatabase } from '../tests/support/db.ts';
import type { FakeMember, InteractionHandle } from '../tests/support/fake-discord/index.ts';
import { cleanEnv, startCli } from '../tests/support/run-cli.ts';
import { testDataPath } from '../tests/support/test-data/locate.ts';
import { ensureTestDataOrExit } from '../tests/support/test-data/ensure.ts';
import { table } from './figures.ts';

const tipCount = Number(process.argv[2] ?? 1000);
const gradeCount = Number(process.argv[3] ?? 100);
const SERVERS = 5;
/** The pace of the tips: 1,000 over 10 seconds. */
const TIPS_PER_SECOND = 100;
const MEMBERS = 200;

if (!process.env.TEST_DATABASE_URL) {
  console.error('bench:load needs PostgreSQL for the worker set-up: set TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test');
  process.exit(2);
}
await ensureTestDataOrExit();
const model = readFileSync(path.join(testDataPath('fixtures', 'models'), '01_dense_regression_A1_k2.5.h5'));
const percentile = (values: number[], p: number) => (values.length === 0 ? NaN : [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]);

type Run = { setup: string; rows: string[][]; summary: string };

async function startWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  return (await startCli(['worker', '--concurrency', '1'], env, '"msg":"worker is grading"')).child;
}

async function run(setup: string, workers: number): Promise<Run> {
  const databaseUrl = await createScratchDatabase();
  const children: ChildProcess[] = [];
  let bot: BotHarness | undefined;
  try {
    bot = await startBotHarness({
      persistent: true,
      fake: { guilds: Array.from({ length: SERVERS }, (_, i) => ({ name: `Study group ${i + 1}` })) },
      env: {
        DATABASE_URL: databaseUrl,
        DATASET_MIRROR: testDataPath('datasets'),
        GRADES_PER_HOUR: '1000',
        GRADER_WORKERS: workers === 0 ? '2' : '0',
      },
    });
    for (let i = 0; i < workers; i++) {
      children.push(
        await startWorker(
          cleanEnv({ DATABASE_URL: databaseUrl, DISCORD_API_URL: bot.fake.apiUrl, DATASET_MIRROR: testDataPath('datasets'), DATA_DIR: bot.app.context.config.dataDir, LOG_LEVEL: 'info' }),
        ),
      );
    }
    const guilds = [...bot.fake.guilds.values()].map((g) => g.id as string);
    const members: FakeMember[] = Array.from({ length: MEMBERS }, (_, i) =>
      bot!.fake.member({ guildId: guilds[i % SERVERS], username: `member-${i}`, permissions: PermissionFlagsBits.SendMessages }),
    );
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const started = performance.now();
    // The burst: every grade at once (from the first members, one each), then the tips from everyone
    // at TIPS_PER_SECOND while the grades run: a busy evening, not one instant.
    const sent: Array<{ command: 'tip' | 'grade'; at: number; handle: Promise<InteractionHandle> }> = [];
    for (let i = 0; i < gradeCount; i++) {
      const member = members[i % MEMBERS];
      sent.push({
        command: 'grade',
        at: performance.now(),
        handle: bot.fake.slashCommand({ name: 'grade', guildId: member.guildId, member, options: { problem: 'linear-a', model: bot.fake.cdn.add('model.h5', model) } }),
      });
    }
    for (let i = 0; i < tipCount; i++) {
      const member = members[i % MEMBERS];
      const due = started + (i * 1000) / TIPS_PER_SECOND;
      if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
      sent.push({ command: 'tip', at: performance.now(), handle: bot.fake.slashCommand({ name: 'tip', subcommand: 'show', guildId: member.guildId, member }) });
    }
    const measured = await Promise.all(
      sent.map(async ({ command, at, handle }) => {
        const interaction = await handle;
        const ack = (await interaction.response(60_000)).afterMs;
        if (command === 'tip') return { command, ack, reply: ack, answered: true };
        const answered = await interaction.waitForMessage((m) => JSON.stringify(m.embeds ?? []).includes('/5'), 900_000).then(
          () => true,
          () => false,
        );
        return { command, ack, reply: performance.now() - at, answered };
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    lag.disable();
    const rows = (['tip', 'grade'] as const).map((command) => {
      const of = measured.filter((m) => m.command === command);
      return [
        `/${command}`,
        String(of.length),
        percentile(of.map((m) => m.ack), 50).toFixed(0),
        percentile(of.map((m) => m.ack), 99).toFixed(0),
        String(of.filter((m) => m.ack > 3000).length),
        percentile(of.map((m) => m.reply), 50).toFixed(0),
        percentile(of.map((m) => m.reply), 99).toFixed(0),
        String(of.filter((m) => !m.answered).length),
      ];
    });
    const graded = measured.filter((m) => m.command === 'grade' && m.answered).length;
    const summary = [
      `${setup}: ${graded} of ${gradeCount} grades answered in ${seconds.toFixed(1)} s (${((graded / seconds) * 60).toFixed(1)} grades per minute)`,
      `event-loop lag p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms and peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB in the process running the bot and the fake Discord`,
      `violations: ${bot.fake.takeViolations().length}`,
    ].join('\n');
    return { setup, rows, summary };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)))));
    await bot?.stop();
    await dropScratchDatabase(databaseUrl);
  }
}

const runs = [await run('one bot process (2 graders)', 0), await run('bot (GRADER_WORKERS=0) + 2 workers (1 grader each)', 2)];
for (const { setup, rows, summary } of runs) {
  console.log(`\n${setup}`);
  console.log(table(['command', 'sent', 'ack p50 ms', 'ack p99 ms', 'ack > 3 s', 'reply p50 ms', 'reply p99 ms', 'unanswered'], rows));
  console.log(summary);
}
