// k6 threshold expressions ("p(95)<500", "rate<0.01", "count>=10") and threshold metric keys
// ("http_req_duration{name:login}"): parsed, checked against the metric type and compared. Pure: the k6 script, the
// load CLI and every report use this one grammar. The local engine keeps its own copy (load/engine/src/thresholds.ts)
// and load/engine/test/format-table.test.ts holds the two equal on one table of cases.
//
// The grammar, from k6's documentation (using-k6/thresholds, javascript-api/k6-metrics):
// - `<aggregation> <operator> <value>`, spaces optional around the operator and at both ends ("p(90) < 300",
//   "rate<0.01");
// - aggregations, case-sensitive, spelled as the docs spell them: avg, min, max, med, p(N) (Trend), count and rate
//   (Counter), rate (Rate), value (Gauge). "P(95)", "AVG" and "p( 95 )" are errors;
// - p(N): N a decimal number from 0 to 100 ("p(99.99)"); outside that range is an error, as the docs say;
// - operators: <, <=, >, >=, ==, === (same as ==), !=;
// - value: a decimal number with an optional minus sign, as in the docs' examples ("0.01", "500"), plus an optional
//   exponent ("1e3", "5E-1") as Go's float parsing (k6 is written in Go) takes it. ".5", "+1", "0x10", "Infinity"
//   and "500ms" are errors: the value is a bare number (milliseconds for time metrics).
import { LoadInputError } from './input-error.ts';

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';
export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

export interface ThresholdExpr {
  readonly source: string;
  /** The aggregation as written: 'avg' | 'min' | 'max' | 'med' | 'p(95)' | 'count' | 'rate' | 'value'. */
  readonly stat: string;
  readonly op: ThresholdOp;
  readonly limit: number;
}

const expression =
  /^\s*(avg|min|max|med|count|rate|value|p\((\d+(?:\.\d+)?)\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*$/;

/** The parsed expression, or a one-line reason why it is not a k6 threshold expression. */
export function tryParseThreshold(source: string): ThresholdExpr | string {
  const m = expression.exec(source);
  if (m === null) {
    return `"${source}" is not a k6 threshold expression "<aggregation> <operator> <number>" like "p(95)<500" or "rate<0.01"`;
  }
  const [, stat = '', percentile, op = '', value = ''] = m;
  if (percentile !== undefined && Number(percentile) > 100) {
    return `"${source}": the percentile of ${stat} must be between 0 and 100`;
  }
  return { source, stat, op: op as ThresholdOp, limit: Number(value) };
}

export function parseThreshold(source: string): ThresholdExpr {
  const parsed = tryParseThreshold(source);
  if (typeof parsed === 'string') throw new LoadInputError(parsed);
  return parsed;
}

/** The aggregations k6 allows on each metric type (docs: "Aggregation methods by type"). */
export function aggregationApplies(stat: string, type: MetricType): boolean {
  switch (type) {
    case 'counter':
      return stat === 'count' || stat === 'rate';
    case 'gauge':
      return stat === 'value';
    case 'rate':
      return stat === 'rate';
    case 'trend':
      return stat === 'avg' || stat === 'min' || stat === 'max' || stat === 'med' || percentileOf(stat) !== undefined;
  }
}

export function compare(value: number, op: ThresholdOp, limit: number): boolean {
  switch (op) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '==':
    case '===':
      return value === limit;
    case '!=':
      return value !== limit;
  }
}

/** The percentile of a "p(95)" aggregation, or undefined for other aggregations. */
export function percentileOf(stat: string): number | undefined {
  const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

export interface MetricKey {
  readonly key: string;
  readonly name: string;
  /** Submetric tag filter, e.g. {expected_response: 'true'} for "http_req_duration{expected_response:true}". */
  readonly tags: Readonly<Record<string, string>>;
}

/** A threshold's metric key: a metric name, optionally narrowed by tags like k6 submetrics. */
export function parseMetricKey(key: string): MetricKey {
  const m = /^([^{}\s]+)\s*(?:\{([^}]*)\})?$/.exec(key.trim());
  if (!m?.[1])
    throw new LoadInputError(`threshold metric "${key}" is not a metric name like http_req_duration{tag:value}`);
  const tags: Record<string, string> = {};
  for (const part of (m[2] ?? '').split(',')) {
    if (part.trim() === '') continue;
    const i = part.indexOf(':');
    if (i < 0) throw new LoadInputError(`threshold metric "${key}": tag filter "${part}" is not tag:value`);
    tags[part.slice(0, i).trim()] = part
      .slice(i + 1)
      .trim()
      .replace(/^["']|["']$/g, '');
  }
  return { key: key.trim(), name: m[1], tags };
}
