// Starts the bot: storage, knowledge base, commands, then the Discord client. `tf-study-bot start`
// and the end-to-end tests both come through startApp, so the tests run what production runs.
import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { Config } from './config.ts';
import { systemClock, systemTimers, type Clock, type Timers } from './clock.ts';
import { openDatabase, type DatabaseHandle } from './db/client.ts';
import type { Logger } from './log.ts';
import { OperatorError } from './operator-error.ts';
import { loadCommands } from './bot/command-loader.ts';
import type { BotContext } from './bot/command.ts';
import { createRouter } from './bot/router.ts';
import { explainDiscordFailure, startDiscordAccessCheck } from './bot/discord-access.ts';
import { loadKnowledgeBase } from './tips/knowledge-base.ts';
import { problemCatalog } from '../problems/index.ts';
import { createGraderProcess } from './grading/host/grader-process.ts';
import { warnAboutMissingDatasets } from './datasets/availability.ts';
import { SubmissionService, type Submission } from './submissions/submission-service.ts';
import { GradingQueue } from './submissions/grading-queue.ts';
import { UploadStore } from './submissions/upload-store.ts';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { attachGradeNotifier, finalReply, gradeReplyEditor } from './bot/grade-notifier.ts';
import { GradeReplies } from './bot/grade-replies.ts';
import { unbuiltResultReply } from './bot/ui/grade-messages.ts';
import { weekClosingJob } from './bot/week-closing.ts';
import { JobScheduler } from './jobs/job.ts';
import { GradeIntake } from './submissions/grade-intake.ts';
import { PrivacyService } from './privacy/member-data.ts';
import { loadQuestionBank } from './quiz/question-bank.ts';
import { quizSweepJob } from './bot/quiz-posts.ts';
import { createStudyServices } from './study-services.ts';
import { restSender } from './bot/discord-sender.ts';
import { scheduledPostsJob } from './bot/scheduled-posts.ts';
import { QuizStandings } from './quiz/quiz-standings.ts';
import { ReadinessService } from './quiz/readiness.ts';
import { Metrics } from './metrics/metrics.ts';
import { allOf, databaseCheck, readinessCheck } from './metrics/health.ts';
import { startMetricsServer, type MetricsServer } from './metrics/server.ts';

/** How long fetching a member's upload from Discord's CDN may take. */
const UPLOAD_DOWNLOAD_TIMEOUT_MS = 60_000;

export type App = {
  client: Client<true>;
  context: BotContext;
  /** The storage behind the services (tests look at rows; handlers never see it). */
  database: DatabaseHandle;
  jobs: JobScheduler;
  /** The port /healthz and /metrics are served on (METRICS_PORT, or the free one picked for 0). */
  metricsPort: number | undefined;
  /** Stops taking interactions, lets those in progress finish, destroys the client, closes storage. */
  stop(): Promise<void>;
};

export type StartOptions = {
  /** Where commands are read from (tests may point at a folder of their own). */
  commandsDir?: string;
  knowledgeDir?: string;
  /** PGlite only: start from a saved data dir tarball (tests). */
  loadDataDir?: Blob;
  inMemoryDatabase?: boolean;
  /** How long a stop waits for grades in progress before leaving them to the next start. */
  gradeShutdownGraceMs?: number;
  /** The clock weeks follow (tests move it across a week boundary). */
  clock?: Clock;
  /** Elapsed time and timers of the grade replies' throttle (tests move them by hand). */
  timers?: Timers;
  /** Replaces canonical dataset URLs, keyed by `<folder>/<file>` (tests: a source that is down). */
  datasetUrlOverrides?: Record<string, string>;
};

