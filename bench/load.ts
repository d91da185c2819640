// `npm run bench:load`: a deadline evening against the fake Discord on loopback. 200 members in 5
// servers send 100 `/grade` (a real Keras model each) at once and 1,000 `/tip show` over the next
// 10 seconds while those grades run, first to one bot process (`tf-study-bot start`) that grades
// itself, then to a bot with GRADER_WORKERS=0 and two `tf-study-bot worker` processes. The bot runs
// in its own process, as in production; this process plays Discord and the members. Prints, per
// set-up and command, acknowledgement and reply latency (p50/p99), grades per minute, the bot
// process's event-loop lag p99 during the burst (from its /metrics) and peak RSS, and whether every
// interaction was acknowledged within Discord's 3 s and every grade answered. A warm-up (a /tip in
// each server, two grades) comes first and is not measured. Both set-ups use PostgreSQL (workers need it): set TEST_DATABASE_URL (a database whose
// server lets this create scratch databases), e.g. postgres://postgres@127.0.0.1:5432/test.
//
//   node bin/run-ts.js bench/load.ts [tips] [grades]   (default 1000 100)
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PermissionFlagsBits } from 'discord.js';
import { createScratchDatabase, dropScratchDatabase } from '../tests/support/db.ts';
import { startFakeDiscord, type FakeMember, type InteractionHandle } from '../tests/support/fake-discord/index.ts';
import { cleanEnv, runCli, startCli } from '../tests/support/run-cli.ts';
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

/** A port nothing listens on now, for the bot's /metrics. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One value of the bot's /metrics (Prometheus text format). */
async function scrape(metricsUrl: string, name: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}

