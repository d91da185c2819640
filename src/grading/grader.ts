// The grader: grades uploaded models in a pool of worker threads, isolated from the caller.
//
// Each worker loads its own tfjs backend (the wasm backend is single-threaded, so one worker per
// core uses the machine) and keeps the evaluation sets cached between grades. Untrusted files are
// parsed and run only inside the workers, which have a heap limit; a grade that runs past its
// time limit has its worker terminated (piscina terminates the thread of an aborted running
// task) and replaced. The caller always gets a result or a specific error, never a hang.
//
// The grader takes plain data (a problem id, file bytes or paths) and gives plain data back
// (GradeResult), so the same job can later be run by processes that read a queue.
import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { getProblem, problemCatalog } from '../../problems/index.ts';
import type { Logger } from '../log.ts';
import { ModelRejectedError } from './errors.ts';
import { checkUploads, defaultGradingLimits, type GradingLimits, type UploadSource } from './limits.ts';
import type { TfBackendName } from './tf-backend.ts';
import type { GradeTask } from './worker/grade-worker.ts';
import type { GradeJob, GradeJobOutcome, GradeProgress, GradeResult, GradeStage, GradeWorkerData, JobFile, WorkerMessage } from './worker/protocol.ts';

export type { GradeProgress, GradeResult, GradeStage } from './worker/protocol.ts';
export type { UploadSource, UploadedBytes, UploadedPath } from './limits.ts';

export interface GraderOptions extends Partial<GradingLimits> {
  /** DATA_DIR: datasets and the evaluation cache live under it. */
  dataDir: string;
  /** DATASET_MIRROR: tried before the canonical dataset URLs. */
  datasetMirror?: string;
  logger?: Logger;
  /** Worker threads, one tfjs backend each. Default: the number of cores. */
  workers?: number;
  /** Backend each worker tries first ('tensorflow', then 'wasm', then 'cpu' by default). */
  backend?: TfBackendName;
  /** Grades allowed to wait for a worker; more are refused at once. Default 100. */
  maxQueue?: number;
}

export interface GradeRequest {
  problemId: string;
  files: UploadSource[];
}

export interface GradeOptions {
  onProgress?(progress: GradeProgress): void;
  signal?: AbortSignal;
}

export interface Grader {
  grade(request: GradeRequest, options?: GradeOptions): Promise<GradeResult>;
  /** Stops the workers; grades still running are rejected. */
  close(): Promise<void>;
  readonly limits: Readonly<GradingLimits>;
}

/** An internal failure of the grader (not the model's fault): the worker crashed, the queue is full. */
export class GraderError extends Error {
  override readonly name = 'GraderError';
}

const workerEntry = new URL('./worker/entry.mjs', import.meta.url).href;
const stageOrder: GradeStage[] = ['queued', 'importing', 'evaluating', 'scoring'];

function isOutOfMemory(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory|heap limit/i.test(message);
}

function secondsText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

