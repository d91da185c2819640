// Turns a metric value into 0-5 points through the problem's threshold table, plus a one-line hint
// toward the next point.
//
// One table per problem, built here from its scoring rule and its baselines, is what every display
// shows (the /grade reply, its chart, the hint, /problems show, the README files, the command line)
// and what decides the points. The points are decided on the value as it is shown (MAE and accuracy
// to 4 decimals, MSE to 3 significant digits), and the table's bounds are on the same grid, so a
// member never sees "0.0393, 5 points at <= 0.0393" next to 4 points.
import type { MetricKind, ProblemDefinition, ScoringRule } from './problem-types.ts';

export const MAX_POINTS = 5;

export const metricNames: Record<MetricKind, string> = {
  mse: 'MSE',
  accuracy: 'accuracy',
  mae: 'MAE',
};

export function metricOf(rule: ScoringRule): MetricKind {
  switch (rule.kind) {
    case 'mse-decades':
      return 'mse';
    case 'accuracy-steps':
      return 'accuracy';
    case 'mae-vs-naive':
      return 'mae';
  }
}

/** The value as every display writes it, as a number: the grid the points are decided on. */
export function shownValue(kind: MetricKind, value: number): number {
  if (!Number.isFinite(value)) return value;
  switch (kind) {
    case 'accuracy':
    case 'mae':
      return Math.round(value * 1e4) / 1e4;
    case 'mse':
      return Number(value.toPrecision(3));
  }
}

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

export interface ThresholdRow {
  points: number;
  /** The bound for these points, on the display grid: at most this (errors) or at least this (accuracy). */
  value: number;
}

export interface ThresholdTable {
  metric: MetricKind;
  /** 'at-most' for errors (MSE, MAE), 'at-least' for accuracy. */
  direction: 'at-most' | 'at-least';
  /** Bounds for 5, 4, 3, 2 and 1 points. */
  rows: ThresholdRow[];
  /** How the bounds are derived, in one sentence. */
  rule: string;
}

export function directionOf(metric: MetricKind): ThresholdTable['direction'] {
  return metric === 'accuracy' ? 'at-least' : 'at-most';
}

function ratioLabel(ratio: number): string {
  return ratio.toFixed(2);
}

/** The problem's one threshold table. */
export function thresholdTable(problem: Pick<ProblemDefinition, 'scoring' | 'baselines'>): ThresholdTable {
  const rule = problem.scoring;
  const metric = metricOf(rule);
  const rows: ThresholdRow[] = [];
  switch (rule.kind) {
    case 'mse-decades':
      for (let points = MAX_POINTS; points >= 1; points--) rows.push({ points, value: shownValue(metric, rule.fullMarks * 10 ** (MAX_POINTS - points)) });
      return { metric, direction: directionOf(metric), rows, rule: `5 points at MSE ≤ ${formatMetric(metric, rule.fullMarks)}, then one point less for each factor of 10 above it.` };
    case 'accuracy-steps':
      for (let points = MAX_POINTS; points >= 1; points--) rows.push({ points, value: shownValue(metric, rule.fullMarks - rule.step * (MAX_POINTS - points)) });
      return {
        metric,
        direction: directionOf(metric),
        rows,
        rule: `5 points at accuracy ≥ ${formatMetric(metric, rule.fullMarks)}, then one point less for each ${(rule.step * 100).toFixed(1)}% below it.`,
      };
    case 'mae-vs-naive': {
      const naive = problem.baselines.naive;
      if (!naive) throw new Error('internal: a time-series problem needs its naive-forecast baseline');
      rule.ratios.forEach((ratio, index) => rows.push({ points: MAX_POINTS - index, value: shownValue(metric, naive.value * ratio) }));
      return {
        metric,
        direction: directionOf(metric),
        rows,
        rule:
          `Points by the ratio of the MAE to the naive forecast's MAE (${formatMetric(metric, naive.value)}) on the same windows: ` +
          `${rule.ratios.map((ratio, index) => `${MAX_POINTS - index} at ≤ ${ratioLabel(ratio)}`).join(', ')} (bounds rounded to 4 decimals).`,
      };
    }
  }
}

function meets(table: ThresholdTable, shown: number, bound: number): boolean {
  return table.direction === 'at-most' ? shown <= bound : shown >= bound;
}

/** Points for a metric value: the most points whose bound the value, as shown, meets. */
export function pointsFor(table: ThresholdTable, value: number): number {
  if (!Number.isFinite(value) || (table.direction === 'at-most' && value < 0)) return 0;
  const shown = shownValue(table.metric, value);
  return table.rows.find((row) => meets(table, shown, row.value))?.points ?? 0;
}

/** A bound as every display writes it: "≤ 0.0385", "≥ 98.50%". */
export function boundText(table: Pick<ThresholdTable, 'metric' | 'direction'>, value: number): string {
  return `${table.direction === 'at-most' ? '≤' : '≥'} ${formatMetric(table.metric, value)}`;
}

/** Points as marks, the same in Discord and in the terminal: "●●●●○ 4/5". */
export function pointMarks(points: number, max = MAX_POINTS): string {
  return `${'●'.repeat(points)}${'○'.repeat(Math.max(0, max - points))} ${points}/${max}`;
}

/**
 * One line toward the next point, with the same bounds as the table. `sampleCount` (for accuracy)
 * turns the gap into a number of samples that must flip to correct.
 */
export function hintFor(table: ThresholdTable, value: number, points: number, sampleCount?: number): string {
  const name = metricNames[table.metric];
  if (!Number.isFinite(value)) {
    return 'Your model produced NaN or infinite outputs: check for NaN weights, a learning rate that diverged, or unscaled inputs.';
  }
  const format = (v: number) => formatMetric(table.metric, v);
  const full = table.rows[0];
  if (points >= MAX_POINTS) return `Full marks: ${name} ${format(value)} is within the 5-point bound ${boundText(table, full.value)}.`;
  const next = points + 1;
  const target = table.rows.find((row) => row.points === next) ?? full;
  const nextLabel = `${next} point${next === 1 ? '' : 's'}`;
  if (table.direction === 'at-least') {
    const more = sampleCount ? Math.max(1, Math.ceil(Math.round((target.value - value) * sampleCount * 1e6) / 1e6)) : undefined;
    const gap = more ? ` (${more} more correct of ${sampleCount})` : '';
    return `${name} ${format(value)}: reach ${format(target.value)}${gap} for ${nextLabel}; full marks at ${format(full.value)}.`;
  }
  return `${name} ${format(value)}: get it to ${format(target.value)} or lower for ${nextLabel}; full marks at ${format(full.value)} or lower.`;
}
