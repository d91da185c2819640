// The grader: grades uploaded models in a pool of worker threads, isolated from the caller.
//
// Each worker loads its own tfjs backend (the wasm backend is single-threaded, so one worker per
// core uses the machine) and keeps the evaluation sets cached between grades. Untrusted files are
// parsed and run only inside the workers, which have a heap limit; a grade that runs past its
// time limit has its worker terminated (piscina terminates the thread of an aborted running
// task) and replaced. The caller always gets a result or a specific error, never a hang.
//
// The grader takes plain data (the problem definitions it is given, file bytes or paths) and gives
// plain data back (GradeResult), so the same job can later be run by processes that read a queue.
// It knows no problem of its own: the caller hands it the catalog, and each job carries the whole
// definition of its problem to the worker.
import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Logger } from '../log.ts';
import type { ProblemDefinition } from './problem-types.ts';
import { DatasetUnavailableError } from '../datasets/ensure.ts';
import { ModelRejectedError } from './errors.ts';
import { checkUploads, defaultGradingLimits, type GradingLimits, type UploadSource } from './limits.ts';
import type { TfBackendName } from './tf-backend.ts';
import type { GradeTask } from './worker/grade-worker.ts';
import { mergeShardResults } from './worker/merge.ts';
import { PROGRESS_STEP, type GradeJob, type GradeJobOutcome, type GradeProgress, type GradeResult, type GradeStage, type GradeWorkerData, type JobFile, type WorkerMessage } from './worker/protocol.ts';

export type { GradeProgress, GradeResult } from './worker/protocol.ts';

export interface GraderOptions extends Partial<GradingLimits> {
  /** The problems this grader grades; a request names one by its id. */
  catalog: readonly ProblemDefinition[];
  /** DATA_DIR: datasets and the evaluation cache live under it. */
  dataDir: string;
  /** DATASET_MIRROR: tried before the canonical dataset URLs. */
  datasetMirror?: string;
  /** Replaces canonical dataset URLs, keyed by `<folder>/<file>` (tests: a server that is down). */
  datasetUrlOverrides?: Record<string, string>;
  logger?: Logger;
  /** Worker threads, one tfjs backend each. Default: the number of cores. */
  workers?: number;
  /** Backend each worker tries first ('tensorflow', then 'wasm', then 'cpu' by default). */
  backend?: TfBackendName;
  /** Grades allowed to wait for a worker; more are refused at once. Default 100. */
  maxQueue?: number;
  /** Split a large classification set (MNIST, horse-or-human) over every worker, so one grade uses all cores. Default true. */
  shardLargeSets?: boolean;
  /**
   * Idle workers end after this long, and the next grade starts fresh ones. A worker's
   * WebAssembly memory never shrinks while it lives: a large model's activations stay with it
   * until it ends. Default 60 s; Infinity keeps workers (and their caches) for good.
   */
  idleWorkerMs?: number;
}

export interface GradeRequest {
  problemId: string;
  files: UploadSource[];
}

interface GradeOptions {
  onProgress?(progress: GradeProgress): void;
  signal?: AbortSignal;
  /** This grade's time limit from the import on, instead of the grader's `timeoutMs`. */
  timeoutMs?: number;
}

export interface Grader {
  grade(request: GradeRequest, options?: GradeOptions): Promise<GradeResult>;
  /** Stops the workers; grades still running are rejected. */
  close(): Promise<void>;
  readonly limits: Readonly<GradingLimits>;
}

/** The grader of createGrader: a pool of worker threads in this process. */
export interface WorkerPoolGrader extends Grader {
  /** Worker threads alive now (they end when idle; see idleWorkerMs). */
  readonly workerCount: number;
  /** Calls `listener` whenever a worker ends. */
  onWorkerEnded(listener: () => void): void;
}

/** An internal failure of the grader (not the model's fault): the worker crashed, the queue is full. */
export class GraderError extends Error {
  override readonly name = 'GraderError';
}

/** A shard stopped because another shard of the same grade failed; never shown to a caller. */
class SiblingStopped extends Error {
  override readonly name = 'SiblingStopped';
  constructor() {
    super('stopped because another part of the same grade failed');
  }
}

const workerEntry = new URL('./worker/entry.mjs', import.meta.url).href;
const stageOrder: GradeStage[] = ['queued', 'importing', 'evaluating', 'scoring'];

function isOutOfMemory(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory|heap limit/i.test(message);
}

