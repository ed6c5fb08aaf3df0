// Metric registry and sinks with k6's names, types and aggregations. Sub-metrics (`name{tag:value}`) are fed from the
// same samples when their tags match, as k6 does for tag-filtered thresholds.
import { invalidConfig } from './errors.ts';
import type { MetricDeclaration } from './vu/host-api.ts';

export type MetricType = MetricDeclaration['type'];
export type Contains = MetricDeclaration['contains'];

export const BUILTIN_METRICS: MetricDeclaration[] = [
  { name: 'vus', type: 'gauge', contains: 'default' },
  { name: 'vus_max', type: 'gauge', contains: 'default' },
  { name: 'iterations', type: 'counter', contains: 'default' },
  { name: 'iteration_duration', type: 'trend', contains: 'time' },
  { name: 'dropped_iterations', type: 'counter', contains: 'default' },
  { name: 'data_received', type: 'counter', contains: 'data' },
  { name: 'data_sent', type: 'counter', contains: 'data' },
  { name: 'checks', type: 'rate', contains: 'default' },
  { name: 'group_duration', type: 'trend', contains: 'time' },
  { name: 'http_reqs', type: 'counter', contains: 'default' },
  { name: 'http_req_duration', type: 'trend', contains: 'time' },
  { name: 'http_req_blocked', type: 'trend', contains: 'time' },
  { name: 'http_req_connecting', type: 'trend', contains: 'time' },
  { name: 'http_req_tls_handshaking', type: 'trend', contains: 'time' },
  { name: 'http_req_sending', type: 'trend', contains: 'time' },
  { name: 'http_req_waiting', type: 'trend', contains: 'time' },
  { name: 'http_req_receiving', type: 'trend', contains: 'time' },
  { name: 'http_req_failed', type: 'rate', contains: 'default' },
];

export class Sink {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  last = 0;
  nonZero = 0;
  private values = new Float64Array(1024);
  private sorted = true;

  constructor(readonly type: MetricType) {}

  add(v: number): void {
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.last = v;
    if (v !== 0) this.nonZero++;
    if (this.type === 'trend') {
      if (this.count > this.values.length) {
        const grown = new Float64Array(this.values.length * 2);
        grown.set(this.values);
        this.values = grown;
      }
      this.values[this.count - 1] = v;
      this.sorted = false;
    }
  }

  /** Percentile with linear interpolation between closest ranks (0 when empty, as k6). */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const view = this.values.subarray(0, this.count);
    if (!this.sorted) {
      view.sort();
      this.sorted = true;
    }
    const rank = (p / 100) * (this.count - 1);
    const lo = Math.floor(rank);
    const hi = Math.min(lo + 1, this.count - 1);
    return view[lo]! + (view[hi]! - view[lo]!) * (rank - lo);
  }

  /** The aggregation named in a threshold or summaryTrendStats. */
  stat(name: string, durationSec: number): number {
    const pm = /^p\((\d+(?:\.\d+)?)\)$/.exec(name);
    if (pm) return this.percentile(Number(pm[1]));
    switch (name) {
      case 'avg':
        return this.count === 0 ? 0 : this.sum / this.count;
      case 'min':
        return this.count === 0 ? 0 : this.min;
      case 'max':
        return this.count === 0 ? 0 : this.max;
      case 'med':
        return this.percentile(50);
      case 'count':
        return this.type === 'counter' ? this.sum : this.count;
      case 'rate':
        if (this.type === 'counter') return durationSec > 0 ? this.sum / durationSec : 0;
        return this.count === 0 ? 0 : this.nonZero / this.count;
      case 'value':
        return this.last;
      case 'passes':
        return this.nonZero;
      case 'fails':
        return this.count - this.nonZero;
      default:
        return NaN;
    }
  }
}

export interface SubMetric {
  name: string;
  tags: Record<string, string>;
  sink: Sink;
}

export interface Metric {
  name: string;
  type: MetricType;
  contains: Contains;
  sink: Sink;
  submetrics: SubMetric[];
}

export function parseMetricKey(key: string): { metric: string; tags: Record<string, string> | null } {
  const m = /^([^{}\s]+)\s*(?:\{(.*)\})?\s*$/.exec(key);
  if (!m) throw invalidConfig(`threshold key "${key}" is not "metric" or "metric{tag:value}"`);
  if (m[2] === undefined) return { metric: m[1]!, tags: null };
  const tags: Record<string, string> = {};
  for (const part of m[2].split(',')) {
    if (part.trim() === '') continue;
    const idx = part.indexOf(':');
    if (idx < 0) throw invalidConfig(`threshold key "${key}": tag filter "${part}" must be tag:value`);
    const k = part.slice(0, idx).trim();
    const v = part
      .slice(idx + 1)
      .trim()
      .replace(/^["'](.*)["']$/, '$1');
    tags[k] = v;
  }
  return { metric: m[1]!, tags };
}

export class Registry {
  readonly metrics = new Map<string, Metric>();

  constructor(custom: MetricDeclaration[]) {
    for (const d of [...BUILTIN_METRICS, ...custom]) this.declare(d);
    this.submetric('http_req_duration{expected_response:true}');
  }

  declare(d: MetricDeclaration): void {
    if (this.metrics.has(d.name)) return;
    this.metrics.set(d.name, { ...d, sink: new Sink(d.type), submetrics: [] });
  }

  get(name: string): Metric | undefined {
    return this.metrics.get(name);
  }

  /** Finds or creates the sub-metric for `metric{tags}`; throws InvalidConfig for an unknown metric. */
  submetric(key: string): SubMetric | Metric {
    const { metric, tags } = parseMetricKey(key);
    const parent = this.metrics.get(metric);
    if (!parent) {
      throw invalidConfig(
        `threshold on unknown metric "${metric}": it is neither a k6 built-in metric nor a custom metric created in the script's init context`,
      );
    }
    if (tags === null) return parent;
    const name = `${metric}{${Object.entries(tags)
      .map(([k, v]) => `${k}:${v}`)
      .join(',')}}`;
    let sub = parent.submetrics.find((s) => s.name === name);
    if (!sub) {
      sub = { name, tags, sink: new Sink(parent.type) };
      parent.submetrics.push(sub);
    }
    return sub;
  }

  add(name: string, value: number, tags: Record<string, string>): void {
    const m = this.metrics.get(name);
    if (!m) return;
    m.sink.add(value);
    for (const sub of m.submetrics) {
      let match = true;
      for (const k in sub.tags) {
        if (tags[k] !== sub.tags[k]) {
          match = false;
          break;
        }
      }
      if (match) sub.sink.add(value);
    }
  }
}
