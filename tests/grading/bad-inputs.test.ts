// The bad-input corpus (tests/support/bad-input-corpus.ts) through the real grader (worker pool,
// limits): each upload is refused with its code and message, without crashing the grader. After
// the whole corpus the same grader still grades a good model.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemCatalog } from '../../problems/index.ts';
import { ModelRejectedError } from '../../src/grading/errors.ts';
import { createGrader, type Grader } from '../../src/grading/grader.ts';
import { badInputCorpus, h5, linearH5, mnistCnn, tfjsLayersModel, type BadInput } from '../support/bad-input-corpus.ts';
import { testDataPath } from '../support/test-data/locate.ts';

let tempDir: string;
let grader: Grader;
// Built when the file loads (the tests are named after it); files on disk are made only when an entry is requested.
const corpusDir = path.join(tmpdir(), `tfsb-bad-inputs-${process.pid}`);
const corpus: BadInput[] = badInputCorpus(corpusDir);

beforeAll(async () => {
  tempDir = await mkdtemp(path.join(tmpdir(), 'tfsb-bad-inputs-'));
  await mkdir(corpusDir, { recursive: true });
  grader = createGrader({ catalog: problemCatalog, dataDir: path.join(tempDir, 'data'), datasetMirror: testDataPath('datasets'), workers: 2 });
});

afterAll(async () => {
  await grader?.close();
  await rm(tempDir, { recursive: true, force: true });
  await rm(corpusDir, { recursive: true, force: true });
});

describe('bad-input corpus', () => {
  it('has at least 25 distinct kinds', () => {
    expect(new Set(corpus.map((entry) => entry.kind)).size).toBe(corpus.length);
    expect(corpus.length).toBeGreaterThanOrEqual(25);
  });

  for (const entry of corpus) {
    it(`${entry.kind}: refused as ${entry.code}`, async () => {
      const files = await entry.request();
      const error = await grader.grade({ problemId: entry.problemId, files }).then(
        (result) => new Error(`graded instead of refused: ${JSON.stringify({ points: result.points, value: result.value })}`),
        (rejection: unknown) => rejection,
      );
      expect(error).toBeInstanceOf(ModelRejectedError);
      const rejected = error as ModelRejectedError;
      expect({ code: rejected.code, message: rejected.memberMessage }).toMatchObject({ code: entry.code, message: expect.stringMatching(entry.message) });
    });
  }

  it('an HDF5 file cut anywhere is refused, never graded (55 cut points over a whole real file)', async () => {
    const bytes = linearH5();
    const cuts = [8, 9, 11, 12, 13, 14, 20, 40, 56, 64, 96];
    for (let cut = 128; cut < bytes.length; cut += 331) cuts.push(cut);
    cuts.push(bytes.length - 1);
    const outcomes = await Promise.all(
      cuts.map((cut) =>
        grader.grade({ problemId: 'linear-a', files: h5('model.h5', bytes.subarray(0, cut)) }).then(
          () => ({ cut, code: 'graded', message: '' }),
          (error: unknown) => ({ cut, code: (error as ModelRejectedError).code ?? 'not-refused', message: (error as Error).message }),
        ),
      ),
    );
    expect(outcomes).toHaveLength(55);
    for (const outcome of outcomes) {
      expect({ cut: outcome.cut, code: outcome.code }).toEqual({ cut: outcome.cut, code: 'truncated-hdf5' });
    }
    for (const outcome of outcomes.filter((o) => o.cut < 56)) {
      expect(outcome.message).toContain(`only ${outcome.cut} bytes arrived, not even a whole HDF5 header`);
    }
    for (const outcome of outcomes.filter((o) => o.cut >= 56)) {
      expect(outcome.message).toMatch(new RegExp(`the file says it is 14,232 bytes long but only ${outcome.cut.toLocaleString('en-US')} bytes arrived`));
    }
  });

  it('a model slower than the time limit is stopped with a timeout, and the grader goes on', async () => {
    // One worker, so the next grade runs on the worker that replaced the stopped one. Only the slow
    // grade has the short limit: the next one is not a race against the clock.
    const slow = createGrader({ catalog: problemCatalog, dataDir: path.join(tempDir, 'data'), datasetMirror: testDataPath('datasets'), workers: 1 });
    try {
      const error = await slow.grade({ problemId: 'mnist', files: h5('model.h5', mnistCnn()) }, { timeoutMs: 300 }).catch((rejection: unknown) => rejection);
      expect(error).toBeInstanceOf(ModelRejectedError);
      expect((error as ModelRejectedError).code).toBe('timeout');
      expect((error as ModelRejectedError).memberMessage).toMatch(/Grading took longer than 0\.3 s, the limit per model/);
      const next = await slow.grade({ problemId: 'linear-a', files: h5('model.h5', linearH5()) });
      expect(next.points).toBe(5);
    } finally {
      await slow.close();
    }
  });

  it('after the whole corpus the grader still grades a good model', async () => {
    const result = await grader.grade({ problemId: 'linear-a', files: h5('model.h5', linearH5()) });
    expect(result.points).toBe(5);
    expect(result.value).toBeCloseTo(8.24e-5, 6);
  });

  it('a TF.js Layers model uploaded as model.json plus its shard grades', async () => {
    const { modelJson, shard } = await tfjsLayersModel(1, 9);
    const result = await grader.grade({
      problemId: 'linear-a',
      files: [
        { name: 'model.json', bytes: modelJson },
        { name: 'group1-shard1of1.bin', bytes: shard },
      ],
    });
    expect(result.format).toBe('tfjs-layers');
    expect(result.points).toBe(5);
    expect(result.value).toBe(0);
  });
});
