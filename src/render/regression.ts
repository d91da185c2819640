// Predictions against the line for a regression problem: the expected values as a line through the
// points sorted by x, the model's predictions as dots, and a thin stroke for each residual.
import { finiteExtent } from './series.ts';
import { axes, chartFrame, chartPage, colors, emptyMessage, linearScale, pathThrough, px } from './svg.ts';

interface RegressionPoint {
  x: number;
  expected: number;
  predicted: number;
}

export interface RegressionChartInput {
  title: string;
  points: RegressionPoint[];
  subtitle?: string;
  xLabel?: string;
  yLabel?: string;
}

/** Above this many points only an even sample of them is drawn. */
const MAX_SCATTER_POINTS = 2000;
/** Residual strokes are drawn only up to this many points; beyond, they are a solid smear. */
const MAX_RESIDUAL_STROKES = 300;

function evenSample<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)]);
}

export function regressionSvg(input: RegressionChartInput): string {
  const { area, legendSvg } = chartFrame(input.subtitle, [
    { text: 'Expected (the line)', color: colors.blue, shape: 'line' },
    { text: 'Your predictions', color: colors.orange, shape: 'dot' },
  ]);
  // A point needs a finite x; its expected and predicted values are drawn where each is finite.
  const points = evenSample(
    input.points.filter((p) => Number.isFinite(p.x) && (Number.isFinite(p.expected) || Number.isFinite(p.predicted))).sort((a, b) => a.x - b.x),
    MAX_SCATTER_POINTS,
  );
  const [xMin, xMax] = finiteExtent(points.map((p) => p.x));
  const [yMin, yMax] = finiteExtent(points.flatMap((p) => [p.expected, p.predicted]));
  // A little room around the data, so that dots at the extremes are not cut by the frame.
  const xPad = (xMax - xMin) * 0.03;
  const yPad = (yMax - yMin) * 0.03;
  const xScale = linearScale(xMin - xPad, xMax + xPad, area.left, area.right, 8, true);
  const yScale = linearScale(yMin - yPad, yMax + yPad, area.bottom, area.top, 7);
  const body = [legendSvg, axes(area, xScale, yScale, input.xLabel ?? 'x', input.yLabel ?? 'y')];
  if (points.length === 0) {
    body.push(emptyMessage(input.points.length === 0 ? 'No points to plot' : 'No finite points to plot', (area.left + area.right) / 2, (area.top + area.bottom) / 2));
  } else {
    if (points.length <= MAX_RESIDUAL_STROKES) {
      const strokes = points
        .filter((p) => Number.isFinite(p.expected) && Number.isFinite(p.predicted))
        .map((p) => `M${px(xScale.toPixel(p.x))} ${px(yScale.toPixel(p.expected))}V${px(yScale.toPixel(p.predicted))}`)
        .join('');
      if (strokes) body.push(`<path d="${strokes}" stroke="${colors.orangeLight}" stroke-width="1.5"/>`);
    }
    const line = pathThrough(points.map((p) => (Number.isFinite(p.expected) ? [xScale.toPixel(p.x), yScale.toPixel(p.expected)] : null)));
    body.push(`<path d="${line}" fill="none" stroke="${colors.blue}" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>`);
    const radius = points.length > 300 ? 2.2 : 4;
    const dots = points
      .filter((p) => Number.isFinite(p.predicted))
      .map((p) => `<circle cx="${px(xScale.toPixel(p.x))}" cy="${px(yScale.toPixel(p.predicted))}" r="${radius}"/>`)
      .join('');
    body.push(`<g fill="${colors.orange}" fill-opacity="0.85">${dots}</g>`);
  }
  return chartPage(input.title, input.subtitle, body.join(''));
}
