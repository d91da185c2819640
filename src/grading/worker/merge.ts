// Merges the results of one model graded in parts (shards of a classification set, evaluated on
// several workers at once) into the result of the whole set. Accuracy, per-class figures and the
// confusion matrix are sums over samples, so the merge is exact; the points, hint and message are
// then computed as evaluate() computes them for the whole set.
import { nearConstant, nonFiniteMessage, scoreValue, type ClassificationDetails } from '../evaluate.ts';
import type { ProblemDefinition } from '../problem-types.ts';
import { thresholdTable } from '../scoring.ts';
import { shardRange, type GradeResult } from './protocol.ts';

export function mergeShardResults(problem: ProblemDefinition, shards: GradeResult[]): GradeResult {
  if (shards.length === 1) return shards[0];
  const [first] = shards;
  const total = shards.reduce((sum, shard) => sum + shard.sampleCount, 0);
  const timings = {
    queuedMs: Math.max(...shards.map((s) => s.timings.queuedMs)),
    preparationMs: Math.max(...shards.map((s) => s.timings.preparationMs)),
    importMs: Math.max(...shards.map((s) => s.timings.importMs)),
    evaluateMs: Math.max(...shards.map((s) => s.timings.evaluateMs)),
    totalMs: Math.max(...shards.map((s) => s.timings.totalMs)),
  };
  const base = { ...first, sampleCount: total, timings };
  const table = thresholdTable(problem);

  const nonFinite = shards.filter((shard) => shard.details.kind === 'non-finite');
  if (nonFinite.length > 0) {
    let count = 0;
    let firstIndex = Number.POSITIVE_INFINITY;
    shards.forEach((shard, index) => {
      if (shard.details.kind !== 'non-finite') return;
      count += shard.details.nonFiniteCount;
      firstIndex = Math.min(firstIndex, shardRange(total, index, shards.length).start + shard.details.firstNonFiniteIndex);
    });
    const { chart: _chart, ...rest } = base;
    return {
      ...rest,
      value: null,
      ...scoreValue(table, Number.NaN, total),
      message: nonFiniteMessage(count, total, firstIndex),
      details: { kind: 'non-finite', nonFiniteCount: count, firstNonFiniteIndex: firstIndex },
    };
  }

  const parts = shards.map((shard) => {
    if (shard.details.kind !== 'classification') throw new Error(`internal: cannot merge ${shard.details.kind} results`);
    return shard.details;
  });
  const classes = parts[0].classNames.length;
  const matrix = Array.from({ length: classes }, (_, actual) =>
    Array.from({ length: classes }, (_, predicted) => parts.reduce((sum, part) => sum + part.confusionMatrix[actual][predicted], 0)),
  );
  const perClass = parts[0].perClass.map((entry, c) => {
    const classTotal = parts.reduce((sum, part) => sum + part.perClass[c].total, 0);
    return { name: entry.name, total: classTotal, correct: matrix[c][c], accuracy: classTotal ? matrix[c][c] / classTotal : Number.NaN };
  });
  const correct = matrix.reduce((sum, row, c) => sum + row[c], 0);
  const details: ClassificationDetails = {
    ...parts[0],
    perClass,
    confusionMatrix: matrix,
    unassignedPredictions: parts.reduce((sum, part) => sum + part.unassignedPredictions, 0),
  };
  const value = correct / total;
  const { points, hint } = scoreValue(table, value, total, perClass);
  // Every shard ran the same model: its message (a model that rescales pixels twice) holds for the
  // whole set while the whole set's accuracy is still about that of a constant.
  const { message: _first, ...rest } = base;
  const message = shards.find((shard) => shard.message)?.message;
  return { ...rest, value, points, hint, details, ...(message && nearConstant(problem, value) ? { message } : {}) };
}
