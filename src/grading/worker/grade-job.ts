// Grades one model: plain data in (the problem's definition, file bytes or paths, limits), plain
// data out (a result, or the reason the model was refused). It runs wherever a tfjs backend is
// loaded: a worker thread of the local pool, or a process that takes jobs from a queue.
import { readFile } from 'node:fs/promises';
import { DatasetUnavailableError } from '../../datasets/ensure.ts';
import { loadEvaluationSet, type EvaluationSet } from '../../datasets/evaluation-sets.ts';
import { checkCompatibility } from '../compatibility.ts';
import { ModelRejectedError } from '../errors.ts';
import { evaluate, sampleCount, type EvaluationOutcome } from '../evaluate.ts';
import { batchWithinMemory, checkComputeBudget, estimateCost } from '../model-cost.ts';
import { formatBytes } from '../limits.ts';
import { importModel, type ImportedModel, type UploadedFile } from '../model-import/index.ts';
import type { Tf, TfBackendName } from '../tf-backend.ts';
import { jobLogger, PROGRESS_STEP, shardRange, type GradeChart, type GradeDetails, type GradeJob, type GradeJobOutcome, type GradeProgress, type GradeResult, type JobFile, type JobLogEntry } from './protocol.ts';

export interface GradeJobContext {
  tf: Tf;
  backend: TfBackendName;
  dataDir: string;
  datasetMirror?: string;
  datasetUrlOverrides?: Record<string, string>;
  /** Stage changes, and evaluation progress at most every 5 %. `preparing` comes before `importing`. */
  onProgress?: (progress: GradeProgress | { stage: 'preparing' }) => void;
}

async function readJobFiles(files: JobFile[], maxUploadBytes: number): Promise<UploadedFile[]> {
  const read: UploadedFile[] = [];
  for (const file of files) {
    if ('bytes' in file) {
      read.push({ name: file.name, bytes: file.bytes });
      continue;
    }
    const buffer = await readFile(file.path);
    // The file may have grown since its size was checked.
    if (buffer.byteLength > maxUploadBytes) {
      throw new ModelRejectedError('too-large', `${file.name} is ${formatBytes(buffer.byteLength)}; the grader accepts at most ${formatBytes(maxUploadBytes)} per model.`);
    }
    read.push({ name: file.name, bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) });
  }
  return read;
}

/** The part of a classification set a shard evaluates (views, no copies); other sets unchanged. */
function shardOf(set: EvaluationSet, shard: GradeJob['shard']): EvaluationSet {
  if (!shard || shard.count <= 1 || set.kind !== 'classification') return set;
  const { start, end } = shardRange(set.count, shard.index, shard.count);
  const sampleSize = set.sampleShape.reduce((a, b) => a * b, 1);
  return {
    ...set,
    count: end - start,
    inputs: set.inputs.subarray(start * sampleSize, end * sampleSize),
    labels: set.labels.subarray(start, end),
  };
}

/** Splits the evaluation details into the summary and the data a chart needs. */
function splitChart(details: EvaluationOutcome['details']): { details: GradeDetails; chart?: GradeChart } {
  switch (details.kind) {
    case 'regression':
      return { details: { kind: 'regression', residuals: details.residuals }, chart: { kind: 'regression', points: details.points } };
    case 'time-series':
      return { details: { kind: 'time-series', residuals: details.residuals }, chart: { kind: 'time-series', ...details.chart } };
    default:
      return { details };
  }
}

