// A run against its baseline: latency percentiles, error rate and throughput, each with its delta and a verdict
// against the tolerances of config/review-tolerances.json. Pure functions: the gate and the review page share them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, isRecord } from '../lib/files.ts';
import { readJsonFile } from '../../core/files.ts';
import { repoRoot } from '../../config/index.ts';
import type { HistoryRecord } from './history.ts';

export type Verdict = 'pass' | 'warn' | 'fail';

export interface LatencyTolerance {
  /** Relative increase (%) that warns / fails... */
  warnPct: number;
  failPct: number;
  /** ...but only when the absolute increase also exceeds this (ms): noise on tiny latencies is not a regression. */
  minDeltaMs: number;
}

export interface Tolerances {
  p50: LatencyTolerance;
  p95: LatencyTolerance;
  p99: LatencyTolerance;
  /** Absolute increase of the KO share (0.005 = half a percentage point). */
  errorRate: { warnIncrease: number; failIncrease: number };
  /** Relative drop of requests per second (%). */
  throughput: { warnDropPct: number; failDropPct: number };
  /** Relative drop of the capacity (%), breakpoint and stress runs; absent from older files: 10 / 20. */
  capacity: { warnDropPct: number; failDropPct: number };
  /** Runs shown in the trend charts. */
  trendRuns: number;
}

export const tolerancesPath = join(repoRoot, 'config', 'review-tolerances.json');

function numberAt(obj: Record<string, unknown>, key: string, where: string): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new InputError(`${where}: "${key}" must be a number >= 0`);
  return v;
}

function section(raw: Record<string, unknown>, key: string, where: string): Record<string, unknown> {
  const v = raw[key];
  if (!isRecord(v)) throw new InputError(`${where}: "${key}" must be an object`);
  return v;
}

export function parseTolerances(raw: unknown, where: string): Tolerances {
  if (!isRecord(raw)) throw new InputError(`${where} must be a JSON object with p50, p95, p99, errorRate, throughput`);
  const latency = (key: string): LatencyTolerance => {
    const s = section(raw, key, where);
    const t = {
      warnPct: numberAt(s, 'warnPct', `${where} ${key}`),
      failPct: numberAt(s, 'failPct', `${where} ${key}`),
      minDeltaMs: numberAt(s, 'minDeltaMs', `${where} ${key}`),
    };
    if (t.warnPct > t.failPct) throw new InputError(`${where} ${key}: warnPct must not exceed failPct`);
    return t;
  };
  const p50 = latency('p50');
  const p95 = latency('p95');
  const p99 = latency('p99');
  const e = section(raw, 'errorRate', where);
  const t = section(raw, 'throughput', where);
  const trendRuns = raw.trendRuns === undefined ? 20 : numberAt(raw, 'trendRuns', where);
  const c = raw.capacity === undefined ? { warnDropPct: 10, failDropPct: 20 } : section(raw, 'capacity', where);
  return {
    p50,
    p95,
    p99,
    errorRate: {
      warnIncrease: numberAt(e, 'warnIncrease', `${where} errorRate`),
      failIncrease: numberAt(e, 'failIncrease', `${where} errorRate`),
    },
    throughput: {
      warnDropPct: numberAt(t, 'warnDropPct', `${where} throughput`),
      failDropPct: numberAt(t, 'failDropPct', `${where} throughput`),
    },
    capacity: {
      warnDropPct: numberAt(c, 'warnDropPct', `${where} capacity`),
      failDropPct: numberAt(c, 'failDropPct', `${where} capacity`),
    },
    trendRuns: Math.max(2, Math.floor(trendRuns)),
  };
}

export function loadTolerances(path: string = tolerancesPath): Tolerances {
  if (!existsSync(path))
    throw new InputError(`review tolerances ${path} do not exist: create it or pass --tolerances FILE`);
  return parseTolerances(readJsonFile(path, 'review tolerances'), path);
}

export interface Comparison {
  key: 'p50' | 'p95' | 'p99' | 'errorRate' | 'throughput' | 'capacity';
  label: string;
  unit: 'ms' | 'share' | 'req/s';
  baseline: number;
  current: number;
  delta: number;
  /** Relative change in %, NaN when the baseline is 0. */
  deltaPct: number;
  verdict: Verdict;
  rule: string;
}

const worst = (vs: Verdict[]): Verdict => (vs.includes('fail') ? 'fail' : vs.includes('warn') ? 'warn' : 'pass');

