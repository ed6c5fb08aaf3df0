// A log-linear histogram (the idea behind HDR histograms): bucket i holds values in (MIN·γ^(i-1), MIN·γ^i], so any
// percentile is known to within ±0.5 % whatever the number of samples. Memory grows with the spread of values
// (at most ~1,800 buckets from 1 µs to 60 s), never with the number of samples, and two histograms merge exactly:
// that is what makes global percentiles over several load generators possible.
import { percentileAt } from '../../load/lib/percentile.ts';

const GAMMA = 1.01;
const LOG_GAMMA = Math.log(GAMMA);
const MIN_VALUE = 0.001; // ms; smaller values (and 0) share bucket 0

function bucketOf(value: number): number {
  return value <= MIN_VALUE ? 0 : Math.ceil(Math.log(value / MIN_VALUE) / LOG_GAMMA);
}

/** Geometric middle of a bucket: the estimate with the smallest worst-case relative error. */
function middleOf(bucket: number): number {
  return bucket === 0 ? 0 : MIN_VALUE * GAMMA ** (bucket - 0.5);
}

export const histogramRelativeError = Math.sqrt(GAMMA) - 1;

export class LogHistogram {
  private readonly counts = new Map<number, number>();
  private sorted: [number, number][] | undefined;
  count = 0;
  sum = 0;
  sumOfSquares = 0;
  min = Infinity;
  max = -Infinity;

  record(value: number): void {
    const bucket = bucketOf(value);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.sorted = undefined;
    this.count += 1;
    this.sum += value;
    this.sumOfSquares += value * value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  merge(other: LogHistogram): void {
    for (const [bucket, n] of other.counts) this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + n);
    this.sorted = undefined;
    this.count += other.count;
    this.sum += other.sum;
    this.sumOfSquares += other.sumOfSquares;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  get mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  /** Population standard deviation. */
  get stddev(): number {
    if (this.count === 0) return NaN;
    const mean = this.sum / this.count;
    return Math.sqrt(Math.max(0, this.sumOfSquares / this.count - mean * mean));
  }

  /**
   * k6's percentile (load/lib/percentile.ts: linear interpolation between the closest ranks) over the bucketed
   * samples, p in [0, 100]; NaN when empty. Exact at 0 and 100 (min and max), within the relative error elsewhere.
   */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    if (p <= 0) return this.min;
    if (p >= 100) return this.max;
    return percentileAt(this.count, p, (rank) => this.valueAtRank(rank));
  }

  /** The estimated value of the sample of 0-based rank `rank` in ascending order. */
  private valueAtRank(rank: number): number {
    if (rank <= 0) return this.min;
    if (rank >= this.count - 1) return this.max;
    let seen = 0;
    for (const [bucket, n] of this.buckets()) {
      seen += n;
      if (seen > rank) return Math.min(this.max, Math.max(this.min, middleOf(bucket)));
    }
    return this.max;
  }

  /** Share of samples <= value (for "t < 800 ms"-style ranges), to bucket precision. */
  countAtMost(value: number): number {
    const limit = bucketOf(value);
    let n = 0;
    for (const [bucket, c] of this.buckets()) {
      if (bucket > limit) break;
      n += c;
    }
    return n;
  }

  /** [estimated value, count] pairs in increasing order. */
  points(): [number, number][] {
    return this.buckets().map(([bucket, n]) => [Math.min(this.max, Math.max(this.min, middleOf(bucket))), n]);
  }

  private buckets(): [number, number][] {
    this.sorted ??= [...this.counts].sort((a, b) => a[0] - b[0]);
    return this.sorted;
  }
}
