// The isolated grader: a pool of worker threads, each with its own tfjs backend, grading real
// fixtures concurrently, reporting progress in order, and surviving models that run too long or
// exhaust a worker's memory (the worker is terminated and replaced, the caller gets a specific error).
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemCatalog, requireProblem } from '../../problems/index.ts';
import { ModelRejectedError } from '../../src/grading/errors.ts';
import { createGrader, GraderError, type GradeProgress, type Grader } from '../../src/grading/grader.ts';
import type { ProblemDefinition } from '../../src/grading/problem-types.ts';
import type { Logger } from '../../src/log.ts';
import { testDataPath } from '../support/test-data/locate.ts';

const fixtures = testDataPath('fixtures', 'models');
const mirror = testDataPath('datasets');

function fixtureFile(name: string) {
  return { name, bytes: new Uint8Array(readFileSync(path.join(fixtures, name))) };
}

let tempDir: string;
let dataDir: string;

beforeAll(async () => {
  tempDir = await mkdtemp(path.join(tmpdir(), 'tfsb-grader-'));
  dataDir = path.join(tempDir, 'data');
});

afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

/** Records the grader's log lines (the 'model graded' line says how many shards a grade used). */
const logged: { message: string; details: Record<string, unknown> }[] = [];
const record = (details: Record<string, unknown>, message: string) => void logged.push({ message, details });
const capture = { info: record, warn: record, error: record, debug: record };

/** A problem that exists only here: the line of linear-a made three times as steep. */
const linearA = requireProblem('linear-a');
const steeperLine: ProblemDefinition = {
  ...linearA,
  id: 'steeper-line',
  title: 'Basic model: Y = 3X + 9',
  evaluation: { kind: 'linear', trainingXs: [-1, 0, 1, 2, 3, 4], extraXs: [10], slope: 3, intercept: 9 },
};

