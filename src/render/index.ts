// Pictures for Discord replies: SVG built in code, rasterised to PNG with the bundled fonts. Each
// picture has an ...Svg function (pure, for tests and previews) and a render... function (PNG bytes).
import { confusionMatrixSvg, type ConfusionMatrixInput } from './confusion-matrix.ts';
import { forecastSvg, type ForecastChartInput } from './forecast.ts';
import { leaderboardCardSvg, type LeaderboardCardInput } from './leaderboard.ts';
import { svgToPng } from './rasterize.ts';
import { regressionSvg, type RegressionChartInput } from './regression.ts';

export { confusionMatrixSvg, forecastSvg, leaderboardCardSvg, regressionSvg, svgToPng };
export type { ConfusionMatrixInput, ForecastChartInput, LeaderboardCardInput, RegressionChartInput };
export type { CardRowLayout, CardText, LeaderboardCardLayout, LeaderboardColumn, LeaderboardRow } from './leaderboard.ts';
export { CARD_WIDTH, formatScore, leaderboardCardLayout, leaderboardCardSize } from './leaderboard.ts';
export { CHART_HEIGHT, CHART_WIDTH } from './svg.ts';
export { renderGradeChart, gradeChartSvg } from './from-grade-result.ts';
export type { ReadinessCardInput, ReadinessCardLayout, ReadinessRowLayout } from './readiness-card.ts';
export { READINESS_CARD_WIDTH, VERDICT_LABELS, readinessCardLayout, readinessCardSvg, renderReadinessCard, wholePercent } from './readiness-card.ts';

/** Confusion matrix, 800 x 500 PNG. */
export function renderConfusionMatrix(input: ConfusionMatrixInput): Promise<Buffer> {
  return svgToPng(confusionMatrixSvg(input));
}

/** Forecast against actual, 800 x 500 PNG. */
export function renderForecast(input: ForecastChartInput): Promise<Buffer> {
  return svgToPng(forecastSvg(input));
}

/** Predictions against the line, 800 x 500 PNG. */
export function renderRegression(input: RegressionChartInput): Promise<Buffer> {
  return svgToPng(regressionSvg(input));
}

/** Leaderboard card, 800 wide, height from leaderboardCardSize(input). */
export function renderLeaderboardCard(input: LeaderboardCardInput): Promise<Buffer> {
  return svgToPng(leaderboardCardSvg(input));
}
