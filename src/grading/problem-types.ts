// The shape of an exam problem: what data the grader feeds, what the model must output, how the
// result is measured and turned into 0-5 points. Pure data: no tfjs, no I/O.
import type { EvaluationSetSpec } from '../datasets/evaluation-source.ts';
import type { ProblemCategory } from './categories.ts';

export type MetricKind = 'mse' | 'accuracy' | 'mae';

export interface MetricSpec {
  kind: MetricKind;
  /** Full marks at or under this value (mse, mae) or at or over it (accuracy). */
  threshold: number;
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
  metric: MetricSpec;
  /** Short canonical link to the data, for the statement. */
  dataLink: string;
}
