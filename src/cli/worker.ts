// `tf-study-bot worker [--concurrency N]`: grades queued submissions on any machine that reaches
// the PostgreSQL database, beside (or instead of) the bot's own graders (GRADER_WORKERS=0). The
// queue is the `submissions` table: a claim is one UPDATE ... FOR UPDATE SKIP LOCKED under a lease
// the worker renews, so a worker killed mid-grade loses nothing: once its lease lapses, another
// process grades the submission, and one whose grading killed two workers is failed with a message.
// Members' replies are edited through the interaction's webhook, which needs no bot token; after
// Discord's 15 minutes the result goes by DM or to the channel, which needs DISCORD_TOKEN.
import { REST } from 'discord.js';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { problemCatalog } from '../../problems/index.ts';
import { restSender } from '../bot/discord-sender.ts';
import { attachGradeNotifier, finalReply, gradeReplyEditor } from '../bot/grade-notifier.ts';
import { GradeReplies } from '../bot/grade-replies.ts';
import { unbuiltResultReply } from '../bot/ui/grade-messages.ts';
import { systemClock, systemTimers } from '../clock.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/client.ts';
import { createGraderProcess } from '../grading/host/grader-process.ts';
import { lowerOwnPriority } from '../grading/host/priority.ts';
import { createLogger } from '../log.ts';
import { MockExamService } from '../mockexam/mock-exam-service.ts';
import { OperatorError } from '../operator-error.ts';
import { GuildSettingsService } from '../settings/guild-settings.ts';
import { GradingQueue } from '../submissions/grading-queue.ts';
import { SubmissionService } from '../submissions/submission-service.ts';
import { UploadStore } from '../submissions/upload-store.ts';
import { EXIT } from './exit-codes.ts';
import { listenForStop } from './stop-signals.ts';
import { Metrics } from '../metrics/metrics.ts';
import { databaseCheck } from '../metrics/health.ts';
import { startMetricsServer } from '../metrics/server.ts';

/** How often an idle worker looks for queued grades (the bot's queue wakes its own graders at once). */
const POLL_MS = 1_000;
const SHUTDOWN_GRACE_MS = 20_000;
/** From the first SIGTERM or SIGINT to a forced exit: the grace for grades in progress, and some. */
const SHUTDOWN_DEADLINE_MS = 30_000;

export const workerUsage = [
  'usage: tf-study-bot worker [--concurrency N]',
  '',
  'Grades queued submissions from the PostgreSQL database in DATABASE_URL, N at a time (default: the',
  'number of cores). Run as many as you like, on any host that reaches the database; set',
  'GRADER_WORKERS=0 on the bot to leave all grading to them. SIGTERM finishes or hands back the grades',
  'in progress. DISCORD_TOKEN is optional: with it, results that arrive after Discord\'s 15 minutes go',
  'to the member by DM or in the channel.',
].join('\n');

export const workerCommand = {
  describe: 'grade queued submissions from the PostgreSQL database',
  usage: workerUsage,
  async run(args: string[]): Promise<number> {
    const { values } = parseArgs({ args, options: { concurrency: { type: 'string' } }, strict: true });
    const concurrency = values.concurrency === undefined ? availableParallelism() : Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
      console.error(`tf-study-bot worker: --concurrency must be a whole number from 1 to 64, not "${values.concurrency}"`);
      return EXIT.misuse;
    }
    const config = loadConfig();
    if (!config.databaseUrl) {
      throw new OperatorError(
        'tf-study-bot worker needs PostgreSQL (DATABASE_URL): the embedded database belongs to the one bot process that opened it, and that process grades by itself. Set DATABASE_URL on the bot and on the workers, or run the bot alone.',
      );
    }
    const logger = createLogger(config.logLevel).child({ role: 'worker' });
    const stop = listenForStop(logger, SHUTDOWN_DEADLINE_MS);
    // All a worker does is grading work (evaluate, draw the chart, post the result): on a host it
    // shares with a bot or the database, it takes the CPU they leave. Its grading process inherits it.
    lowerOwnPriority(config.graderNice, logger);
    let database: Awaited<ReturnType<typeof openDatabase>>;
    try {
      database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
    } catch (error) {
      stop.dispose();
      throw error;
    }
    const clock = systemClock;
    const settings = new GuildSettingsService(database.db, config.defaultTimezone, clock);
    const mockExam = new MockExamService(database.db, settings, problemCatalog, clock);
    const submissions = new SubmissionService(database.db, mockExam, problemCatalog, { perHour: config.gradesPerHour }, clock);
    // /healthz and /metrics when METRICS_PORT is set, as in the bot: a worker is healthy while its
    // database answers.
    const metrics = config.metricsPort === undefined ? undefined : new Metrics({ clock, readQueue: () => submissions.queueState() });
    const grader = createGraderProcess({
      onEnded: () => metrics?.graderRestarted(),
      catalog: problemCatalog,
      dataDir: config.dataDir,
      datasetMirror: config.datasetMirror,
      logger,
      logLevel: config.logLevel,
      memoryLimitMb: config.graderMemoryMb,
      workers: concurrency,
      timeoutMs: config.gradeTimeoutMs,
      maxUploadBytes: config.maxUploadBytes,
      nice: config.graderNice,
    });
    const gradingQueue = new GradingQueue({
      submissions,
      grader,
      uploads: new UploadStore(join(config.dataDir, 'uploads'), database.db),
      concurrency,
      logger,
      leaseMs: config.gradeLeaseMs,
      pollMs: POLL_MS,
    });
    const rest = new REST(config.discordApiUrl ? { api: config.discordApiUrl } : {});
    if (config.discordToken) rest.setToken(config.discordToken);
    const sender = restSender(rest);
    const gradeReplies = new GradeReplies({
      edit: gradeReplyEditor(sender, logger),
      catalog: problemCatalog,
      timers: systemTimers,
      onError: (error, submission) => logger.error({ err: error, submission: submission.id }, 'could not update the grade reply'),
      unbuiltFinalReply: (submission) => unbuiltResultReply(submission, problemCatalog),
      crossProcess: {
      current: (submission) => submissions.get(submission.id),
      finalReply: (submission) => finalReply(submission, { catalog: problemCatalog, mockExam, logger }),
      gradesHere: (submission) => gradingQueue.isGrading(submission.id),
    },
    });
    attachGradeNotifier({ gradeReplies, gradingQueue, submissions, logger, catalog: problemCatalog, mockExam });
    if (metrics) gradingQueue.on('finished', (submission) => metrics.gradeFinished(submission));
    let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
    try {
      metricsServer = metrics
        ? await startMetricsServer({ registry: metrics.registry, health: databaseCheck(database.db), port: config.metricsPort!, host: config.metricsHost, logger })
        : undefined;
      await gradingQueue.start({ resumeAll: false });
    } catch (error) {
      // Nothing was graded yet: what opened is all there is to close (an open pool would keep the
      // process running).
      await metricsServer?.close();
      await grader.close();
      await database.close();
      stop.dispose();
      throw error;
    }
    logger.info({ concurrency, owner: gradingQueue.holder.owner, metricsPort: metricsServer?.port }, 'worker is grading');
    logger.info({ signal: await stop.received }, 'worker stopping: finishing or handing back its grades');
    await metricsServer?.close();
    await gradingQueue.stop(SHUTDOWN_GRACE_MS);
    await grader.close();
    await gradeReplies.close();
    await database.close();
    logger.info('worker stopped');
    stop.dispose();
    return EXIT.ok;
  },
};
