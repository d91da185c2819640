import { describe, expect, it } from 'vitest';
import { accuracyPoints, boundaryFor, formatMetric, hintFor, maePoints, msePoints, pointMarks, pointTable, pointsFor } from '../../src/grading/scoring.ts';

describe('msePoints', () => {
  it('gives 5 at or under the threshold and one point less per factor of 10', () => {
    expect(msePoints(0, 1e-4)).toBe(5);
    expect(msePoints(1e-4, 1e-4)).toBe(5);
    expect(msePoints(1.01e-4, 1e-4)).toBe(4);
    expect(msePoints(1e-3, 1e-4)).toBe(4);
    expect(msePoints(1.1e-3, 1e-4)).toBe(3);
    expect(msePoints(1e-2, 1e-4)).toBe(3);
    expect(msePoints(0.1, 1e-4)).toBe(2);
    expect(msePoints(1, 1e-4)).toBe(1);
    expect(msePoints(1.5, 1e-4)).toBe(0);
    expect(msePoints(0.003, 1e-3)).toBe(4);
  });

  it('scores NaN and infinity 0', () => {
    expect(msePoints(Number.NaN, 1e-4)).toBe(0);
    expect(msePoints(Number.POSITIVE_INFINITY, 1e-4)).toBe(0);
  });
});

describe('accuracyPoints', () => {
  it('keeps the higher point for a value exactly on a step despite floating point', () => {
    // (0.91 - 0.88) / 0.03 is 1.0000000000000018 in binary floating point.
    expect(accuracyPoints(0.88, 0.91)).toBe(4);
    expect(accuracyPoints(0.85, 0.91)).toBe(3);
    expect(accuracyPoints(0.82, 0.91)).toBe(2);
    expect(accuracyPoints(0.8, 0.83)).toBe(4);
  });

  it('steps by 0.03 below the threshold', () => {
    expect(accuracyPoints(0.91, 0.91)).toBe(5);
    expect(accuracyPoints(0.99, 0.91)).toBe(5);
    expect(accuracyPoints(0.9099, 0.91)).toBe(4);
    expect(accuracyPoints(0.8799, 0.91)).toBe(3);
    expect(accuracyPoints(0.79, 0.91)).toBe(1);
    expect(accuracyPoints(0.7899, 0.91)).toBe(0);
    expect(accuracyPoints(0.5, 0.83)).toBe(0);
    expect(accuracyPoints(Number.NaN, 0.91)).toBe(0);
  });
});

describe('maePoints', () => {
  it('follows clamp(ceil(5 - 100 (MAE - t)), 0, 5) between steps', () => {
    expect(maePoints(0.1, 0.15)).toBe(5);
    expect(maePoints(0.15, 0.15)).toBe(5);
    expect(maePoints(0.155, 0.15)).toBe(5);
    expect(maePoints(0.165, 0.15)).toBe(4);
    expect(maePoints(0.175, 0.15)).toBe(3);
    expect(maePoints(0.195, 0.15)).toBe(1);
    expect(maePoints(0.205, 0.15)).toBe(0);
    expect(maePoints(1, 0.15)).toBe(0);
  });

  it('keeps 5 at exactly t + 0.01 and the higher point on every step', () => {
    expect(maePoints(0.16, 0.15)).toBe(5);
    expect(maePoints(0.13, 0.12)).toBe(5);
    expect(maePoints(0.2, 0.19)).toBe(5);
    expect(maePoints(0.21, 0.2)).toBe(5);
    expect(maePoints(0.17, 0.15)).toBe(4);
    expect(maePoints(0.14, 0.12)).toBe(4);
  });

  it('matches the exam formula min(5, ceil(17 - 100 MAE)) for t = 0.12 off the steps', () => {
    for (const mae of [0.05, 0.121, 0.1299, 0.1301, 0.1405, 0.163, 0.1687]) {
      expect(maePoints(mae, 0.12)).toBe(Math.max(0, Math.min(5, Math.ceil(17 - 100 * mae))));
    }
  });

  it('scores NaN 0', () => {
    expect(maePoints(Number.NaN, 0.15)).toBe(0);
    expect(pointsFor({ kind: 'mae', threshold: 0.15 }, Number.NaN)).toBe(0);
  });
});

describe('boundaries and hints', () => {
  it('lists the value needed for each point', () => {
    expect(pointTable({ kind: 'accuracy', threshold: 0.91 }).map((row) => row.value)).toEqual([0.91, 0.88, 0.85, 0.82, 0.79]);
    expect(pointTable({ kind: 'mae', threshold: 0.15 }).map((row) => row.value)).toEqual([0.16, 0.17, 0.18, 0.19, 0.2]);
    expect(boundaryFor({ kind: 'mse', threshold: 1e-4 }, 3)).toBeCloseTo(1e-2, 12);
    for (const metric of [
      { kind: 'accuracy', threshold: 0.83 },
      { kind: 'mae', threshold: 0.19 },
      { kind: 'mse', threshold: 1e-3 },
    ] as const) {
      for (let points = 1; points <= 5; points++) expect(pointsFor(metric, boundaryFor(metric, points))).toBe(points);
    }
  });

  it('says what the next point needs', () => {
    expect(hintFor({ kind: 'accuracy', threshold: 0.91 }, 0.87, 3, 10000)).toBe(
      'accuracy 87.00%: reach 88.00% (100 more correct of 10000) for 4 points; full marks at 91.00%.',
    );
    expect(hintFor({ kind: 'mae', threshold: 0.15 }, 0.175, 3)).toContain('0.1700 or lower for 4 points');
    expect(hintFor({ kind: 'mse', threshold: 1e-4 }, 5e-5, 5)).toMatch(/^Full marks/);
    expect(hintFor({ kind: 'mse', threshold: 1e-4 }, Number.NaN, 0)).toMatch(/NaN/);
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
