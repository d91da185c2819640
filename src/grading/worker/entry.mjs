// Entry file of a grading worker thread. The project's sources are TypeScript run through tsx,
// and hooks registered in the main thread do not reach worker threads, so each worker registers
// tsx itself before it imports the TypeScript handler. Piscina waits for the exported promise:
// the worker takes tasks only once its tfjs backend is loaded.
//
// A worker must not fail while it starts: piscina does not replace a worker that fails during
// bootstrap, and the grades queued behind it would wait forever. A failed start becomes a
// handler that rejects every task with the reason.
import { register } from 'tsx/esm/api';

async function startHandler() {
  try {
    register();
    const { createGradeHandler } = await import('./grade-worker.ts');
    return await createGradeHandler();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return async function startFailed() {
      throw new Error(`The grading worker could not start: ${reason}`);
    };
  }
}

export default await startHandler();
