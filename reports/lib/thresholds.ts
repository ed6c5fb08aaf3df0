// k6 threshold expressions ("p(95)<500", "rate<0.01", "count>=100", "avg < 200") parsed and evaluated, so SLOs
// can be judged on aggregates the report computed itself — over several load generators at once.
import { InputError } from './files.ts';

export interface ThresholdExpr {
  source: string;
  /** 'avg' | 'min' | 'max' | 'med' | 'p(95)' | 'rate' | 'count' | 'value' */
  stat: string;
  op: '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';
  limit: number;
}

const pattern =
  /^\s*(avg|min|max|med|count|rate|value|p\(\s*\d+(?:\.\d+)?\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/i;

export function parseThreshold(source: string): ThresholdExpr {
  const m = pattern.exec(source);
  if (!m?.[1] || !m[2] || !m[3]) {
    throw new InputError(`threshold "${source}" is not a k6 threshold expression like "p(95)<500" or "rate<0.01"`);
  }
  return { source, stat: m[1].replace(/\s+/g, '').toLowerCase(), op: m[2] as ThresholdExpr['op'], limit: Number(m[3]) };
}

export function compare(value: number, op: ThresholdExpr['op'], limit: number): boolean {
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

/** The percentile of a "p(95)" stat, or undefined for other stats. */
export function percentileOf(stat: string): number | undefined {
  const m = /^p\(([\d.]+)\)$/.exec(stat);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

export interface MetricKey {
  key: string;
  name: string;
  /** Submetric tag filter, e.g. {expected_response: 'true'} for "http_req_duration{expected_response:true}". */
  tags: Record<string, string>;
}

export function parseMetricKey(key: string): MetricKey {
  const m = /^([^{}\s]+)\s*(?:\{([^}]*)\})?$/.exec(key.trim());
  if (!m?.[1]) throw new InputError(`threshold metric "${key}" is not a metric name like http_req_duration{tag:value}`);
  const tags: Record<string, string> = {};
  for (const part of (m[2] ?? '').split(',')) {
    if (part.trim() === '') continue;
    const i = part.indexOf(':');
    if (i < 0) throw new InputError(`threshold metric "${key}": tag filter "${part}" is not tag:value`);
    tags[part.slice(0, i).trim()] = part
      .slice(i + 1)
      .trim()
      .replace(/^["']|["']$/g, '');
  }
  return { key: key.trim(), name: m[1], tags };
}

/** Threshold expressions by metric key, as k6 declares them: {"http_req_duration{name:login}": ["p(95)<500"]}. */
export type ThresholdSet = Map<string, string[]>;

function addAll(into: ThresholdSet, key: string, exprs: string[]): void {
  const list = into.get(key) ?? [];
  for (const e of exprs) if (!list.includes(e)) list.push(e);
  into.set(key, list);
}

export function mergeThresholdSets(...sets: ThresholdSet[]): ThresholdSet {
  const out: ThresholdSet = new Map();
  for (const s of sets) for (const [k, v] of s) addAll(out, k, v);
  return out;
}
