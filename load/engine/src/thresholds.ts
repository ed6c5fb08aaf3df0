// k6 thresholds: `metric` or `metric{tag:value}` -> ['p(95)<500', {threshold, abortOnFail, delayAbortEval}].
// Parsed and checked against the metric's type up front (InvalidConfig, exit 104), evaluated while running for
// abortOnFail and at the end for the verdict.
// The expression grammar is the engine's own copy (it stands in for the k6 binary and imports nothing outside
// load/engine); the project's owner is load/lib/thresholds.ts, whose comment gives the rules taken from k6's docs, and
// load/engine/test/format-table.test.ts holds the two equal: `<aggregation> <op> <number>`, aggregations
// case-sensitive, p(N) with 0 <= N <= 100 and no space inside, ops < <= > >= == === !=, the number a decimal with an
// optional minus sign and exponent.
import { parseDuration } from './duration.ts';
import { invalidConfig } from './errors.ts';
import type { Metric, Registry, Sink, SubMetric } from './metrics.ts';

export interface Threshold {
  key: string;
  source: string;
  aggregation: string;
  op: string;
  target: number;
  abortOnFail: boolean;
  delayAbortEvalMs: number;
  target_metric: Metric | SubMetric;
  ok: boolean;
  lastValue: number;
}

const ALLOWED: Record<string, RegExp> = {
  counter: /^(count|rate)$/,
  gauge: /^value$/,
  rate: /^rate$/,
  trend: /^(avg|min|max|med|p\(\d+(\.\d+)?\))$/,
};

const EXPR =
  /^\s*(avg|min|max|med|count|rate|value|p\((\d+(?:\.\d+)?)\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*$/;

export interface ThresholdExpression {
  aggregation: string;
  /** As written ('===' included; it compares like '=='). */
  op: string;
  target: number;
}

/** The parsed expression, or why it is not one. */
export function parseThresholdExpression(source: string): ThresholdExpression | string {
  const m = EXPR.exec(source);
  if (!m) return `"${source}" is not "<aggregation> <op> <number>" (e.g. "p(95)<500")`;
  if (m[2] !== undefined && Number(m[2]) > 100) return `"${source}": the percentile must be between 0 and 100`;
  return { aggregation: m[1]!, op: m[3]!, target: Number(m[4]) };
}

function typeOf(t: Metric | SubMetric): string {
  return t.sink.type;
}

export function parseThresholds(raw: unknown, registry: Registry): Threshold[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidConfig('options.thresholds must be an object');
  const out: Threshold[] = [];
  for (const [key, list] of Object.entries(raw as Record<string, unknown>)) {
    const target = registry.submetric(key);
    const items = Array.isArray(list) ? list : [list];
    for (const item of items) {
      let source: string;
      let abortOnFail = false;
      let delayAbortEvalMs = 0;
      if (typeof item === 'string') source = item;
      else if (
        item !== null &&
        typeof item === 'object' &&
        typeof (item as Record<string, unknown>)['threshold'] === 'string'
      ) {
        const o = item as Record<string, unknown>;
        source = o['threshold'] as string;
        abortOnFail = Boolean(o['abortOnFail']);
        if (o['delayAbortEval'] !== undefined) {
          delayAbortEvalMs = parseDuration(o['delayAbortEval'], `thresholds["${key}"].delayAbortEval`);
        }
      } else {
        throw invalidConfig(
          `thresholds["${key}"]: ${JSON.stringify(item)} is neither a string nor {threshold, abortOnFail}`,
        );
      }
      const parsed = parseThresholdExpression(source);
      if (typeof parsed === 'string') throw invalidConfig(`thresholds["${key}"]: ${parsed}`);
      const aggregation = parsed.aggregation;
      if (!ALLOWED[typeOf(target)]!.test(aggregation)) {
        throw invalidConfig(
          `thresholds["${key}"]: "${aggregation}" does not apply to a ${typeOf(target)} metric (k6 allows ${ALLOWED[typeOf(target)]!.source})`,
        );
      }
      out.push({
        key,
        source,
        aggregation,
        op: parsed.op === '===' ? '==' : parsed.op,
        target: parsed.target,
        abortOnFail,
        delayAbortEvalMs,
        target_metric: target,
        ok: true,
        lastValue: 0,
      });
    }
  }
  return out;
}

function compare(v: number, op: string, t: number): boolean {
  switch (op) {
    case '<':
      return v < t;
    case '<=':
      return v <= t;
    case '>':
      return v > t;
    case '>=':
      return v >= t;
    case '==':
      return v === t;
    case '!=':
      return v !== t;
    default:
      return false;
  }
}

export function evaluate(th: Threshold, durationSec: number): boolean {
  const sink: Sink = th.target_metric.sink;
  th.lastValue = sink.stat(th.aggregation, durationSec);
  th.ok = compare(th.lastValue, th.op, th.target);
  return th.ok;
}

/** Evaluates all; returns the thresholds that demand an abort now. */
export function evaluateForAbort(all: Threshold[], elapsedMs: number): Threshold[] {
  const sec = elapsedMs / 1000;
  return all.filter((th) => th.abortOnFail && elapsedMs >= th.delayAbortEvalMs && !evaluate(th, sec));
}

/** Thresholds judged on no data at all. A Counter with no samples is a genuine zero (e.g. no dropped iterations);
 * a Rate, Trend or Gauge with none has no value, and k6 would still pass it silently. */
export function thresholdsWithoutSamples(all: Threshold[]): Threshold[] {
  return all.filter((th) => th.target_metric.sink.count === 0 && th.target_metric.sink.type !== 'counter');
}
