// Every problem's baselines: recomputed from its evaluation data they equal the generated
// problems/<id>/baselines.ts, and the baseline models, built in tfjs with set weights and graded by
// the real grader, score what the table promises (the constant model 0, the naive forecast 4).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemCatalog } from '../../problems/index.ts';
import { loadEvaluationSet } from '../../src/datasets/evaluation-sets.ts';
import { BASELINE_MAX_POINTS, computeBaselines } from '../../src/grading/baselines.ts';
import { createGrader, type Grader } from '../../src/grading/grader.ts';
import { savedTfjsModel } from '../support/bad-input-corpus.ts';
import { baselineModels } from '../support/baseline-models.ts';
import { testDataPath } from '../support/test-data/locate.ts';

const mirror = testDataPath('datasets');
let dataDir: string;
let grader: Grader;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'tfsb-baselines-'));
  grader = createGrader({ catalog: problemCatalog, dataDir, datasetMirror: mirror, workers: 1 });
});

afterAll(async () => {
  await grader?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe.each(problemCatalog.map((problem) => [problem.id, problem] as const))('%s', (_id, problem) => {
  it('has the baselines its evaluation data gives (npm run problems:generate writes them)', async () => {
    const set = await loadEvaluationSet(problem, { dataDir, mirror });
    expect(computeBaselines(problem, set)).toEqual(problem.baselines);
  });

  it('gives the baseline models built in code the points the table promises, and shows the baselines', async () => {
    const set = await loadEvaluationSet(problem, { dataDir, mirror });
    const models = await baselineModels(problem, set);
    expect(models.map((model) => model.id).sort()).toEqual(Object.keys(problem.baselines).sort());
    for (const model of models) {
      const result = await grader.grade({ problemId: problem.id, files: model.files });
      const expected = problem.baselines[model.id]!;
      // Same data, same model: the grader measures what the baseline computation says (float32 outputs).
      expect(result.value, model.id).toBeCloseTo(expected.value, 5);
      expect(result.points, model.id).toBe(BASELINE_MAX_POINTS[model.id]);
      expect(result.baselines.map((baseline) => baseline.id)).toEqual(problem.baselines.naive ? ['naive', 'constant'] : ['constant']);
    }
  });
});

describe('a time-series model on the flat window', () => {
  it('is graded: the Dense model the tips build, (None, 30), is fed the window without its feature axis', async () => {
    const problem = problemCatalog.find((p) => p.id === 'sunspots')!;
    const window = 30;
    const { modelJson, shard } = await savedTfjsModel((tf) => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [window] })] });
      model.setWeights([tf.tensor2d(Array.from({ length: window }, (_, i) => (i === window - 1 ? 1 : 0)), [window, 1]), tf.tensor1d([0])]);
      return model;
    });
    const result = await grader.grade({
      problemId: problem.id,
      files: [
        { name: 'model.json', bytes: modelJson },
        { name: 'group1-shard1of1.bin', bytes: shard },
      ],
    });
    expect(result.model.inputShape).toEqual([null, window]);
    expect(result.notes).toContain('fed as (None, 30) instead of (None, 30, 1)');
    // It is the naive forecast, so it scores what the naive forecast scores.
    expect(result.value).toBeCloseTo(problem.baselines.naive!.value, 5);
    expect(result.points).toBe(4);
  });
});

describe('an image model that rescales pixels the grader already scaled', () => {
  async function horseModel(rescaling?: { scale: number; offset?: number }) {
    const { modelJson, shard } = await savedTfjsModel((tf) => {
      const layers = [
        ...(rescaling ? [tf.layers.rescaling({ ...rescaling, inputShape: [150, 150, 3] })] : []),
        tf.layers.globalAveragePooling2d(rescaling ? {} : { inputShape: [150, 150, 3] }),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ];
      const model = tf.sequential({ layers });
      // Answers "horses" whatever it sees: what a model trained on 0-255 pixels does with values near 0.
      model.setWeights([tf.zeros([3, 2]), tf.tensor1d([5, 0])]);
      return model;
    });
    return [
      { name: 'model.json', bytes: modelJson },
      { name: 'group1-shard1of1.bin', bytes: shard },
    ];
  }

  it('is told why it scores like a constant and what to change', async () => {
    const result = await grader.grade({ problemId: 'horse-or-human', files: await horseModel({ scale: 1 / 255 }) });
    expect(result.points).toBe(0);
    expect(result.message).toContain('begins with Rescaling(0.00392), but the grader already feeds pixels divided by 255');
    expect(result.message).toContain('save the model without that layer');
  });

  it('with an offset (MobileNet\'s [-1, 1]), is told the Rescaling that maps 0-1 pixels to the same range', async () => {
    const result = await grader.grade({ problemId: 'horse-or-human', files: await horseModel({ scale: 1 / 127.5, offset: -1 }) });
    expect(result.message).toContain('begins with Rescaling(0.00784, offset=-1)');
    expect(result.message).toContain('Replace it with Rescaling(2, offset=-1)');
    expect(result.message).not.toContain('without that layer');
  });

  it('says nothing about Rescaling to a constant model without one', async () => {
    const result = await grader.grade({ problemId: 'horse-or-human', files: await horseModel() });
    expect(result.points).toBe(0);
    expect(result.message).toBeUndefined();
  });
});