export async function startApp(config: Config, logger: Logger, options: StartOptions = {}): Promise<App> {
  if (!config.discordToken) throw new Error('DISCORD_TOKEN is required to start the bot');
  const discordTarget = { apiUrl: config.discordApiUrl };
  // Discord is asked while storage opens: a wrong token or no network is reported as soon as
  // storage is up, not after the login's retries. A storage problem is reported first.
  const discordAccess = startDiscordAccessCheck(config.discordToken, discordTarget);
  const { knowledge, questions, commands, database } = await (async () => {
    const [knowledge, commands] = await Promise.all([loadKnowledgeBase(options.knowledgeDir), loadCommands(options.commandsDir)]);
    const questions = await loadQuestionBank(knowledge.skills, options.knowledgeDir);
    logger.info({ tips: knowledge.tips.length, questions: questions.questions.length, commands: [...commands.keys()] }, 'knowledge base and commands loaded');
    const database: DatabaseHandle = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      inMemory: options.inMemoryDatabase,
      loadDataDir: options.loadDataDir,
      logger,
    });
    return { knowledge, questions, commands, database };
  })().catch((error: unknown) => {
    discordAccess.cancel();
    throw error;
  });
  await discordAccess.done.catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  const clock = options.clock ?? systemClock;
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    // Text from members and uploads reaches messages: nothing in a message pings anyone unless the
    // message itself allows it.
    allowedMentions: { parse: [] },
    ...(config.discordApiUrl ? { rest: { api: config.discordApiUrl } } : {}),
  });
  const sender = restSender(client.rest);
  const { settings, mockExam, tips, quizBanks, quiz, quizPosts, claims, reminders, scheduledPosts } = createStudyServices({
    config,
    database,
    knowledge,
    questions,
    sender,
    clock,
    timers: options.timers ?? systemTimers,
    logger,
  });
  const submissions = new SubmissionService(database.db, mockExam, problemCatalog, { perHour: config.gradesPerHour }, clock);
  const rescored = await submissions.rescoreStoredGrades();
  if (rescored.changed > 0) logger.info({ rescored: rescored.changed }, 'stored grades rescored with the current threshold tables; closed weeks keep their published standings');
  if (rescored.unreadable.length > 0) logger.warn({ submissions: rescored.unreadable }, 'stored grades that could not be rescored were left as they were');
  const metrics = config.metricsPort === undefined ? undefined : new Metrics({ clock, readQueue: () => submissions.queueState() });
  // Uploads are parsed and run in a grading process of their own: a model that takes the memory
  // ends that process, never the bot.
  const grader = createGraderProcess({
    catalog: problemCatalog,
    dataDir: config.dataDir,
    datasetMirror: config.datasetMirror,
    datasetUrlOverrides: options.datasetUrlOverrides,
    logger,
    logLevel: config.logLevel,
    memoryLimitMb: config.graderMemoryMb,
    workers: config.graderWorkers || undefined,
    timeoutMs: config.gradeTimeoutMs,
    maxUploadBytes: config.maxUploadBytes,
    onEnded: () => metrics?.graderRestarted(),
    nice: config.graderNice,
  });
  // With PostgreSQL, uploads wait in the database, so a `tf-study-bot worker` anywhere can grade them.
  const uploads = new UploadStore(join(config.dataDir, 'uploads'), database.engine === 'postgres' ? database.db : undefined);
  const gradingQueue = new GradingQueue({
    submissions,
    grader,
    uploads,
    // GRADER_WORKERS=0: this process grades nothing; `tf-study-bot worker` processes do.
    concurrency: config.graderWorkers ?? availableParallelism(),
    logger,
    leaseMs: config.gradeLeaseMs,
  });
  if (metrics) gradingQueue.on('finished', (submission) => metrics.gradeFinished(submission));
  const gradeReplies = new GradeReplies({
    edit: gradeReplyEditor(sender, logger),
    catalog: problemCatalog,
    timers: options.timers ?? systemTimers,
    onError: (error, submission) => logger.error({ err: error, submission: submission.id }, 'could not update the grade reply'),
    unbuiltFinalReply: (submission) => unbuiltResultReply(submission, problemCatalog),
    // With PostgreSQL, workers and other bot processes may edit the same replies.
    ...(database.engine === 'postgres'
      ? {
          crossProcess: {
            current: (submission: Submission) => submissions.get(submission.id),
            finalReply: (submission: Submission) => finalReply(submission, { catalog: problemCatalog, mockExam, logger }),
            gradesHere: (submission: Submission) => gradingQueue.isGrading(submission.id),
          },
        }
      : {}),
  });
  const gradeIntake = new GradeIntake({
    submissions,
    uploads,
    onQueued: () => gradingQueue.notify(),
    leases: gradingQueue,
    maxUploadBytes: config.maxUploadBytes,
    downloadTimeoutMs: UPLOAD_DOWNLOAD_TIMEOUT_MS,
  });
  metrics?.watchUploadsWaiting(() => gradeIntake.waiting);
  const context: BotContext = {
    config,
    logger,
    clock,
    catalog: problemCatalog,
    tips,
    settings,
    mockExam,
    submissions,
    gradeIntake,
    gradingQueue,
    gradeReplies,
    privacy: new PrivacyService(database.db, uploads),
    quiz,
    quizBanks,
    quizPosts,
    scheduledPosts,
    quizStandings: new QuizStandings(database.db, clock),
    readiness: new ReadinessService(database.db, clock, knowledge, problemCatalog, quizBanks, submissions),
    reminders,
    metrics,
  };
  const router = createRouter(commands, context);

  client.on(Events.InteractionCreate, (interaction) => void router.handle(interaction));
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn({ discord: message }, 'discord client warning'));

  let readyClient: Client<true>;
  try {
    const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
    await client.login(config.discordToken);
    readyClient = await ready;
  } catch (error) {
    await client.destroy();
    await grader.close();
    await database.close();
    throw explainDiscordFailure(error, discordTarget) ?? error;
  }
  let metricsServer: MetricsServer | undefined;
  if (metrics) {
    // Under `start --shards`, each shard is a process with metrics of its own: shard N serves them
    // on METRICS_PORT + N (0 still means a free port).
    const metricsPort = config.metricsPort! === 0 ? 0 : config.metricsPort! + (readyClient.shard?.ids[0] ?? 0);
    try {
      metricsServer = await startMetricsServer({
        registry: metrics.registry,
        health: allOf(readinessCheck('gateway', () => readyClient.isReady()), databaseCheck(database.db)),
        port: metricsPort,
        host: config.metricsHost,
        logger,
      });
    } catch (error) {
      // Before any grade or job started: what the failed login closes is all there is to close.
      await grader.close();
      await client.destroy();
      await database.close();
      throw error;
    }
  }
  attachGradeNotifier(context);
  // The embedded database allows one process, so whatever was running was ours: resume it all.
  await gradingQueue.start({ resumeAll: database.engine === 'pglite' });
  const jobs = new JobScheduler(
    [weekClosingJob(readyClient, context), quizSweepJob(quizPosts), scheduledPostsJob(scheduledPosts, claims, clock, (outcomes) => metrics?.scheduledPostsRun(outcomes))],
    logger,
    undefined,
    claims.cronCoordinator(),
  );
  jobs.start();
  logger.info({ user: readyClient.user.tag, guilds: readyClient.guilds.cache.size, shards: readyClient.shard?.ids, db: database.engine }, 'bot is online');
  // In the background, so the start does not wait: a missing dataset is a warning in the log now
  // rather than a surprise at a member's grade.
  const datasetCheck = new AbortController();
  const datasetsChecked = warnAboutMissingDatasets(
    problemCatalog,
    { dataDir: config.dataDir, mirror: config.datasetMirror, urlOverrides: options.datasetUrlOverrides, signal: datasetCheck.signal },
    logger,
  ).catch((error: unknown) => logger.warn({ err: error }, 'could not check the datasets'));

  let stopping: Promise<void> | undefined;
  return {
    client: readyClient,
    context,
    database,
    jobs,
    metricsPort: metricsServer?.port,
    stop() {
      stopping ??= (async () => {
        await router.drain(5_000);
        await metricsServer?.close();
        datasetCheck.abort();
        await datasetsChecked;
        await jobs.stop();
        await gradingQueue.stop(options.gradeShutdownGraceMs ?? 2_000);
        await grader.close();
        await gradeReplies.close();
        await client.destroy();
        await database.close();
        logger.info('bot stopped');
      })();
      return stopping;
    },
  };
}
