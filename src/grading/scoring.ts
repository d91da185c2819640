// Turns a metric value into 0-5 points, the way the exam's grader does, plus a one-line hint
// toward the next point.
//
// Floating point: values such as (0.91 - 0.88) / 0.03 or 100 * (0.13 - 0.12) are not whole numbers
// in binary, so every step comparison is made on a value rounded to 1e-9, far below any real
// difference between two models and far above the rounding noise.
import type { MetricKind, MetricSpec } from './problem-types.ts';

export const MAX_POINTS = 5;
const ACCURACY_STEP = 0.03;
const MAE_STEP = 0.01;

function roundNoise(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

function clampPoints(points: number): number {
  return Math.max(0, Math.min(MAX_POINTS, points));
}

/**
 * MSE: 5 at or under t, then one point less for each factor of 10 above it
 * (t < v <= 10t: 4, 10t < v <= 100t: 3, ...).
 */
export function msePoints(value: number, threshold: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  if (value <= threshold) return MAX_POINTS;
  const decades = roundNoise(Math.log10(value / threshold));
  return clampPoints(MAX_POINTS - Math.ceil(decades));
}

/** Accuracy: 5 at or over t, one point less for each 0.03 below; a value exactly on a step keeps the higher point. */
export function accuracyPoints(value: number, threshold: number): number {
  if (!Number.isFinite(value)) return 0;
  if (value >= threshold) return MAX_POINTS;
  const steps = roundNoise((threshold - value) / ACCURACY_STEP);
  return clampPoints(MAX_POINTS - Math.ceil(steps));
}

/**
 * MAE: the exam's formula generalised, clamp(ceil(5 - 100 (MAE - t)), 0, 5), which keeps 5 points up
 * to t + 0.01. A value exactly on a step keeps the higher point (as for accuracy), so MAE = t + 0.01
 * still has 5 and t + 0.02 has 4; between steps this is the formula itself.
 */
export function maePoints(value: number, threshold: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  const steps = roundNoise((value - threshold) / MAE_STEP);
  if (steps <= 0) return MAX_POINTS;
  return clampPoints(MAX_POINTS + 1 - Math.ceil(steps));
}

export function pointsFor(metric: MetricSpec, value: number): number {
  switch (metric.kind) {
    case 'mse':
      return msePoints(value, metric.threshold);
    case 'accuracy':
      return accuracyPoints(value, metric.threshold);
    case 'mae':
      return maePoints(value, metric.threshold);
  }
}

/**
 * The metric value needed for `points` (the boundary, inclusive): for mse and mae the largest value
 * that still earns them, for accuracy the smallest. `points` 1..5.
 */
export function boundaryFor(metric: MetricSpec, points: number): number {
  const below = MAX_POINTS - points;
  switch (metric.kind) {
    case 'mse':
      return metric.threshold * 10 ** below;
    case 'accuracy':
      return roundNoise(metric.threshold - ACCURACY_STEP * below);
    case 'mae':
      return roundNoise(metric.threshold + MAE_STEP * (below + 1));
  }
}

/** Boundaries for 5 down to 1 points, for result displays. */
export function pointTable(metric: MetricSpec): { points: number; value: number }[] {
  const table: { points: number; value: number }[] = [];
  for (let points = MAX_POINTS; points >= 1; points--) table.push({ points, value: boundaryFor(metric, points) });
  return table;
}

export const metricNames: Record<MetricKind, string> = {
  mse: 'MSE',
  accuracy: 'accuracy',
  mae: 'MAE',
};

/**
 * A metric value as every result display writes it (the /grade reply, its chart, the CLI, hints).
 * null, a result's value when the model's outputs were not finite, is "not finite".
 */
export function formatMetric(kind: MetricKind, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return 'not finite';
  switch (kind) {
    case 'accuracy':
      return `${(value * 100).toFixed(2)}%`;
    case 'mse':
      return value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e4) ? value.toExponential(2) : value.toPrecision(3);
    case 'mae':
      return value.toFixed(4);
  }
}

/** Points as marks, the same in Discord and in the terminal: "●●●●○ 4/5". */
export function pointMarks(points: number, max = MAX_POINTS): string {
  return `${'●'.repeat(points)}${'○'.repeat(Math.max(0, max - points))} ${points}/${max}`;
}

/**
 * One line toward the next point. `sampleCount` (for accuracy) turns the gap into a number of
 * samples that must flip to correct.
 */
export function hintFor(metric: MetricSpec, value: number, points: number, sampleCount?: number): string {
  const name = metricNames[metric.kind];
  if (!Number.isFinite(value)) {
    return 'Your model produced NaN or infinite outputs: check for NaN weights, a learning rate that diverged, or unscaled inputs.';
  }
  if (points >= MAX_POINTS) return `Full marks: ${name} ${formatMetric(metric.kind, value)} meets the threshold ${formatMetric(metric.kind, metric.threshold)}.`;
  const next = points + 1;
  const target = boundaryFor(metric, next);
  const nextLabel = `${next} point${next === 1 ? '' : 's'}`;
  if (metric.kind === 'accuracy') {
    const more = sampleCount ? Math.max(1, Math.ceil(roundNoise((target - value) * sampleCount))) : undefined;
    const gap = more ? ` (${more} more correct of ${sampleCount})` : '';
    return `${name} ${formatMetric('accuracy', value)}: reach ${formatMetric('accuracy', target)}${gap} for ${nextLabel}; full marks at ${formatMetric('accuracy', metric.threshold)}.`;
  }
  return `${name} ${formatMetric(metric.kind, value)}: get it to ${formatMetric(metric.kind, target)} or lower for ${nextLabel}; full marks at ${formatMetric(metric.kind, metric.threshold)}.`;
}
