// Entry file of a grading worker thread. The project's sources are TypeScript run through tsx,
// and hooks registered in the main thread do not reach worker threads, so each worker registers
// tsx itself before it imports the TypeScript handler. Piscina waits for the exported promise:
// the worker takes tasks only once its tfjs backend is loaded.
import { register } from 'tsx/esm/api';

register();
const { createGradeHandler } = await import('./grade-worker.ts');
export default await createGradeHandler();
