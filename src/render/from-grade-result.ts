// The picture for a /grade reply, chosen from what the grader returned: a confusion matrix for
// classification, forecast against actual for time series, predictions against the line for
// regression. Non-finite outputs have nothing to draw.
import type { GradeResult } from '../grading/grader.ts';
import { fullMarksText } from '../grading/result-text.ts';
import { formatMetric } from '../grading/scoring.ts';
import { confusionMatrixSvg } from './confusion-matrix.ts';
import { forecastSvg } from './forecast.ts';
import { svgToPng } from './rasterize.ts';
import { regressionSvg } from './regression.ts';

/** One line under the title: the metric against full marks, the points, the sample count. */
export function gradeSubtitle(result: GradeResult): string {
  const parts = [
    `${result.metricName} ${formatMetric(result.metric, result.value)} (${fullMarksText(result)})`,
    `${result.points}/${result.maxPoints} points`,
    `${result.sampleCount} samples`,
  ];
  if (result.details.kind === 'classification' && result.details.unassignedPredictions > 0) {
    parts.push(`${result.details.unassignedPredictions} predictions named no class`);
  }
  return parts.join(' · ');
}

/** A file name Discord accepts as an attachment: lowercase letters, digits and dashes. */
function fileName(problem: string, picture: string): string {
  const base = problem.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'grade';
  return `${base}-${picture}.png`;
}

/** The SVG and attachment name of a grade's picture, or undefined when there is nothing to draw. */
export function gradeChartSvg(result: GradeResult): { svg: string; name: string } | undefined {
  const title = result.problemTitle || result.problem;
  const subtitle = gradeSubtitle(result);
  if (result.details.kind === 'classification') {
    const { classNames, confusionMatrix } = result.details;
    return { svg: confusionMatrixSvg({ title, subtitle, classNames, matrix: confusionMatrix }), name: fileName(result.problem, 'confusion-matrix') };
  }
  const chart = result.chart;
  if (!chart) return undefined;
  switch (chart.kind) {
    case 'time-series':
      return {
        svg: forecastSvg({ title, subtitle, actual: chart.actual, forecast: chart.forecast, startIndex: chart.start, xLabel: 'Time step in the series', yLabel: 'Normalised value' }),
        name: fileName(result.problem, 'forecast'),
      };
    case 'regression':
      return { svg: regressionSvg({ title, subtitle, points: chart.points }), name: fileName(result.problem, 'predictions') };
  }
}

/** The PNG for a grade reply and its attachment name, or undefined (non-finite outputs, no chart data). */
export async function renderGradeChart(result: GradeResult): Promise<{ png: Buffer; name: string } | undefined> {
  const picture = gradeChartSvg(result);
  return picture && { png: await svgToPng(picture.svg), name: picture.name };
}