export function createGrader(options: GraderOptions): Grader {
  const limits: GradingLimits = { ...defaultGradingLimits };
  for (const key of Object.keys(defaultGradingLimits) as (keyof GradingLimits)[]) {
    const value = options[key];
    if (value !== undefined) {
      if (!(typeof value === 'number' && value > 0)) throw new TypeError(`createGrader: ${key} must be a positive number, got ${value}`);
      limits[key] = value;
    }
  }
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) throw new TypeError(`createGrader: workers must be a positive integer, got ${workers}`);
  const logger = options.logger;
  const workerData: GradeWorkerData = {
    dataDir: options.dataDir,
    ...(options.datasetMirror ? { datasetMirror: options.datasetMirror } : {}),
    ...(options.backend ? { preferBackend: options.backend } : {}),
  };
  const pool = new Piscina({
    filename: workerEntry,
    minThreads: workers,
    maxThreads: workers,
    // Workers live as long as the grader: their backend and evaluation caches stay warm.
    idleTimeout: Number.POSITIVE_INFINITY,
    maxQueue: options.maxQueue ?? 100,
    resourceLimits: { maxOldGenerationSizeMb: limits.workerMemoryMb },
    workerData,
  });
  // A worker that fails to start (or dies between tasks) is replaced by piscina; say so in the log.
  pool.on('error', (error: unknown) => logger?.error({ err: error }, 'grading worker error'));
  let closed = false;

  async function grade(request: GradeRequest, gradeOptions: GradeOptions = {}): Promise<GradeResult> {
    if (closed) throw new GraderError('The grader is closed');
    const requestedAt = performance.now();
    const problem = getProblem(request.problemId);
    if (!problem) {
      throw new GraderError(`Unknown problem "${request.problemId}". Known problems: ${problemCatalog.map((p) => p.id).join(', ')}`);
    }
    gradeOptions.signal?.throwIfAborted();

    let lastStage = -1;
    const progress = (update: GradeProgress) => {
      const index = stageOrder.indexOf(update.stage);
      // Stages only move forward; evaluation fractions only grow.
      if (index < lastStage) return;
      lastStage = index;
      try {
        gradeOptions.onProgress?.(update);
      } catch (error) {
        logger?.warn({ err: error }, 'grade progress callback threw');
      }
    };
    progress({ stage: 'queued' });

    const checked = await checkUploads(request.files, limits);
    const files: JobFile[] = checked.map((file) => ('path' in file ? { name: file.name, path: file.path, size: file.size } : { name: file.name, bytes: file.bytes }));
    const job: GradeJob = {
      problemId: problem.id,
      files,
      limits: {
        maxUploadBytes: limits.maxUploadBytes,
        maxParams: limits.maxParams,
        maxUncompressedBytes: limits.maxUncompressedBytes,
        maxZipEntries: limits.maxZipEntries,
      },
    };

    const channel = new MessageChannel();
    const abort = new AbortController();
    let stopReason: 'preparation-timeout' | 'timeout' | 'caller' | undefined;
    let timer: NodeJS.Timeout | undefined;
    let startedAt: number | undefined;
    let lastFraction = -1;
    const stopAfter = (ms: number, reason: 'preparation-timeout' | 'timeout') => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stopReason = reason;
        abort.abort();
      }, ms);
    };
    channel.port1.on('message', (message: WorkerMessage) => {
      if (message.type === 'started') {
        startedAt = performance.now();
        stopAfter(limits.preparationTimeoutMs, 'preparation-timeout');
        return;
      }
      const update = message.progress;
      // The model's own clock starts once the evaluation data is ready.
      if (update.stage === 'importing') stopAfter(limits.timeoutMs, 'timeout');
      if (update.stage === 'evaluating') {
        if ((update.fraction ?? 0) <= lastFraction) return;
        lastFraction = update.fraction ?? 0;
      }
      progress(update);
    });
    const onCallerAbort = () => {
      stopReason ??= 'caller';
      abort.abort();
    };
    gradeOptions.signal?.addEventListener('abort', onCallerAbort, { once: true });

    let outcome: GradeJobOutcome;
    try {
      const task: GradeTask = { job, progressPort: channel.port2 };
      outcome = (await pool.run(task, { transferList: [channel.port2], signal: abort.signal })) as GradeJobOutcome;
      // Progress messages travel on their own port: let those already sent arrive first.
      await new Promise((resolve) => setImmediate(resolve));
    } catch (error) {
      throw explainFailure(error, stopReason, gradeOptions.signal);
    } finally {
      clearTimeout(timer);
      gradeOptions.signal?.removeEventListener('abort', onCallerAbort);
      channel.port1.close();
    }

    for (const entry of outcome.log) logger?.[entry.level]({ ...entry.details, problem: problem.id }, entry.message);
    if (!outcome.ok) {
      logger?.info({ problem: problem.id, code: outcome.rejection.code }, 'model refused');
      throw new ModelRejectedError(outcome.rejection.code, outcome.rejection.memberMessage);
    }
    const result = outcome.result;
    const finishedAt = performance.now();
    result.timings.queuedMs = (startedAt ?? requestedAt) - requestedAt;
    result.timings.totalMs = finishedAt - requestedAt;
    logger?.info(
      { problem: problem.id, points: result.points, value: result.value, backend: result.backend, format: result.format, timings: result.timings },
      'model graded',
    );
    return result;
  }

  function explainFailure(error: unknown, stopReason: string | undefined, callerSignal: AbortSignal | undefined): Error {
    switch (stopReason) {
      case 'timeout':
        logger?.info({ timeoutMs: limits.timeoutMs }, 'grade timed out; worker terminated');
        return new ModelRejectedError(
          'timeout',
          `Grading took longer than ${secondsText(limits.timeoutMs)}, the limit per model, so it was stopped. ` +
            'Exam models grade in seconds: check for an oversized model (very large Dense layers or images kept at full resolution).',
        );
      case 'preparation-timeout':
        return new GraderError(`Preparing the evaluation data took longer than ${secondsText(limits.preparationTimeoutMs)}; the grade was stopped.`);
      case 'caller':
        return callerSignal?.reason instanceof Error ? callerSignal.reason : new DOMException('The grade was cancelled', 'AbortError');
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
    async close() {
      if (closed) return;
      closed = true;
      await pool.destroy();
    },
  };
}
