// Errors of the grading engine.
//
// A ModelRejectedError means "the uploaded model cannot be graded" (the member's fault or the
// format's limits): its memberMessage is written to be shown as is in Discord. Any other error
// thrown by the grading code is an internal error (the bot's fault).

import { MemberError } from '../member-error.ts';

/** Machine-readable reasons for refusing an uploaded model. */
export type ModelRejectionCode =
  | 'empty-file'
  | 'not-a-model'
  | 'wrong-extension'
  | 'truncated-hdf5'
  | 'corrupt-hdf5'
  | 'no-model-config'
  | 'bad-model-config'
  | 'lambda-layer'
  | 'hub-layer'
  | 'text-vectorization'
  | 'unknown-layer'
  | 'custom-class'
  | 'missing-weights'
  | 'weight-mismatch'
  | 'nan-weights'
  | 'too-many-params'
  | 'too-large'
  | 'zip-bomb'
  | 'zip-too-many-entries'
  | 'zip-path-escape'
  | 'corrupt-zip'
  | 'missing-file'
  | 'savedmodel-unsupported'
  | 'unsupported-format'
  | 'wrong-input-shape'
  | 'wrong-output-units'
  | 'wrong-dtype'
  | 'timeout'
  | 'prediction-failed';

export class ModelRejectedError extends MemberError {
  override name = 'ModelRejectedError';
  /** Stable reason code, e.g. 'lambda-layer', 'truncated-hdf5'. */
  declare readonly code: ModelRejectionCode | (string & {});

  constructor(code: ModelRejectionCode | (string & {}), memberMessage: string, options?: { cause?: unknown }) {
    super(code, memberMessage, { cause: options?.cause });
  }
}
