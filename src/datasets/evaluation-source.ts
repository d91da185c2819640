// How an evaluation set is built: the part of a problem definition the dataset layer reads. The
// grader's ProblemDefinition is one of these plus what grading needs (shapes, metric, texts), so
// the dependency points from src/grading to src/datasets and never back.
import type { DatasetId } from './registry.ts';

/** How to build the evaluation set; each kind has its own loader in evaluation-sets.ts. */
export type EvaluationSource =
  | {
      kind: 'linear';
      /** The training X values; the grader adds `extraXs` and uses each distinct X once. */
      trainingXs: number[];
      extraXs: number[];
      slope: number;
      intercept: number;
    }
  | { kind: 'mnist'; dataset: 'mnist' }
  | {
      kind: 'image-folder';
      dataset: 'horse-or-human';
      /** Class names in label order (alphabetical folder order, as flow_from_directory assigns them). */
      classes: string[];
      /** Side of the square images fed to the model, after a nearest-neighbour resize. */
      size: number;
    }
  | {
      kind: 'text-classification';
      dataset: 'bbc-text';
      /** Rows [0, trainRows) fit the tokenizer; rows [trainRows, end) are the evaluation set. */
      trainFraction: number;
      numWords: number;
      oovToken: string;
      maxlen: number;
      padding: 'pre' | 'post';
      truncating: 'pre' | 'post';
    }
  | {
      kind: 'time-series';
      dataset: 'sunspots' | 'daily-min-temperatures' | 'daily-max-temperatures';
      /** Zero-based CSV column holding the value. */
      column: number;
      splitTime: number;
      windowSize: number;
    };

/** What one evaluation set is made from; its cache files are named after `id`. */
export interface EvaluationSetSpec {
  /** The problem's id. */
  id: string;
  /** Dataset in registry.ts, or null when the data is written in the definition. */
  dataset: DatasetId | null;
  evaluation: EvaluationSource;
}