export async function runGradeJob(job: GradeJob, context: GradeJobContext): Promise<GradeJobOutcome> {
  const log: JobLogEntry[] = [];
  const { problem } = job;
  const { tf } = context;
  const report = context.onProgress ?? (() => {});

  report({ stage: 'preparing' });
  const preparationStart = performance.now();
  let fullSet: EvaluationSet;
  try {
    fullSet = await loadEvaluationSet(problem, {
      dataDir: context.dataDir,
      mirror: context.datasetMirror,
      urlOverrides: context.datasetUrlOverrides,
      logger: jobLogger(log),
    });
  } catch (error) {
    if (!(error instanceof DatasetUnavailableError)) throw error;
    return { ok: false, datasetUnavailable: { message: error.message, file: error.file, attempts: error.attempts }, log };
  }
  const evaluationSet = shardOf(fullSet, job.shard);
  const preparationMs = performance.now() - preparationStart;

  report({ stage: 'importing' });
  const importStart = performance.now();
  const tensorsBefore = tf.memory().numTensors;
  let imported: ImportedModel | undefined;
  try {
    const files = await readJobFiles(job.files, job.limits.maxUploadBytes);
    imported = await importModel(files, {
      tf,
      maxParams: job.limits.maxParams,
      maxUncompressedBytes: job.limits.maxUncompressedBytes,
      maxZipEntries: job.limits.maxZipEntries,
    });
    const adaptation = checkCompatibility(problem, imported);
    // Before the first batch: the cost of the whole evaluation (not this shard's part), and the
    // largest batch whose activations fit in memory.
    const cost = estimateCost(imported.model, Math.max(...adaptation.sampleShape));
    checkComputeBudget(cost, sampleCount(fullSet), { maxFlops: job.limits.maxEvaluationFlops, maxValues: job.limits.maxEvaluationValues });
    const maxBatchSize = batchWithinMemory(cost, job.limits.maxActivationBytes, adaptation.pinnedBatchSize);
    const importMs = performance.now() - importStart;

    report({ stage: 'evaluating', fraction: 0 });
    const evaluateStart = performance.now();
    let reported = 0;
    const outcome = await evaluate(problem, imported.model, {
      tf,
      evaluationSet,
      adaptation,
      maxBatchSize,
      onProgress(fraction) {
        if (fraction >= 1 || fraction - reported >= PROGRESS_STEP) {
          reported = fraction;
          report({ stage: 'evaluating', fraction });
        }
      },
    });
    if (reported < 1) report({ stage: 'evaluating', fraction: 1 });
    report({ stage: 'scoring' });
    const evaluateMs = performance.now() - evaluateStart;

    const { details, chart } = splitChart(outcome.details);
    const result: GradeResult = {
      problem: problem.id,
      problemTitle: problem.title,
      points: outcome.points,
      maxPoints: outcome.maxPoints,
      metric: outcome.metric,
      metricName: outcome.metricName,
      value: Number.isFinite(outcome.value) ? outcome.value : null,
      thresholds: outcome.thresholds,
      baselines: outcome.baselines,
      sampleCount: outcome.sampleCount,
      backend: context.backend,
      format: imported.format,
      ...(imported.kerasVersion ? { kerasVersion: imported.kerasVersion } : {}),
      model: {
        inputShape: imported.inputShape,
        outputShape: imported.outputShape,
        inputDtype: imported.inputDtype,
        paramCount: imported.paramCount,
        layerCount: imported.layerCount,
      },
      // queuedMs and totalMs are measured by the caller, who sees the whole wait.
      timings: { queuedMs: 0, preparationMs, importMs, evaluateMs, totalMs: preparationMs + importMs + evaluateMs },
      details,
      hint: outcome.hint,
      ...(outcome.message ? { message: outcome.message } : {}),
      notes: outcome.adaptationNotes,
      ...(chart ? { chart } : {}),
    };
    return { ok: true, result, log };
  } catch (error) {
    if (error instanceof ModelRejectedError) {
      return { ok: false, rejection: { code: error.code, memberMessage: error.memberMessage }, log };
    }
    throw error;
  } finally {
    // A grading thread lives long: free the model's weights and anything a failed build left behind.
    imported?.model.dispose();
    tf.disposeVariables();
    const leaked = tf.memory().numTensors - tensorsBefore;
    if (leaked > 0) log.push({ level: 'warn', message: 'tensors left after a grade', details: { leaked, problem: problem.id } });
  }
}
