// The one percentile definition of the project: k6's, for Trend metrics. Every percentile a report shows (tiles,
// statistics tables, charts, thresholds judged over a stream, the review, the gate, Allure) goes through here, so a
// report never shows two different p99s for the same samples. Pure: usable from k6 scripts and Node.
//
// Definition: linear interpolation between the closest ranks. With the n samples sorted ascending (0-based) and
// h = (n - 1) * p / 100, p(N) = x[floor(h)] + (x[floor(h) + 1] - x[floor(h)]) * (h - floor(h)); p(0) is the minimum,
// p(100) the maximum, med is p(50). The docs show it in their summary example (custom-summary): p(99.99) =
// 846.1969478817999 ms against max = 846.198634 ms, a value between the two largest samples, which nearest-rank
// (always a sample, here the maximum) cannot give. The local engine computes its summary the same way
// (load/engine/src/metrics.ts), with the same arithmetic, so a value from a stream equals the summary's.

/** Where percentile p falls in n sorted samples: the lower rank, the upper rank and the weight of the upper one. */
export function percentileRank(n: number, p: number): { lo: number; hi: number; frac: number } {
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
  const lo = Math.floor(rank);
  return { lo, hi: Math.min(lo + 1, n - 1), frac: rank - lo };
}

/** k6's percentile of samples already sorted ascending; NaN when there are none. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const { lo, hi, frac } = percentileRank(n, p);
  const low = sorted[lo] ?? NaN;
  return low + ((sorted[hi] ?? NaN) - low) * frac;
}

/** The same definition over a value-at-rank lookup (for bucketed or streamed distributions). */
export function percentileAt(n: number, p: number, valueAt: (rank: number) => number): number {
  if (n === 0) return NaN;
  const { lo, hi, frac } = percentileRank(n, p);
  const low = valueAt(lo);
  return frac === 0 ? low : low + (valueAt(hi) - low) * frac;
}
