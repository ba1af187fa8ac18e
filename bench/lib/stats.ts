/** Summary statistics over samples (ms, µs, … — the caller owns the unit). */
export interface Summary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an already sorted array; q in [0, 1]. */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** Sorts a copy (typed arrays sort numerically, plain arrays would sort as strings). */
export function summarize(samples: ArrayLike<number>, count = samples.length): Summary {
  const sorted = Float64Array.from({ length: count }, (_, i) => samples[i]).sort();
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i];
  return {
    count: sorted.length,
    min: sorted.length ? sorted[0] : NaN,
    mean: sorted.length ? sum / sorted.length : NaN,
    p50: percentileSorted(sorted, 0.5),
    p90: percentileSorted(sorted, 0.9),
    p99: percentileSorted(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}

export function median(samples: number[]): number {
  return summarize(samples).p50;
}
