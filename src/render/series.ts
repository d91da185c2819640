// Preparing numeric series for a line chart: finite extent, and min/max downsampling that keeps the
// peaks a plain stride would drop.
export type SeriesPoint = readonly [x: number, y: number] | null;

/** Smallest and largest finite value; [NaN, NaN] when there is none. */
export function finiteExtent(values: Iterable<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return min <= max ? [min, max] : [Number.NaN, Number.NaN];
}

/**
 * Points (startX + i, values[i]) of a series, with null where a value is not finite. Above
 * `maxPoints`, consecutive values are grouped into maxPoints / 2 buckets and each bucket keeps its
 * minimum and maximum in their order, so spikes stay visible; an all-NaN bucket stays a gap.
 */
export function seriesPoints(values: ArrayLike<number>, startX: number, maxPoints = 1000): SeriesPoint[] {
  const count = values.length;
  const points: SeriesPoint[] = [];
  if (count <= maxPoints) {
    for (let i = 0; i < count; i++) points.push(Number.isFinite(values[i]) ? [startX + i, values[i]] : null);
    return points;
  }
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * count) / buckets);
    const to = Math.floor(((b + 1) * count) / buckets);
    let minIndex = -1;
    let maxIndex = -1;
    for (let i = from; i < to; i++) {
      const value = values[i];
      if (!Number.isFinite(value)) continue;
      if (minIndex < 0 || value < values[minIndex]) minIndex = i;
      if (maxIndex < 0 || value > values[maxIndex]) maxIndex = i;
    }
    if (minIndex < 0) {
      points.push(null);
      continue;
    }
    const first = Math.min(minIndex, maxIndex);
    const second = Math.max(minIndex, maxIndex);
    points.push([startX + first, values[first]]);
    if (second !== first) points.push([startX + second, values[second]]);
  }
  return points;
}
