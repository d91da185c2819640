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
