import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  confusionMatrixSvg,
  forecastSvg,
  regressionSvg,
  renderConfusionMatrix,
  renderForecast,
  renderRegression,
  svgToPng,
} from '../../src/render/index.ts';
import { expectPicture, isBlue, isOrange } from './png-checks.ts';

/** Number of subpaths (M commands) and points of the path with this stroke colour. */
function pathStats(svg: string, stroke: string): { subpaths: number; points: number } {
  const match = new RegExp(`<path d="([^"]*)" fill="none" stroke="${stroke}"`).exec(svg);
  if (!match) return { subpaths: 0, points: 0 };
  return { subpaths: (match[1].match(/M/g) ?? []).length, points: (match[1].match(/[ML]/g) ?? []).length };
}

const BLUE = '#2563eb';
const ORANGE = '#ea580c';

function wave(count: number, phase = 0): number[] {
  return Array.from({ length: count }, (_, i) => 0.5 + 0.3 * Math.sin(i / 25 + phase) + 0.05 * Math.sin(i * 1.3));
}

describe('confusion matrix', () => {
  const digits = Array.from({ length: 10 }, (_, i) => String(i));
  const matrix10 = digits.map((_, r) => digits.map((_, c) => (r === c ? 980 : (r + c) % 4)));

  it('draws a readable 10 x 10 matrix: counts in cells, recall and accuracy beside it', async () => {
    const svg = confusionMatrixSvg({ title: 'MNIST digits', subtitle: 'accuracy 97%', classNames: digits, matrix: matrix10 });
    expect(svg.match(/>980</g)).toHaveLength(10);
    const total = matrix10.flat().reduce((a, b) => a + b, 0);
    expect(svg).toContain(`>${((9800 / total) * 100).toFixed(1)}%<`);
    expect(svg).toContain('>Predicted class<');
    expect(svg).toContain('>Actual class<');
    const picture = expectPicture(await renderConfusionMatrix({ title: 'MNIST digits', classNames: digits, matrix: matrix10 }), CHART_WIDTH, CHART_HEIGHT);
    expect(picture.count(isBlue)).toBeGreaterThan(5000);
    expect(picture.count(isOrange)).toBeGreaterThan(500);
  });

  it('colours by share of the row: a class with few samples still shows a dark diagonal', async () => {
    const svg = confusionMatrixSvg({ title: 't', classNames: ['big', 'small'], matrix: [[900, 100], [1, 9]] });
    const fills = [...svg.matchAll(/<rect class="cell"[^>]* fill="(#[0-9a-f]{6})"/g)].map((m) => m[1]);
    expect(fills).toHaveLength(4);
    // Cells in row order: [0][0], [0][1], [1][0], [1][1]; in both rows 90% right and 10% wrong.
    expect(fills[0]).toBe(fills[3]);
    expect(fills[1]).toBe(fills[2]);
    expect(fills[0]).not.toBe(fills[1]);
  });

  it('handles a single class, an empty row and NaN counts', async () => {
    const single = confusionMatrixSvg({ title: 'one class', classNames: ['only'], matrix: [[42]] });
    expect(single).toContain('>42<');
    expect(single).toContain('>100%<');
    expectPicture(await renderConfusionMatrix({ title: 'one class', classNames: ['only'], matrix: [[42]] }), CHART_WIDTH, CHART_HEIGHT);

    const emptyRow = confusionMatrixSvg({ title: 'empty row', classNames: ['a', 'b', 'c'], matrix: [[5, 1, 0], [0, 0, 0], [NaN, 2, 7]] });
    expect(emptyRow).toContain('>–<'); // recall of the class without samples
    expect(emptyRow).not.toContain('NaN');
    expect(() => new Resvg(emptyRow)).not.toThrow();
  });

  it('shows a message for zero classes', async () => {
    const svg = confusionMatrixSvg({ title: 'nothing', classNames: [], matrix: [] });
    expect(svg).toContain('No classes to show');
    expectPicture(await renderConfusionMatrix({ title: 'nothing', classNames: [], matrix: [] }), CHART_WIDTH, CHART_HEIGHT);
  });

  it('refuses a matrix that does not match the class names, saying how', async () => {
    expect(() => confusionMatrixSvg({ title: 't', classNames: ['a', 'b'], matrix: [[1, 2]] })).toThrow(/1 rows but there are 2 class names/);
    expect(() => confusionMatrixSvg({ title: 't', classNames: ['a', 'b'], matrix: [[1, 2], [3]] })).toThrow(/Row 1 .* has 1 cells; expected 2/);
    expect(() => confusionMatrixSvg({ title: 't', classNames: ['a'], matrix: [[-1]] })).toThrow(/negative/);
  });

  it('escapes and cuts long class names', async () => {
    const names = ['<b>bold</b> & co', 'an extraordinarily long class name that cannot fit anywhere at all'];
    const svg = confusionMatrixSvg({ title: 'names', classNames: names, matrix: [[3, 1], [2, 4]] });
    expect(svg).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; co');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('…');
    expect(() => new Resvg(svg)).not.toThrow();
  });
});

