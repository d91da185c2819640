// Plain data exchanged with whatever runs a grade (a worker thread today; a process on another
// machine reading a job queue later). Everything here survives structured clone and JSON.
import type { ClassificationDetails, NonFiniteDetails, ResidualSummary } from '../evaluate.ts';
import type { MetricKind, ProblemDefinition } from '../problem-types.ts';
import type { TfBackendName } from '../tf-backend.ts';
import type { BaselineScore } from '../baselines.ts';
import type { ThresholdRow } from '../scoring.ts';

export type GradeStage = 'queued' | 'importing' | 'evaluating' | 'scoring';

/** Smallest step between two evaluation progress reports, from a worker and to the grader's caller. */
export const PROGRESS_STEP = 0.05;

/** Progress of one grade; `fraction` (0..1) only while evaluating. */
export interface GradeProgress {
  stage: GradeStage;
  fraction?: number;
}

/** A file of a grade job: its bytes, or a path the runner reads (its size already checked). */
export type JobFile = { name: string; bytes: Uint8Array } | { name: string; path: string; size: number };

interface GradeJobLimits {
  maxUploadBytes: number;
  maxParams: number;
  maxUncompressedBytes: number;
  maxZipEntries: number;
  maxEvaluationFlops: number;
  maxEvaluationValues: number;
  maxActivationBytes: number;
}

export interface GradeJob {
  /** The whole definition, so whatever runs the job needs no catalog of its own. */
  problem: ProblemDefinition;
  files: JobFile[];
  limits: GradeJobLimits;
  /**
   * Evaluate only this part of a classification set (samples [start, end) of shard `index` of
   * `count` equal parts); the caller merges the parts. Other sets are always evaluated whole.
   */
  shard?: { index: number; count: number };
}

/** Samples [start, end) of shard `index` of `count`: equal parts, the remainder spread over the last ones. */
export function shardRange(total: number, index: number, count: number): { start: number; end: number } {
  return { start: Math.floor((index * total) / count), end: Math.floor(((index + 1) * total) / count) };
}

/** A logger, as the backend loader and the dataset loader take one, that appends to `entries`. */
export function jobLogger(entries: JobLogEntry[]): Record<JobLogEntry['level'], (details: object, message: string) => void> {
  const at = (level: JobLogEntry['level']) => (details: object, message: string) => void entries.push({ level, message, details: { ...details } });
  return { debug: at('debug'), info: at('info'), warn: at('warn') };
}

export type GradeDetails =
  | ClassificationDetails
  | NonFiniteDetails
  | { kind: 'regression'; residuals: ResidualSummary }
  | { kind: 'time-series'; residuals: ResidualSummary };

/** What a result display needs to draw: predictions against the truth. */
export type GradeChart =
  | { kind: 'regression'; points: { x: number; expected: number; predicted: number }[] }
  | { kind: 'time-series'; start: number; actual: number[]; forecast: number[] };

interface GradeTimings {
  /** Waiting for a free worker (0 when one was free). */
  queuedMs: number;
  /** Loading the evaluation set (a cache hit is about 0). */
  preparationMs: number;
  /** Parsing the files, building the model, checking it against the problem. */
  importMs: number;
  /** Predicting over the evaluation set and scoring. */
  evaluateMs: number;
  /** From the grade request to the result. */
  totalMs: number;
}

/** The result of a graded model. JSON-serialisable: `value` is null when the outputs were not finite. */
export interface GradeResult {
  problem: string;
  problemTitle: string;
  points: number;
  maxPoints: number;
  metric: MetricKind;
  metricName: string;
  value: number | null;
  /** The problem's threshold table: the bound for 5, 4, ... 1 points, at most (mse, mae) or at least (accuracy). */
  thresholds: ThresholdRow[];
  /** What models that learned nothing score on the same data, strongest first. */
  baselines: BaselineScore[];
  sampleCount: number;
  backend: TfBackendName;
  format: string;
  kerasVersion?: string;
  model: { inputShape: (number | null)[]; outputShape: (number | null)[]; inputDtype: string; paramCount: number; layerCount: number };
  timings: GradeTimings;
  details: GradeDetails;
  hint: string;
  /** Something the member must know (non-finite outputs). */
  message?: string;
  /** Input adaptations that were applied, in words. */
  notes: string[];
  chart?: GradeChart;
}

/** A log line produced where the job ran, handed back to the caller's logger. */
export interface JobLogEntry {
  level: 'debug' | 'info' | 'warn';
  message: string;
  details: Record<string, unknown>;
}

export type GradeJobOutcome =
  | { ok: true; result: GradeResult; log: JobLogEntry[] }
  | { ok: false; rejection: { code: string; memberMessage: string }; log: JobLogEntry[] }
  // The evaluation data could not be had (not the model's fault). Sent as data because an error's
  // class does not survive the trip out of a worker thread.
  | { ok: false; datasetUnavailable: { message: string; file: string; attempts: string[] }; log: JobLogEntry[] };

/** Messages a worker posts on the progress port of a task. */
export type WorkerMessage = { type: 'started' } | { type: 'progress'; progress: GradeProgress };

/** Settings every worker of a pool starts with. */
export interface GradeWorkerData {
  dataDir: string;
  datasetMirror?: string;
  /** Replaces canonical dataset URLs, keyed by `<folder>/<file>` (see EnsureDatasetOptions). */
  datasetUrlOverrides?: Record<string, string>;
  preferBackend?: TfBackendName;
}
