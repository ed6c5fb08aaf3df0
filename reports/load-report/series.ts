// One metric series a threshold refers to (a metric, optionally narrowed by tags like k6 submetrics), aggregated the
// way k6 aggregates that metric type, so thresholds can be evaluated over the merged stream of N instances.
import { percentileOf, type MetricKey, type MetricType } from '../../load/lib/thresholds.ts';
import { Distribution } from '../lib/distribution.ts';

/** A k6 submetric's tag filter: every tag of the key present with the same value. */
export function tagsMatch(
  filter: Readonly<Record<string, string>>,
  tags: Record<string, unknown> | null | undefined,
): boolean {
  for (const [k, v] of Object.entries(filter)) {
    if (tags === null || tags === undefined || String(tags[k]) !== v) return false;
  }
  return true;
}

export class MetricSeries {
  type: MetricType | undefined;
  readonly trend = new Distribution();
  samples = 0;
  nonZero = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  private readonly lastByInstance = new Map<string, { time: number; value: number }>();

  constructor(readonly key: MetricKey) {}

  matches(tags: Record<string, unknown> | null | undefined): boolean {
    return tagsMatch(this.key.tags, tags);
  }

  add(value: number, instance: string, time: number): void {
    this.samples += 1;
    this.sum += value;
    if (value !== 0) this.nonZero += 1;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.type === 'trend' || this.type === undefined) this.trend.record(value);
    const last = this.lastByInstance.get(instance);
    if (last === undefined || time >= last.time) this.lastByInstance.set(instance, { time, value });
  }

  /** The value of a threshold stat ("p(95)", "rate", ...), or undefined when it has no samples or no meaning. */
  stat(stat: string, durationSec: number): number | undefined {
    if (this.samples === 0) return this.type === 'counter' && (stat === 'count' || stat === 'rate') ? 0 : undefined;
    const p = percentileOf(stat);
    if (p !== undefined) return this.trend.percentile(p);
    switch (stat) {
      case 'avg':
        return this.sum / this.samples;
      case 'min':
        return this.min;
      case 'max':
        return this.max;
      case 'med':
        return this.trend.percentile(50);
      case 'count':
        return this.sum;
      case 'rate':
        if (this.type === 'counter') return durationSec > 0 ? this.sum / durationSec : undefined;
        return this.nonZero / this.samples;
      case 'value': {
        // A gauge's current value; VU gauges of several generators add up, other gauges keep the latest.
        const lasts = [...this.lastByInstance.values()];
        if (this.key.name.startsWith('vus')) return lasts.reduce((s, l) => s + l.value, 0);
        return lasts.sort((a, b) => b.time - a.time)[0]?.value;
      }
      default:
        return undefined;
    }
  }
}
