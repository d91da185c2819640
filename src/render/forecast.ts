// Forecast against actual for a time-series problem: two lines over the evaluated part of the series.
import { finiteExtent, seriesPoints, type SeriesPoint } from './series.ts';
import { axes, chartFrame, chartPage, colors, emptyMessage, linearScale, pathThrough } from './svg.ts';

export interface ForecastChartInput {
  title: string;
  actual: number[];
  forecast: number[];
  /** Index in the whole series of actual[0] and forecast[0] (the split time); 0 when left out. */
  startIndex?: number;
  subtitle?: string;
  xLabel?: string;
  yLabel?: string;
}

/** Above this many values a line is downsampled (min and max per bucket). */
const MAX_LINE_POINTS = 1000;

export function forecastSvg(input: ForecastChartInput): string {
  const start = Number.isFinite(input.startIndex) ? (input.startIndex as number) : 0;
  const { area, legendSvg } = chartFrame(input.subtitle, [
    { text: 'Actual', color: colors.blue, shape: 'line' },
    { text: 'Forecast', color: colors.orange, shape: 'line' },
  ]);
  const actual = seriesPoints(input.actual, start, MAX_LINE_POINTS);
  const forecast = seriesPoints(input.forecast, start, MAX_LINE_POINTS);
  const length = Math.max(input.actual.length, input.forecast.length);
  const [yMin, yMax] = finiteExtent(
    (function* () {
      for (const point of [...actual, ...forecast]) if (point) yield point[1];
    })(),
  );
  const xScale = linearScale(start, start + Math.max(1, length - 1), area.left, area.right, 8, true);
  const yScale = linearScale(yMin, yMax, area.bottom, area.top, 6);
  const body = [legendSvg, axes(area, xScale, yScale, input.xLabel ?? 'Time step', input.yLabel ?? 'Value')];
  if (Number.isNaN(yMin)) {
    body.push(emptyMessage(length === 0 ? 'No values to plot' : 'No finite values to plot', (area.left + area.right) / 2, (area.top + area.bottom) / 2));
  } else {
    // Thinner lines when points are closer than about two pixels, so both series stay visible.
    const width = Math.max(actual.length, forecast.length) > (area.right - area.left) / 2 ? 1.2 : 1.8;
    const toPixels = (points: SeriesPoint[]): SeriesPoint[] => points.map((p) => (p ? [xScale.toPixel(p[0]), yScale.toPixel(p[1])] : null));
    body.push(
      `<path d="${pathThrough(toPixels(actual))}" fill="none" stroke="${colors.blue}" stroke-width="${width}" stroke-linejoin="round" stroke-linecap="round"/>`,
      `<path d="${pathThrough(toPixels(forecast))}" fill="none" stroke="${colors.orange}" stroke-width="${width}" stroke-linejoin="round" stroke-linecap="round" stroke-opacity="0.9"/>`,
    );
  }
  return chartPage(input.title, input.subtitle, body.join(''));
}

