// The grader in a process of its own: results, refusals and progress come back as in-process; a
// process that dies (killed, or ended by the memory watchdog) fails only the grades it held, and
// the next grade starts a new one.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemCatalog } from '../../problems/index.ts';
import { ModelRejectedError } from '../../src/grading/errors.ts';
import { createGraderProcess, type GraderProcess } from '../../src/grading/host/grader-process.ts';
import { GraderCrashedError } from '../../src/grading/host/protocol.ts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { testDataPath } from '../support/test-data/locate.ts';

const fixtures = testDataPath('fixtures', 'models');
const fixture = (name: string) => ({ name, path: path.join(fixtures, name) });
let dataDir: string;
const open: GraderProcess[] = [];
const graderProcess = (memoryLimitMb = 3072, nice?: number) => {
  const grader = createGraderProcess({ catalog: problemCatalog, dataDir, datasetMirror: testDataPath('datasets'), workers: 1, logLevel: 'silent', memoryLimitMb, nice });
  open.push(grader);
  return grader;
};

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'tsb-grader-process-'));
});
afterAll(async () => {
  await Promise.all(open.map((grader) => grader.close()));
  await rm(dataDir, { recursive: true, force: true });
});

describe('the grading process', () => {
  it('grades, refuses and reports progress as the grader in the bot did', async () => {
    const grader = graderProcess();
    const stages: string[] = [];
    const result = await grader.grade({ problemId: 'linear-a', files: [fixture('01_dense_regression_A1_k2.5.h5')] }, { onProgress: (p) => stages.push(p.stage) });
    expect(result.points).toBe(5);
    expect(stages).toEqual(expect.arrayContaining(['importing', 'evaluating', 'scoring']));
    expect(grader.processId).not.toBe(process.pid);
    const refused = await grader.grade({ problemId: 'mnist', files: [fixture('06_horse_human_cnn_150x150_A2_k2.7.h5')] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ModelRejectedError);
    expect(refused).toMatchObject({ code: 'wrong-input-shape' });
  });

  it('fails only the grade it held when it is killed, and the next grade starts a new process', async () => {
    const grader = graderProcess();
    let started!: () => void;
    const importing = new Promise<void>((resolve) => (started = resolve));
    const grade = grader.grade({ problemId: 'mnist', files: [fixture('03_mnist_cnn_C2_fixedbatch32_k2.8.h5')] }, { onProgress: (p) => p.stage === 'importing' && started() });
    await importing;
    const first = grader.processId!;
    process.kill(first, 'SIGKILL');
    const error = await grade.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraderCrashedError);
    expect((error as GraderCrashedError).reason).toBe('exit code SIGKILL');
    const next = await grader.grade({ problemId: 'linear-a', files: [fixture('01_dense_regression_A1_k2.5.h5')] });
    expect(next.points).toBe(5);
    expect(grader.processId).not.toBe(first);
  });

  it('runs at the niceness it is given, every thread of it, in every process it starts', async () => {
    const own = os.getPriority();
    const nice = Math.min(19, own + 5);
    const grader = graderProcess(3072, nice);
    /** The niceness of each thread of the grading process (Linux), or of the process elsewhere. */
    const niceness = (pid: number) =>
      existsSync(`/proc/${pid}/task`)
        ? readdirSync(`/proc/${pid}/task`).map((tid) => Number(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]))
        : [os.getPriority(pid)];
    expect((await grader.grade({ problemId: 'linear-a', files: [fixture('01_dense_regression_A1_k2.5.h5')] })).points).toBe(5);
    const threads = niceness(grader.processId!);
    expect(threads).toEqual(threads.map(() => nice));
    // A process started again after a crash runs at the same niceness. (A grade sent before the
    // exit is noticed may still fail as crashed; the one after it runs in the new process.)
    const first = grader.processId!;
    process.kill(first, 'SIGKILL');
    await grader.grade({ problemId: 'linear-a', files: [fixture('01_dense_regression_A1_k2.5.h5')] }).catch(() => undefined);
    expect((await grader.grade({ problemId: 'linear-a', files: [fixture('01_dense_regression_A1_k2.5.h5')] })).points).toBe(5);
    expect(grader.processId).not.toBe(first);
    expect(new Set(niceness(grader.processId!))).toEqual(new Set([nice]));
    expect(os.getPriority()).toBe(own);
  });

  it('is ended by the watchdog when it holds more memory than allowed', async () => {
    // 32 MB: less than any Node process holds, so the first check ends it.
    const grader = graderProcess(32);
    const error = await grader.grade({ problemId: 'mnist', files: [fixture('03_mnist_cnn_C2_fixedbatch32_k2.8.h5')] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraderCrashedError);
    expect((error as GraderCrashedError).reason).toMatch(/^it used \d+ MB of memory, over the 32 MB allowed$/);
  });
});
