// A latency distribution as the reports keep it: every sample while there are at most `exactSampleCap` of them, so
// percentiles are k6's own (load/lib/percentile.ts) to the last digit and match the summary's; past the cap, the
// log histogram alone (bounded memory, same definition over buckets, ±0.5 %). Distributions merge (several load
// generators, coarser time buckets): exact while the merged samples fit under the cap.
import { percentile } from '../../load/lib/percentile.ts';
import { LogHistogram } from './histogram.ts';

/** 2 Mi samples (16 MiB) per distribution: a run of 2 million requests still gets exact figures. */
export const exactSampleCap = 1 << 21;

export class Distribution {
  readonly histogram = new LogHistogram();
  private samples: Float64Array | undefined = new Float64Array(16);
  private sorted = true;

  constructor(private readonly cap: number = exactSampleCap) {}

  get count(): number {
    return this.histogram.count;
  }
  get min(): number {
    return this.histogram.min;
  }
  get max(): number {
    return this.histogram.max;
  }
  get mean(): number {
    return this.histogram.mean;
  }
  get stddev(): number {
    return this.histogram.stddev;
  }
  /** Percentiles are exact (every sample kept), not histogram estimates. */
  get exact(): boolean {
    return this.samples !== undefined;
  }

  record(value: number): void {
    const n = this.histogram.count;
    this.histogram.record(value);
    if (this.samples === undefined) return;
    if (n >= this.cap) {
      this.samples = undefined;
      return;
    }
    if (n === this.samples.length) this.samples = grown(this.samples, n * 2);
    this.samples[n] = value;
    this.sorted = false;
  }

  merge(other: Distribution): void {
    const n = this.histogram.count;
    const m = other.histogram.count;
    this.histogram.merge(other.histogram);
    if (this.samples === undefined) return;
    if (other.samples === undefined || n + m > this.cap) {
      this.samples = undefined;
      return;
    }
    if (n + m > this.samples.length) this.samples = grown(this.samples, Math.max(n + m, n * 2));
    this.samples.set(other.samples.subarray(0, m), n);
    this.sorted = false;
  }

  /** k6's percentile, p in [0, 100]; NaN when empty. */
  percentile(p: number): number {
    const view = this.sortedSamples();
    return view === undefined ? this.histogram.percentile(p) : percentile(view, p);
  }

  /** Samples <= value: exact while the samples are kept, else to bucket precision. */
  countAtMost(value: number): number {
    const view = this.sortedSamples();
    if (view === undefined) return this.histogram.countAtMost(value);
    let lo = 0;
    let hi = view.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((view[mid] ?? Infinity) <= value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private sortedSamples(): Float64Array | undefined {
    if (this.samples === undefined) return undefined;
    const view = this.samples.subarray(0, this.histogram.count);
    if (!this.sorted) {
      view.sort();
      this.sorted = true;
    }
    return view;
  }
}

function grown(from: Float64Array, size: number): Float64Array {
  const to = new Float64Array(size);
  to.set(from);
  return to;
}