/**
 * The bytes as a plain Uint8Array that owns its whole buffer. A view into a larger buffer (a Node
 * Buffer from the shared pool, a subarray) would send the whole buffer to the worker, and readers
 * that use `.buffer` would see the wrong bytes.
 */
function exactBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.constructor === Uint8Array) return bytes;
  return new Uint8Array(bytes);
}

function secondsText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** The grader's limits: the defaults, with the options' own values where given. */
export function resolveLimits(options: Partial<GradingLimits>): GradingLimits {
  const limits: GradingLimits = { ...defaultGradingLimits };
  for (const key of Object.keys(defaultGradingLimits) as (keyof GradingLimits)[]) {
    const value = options[key];
    if (value !== undefined) {
      if (!(typeof value === 'number' && value > 0)) throw new TypeError(`createGrader: ${key} must be a positive number, got ${value}`);
      limits[key] = value;
    }
  }
  return limits;
}

export function createGrader(options: GraderOptions): WorkerPoolGrader {
  const limits = resolveLimits(options);
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) throw new TypeError(`createGrader: workers must be a positive integer, got ${workers}`);
  const logger = options.logger;
  const workerData: GradeWorkerData = {
    dataDir: options.dataDir,
    ...(options.datasetMirror ? { datasetMirror: options.datasetMirror } : {}),
    ...(options.datasetUrlOverrides ? { datasetUrlOverrides: options.datasetUrlOverrides } : {}),
    ...(options.backend ? { preferBackend: options.backend } : {}),
  };
  const pool = new Piscina({
    filename: workerEntry,
    // Workers start on demand and end when idle, giving their WebAssembly memory back.
    minThreads: 0,
    maxThreads: workers,
    idleTimeout: options.idleWorkerMs ?? 60_000,
    maxQueue: options.maxQueue ?? 100,
    resourceLimits: { maxOldGenerationSizeMb: limits.workerMemoryMb },
    workerData,
  });
  // A worker that dies between tasks is replaced by piscina; say so in the log.
  pool.on('error', (error: unknown) => logger?.error({ err: error }, 'grading worker error'));
  let closed = false;

  type StopReason = 'preparation-timeout' | 'timeout' | 'caller' | 'sibling';
  type TaskEvent = { kind: 'started' } | { kind: 'progress'; progress: GradeProgress };

  /**
   * Runs one job on a worker: its own progress port and clocks (data preparation, then the model's
   * time limit from 'importing' on). `group` aborts it with its siblings (caller's cancel, a failed
   * shard). Resolves with the worker's outcome; rejects with an explained error.
   */
  async function runTask(job: GradeJob, group: AbortController, timeoutMs: number, onEvent: (event: TaskEvent) => void): Promise<GradeJobOutcome> {
    const channel = new MessageChannel();
    const abort = new AbortController();
    let stopReason: StopReason | undefined;
    let timer: NodeJS.Timeout | undefined;
    const stop = (reason: StopReason) => {
      stopReason ??= reason;
      abort.abort();
    };
    const stopAfter = (ms: number, reason: 'preparation-timeout' | 'timeout') => {
      clearTimeout(timer);
      timer = setTimeout(() => stop(reason), ms);
    };
    channel.port1.on('message', (message: WorkerMessage) => {
      if (message.type === 'started') {
        stopAfter(limits.preparationTimeoutMs, 'preparation-timeout');
        onEvent({ kind: 'started' });
        return;
      }
      // The model's own clock starts once the evaluation data is ready.
      if (message.progress.stage === 'importing') stopAfter(timeoutMs, 'timeout');
      onEvent({ kind: 'progress', progress: message.progress });
    });
    const onGroupAbort = () => stop(group.signal.reason === 'caller' ? 'caller' : 'sibling');
    if (group.signal.aborted) onGroupAbort();
    group.signal.addEventListener('abort', onGroupAbort, { once: true });
    try {
      const task: GradeTask = { job, progressPort: channel.port2 };
      const outcome = (await pool.run(task, { transferList: [channel.port2], signal: abort.signal })) as GradeJobOutcome;
      // Progress messages travel on their own port: let those already sent arrive first.
      await new Promise((resolve) => setImmediate(resolve));
      return outcome;
    } catch (error) {
      throw explainFailure(error, stopReason, timeoutMs);
    } finally {
      clearTimeout(timer);
      group.signal.removeEventListener('abort', onGroupAbort);
      channel.port1.close();
    }
  }

  /**
   * Large classification sets are split over every worker. Shards queue in order, so a grade
   * arriving behind another starts as soon as a worker frees, and both cores work on one grade at a
   * time: each grade finishes sooner than when grades run whole side by side.
   */
  function shardCountFor(problem: ProblemDefinition): number {
    if (options.shardLargeSets === false || workers < 2) return 1;
    const kind = problem.evaluation.kind;
    return kind === 'mnist' || kind === 'image-folder' ? workers : 1;
  }

  async function grade(request: GradeRequest, gradeOptions: GradeOptions = {}): Promise<GradeResult> {
    if (closed) throw new GraderError('The grader is closed');
    const requestedAt = performance.now();
    const problem = options.catalog.find((candidate) => candidate.id === request.problemId);
    if (!problem) {
      throw new GraderError(`Unknown problem "${request.problemId}". Known problems: ${options.catalog.map((p) => p.id).join(', ')}`);
    }
    gradeOptions.signal?.throwIfAborted();

    let lastStage = -1;
    let lastFraction = -1;
    const progress = (update: GradeProgress) => {
      const index = stageOrder.indexOf(update.stage);
      // Stages only move forward; evaluation fractions only grow, in steps of at least 5 % (or to 1).
      if (index < lastStage || (index === lastStage && update.stage !== 'evaluating')) return;
      if (update.stage === 'evaluating') {
        const fraction = update.fraction ?? 0;
        if (index === lastStage && (fraction <= lastFraction || (fraction < 1 && fraction - lastFraction < PROGRESS_STEP))) return;
        lastFraction = fraction;
      }
      lastStage = index;
      try {
        gradeOptions.onProgress?.(update);
      } catch (error) {
        logger?.warn({ err: error }, 'grade progress callback threw');
      }
    };
    progress({ stage: 'queued' });

    const checked = await checkUploads(request.files, limits);
    const files: JobFile[] = checked.map((file) =>
      'path' in file ? { name: file.name, path: file.path, size: file.size } : { name: file.name, bytes: exactBytes(file.bytes) },
    );
    const job: GradeJob = {
      problem,
      files,
      limits: {
        maxUploadBytes: limits.maxUploadBytes,
        maxParams: limits.maxParams,
        maxUncompressedBytes: limits.maxUncompressedBytes,
        maxZipEntries: limits.maxZipEntries,
        maxEvaluationFlops: limits.maxEvaluationFlops,
        maxEvaluationValues: limits.maxEvaluationValues,
        maxActivationBytes: limits.maxActivationBytes,
      },
    };

    const shardCount = shardCountFor(problem);
    const group = new AbortController();
    const onCallerAbort = () => group.abort('caller');
    gradeOptions.signal?.addEventListener('abort', onCallerAbort, { once: true });
    // Cancelled while the uploads were checked: the listener came too late to hear it.
    if (gradeOptions.signal?.aborted) onCallerAbort();
    let startedAt: number | undefined;
    const shardStage = new Array<number>(shardCount).fill(0);
    const shardFraction = new Array<number>(shardCount).fill(0);
    const onShardEvent = (index: number) => (event: TaskEvent) => {
      if (event.kind === 'started') {
        startedAt ??= performance.now();
        return;
      }
      const { stage, fraction } = event.progress;
      shardStage[index] = Math.max(shardStage[index], stageOrder.indexOf(stage));
      if (stage === 'evaluating') shardFraction[index] = fraction ?? 0;
      if (stage === 'scoring') shardFraction[index] = 1;
      // Together: the furthest stage any shard reached, the mean evaluated fraction, and
      // 'scoring' once every shard has finished evaluating.
      const furthest = Math.max(...shardStage);
      const meanFraction = shardFraction.reduce((a, b) => a + b, 0) / shardCount;
      if (stageOrder[furthest] === 'scoring' && Math.min(...shardStage) < furthest) {
        progress({ stage: 'evaluating', fraction: meanFraction });
      } else if (stageOrder[furthest] === 'evaluating') {
        progress({ stage: 'evaluating', fraction: meanFraction });
      } else {
        progress({ stage: stageOrder[furthest] });
      }
    };

    let outcomes: GradeJobOutcome[];
    try {
      const settled = await Promise.allSettled(
        Array.from({ length: shardCount }, (_, index) =>
          runTask(shardCount > 1 ? { ...job, shard: { index, count: shardCount } } : job, group, gradeOptions.timeoutMs ?? limits.timeoutMs, onShardEvent(index)).then(
            (outcome) => {
              if (!outcome.ok) group.abort('sibling');
              return outcome;
            },
            (error: unknown) => {
              group.abort('sibling');
              throw error;
            },
          ),
        ),
      );
      // The most specific failure wins: a refusal of the model, then the first real error; a shard
      // stopped only because a sibling failed says nothing.
      const refused = settled.find((s) => s.status === 'fulfilled' && !s.value.ok);
      const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
      const specific = failed.find((s) => !(s.reason instanceof SiblingStopped));
      if (gradeOptions.signal?.aborted && !refused && !(specific?.reason instanceof ModelRejectedError)) {
        throw gradeOptions.signal.reason instanceof Error ? gradeOptions.signal.reason : new DOMException('The grade was cancelled', 'AbortError');
      }
      if (!refused && failed.length > 0) throw (specific ?? failed[0]).reason;
      outcomes = settled.filter((s): s is PromiseFulfilledResult<GradeJobOutcome> => s.status === 'fulfilled').map((s) => s.value);
    } finally {
      gradeOptions.signal?.removeEventListener('abort', onCallerAbort);
    }

    for (const outcome of outcomes) {
      for (const entry of outcome.log) logger?.[entry.level]({ ...entry.details, problem: problem.id }, entry.message);
    }
    const refusal = outcomes.find((outcome) => !outcome.ok);
    if (refusal && 'datasetUnavailable' in refusal) {
      const { message, file, attempts } = refusal.datasetUnavailable;
      throw new DatasetUnavailableError(message, file, attempts);
    }
    if (refusal && 'rejection' in refusal) {
      logger?.info({ problem: problem.id, code: refusal.rejection.code }, 'model refused');
      throw new ModelRejectedError(refusal.rejection.code, refusal.rejection.memberMessage);
    }
    const result = mergeShardResults(
      problem,
      outcomes.map((outcome) => (outcome as Extract<GradeJobOutcome, { ok: true }>).result),
    );
    progress({ stage: 'scoring' });
    const finishedAt = performance.now();
    result.timings.queuedMs = (startedAt ?? requestedAt) - requestedAt;
    result.timings.totalMs = finishedAt - requestedAt;
    logger?.info(
      { problem: problem.id, points: result.points, value: result.value, backend: result.backend, format: result.format, shards: shardCount, timings: result.timings },
      'model graded',
    );
    return result;
  }

  function explainFailure(error: unknown, stopReason: StopReason | undefined, timeoutMs: number): Error {
    switch (stopReason) {
      case 'timeout':
        logger?.info({ timeoutMs }, 'grade timed out; worker terminated');
        return new ModelRejectedError(
          'timeout',
          `Grading took longer than ${secondsText(timeoutMs)}, the limit per model, so it was stopped. ` +
            'Exam models grade in seconds: check for an oversized model (very large Dense layers or images kept at full resolution).',
        );
      case 'preparation-timeout':
        return new GraderError(`Preparing the evaluation data took longer than ${secondsText(limits.preparationTimeoutMs)}; the grade was stopped.`);
      case 'caller':
        return new DOMException('The grade was cancelled', 'AbortError');
      case 'sibling':
        return new SiblingStopped();
    }
    if (isOutOfMemory(error)) {
      logger?.warn({ workerMemoryMb: limits.workerMemoryMb }, 'grading worker ran out of memory; replaced');
      return new ModelRejectedError(
        'out-of-memory',
        `The model used more memory than the grader allows (${limits.workerMemoryMb} MB), so it was stopped. ` +
          'Exam models need far less: check the model size and its configuration.',
      );
    }
    if (error instanceof Error && /worker exited with code/i.test(error.message)) {
      logger?.error({ err: error }, 'grading worker exited during a grade; replaced');
      return new GraderError(`The grading worker stopped unexpectedly (${error.message}); it was replaced. Try again.`, { cause: error });
    }
    if (error instanceof Error && /queue is at limit/i.test(error.message)) {
      return new GraderError(`The grader is busy (${pool.queueSize} grades waiting); try again in a minute.`, { cause: error });
    }
    if (error instanceof Error) {
      logger?.error({ err: error }, 'grading failed');
      return error;
    }
    return new GraderError(`Grading failed: ${String(error)}`);
  }

  return {
    grade,
    limits,
    get workerCount() {
      return pool.threads.length;
    },
    onWorkerEnded(listener) {
      pool.on('workerDestroy', listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.destroy();
    },
  };
}
