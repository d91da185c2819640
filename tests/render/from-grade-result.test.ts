import { describe, expect, it } from 'vitest';
import type { GradeResult } from '../../src/grading/grader.ts';
import { CHART_HEIGHT, CHART_WIDTH, gradeChartSvg, renderGradeChart } from '../../src/render/index.ts';
import { gradeSubtitle } from '../../src/render/from-grade-result.ts';
import { expectPicture } from './png-checks.ts';

const residuals = { count: 3, mean: 0.1, meanAbs: 0.1, rmse: 0.1, maxAbs: 0.2, p50Abs: 0.1, p90Abs: 0.2, p99Abs: 0.2 };

function result(overrides: Partial<GradeResult>): GradeResult {
  return {
    problem: 'mnist',
    problemTitle: 'Computer vision: MNIST digits',
    points: 5,
    maxPoints: 5,
    metric: 'accuracy',
    metricName: 'accuracy',
    value: 0.975,
    thresholds: [{ points: 5, value: 0.91 }],
    baselines: [],
    sampleCount: 10000,
    backend: 'wasm',
    format: 'keras-h5',
    model: { inputShape: [null, 28, 28, 1], outputShape: [null, 10], inputDtype: 'float32', paramCount: 1000, layerCount: 3 },
    timings: { queuedMs: 0, preparationMs: 0, importMs: 0, evaluateMs: 0, totalMs: 0 },
    details: { kind: 'non-finite', nonFiniteCount: 1, firstNonFiniteIndex: 0 },
    hint: '',
    notes: [],
    ...overrides,
  };
}

describe('picture for a grade result', () => {
  it('classification: a confusion matrix from the details, with the metric in the subtitle', async () => {
    const graded = result({
      details: {
        kind: 'classification',
        classNames: ['horses', 'humans'],
        perClass: [],
        confusionMatrix: [[120, 8], [3, 125]],
        unassignedPredictions: 2,
        decisionRule: 'humans when > 0.5',
      },
    });
    const picture = gradeChartSvg(graded);
    expect(picture?.name).toBe('mnist-confusion-matrix.png');
    expect(picture?.svg).toContain('>120<');
    expect(gradeSubtitle(graded)).toBe('accuracy 97.50% (full marks at ≥ 91.00%) · 5/5 points · 10000 samples · 2 predictions named no class');
    const rendered = await renderGradeChart(graded);
    expectPicture(rendered!.png, CHART_WIDTH, CHART_HEIGHT);
  });

  it('time series: forecast against actual from the chart, starting at the split time', async () => {
    const actual = Array.from({ length: 300 }, (_, i) => Math.sin(i / 20));
    const graded = result({
      problem: 'sunspots',
      problemTitle: 'Time series: sunspots',
      metric: 'mae',
      metricName: 'MAE',
      value: 0.04,
      thresholds: [{ points: 5, value: 0.05 }],
      details: { kind: 'time-series', residuals },
      chart: { kind: 'time-series', start: 3000, actual, forecast: actual.map((v) => v + 0.02) },
    });
    const picture = gradeChartSvg(graded);
    expect(picture?.name).toBe('sunspots-forecast.png');
    expect(picture?.svg).toContain('>3000<');
    expect(picture?.svg).toContain('MAE 0.0400 (full marks at ≤ 0.0500)');
    expectPicture((await renderGradeChart(graded))!.png, CHART_WIDTH, CHART_HEIGHT);
  });

  it('regression: predictions against the line', async () => {
    const graded = result({
      problem: 'linear-a',
      problemTitle: 'Basic model',
      metric: 'mse',
      metricName: 'MSE',
      value: 0.5,
      thresholds: [{ points: 5, value: 0.001 }],
      details: { kind: 'regression', residuals },
      chart: { kind: 'regression', points: [0, 1, 2, 3].map((x) => ({ x, expected: 2 * x, predicted: 2 * x + 0.5 })) },
    });
    const rendered = await renderGradeChart(graded);
    expect(rendered?.name).toBe('linear-a-predictions.png');
    expectPicture(rendered!.png, CHART_WIDTH, CHART_HEIGHT);
  });

  it('nothing to draw for non-finite outputs or a result without chart data', async () => {
    expect(await renderGradeChart(result({ value: null }))).toBeUndefined();
    expect(await renderGradeChart(result({ metric: 'mae', details: { kind: 'time-series', residuals } }))).toBeUndefined();
  });
});
