// Messages between the bot and its grading process (see grader-process.ts): requests go down,
// progress, results and errors come back. Errors travel as plain data and are rebuilt as the same
// classes on the bot's side.
import { DatasetUnavailableError } from '../../datasets/ensure.ts';
import { ModelRejectedError } from '../errors.ts';
import { GraderError, type GradeProgress, type GradeRequest, type GradeResult, type GraderOptions } from '../grader.ts';

/** What the grading process is started with: the grader's options, the level of its own log, and its CPU niceness. */
export type HostOptions = Omit<GraderOptions, 'logger'> & { logLevel: string; nice?: number };

export type ToHost =
  | { type: 'init'; options: HostOptions }
  | { type: 'grade'; id: number; request: GradeRequest; timeoutMs?: number }
  | { type: 'cancel'; id: number }
  | { type: 'close' };

/** The grading process ended while it graded: its grades are not the model's fault, nor finished. */
export class GraderCrashedError extends Error {
  override readonly name = 'GraderCrashedError';
  constructor(readonly reason: string) {
    super(`the grading process ended while it graded (${reason})`);
  }
}

export type SerializedError =
  | { kind: 'model-rejected'; code: string; memberMessage: string }
  | { kind: 'dataset-unavailable'; message: string; file: string; attempts: string[] }
  | { kind: 'aborted'; message: string }
  | { kind: 'grader'; message: string };

export type FromHost =
  | { type: 'ready' }
  | { type: 'progress'; id: number; progress: GradeProgress }
  | { type: 'result'; id: number; result: GradeResult }
  | { type: 'error'; id: number; error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof ModelRejectedError) return { kind: 'model-rejected', code: error.code, memberMessage: error.memberMessage };
  if (error instanceof DatasetUnavailableError) return { kind: 'dataset-unavailable', message: error.message, file: error.file, attempts: error.attempts };
  if (error instanceof Error && error.name === 'AbortError') return { kind: 'aborted', message: error.message };
  return { kind: 'grader', message: error instanceof Error ? error.message : String(error) };
}

export function deserializeError(error: SerializedError): Error {
  switch (error.kind) {
    case 'model-rejected':
      return new ModelRejectedError(error.code, error.memberMessage);
    case 'dataset-unavailable':
      return new DatasetUnavailableError(error.message, error.file, error.attempts);
    case 'aborted':
      return new DOMException(error.message, 'AbortError');
    case 'grader':
      return new GraderError(error.message);
  }
}
