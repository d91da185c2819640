// The piscina task handler of a grading worker thread: one tfjs backend per thread, loaded once
// before the thread takes its first task; the evaluation sets stay cached in the thread between
// grades. Progress goes back through the MessagePort that comes with each task.
import type { MessagePort } from 'node:worker_threads';
import { workerData } from 'piscina';
import { loadTf } from '../tf-backend.ts';
import { runGradeJob } from './grade-job.ts';
import { jobLogger, type GradeJob, type GradeJobOutcome, type GradeWorkerData, type JobLogEntry, type WorkerMessage } from './protocol.ts';

export interface GradeTask {
  job: GradeJob;
  progressPort: MessagePort;
}

export async function createGradeHandler(): Promise<(task: GradeTask) => Promise<GradeJobOutcome>> {
  const settings = workerData as GradeWorkerData;
  const startLog: JobLogEntry[] = [];
  const { tf, backend } = await loadTf({
    prefer: settings.preferBackend,
    logger: jobLogger(startLog),
  });

  return async function gradeTask(task: GradeTask): Promise<GradeJobOutcome> {
    const post = (message: WorkerMessage) => task.progressPort.postMessage(message);
    post({ type: 'started' });
    const outcome = await runGradeJob(task.job, {
      tf,
      backend,
      dataDir: settings.dataDir,
      datasetMirror: settings.datasetMirror,
      datasetUrlOverrides: settings.datasetUrlOverrides,
      onProgress(progress) {
        // 'preparing' only tells the caller's clock that the data, not the model, is being worked on.
        if (progress.stage === 'preparing') return;
        post({ type: 'progress', progress });
      },
    });
    // The backend choice is logged once, with the thread's first result.
    outcome.log.unshift(...startLog.splice(0));
    return outcome;
  };
}