describe('a pool of two workers', () => {
  let grader: Grader;
  // The same pool size, splitting large classification sets over both workers.
  let sharding: Grader;
  beforeAll(() => {
    grader = createGrader({ catalog: [...problemCatalog, steeperLine], dataDir, datasetMirror: mirror, workers: 2, shardLargeSets: false });
    sharding = createGrader({ catalog: problemCatalog, dataDir, datasetMirror: mirror, workers: 2, logger: capture as unknown as Logger });
  });
  afterAll(async () => {
    await grader?.close();
    await sharding?.close();
  });

  it('grades two models at the same time, each on its own worker', async () => {
    const events: string[] = [];
    const track = (label: string) => (progress: GradeProgress) => {
      if (progress.stage !== 'evaluating') events.push(`${label}:${progress.stage}`);
    };
    const [mnist, sunspots, linear] = await Promise.all([
      grader.grade({ problemId: 'mnist', files: [fixtureFile('03_mnist_cnn_C2_fixedbatch32_k2.8.h5')] }, { onProgress: track('mnist') }),
      grader.grade({ problemId: 'sunspots', files: [fixtureFile('10_sunspots_causalconv1d_lstm_A5_k2.8.h5')] }, { onProgress: track('sunspots') }),
      grader.grade({ problemId: 'linear-a', files: [fixtureFile('01_dense_regression_A1_k2.5.h5')] }, { onProgress: track('linear') }),
    ]);
    // Both workers were busy at once: the second grade started importing before the first finished.
    expect(events.indexOf('sunspots:importing')).toBeLessThan(events.indexOf('mnist:scoring'));
    expect(events.indexOf('mnist:importing')).toBeLessThan(events.indexOf('sunspots:scoring'));

    expect(mnist).toMatchObject({ problem: 'mnist', points: 5, metric: 'accuracy', backend: 'wasm', format: 'keras2-h5', sampleCount: 10_000 });
    expect(mnist.value).toBeCloseTo(0.9888, 4);
    expect(mnist.notes.join(' ')).toMatch(/pins its batch size to 32/);
    expect(mnist.details.kind).toBe('classification');
    expect(sunspots).toMatchObject({ problem: 'sunspots', points: 4, metric: 'mae' });
    expect(sunspots.chart?.kind).toBe('time-series');
    expect(linear).toMatchObject({ problem: 'linear-a', points: 5, metric: 'mse' });
    expect(linear.chart?.kind).toBe('regression');

    // Plain data: a result survives JSON unchanged, so it can cross a process or a queue.
    for (const result of [mnist, sunspots, linear]) {
      expect(JSON.parse(JSON.stringify(result))).toEqual(result);
      expect(result.timings.totalMs).toBeGreaterThanOrEqual(result.timings.importMs + result.timings.evaluateMs);
    }
  });

  it('a pool splits MNIST over both workers; the merged result equals the whole-set result', async () => {
    // A Fashion-MNIST model scores low on digits: the merge must rebuild the hint and per-class figures too.
    const file = () => [fixtureFile('04_fashion_mnist_cnn_B2_k2.9.h5')];
    const whole = await grader.grade({ problemId: 'mnist', files: file() });
    const split = await sharding.grade({ problemId: 'mnist', files: file() });
    const { timings: _wholeTimings, ...wholeRest } = whole;
    const { timings: _splitTimings, ...splitRest } = split;
    expect(splitRest).toEqual(wholeRest);
    expect(logged.filter((line) => line.message === 'model graded').at(-1)?.details).toMatchObject({ problem: 'mnist', shards: 2 });
    expect(split.sampleCount).toBe(10_000);
    expect(split.details.kind === 'classification' && split.details.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(10_000 - (split.details.kind === 'classification' ? split.details.unassignedPredictions : 0));
    expect(split.points).toBeLessThan(5);
    expect(split.hint).toMatch(/Weakest class: /);
  });

  it('reports progress in order: queued, importing, evaluating 0..1 in steps of at least 5 %, scoring', async () => {
    const seen: GradeProgress[] = [];
    await sharding.grade({ problemId: 'mnist', files: [fixtureFile('13_mnist_dense_keras3.8_legacy.h5')] }, { onProgress: (p) => seen.push(p) }).catch(() => undefined);
    // 13 takes (None, 784): refused after importing, so progress stops there.
    expect(seen.map((p) => p.stage)).toEqual(['queued', 'importing']);

    const progress: GradeProgress[] = [];
    const result = await sharding.grade({ problemId: 'mnist', files: [fixtureFile('03_mnist_cnn_C2_fixedbatch32_k2.8.h5')] }, { onProgress: (p) => progress.push(p) });
    expect(result.points).toBe(5);
    const stages = progress.map((p) => p.stage).filter((stage, i, all) => stage !== all[i - 1]);
    expect(stages).toEqual(['queued', 'importing', 'evaluating', 'scoring']);
    const fractions = progress.filter((p) => p.stage === 'evaluating').map((p) => p.fraction!);
    expect(fractions[0]).toBe(0);
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.length).toBeLessThanOrEqual(22);
    for (let i = 1; i < fractions.length; i++) {
      expect(fractions[i]).toBeGreaterThan(fractions[i - 1]);
      if (i < fractions.length - 1) expect(fractions[i] - fractions[i - 1]).toBeGreaterThanOrEqual(0.05 - 1e-9);
    }
  });

  it('grades a file given by path (read in the worker)', async () => {
    const result = await grader.grade({ problemId: 'linear-b', files: [{ name: 'model_B1.h5', path: path.join(fixtures, '02_dense_normalization_B1_k2.9.h5') }] });
    expect(result).toMatchObject({ problem: 'linear-b', points: 5, format: 'keras2-h5' });
  });

  it('grades bytes given as a view into a larger buffer (a pooled Node Buffer, a subarray)', async () => {
    const file = readFileSync(path.join(fixtures, '01_dense_regression_A1_k2.5.h5'));
    const larger = Buffer.alloc(file.length + 7, 0xff);
    file.copy(larger, 3);
    const view = larger.subarray(3, 3 + file.length);
    expect(view.byteOffset).toBe(3);
    const result = await grader.grade({ problemId: 'linear-a', files: [{ name: 'model_A1.h5', bytes: view }] });
    expect(result.points).toBe(5);
    expect(result.value).toBeCloseTo(8.24e-5, 6);
  });

  it('a cancelled grade rejects with the abort reason, and the pool goes on', async () => {
    const controller = new AbortController();
    const grading = grader.grade(
      { problemId: 'mnist', files: [fixtureFile('03_mnist_cnn_C2_fixedbatch32_k2.8.h5')] },
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.stage === 'evaluating' && (p.fraction ?? 0) > 0.1) controller.abort(new Error('member left'));
        },
      },
    );
    await expect(grading).rejects.toThrow('member left');
    const next = await grader.grade({ problemId: 'linear-a', files: [fixtureFile('01_dense_regression_A1_k2.5.h5')] });
    expect(next.points).toBe(5);
  });

  it('grades on the definition in its catalog, which the worker receives with the job', async () => {
    // The model fits Y = X + 9; on a line three times as steep it is far off, whatever problems/ holds.
    const result = await grader.grade({ problemId: 'steeper-line', files: [fixtureFile('01_dense_regression_A1_k2.5.h5')] });
    expect(result).toMatchObject({ problem: 'steeper-line', problemTitle: 'Basic model: Y = 3X + 9', metric: 'mse', points: 0, sampleCount: 7 });
    // Errors 2X at X = -1..4 and 10: mean of 4 X² over those seven points.
    expect(result.value).toBeCloseTo((4 * (1 + 0 + 1 + 4 + 9 + 16 + 100)) / 7, 0);
  });

  it('an unknown problem is the caller\'s error, not the model\'s', async () => {
    const error = await grader.grade({ problemId: 'cifar-10', files: [fixtureFile('01_dense_regression_A1_k2.5.h5')] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraderError);
    expect((error as Error).message).toMatch(/Unknown problem "cifar-10". Known problems: linear-a, .*mnist/);
  });
});

