import { describe, expect, it } from 'vitest';
import { resultMessage } from '../../src/bot/ui/grade-messages.ts';
import type { GradeResult } from '../../src/grading/grader.ts';
import { requireProblem } from '../../problems/index.ts';
import { baselineScores } from '../../src/grading/baselines.ts';
import { hintFor, thresholdTable } from '../../src/grading/scoring.ts';
import type { Submission } from '../../src/submissions/submission-service.ts';

const table = thresholdTable(requireProblem('linear-a'));
const value = 2.5e-3;

const graded: GradeResult = {
  problem: 'linear-a',
  problemTitle: 'Basic model: Y = X + 9',
  points: 3,
  maxPoints: 5,
  metric: 'mse',
  metricName: 'MSE',
  value,
  thresholds: table.rows,
  baselines: baselineScores(requireProblem('linear-a'), table),
  sampleCount: 11,
  backend: 'wasm',
  format: 'keras2-h5',
  model: { inputShape: [null, 1], outputShape: [null, 1], inputDtype: 'float32', paramCount: 2, layerCount: 1 },
  timings: { queuedMs: 0, preparationMs: 0, importMs: 10, evaluateMs: 5, totalMs: 15 },
  details: { kind: 'regression', residuals: { count: 11, mean: 0, meanAbs: 0.05, rmse: 0.05, maxAbs: 0.05, p50Abs: 0.05, p90Abs: 0.05, p99Abs: 0.05 } },
  hint: hintFor(table, value, 3),
  notes: [],
};

// The reply reads only the file name and the week of its submission.
const submission = { fileName: 'model.h5', week: '2026-W10' } as Submission;

describe('the /grade result message', () => {
  it('shows points as marks and writes every metric value the way its hint line does', async () => {
    const embed = (await resultMessage(submission, graded)).embeds[0].toJSON();
    expect(embed.title).toBe('Basic model: Y = X + 9: ●●●○○ 3/5');
    expect(embed.description).toContain('**MSE**: 0.00250 on 11 held-out samples');
    // The member's value next to what a model that learned nothing scores on the same data.
    expect(embed.description).toContain('6,282× lower MSE than always the training mean (9.5) at 15.7');
    expect(embed.fields?.find((field) => field.name === 'Baselines')?.value).toBe('always the training mean (9.5): 15.7 (0 pts)');
    const points = embed.fields?.find((field) => field.name === 'Points')?.value;
    expect(points?.split('\n')).toEqual(['5 pts: ≤ 1.00e-4', '4 pts: ≤ 0.00100', '**3 pts: ≤ 0.0100**', '2 pts: ≤ 0.100', '1 pts: ≤ 1.00']);
    expect(embed.fields?.find((field) => field.name === 'Next point')?.value).toBe('MSE 0.00250: get it to 0.00100 or lower for 4 points; full marks at 1.00e-4 or lower.');
  });
});
