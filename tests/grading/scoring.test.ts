import { describe, expect, it } from 'vitest';
import { requireProblem } from '../../problems/index.ts';
import type { ProblemBaselines, ScoringRule } from '../../src/grading/problem-types.ts';
import { formatMetric, hintFor, pointMarks, pointsFor, thresholdTable } from '../../src/grading/scoring.ts';

const noBaselines: ProblemBaselines = { constant: { value: 0, answer: '0' } };
const tableFor = (scoring: ScoringRule, baselines: ProblemBaselines = noBaselines) => thresholdTable({ scoring, baselines });

describe('MSE: 5 at or under full marks, one point less per factor of 10', () => {
  const table = tableFor({ kind: 'mse-decades', fullMarks: 1e-4 });

  it('lists the bounds and scores on them', () => {
    expect(table.rows).toEqual([
      { points: 5, value: 1e-4 },
      { points: 4, value: 1e-3 },
      { points: 3, value: 1e-2 },
      { points: 2, value: 0.1 },
      { points: 1, value: 1 },
    ]);
    for (const [value, points] of [[0, 5], [1e-4, 5], [1.01e-4, 4], [1e-3, 4], [1.1e-3, 3], [1e-2, 3], [0.1, 2], [1, 1], [1.5, 0]] as const) {
      expect(pointsFor(table, value), `MSE ${value}`).toBe(points);
    }
  });

  it('decides on the value as shown, to 3 significant digits', () => {
    // Shown as 1.00e-4, the 5-point bound: 5 points, not the 4 a comparison of the raw value gives.
    expect(pointsFor(table, 1.0004e-4)).toBe(5);
    expect(pointsFor(table, 1.006e-4)).toBe(4);
  });

  it('scores NaN, infinity and negative values 0', () => {
    expect(pointsFor(table, Number.NaN)).toBe(0);
    expect(pointsFor(table, Number.POSITIVE_INFINITY)).toBe(0);
    expect(pointsFor(table, -1)).toBe(0);
  });
});

describe('accuracy: 5 at or over full marks, one point less per step below', () => {
  it('MNIST: 5 at 98.5%, then one point per 0.5%', () => {
    const table = thresholdTable(requireProblem('mnist'));
    expect(table.rows.map((row) => row.value)).toEqual([0.985, 0.98, 0.975, 0.97, 0.965]);
    for (const [value, points] of [[0.9999, 5], [0.985, 5], [0.9849, 4], [0.98, 4], [0.975, 3], [0.9701, 2], [0.965, 1], [0.9649, 0], [0.91, 0]] as const) {
      expect(pointsFor(table, value), `accuracy ${value}`).toBe(points);
    }
  });

  it('keeps the 0.03 steps of horse-or-human and bbc-news, the higher point exactly on a step', () => {
    const bbc = thresholdTable(requireProblem('bbc-news'));
    expect(bbc.rows.map((row) => row.value)).toEqual([0.91, 0.88, 0.85, 0.82, 0.79]);
    // (0.91 - 0.88) / 0.03 is 1.0000000000000018 in binary floating point; the bound is still 0.88.
    expect(pointsFor(bbc, 0.88)).toBe(4);
    expect(pointsFor(bbc, 0.7899)).toBe(0);
    const horses = thresholdTable(requireProblem('horse-or-human'));
    // 212 of 256 is 82.81% as shown: under 83.00%, so 4 points.
    expect(pointsFor(horses, 212 / 256)).toBe(4);
    expect(pointsFor(horses, 213 / 256)).toBe(5);
    expect(pointsFor(horses, 0.5)).toBe(0);
  });
});

describe('time series: the MAE as a ratio of the naive forecast\'s MAE', () => {
  const naive = 0.040522778033063644;
  const table = tableFor({ kind: 'mae-vs-naive', ratios: [0.95, 1.0, 1.15, 1.3, 1.45] }, { constant: { value: 0.1268, answer: '0.209' }, naive: { value: naive, answer: 'last' } });

  it('derives the bounds from the naive MAE, rounded to 4 decimals', () => {
    expect(table.rows).toEqual([
      { points: 5, value: 0.0385 },
      { points: 4, value: 0.0405 },
      { points: 3, value: 0.0466 },
      { points: 2, value: 0.0527 },
      { points: 1, value: 0.0588 },
    ]);
    expect(table.rule).toContain('5 at ≤ 0.95, 4 at ≤ 1.00, 3 at ≤ 1.15, 2 at ≤ 1.30, 1 at ≤ 1.45');
  });

  it('gives the naive forecast itself 4 points and the training mean 0', () => {
    expect(pointsFor(table, naive)).toBe(4);
    expect(pointsFor(table, 0.1268)).toBe(0);
    expect(pointsFor(table, naive * 0.95)).toBe(5);
    expect(pointsFor(table, 0.03)).toBe(5);
  });

  it('never contradicts what the member sees: 0.03854 shows as 0.0385, the 5-point bound', () => {
    expect(formatMetric('mae', 0.03854)).toBe('0.0385');
    expect(pointsFor(table, 0.03854)).toBe(5);
    expect(formatMetric('mae', 0.03856)).toBe('0.0386');
    expect(pointsFor(table, 0.03856)).toBe(4);
  });

  it('refuses to build a table without the naive baseline', () => {
    expect(() => tableFor({ kind: 'mae-vs-naive', ratios: [0.95, 1.0, 1.15, 1.3, 1.45] })).toThrow(/naive/);
  });
});

describe('hints use the table\'s bounds', () => {
  const table = thresholdTable(requireProblem('sunspots'));

  it('says what the next point needs, and never that a 4-point model meets full marks', () => {
    const four = table.rows[1].value;
    const hint = hintFor(table, four, pointsFor(table, four));
    expect(pointsFor(table, four)).toBe(4);
    expect(hint).toBe(`MAE ${four.toFixed(4)}: get it to ${table.rows[0].value.toFixed(4)} or lower for 5 points; full marks at ${table.rows[0].value.toFixed(4)} or lower.`);
    expect(hintFor(table, table.rows[0].value, 5)).toBe(`Full marks: MAE ${table.rows[0].value.toFixed(4)} is within the 5-point bound ≤ ${table.rows[0].value.toFixed(4)}.`);
  });

  it('counts the samples an accuracy needs', () => {
    const mnist = thresholdTable(requireProblem('mnist'));
    expect(hintFor(mnist, 0.9712, 2, 10000)).toBe('accuracy 97.12%: reach 97.50% (38 more correct of 10000) for 3 points; full marks at 98.50%.');
    expect(hintFor(mnist, Number.NaN, 0)).toMatch(/NaN/);
  });
});

describe('result display', () => {
  it('writes a metric value one way for every display: percent, MSE in exponent only when tiny or huge, MAE to 4 places', () => {
    expect(formatMetric('accuracy', 0.9888)).toBe('98.88%');
    expect(formatMetric('mse', 8.24e-5)).toBe('8.24e-5');
    expect(formatMetric('mse', 2.5e-3)).toBe('0.00250');
    expect(formatMetric('mse', 0)).toBe('0.00');
    expect(formatMetric('mae', 0.123456)).toBe('0.1235');
    // A result's value is null when the model's outputs were not finite.
    expect(formatMetric('mae', null)).toBe('not finite');
    expect(formatMetric('accuracy', Number.NaN)).toBe('not finite');
  });

  it('draws points as filled and empty marks with the count', () => {
    expect(pointMarks(4)).toBe('●●●●○ 4/5');
    expect(pointMarks(0)).toBe('○○○○○ 0/5');
    expect(pointMarks(5, 5)).toBe('●●●●● 5/5');
  });
});