describe('idle workers', () => {
  it('end after the idle time, giving their memory back, and the next grade starts a fresh one', async () => {
    const grader = createGrader({ catalog: problemCatalog, dataDir, datasetMirror: mirror, workers: 1, idleWorkerMs: 50 });
    try {
      expect(grader.workerCount).toBe(0);
      const ended = new Promise<void>((resolve) => grader.onWorkerEnded(resolve));
      expect((await grader.grade({ problemId: 'linear-a', files: [fixtureFile('01_dense_regression_A1_k2.5.h5')] })).points).toBe(5);
      await ended;
      expect(grader.workerCount).toBe(0);
      expect((await grader.grade({ problemId: 'linear-a', files: [fixtureFile('01_dense_regression_A1_k2.5.h5')] })).points).toBe(5);
    } finally {
      await grader.close();
    }
  });
});

describe('limits that terminate a worker', () => {
  it('a grade over the time limit terminates its worker; the next grade on the pool works', async () => {
    const grader = createGrader({ catalog: problemCatalog, dataDir, datasetMirror: mirror, workers: 1, timeoutMs: 500 });
    try {
      const stages: string[] = [];
      const error = await grader
        .grade({ problemId: 'horse-or-human', files: [fixtureFile('06_horse_human_cnn_150x150_A2_k2.7.h5')] }, { onProgress: (p) => stages.push(p.stage) })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelRejectedError);
      expect(error).toMatchObject({ code: 'timeout', memberMessage: expect.stringMatching(/^Grading took longer than 0\.5 s, the limit per model/) });
      // Stopped at the limit, not after the evaluation ran to its end.
      expect(stages).toContain('importing');
      expect(stages).not.toContain('scoring');
      // The next grade is not a race against that short limit.
      const next = await grader.grade({ problemId: 'linear-a', files: [fixtureFile('01_dense_regression_A1_k2.5.h5')] }, { timeoutMs: 120_000 });
      expect(next.points).toBe(5);
    } finally {
      await grader.close();
    }
  });

  it('a model that exhausts the worker heap gets a specific error and the worker is replaced', async () => {
    // A .keras whose config lists 200,000 Dense layers: building them needs far more than 128 MB of heap.
    const parts = unzipSync(readFileSync(path.join(fixtures, '14_mnist_dense_keras3.8_same_weights_as_13.keras')));
    const layers: unknown[] = [{ class_name: 'InputLayer', config: { batch_shape: [null, 1], dtype: 'float32', name: 'input' } }];
    for (let i = 0; i < 200_000; i++) layers.push({ class_name: 'Dense', config: { name: `dense_${i}`, units: 1, activation: 'linear' } });
    const config = { class_name: 'Sequential', config: { name: 'huge', layers } };
    const bytes = zipSync({ ...parts, 'config.json': strToU8(JSON.stringify(config)) });

    const grader = createGrader({ catalog: problemCatalog, dataDir, workers: 1, workerMemoryMb: 128 });
    try {
      const error = await grader.grade({ problemId: 'linear-a', files: [{ name: 'huge.keras', bytes }] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelRejectedError);
      expect(error).toMatchObject({
        code: 'out-of-memory',
        memberMessage: expect.stringMatching(/^The model used more memory than the grader allows \(128 MB\)/),
      });
      const next = await grader.grade({ problemId: 'linear-a', files: [fixtureFile('01_dense_regression_A1_k2.5.h5')] });
      expect(next.points).toBe(5);
    } finally {
      await grader.close();
    }
  });

  it('refuses to grade after close', async () => {
    const grader = createGrader({ catalog: problemCatalog, dataDir, workers: 1 });
    await grader.close();
    await expect(grader.grade({ problemId: 'linear-a', files: [fixtureFile('01_dense_regression_A1_k2.5.h5')] })).rejects.toThrow('The grader is closed');
  });
});