/** The peak resident set of a process in MB (Linux /proc), or NaN elsewhere. */
function peakRssMb(pid: number | undefined): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function run(setup: string, workers: number): Promise<Run> {
  const databaseUrl = await createScratchDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tsb-load-'));
  const children: ChildProcess[] = [];
  const fake = await startFakeDiscord({ guilds: Array.from({ length: SERVERS }, (_, i) => ({ name: `Study group ${i + 1}` })) });
  try {
    const env = { DISCORD_TOKEN: 'fake-token', DISCORD_API_URL: fake.apiUrl, DATABASE_URL: databaseUrl, DATASET_MIRROR: testDataPath('datasets'), DATA_DIR: dataDir };
    const deployed = await runCli(['deploy-commands'], { env: cleanEnv(env) });
    if (deployed.code !== 0) throw new Error(`deploy-commands failed: ${deployed.stderr}`);
    const metricsPort = await freePort();
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const bot = await startCli(
      ['start'],
      cleanEnv({ ...env, GRADES_PER_HOUR: '1000', GRADER_WORKERS: workers === 0 ? '2' : '0', METRICS_PORT: String(metricsPort), LOG_LEVEL: 'info' }),
      '"msg":"bot is online"',
    );
    children.push(bot.child);
    for (let i = 0; i < workers; i++) children.push(await startWorker(cleanEnv({ ...env, LOG_LEVEL: 'info' })));
    const guilds = [...fake.guilds.values()].map((g) => g.id as string);
    const members: FakeMember[] = Array.from({ length: MEMBERS }, (_, i) =>
      fake.member({ guildId: guilds[i % SERVERS], username: `member-${i}`, permissions: PermissionFlagsBits.SendMessages }),
    );
    // A warm-up, not measured: a /tip in each server and two grades, as a bot that has been running
    // a while has had. It compiles the fake's request checks and warms the bot's code paths and
    // connections; without it the first second measures start-up, not load.
    for (const guildId of guilds) await (await fake.slashCommand({ name: 'tip', subcommand: 'show', guildId })).response(60_000);
    await Promise.all(
      [0, 1].map(async (i) => {
        const member = fake.member({ guildId: guilds[i], username: `warm-up-${i}`, permissions: PermissionFlagsBits.SendMessages });
        const grade = await fake.slashCommand({ name: 'grade', guildId: member.guildId, member, options: { problem: 'linear-a', model: fake.cdn.add('model.h5', model) } });
        await grade.waitForMessage((m) => JSON.stringify(m.embeds ?? []).includes('/5'), 300_000);
      }),
    );
    // Reading the lag resets the bot's event-loop histogram: what is read after the burst is the burst's.
    await scrape(metricsUrl, 'nodejs_eventloop_lag_p99_seconds');
    // This process plays Discord for 200 members: its own delays are part of every latency measured.
    const generatorLag = monitorEventLoopDelay({ resolution: 10 });
    generatorLag.enable();
    const started = performance.now();
    // The burst: every grade at once (from the first members, one each), then the tips from everyone
    // at TIPS_PER_SECOND while the grades run: a busy evening, not one instant.
    // Each interaction is measured from the moment it is sent, whatever is sent after it.
    type Measured = { command: 'tip' | 'grade'; sentAt: number; ack: number; reply: number; answered: boolean };
    const measure = async (command: 'tip' | 'grade', handle: Promise<InteractionHandle>): Promise<Measured> => {
      const at = performance.now();
      const sentAt = at - started;
      const interaction = await handle;
      const ack = (await interaction.response(60_000)).afterMs;
      if (command === 'tip') return { command, sentAt, ack, reply: ack, answered: true };
      const answered = await interaction.waitForMessage((m) => JSON.stringify(m.embeds ?? []).includes('/5'), 900_000).then(
        () => true,
        () => false,
      );
      return { command, sentAt, ack, reply: performance.now() - at, answered };
    };
    const grades: Array<Promise<Measured>> = [];
    const tips: Array<Promise<Measured>> = [];
    for (let i = 0; i < gradeCount; i++) {
      const member = members[i % MEMBERS];
      const upload = fake.cdn.add('model.h5', model);
      grades.push(measure('grade', fake.slashCommand({ name: 'grade', guildId: member.guildId, member, options: { problem: 'linear-a', model: upload } })));
    }
    for (let i = 0; i < tipCount; i++) {
      const member = members[i % MEMBERS];
      const due = started + (i * 1000) / TIPS_PER_SECOND;
      if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
      tips.push(measure('tip', fake.slashCommand({ name: 'tip', subcommand: 'show', guildId: member.guildId, member })));
    }
    // The burst: until the last /tip is answered. The grades still running after it are the tail.
    const tipsMeasured = await Promise.all(tips);
    const tipsDoneAt = performance.now() - started;
    const lagP99 = (await scrape(metricsUrl, 'nodejs_eventloop_lag_p99_seconds')) * 1000;
    const generatorLagP99 = generatorLag.percentile(99) / 1e6;
    const generatorLagMax = generatorLag.max / 1e6;
    generatorLag.disable();
    const measured = [...(await Promise.all(grades)), ...tipsMeasured];
    const tailLagP99 = (await scrape(metricsUrl, 'nodejs_eventloop_lag_p99_seconds')) * 1000;
    // Grades per minute over the time until the last grade was answered (the grades were sent first).
    const seconds = Math.max(0, ...measured.filter((m) => m.command === 'grade' && m.answered).map((m) => m.reply)) / 1000;
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
    // Where the /tip tail comes from: its p99 for each second of the burst.
    const tipsBySecond = new Map<number, number[]>();
    for (const m of measured) if (m.command === 'tip') tipsBySecond.set(Math.floor(m.sentAt / 1000), [...(tipsBySecond.get(Math.floor(m.sentAt / 1000)) ?? []), m.ack]);
    const summary = [
      `/tip ack p99 by second of the burst: ${[...tipsBySecond].map(([second, acks]) => `${second}s ${percentile(acks, 99).toFixed(0)}`).join(', ')} ms`,
      `${setup}: ${graded} of ${gradeCount} grades answered, the last after ${seconds.toFixed(1)} s (${seconds > 0 ? ((graded / seconds) * 60).toFixed(1) : '-'} grades per minute)`,
      `bot process: event-loop lag p99 ${lagP99.toFixed(1)} ms during the burst (until the last /tip was answered), ${seconds * 1000 > tipsDoneAt ? `${tailLagP99.toFixed(1)} ms while the last grades finished` : 'every grade was answered before the last /tip'}; peak RSS ${peakRssMb(bot.child.pid).toFixed(0)} MB (its graders are processes of their own)`,
      `the fake Discord (this process): event-loop lag p99 ${generatorLagP99.toFixed(1)} ms, max ${generatorLagMax.toFixed(1)} ms during the burst; requests the bot sent that Discord would refuse: ${fake.takeViolations().length}`,
    ].join('\n');
    return { setup, rows, summary };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)))));
    await fake.stop();
    await dropScratchDatabase(databaseUrl);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const runs = [await run('one bot process (2 graders)', 0), await run('bot (GRADER_WORKERS=0) + 2 workers (1 grader each)', 2)];
for (const { setup, rows, summary } of runs) {
  console.log(`\n${setup}`);
  console.log(table(['command', 'sent', 'ack p50 ms', 'ack p99 ms', 'ack > 3 s', 'reply p50 ms', 'reply p99 ms', 'unanswered'], rows));
  console.log(summary);
}
