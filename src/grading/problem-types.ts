// The shape of an exam problem: what data the grader feeds, what the model must output, how the
// result is measured and turned into 0-5 points. Pure data: no tfjs, no I/O.
import type { EvaluationSetSpec } from '../datasets/evaluation-source.ts';
import type { ProblemCategory } from './categories.ts';

export type MetricKind = 'mse' | 'accuracy' | 'mae';

/**
 * How a metric value becomes 0-5 points. The bounds for each point are built from this and the
 * problem's baselines by thresholdTable (scoring.ts).
 */
export type ScoringRule =
  /** 5 at or under fullMarks, one point less for each factor of 10 above it. */
  | { kind: 'mse-decades'; fullMarks: number }
  /** 5 at or over fullMarks, one point less for each `step` below it. */
  | { kind: 'accuracy-steps'; fullMarks: number; step: number }
  /** MAE as a ratio of the naive forecast's MAE: ratios[0] or under for 5 points, ... ratios[4] for 1. */
  | { kind: 'mae-vs-naive'; ratios: readonly [number, number, number, number, number] };

/** A baseline's metric value on the evaluation set, computed by src/grading/baselines.ts. */
export interface BaselineValue {
  value: number;
  /** What the baseline answers, for classification the constant class (e.g. "sport"), for a mean its value. */
  answer: string;
}

/**
 * What a model that learned nothing scores on the problem's evaluation set: the constant model (the
 * training mean, or the most frequent class) always, and for time series the naive forecast (the
 * next value equals the last one).
 */
export interface ProblemBaselines {
  constant: BaselineValue;
  naive?: BaselineValue;
}

interface InputSpec {
  /** Shape of one sample as the grader builds it, without the batch dimension, e.g. [150, 150, 3]. */
  shape: number[];
  /** Other per-sample shapes the grader can feed the same data as (a reshape only), e.g. [28, 28] for [28, 28, 1]. */
  alternativeShapes?: number[][];
  /** What the values are, for messages: "RGB images", "token ids", "a window of 30 normalised values". */
  description: string;
  /** 'int' means whole numbers (token ids); 'float' means real values. Both are fed as float32 tensors. */
  values: 'float' | 'int';
}

interface OutputSpec {
  /** Accepted sizes of the last output dimension. */
  units: number[];
  /** For messages: "10 softmax units, one per digit". */
  description: string;
  /** Time series: a (batch, time, 1) output is accepted and its last step is the forecast. */
  allowSequence?: boolean;
}

/** An exam problem; its id, dataset and evaluation source (EvaluationSetSpec) say how its data is built. */
export interface ProblemDefinition extends EvaluationSetSpec {
  category: ProblemCategory;
  title: string;
  /** Weight in a mock exam total; equal to the category, as in the exam. */
  weight: number;
  input: InputSpec;
  output: OutputSpec;
  /** The fixed ("do not change") preprocessing, in words, exactly as the grader applies it. */
  preprocessing: string;
  scoring: ScoringRule;
  /** Generated into the problem's baselines.ts from its evaluation data (npm run problems:generate). */
  baselines: ProblemBaselines;
  /** Short canonical link to the data, for the statement. */
  dataLink: string;
}