export function compareRuns(run: HistoryRecord, baseline: HistoryRecord, tol: Tolerances): Comparison[] {
  const capacity = compareCapacity(run, baseline, tol);
  // A breakpoint run ramps until it breaks: its whole-run latency, errors and throughput say when it broke, which the
  // capacity already says better; compared on their own they would flag noise.
  if (capacity !== undefined && run.profile === 'breakpoint') return [capacity];
  const out: Comparison[] = [];
  for (const key of ['p50', 'p95', 'p99'] as const) {
    const t = tol[key];
    const delta = run[key] - baseline[key];
    const deltaPct = baseline[key] > 0 ? (delta / baseline[key]) * 100 : NaN;
    const beyond = (pct: number): boolean => delta > t.minDeltaMs && (Number.isNaN(deltaPct) || deltaPct > pct);
    const verdict: Verdict = !Number.isFinite(run[key])
      ? 'fail'
      : beyond(t.failPct)
        ? 'fail'
        : beyond(t.warnPct)
          ? 'warn'
          : 'pass';
    out.push({
      key,
      label: `${key} latency`,
      unit: 'ms',
      baseline: baseline[key],
      current: run[key],
      delta,
      deltaPct,
      verdict,
      rule: `fails above +${t.failPct} % and +${t.minDeltaMs} ms (warns above +${t.warnPct} %)`,
    });
  }
  {
    const t = tol.errorRate;
    const delta = run.errorRate - baseline.errorRate;
    const verdict: Verdict = !Number.isFinite(run.errorRate)
      ? 'fail'
      : delta > t.failIncrease
        ? 'fail'
        : delta > t.warnIncrease
          ? 'warn'
          : 'pass';
    out.push({
      key: 'errorRate',
      label: 'error rate',
      unit: 'share',
      baseline: baseline.errorRate,
      current: run.errorRate,
      delta,
      deltaPct: baseline.errorRate > 0 ? (delta / baseline.errorRate) * 100 : NaN,
      verdict,
      rule: `fails above +${(t.failIncrease * 100).toFixed(2)} points (warns above +${(t.warnIncrease * 100).toFixed(2)})`,
    });
  }
  {
    const t = tol.throughput;
    const delta = run.throughput - baseline.throughput;
    const deltaPct = baseline.throughput > 0 ? (delta / baseline.throughput) * 100 : NaN;
    const drop = -deltaPct;
    const verdict: Verdict = !Number.isFinite(run.throughput)
      ? 'fail'
      : drop > t.failDropPct
        ? 'fail'
        : drop > t.warnDropPct
          ? 'warn'
          : 'pass';
    out.push({
      key: 'throughput',
      label: 'throughput',
      unit: 'req/s',
      baseline: baseline.throughput,
      current: run.throughput,
      delta,
      deltaPct,
      verdict,
      rule: `fails below −${t.failDropPct} % (warns below −${t.warnDropPct} %)`,
    });
  }
  if (capacity !== undefined) out.push(capacity);
  return out;
}

/**
 * Capacity (logins/s at which every SLO held): a relative drop beyond the tolerance warns or fails. A run that broke
 * from its lowest rate has no figure and fails; 'not-reached' is a lower bound, compared as it is (same schedule:
 * it is the highest rate tested, so never a drop against a run that broke below it). Undefined when either run has
 * no capacity (another profile, or 'unavailable').
 */
function compareCapacity(run: HistoryRecord, baseline: HistoryRecord, tol: Tolerances): Comparison | undefined {
  const [r, b] = [run.capacity ?? null, baseline.capacity ?? null];
  if (r === null || b === null || r.status === 'unavailable' || !Number.isFinite(b.rps)) return undefined;
  const t = tol.capacity;
  const current = r.status === 'below-range' ? 0 : r.rps;
  const delta = current - b.rps;
  const deltaPct = b.rps > 0 ? (delta / b.rps) * 100 : NaN;
  const drop = -deltaPct;
  return {
    key: 'capacity',
    label: 'capacity',
    unit: 'req/s',
    baseline: b.rps,
    current,
    delta,
    deltaPct,
    verdict: r.status === 'below-range' || drop > t.failDropPct ? 'fail' : drop > t.warnDropPct ? 'warn' : 'pass',
    rule: `fails below −${t.failDropPct} % (warns below −${t.warnDropPct} %); logins/s at which every SLO held`,
  };
}

export function overallVerdict(comparisons: Comparison[]): Verdict {
  return worst(comparisons.map((c) => c.verdict));
}

/** Same profile, and — when both runs recorded them — the same schedule and the same kind of target. */
export function comparable(a: HistoryRecord, b: HistoryRecord): boolean {
  return (
    a.profile === b.profile &&
    (a.schedule === '' || b.schedule === '' || a.schedule === b.schedule) &&
    (a.managedTarget === null || b.managedTarget === null || a.managedTarget === b.managedTarget)
  );
}

/**
 * The baseline: the most recent passing comparable run that started before this one. A breakpoint run breaks its
 * thresholds by design, so there a measured capacity is what makes it a baseline.
 */
export function pickBaseline(history: HistoryRecord[], run: HistoryRecord): HistoryRecord | undefined {
  const started = Date.parse(run.startedAt);
  const usable = (r: HistoryRecord): boolean =>
    r.passed || (r.profile === 'breakpoint' && Number.isFinite(r.capacity?.rps ?? NaN));
  return history
    .filter((r) => usable(r) && r.runId !== run.runId && comparable(r, run))
    .filter(
      (r) =>
        !Number.isFinite(started) || !Number.isFinite(Date.parse(r.startedAt)) || Date.parse(r.startedAt) < started,
    )
    .at(-1);
}