describe('forecast against actual', () => {
  it('draws both series of a 1150-step forecast, downsampled to about 1000 points each', async () => {
    const actual = wave(1150);
    const forecast = wave(1150, 0.2);
    const svg = forecastSvg({ title: 'Sunspots', actual, forecast, startIndex: 3000 });
    const blue = pathStats(svg, BLUE);
    expect(blue.subpaths).toBe(1);
    expect(blue.points).toBeGreaterThan(500);
    expect(blue.points).toBeLessThanOrEqual(1000);
    expect(pathStats(svg, ORANGE).points).toBeLessThanOrEqual(1000);
    // x ticks start at the split time.
    expect(svg).toContain('>3000<');
    expect(svg).toContain('>Actual<');
    expect(svg).toContain('>Forecast<');
    const picture = expectPicture(await renderForecast({ title: 'Sunspots', actual, forecast, startIndex: 3000 }), CHART_WIDTH, CHART_HEIGHT);
    expect(picture.count(isBlue)).toBeGreaterThan(500);
    expect(picture.count(isOrange)).toBeGreaterThan(500);
  });

  it('keeps every point of a short series and the spikes of a long one', async () => {
    const short = wave(235);
    expect(pathStats(forecastSvg({ title: 't', actual: short, forecast: short }), BLUE).points).toBe(235);
    const long = new Array<number>(5000).fill(0);
    long[2345] = 10; // one spike among 5000 values must survive downsampling
    const svg = forecastSvg({ title: 't', actual: long, forecast: [] });
    expect(svg).toContain('>10<'); // the y axis reaches the spike
  });

  it('leaves gaps at NaN values instead of failing', async () => {
    const actual = wave(300);
    actual[100] = Number.NaN;
    actual[200] = Number.NaN;
    const svg = forecastSvg({ title: 'gaps', actual, forecast: wave(300) });
    expect(pathStats(svg, BLUE).subpaths).toBe(3);
    expect(svg).not.toContain('NaN');
    expectPicture(await renderForecast({ title: 'gaps', actual, forecast: wave(300) }), CHART_WIDTH, CHART_HEIGHT);
  });

  it('handles empty, all-NaN and all-equal series', async () => {
    const empty = forecastSvg({ title: 'empty', actual: [], forecast: [] });
    expect(empty).toContain('No values to plot');
    const nan = forecastSvg({ title: 'nan', actual: [NaN, NaN], forecast: [NaN] });
    expect(nan).toContain('No finite values to plot');
    const flat = forecastSvg({ title: 'flat', actual: new Array(400).fill(0.5), forecast: new Array(400).fill(0.5) });
    expect(flat).not.toMatch(/NaN|Infinity/);
    expect(pathStats(flat, BLUE).points).toBe(400);
    for (const svg of [empty, nan, flat]) expect(() => new Resvg(svg)).not.toThrow();
    expectPicture(await renderForecast({ title: 'flat', actual: new Array(400).fill(0.5), forecast: new Array(400).fill(0.5) }), CHART_WIDTH, CHART_HEIGHT);
    expectPicture(await renderForecast({ title: 'empty', actual: [], forecast: [] }), CHART_WIDTH, CHART_HEIGHT);
  });
});

describe('predictions against the line', () => {
  const points = [-1, 0, 1, 2, 3, 4, 5, 10, 20].map((x) => ({ x, expected: 2 * x - 1, predicted: 2 * x - 1 + (x > 4 ? 0.5 * x : 0.1) }));

  it('draws the expected line, a dot per prediction and the residuals', async () => {
    const svg = regressionSvg({ title: 'y = 2x - 1', points });
    expect(svg.match(/<circle /g)?.length).toBe(points.length + 1); // + the legend dot
    expect(pathStats(svg, BLUE).points).toBe(points.length);
    expect(svg).toContain('Expected (the line)');
    const picture = expectPicture(await renderRegression({ title: 'y = 2x - 1', subtitle: 'MSE 12.3', points }), CHART_WIDTH, CHART_HEIGHT);
    expect(picture.count(isBlue)).toBeGreaterThan(300);
    expect(picture.count(isOrange)).toBeGreaterThan(200);
  });

  it('skips NaN values and sorts by x', async () => {
    const mixed = [...points.slice().reverse(), { x: NaN, expected: 1, predicted: 1 }, { x: 7, expected: 13, predicted: NaN }];
    const svg = regressionSvg({ title: 'mixed', points: mixed });
    expect(svg).not.toContain('NaN');
    expect(svg.match(/<circle /g)?.length).toBe(points.length + 1);
    expect(pathStats(svg, BLUE).points).toBe(points.length + 1); // the point at x = 7 still has its expected value
    expect(() => new Resvg(svg)).not.toThrow();
  });

  it('handles no points, one point and all-equal values', async () => {
    expect(regressionSvg({ title: 'none', points: [] })).toContain('No points to plot');
    const one = regressionSvg({ title: 'one', points: [{ x: 3, expected: 5, predicted: 5 }] });
    expect(one).not.toMatch(/NaN|Infinity/);
    const flat = regressionSvg({ title: 'flat', points: Array.from({ length: 5 }, () => ({ x: 1, expected: 2, predicted: 2 })) });
    expect(flat).not.toMatch(/NaN|Infinity/);
    for (const svg of [one, flat]) expect(() => new Resvg(svg)).not.toThrow();
    expectPicture(await renderRegression({ title: 'none', points: [] }), CHART_WIDTH, CHART_HEIGHT);
  });
});

describe('rasterising', () => {
  it('leaves the event loop free while a picture renders (a chart must not hold up interactions)', async () => {
    const svg = forecastSvg({ title: 'Sunspots', actual: wave(3000), forecast: wave(3000, 0.2), startIndex: 0 });
    const order: string[] = [];
    const rendered = svgToPng(svg).then((png) => {
      order.push('rendered');
      return png;
    });
    // With a synchronous render, the picture would be done before this callback could run.
    await new Promise<void>((resolve) => setImmediate(() => (order.push('event loop turned'), resolve())));
    expectPicture(await rendered, CHART_WIDTH, CHART_HEIGHT);
    expect(order).toEqual(['event loop turned', 'rendered']);
  });

  it('rejects an SVG that does not parse, without throwing synchronously', async () => {
    const result = svgToPng('<svg');
    await expect(result).rejects.toThrow();
  });
});
