// Turns one load run — or several load generators' runs of one test — into the figures every report shows:
// global statistics, thresholds evaluated globally, checks, time series. The same function feeds the HTML report,
// the history record, the Allure bridge and the gate, so they can never disagree.
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError, readJsonFile } from '../lib/files.ts';
import { repoRoot } from '../lib/paths.ts';
import { readMeta, readSummary, type K6Summary, type RunMeta } from '../lib/k6-summary.ts';
import {
  compare,
  mergeThresholdSets,
  parseMetricKey,
  parseThreshold,
  thresholdsFromOptions,
  type ThresholdSet,
} from '../lib/thresholds.ts';
import { RunAggregator, type RequestStats } from './aggregate.ts';

export interface RunSource {
  dir: string;
  label: string;
  metricFiles: string[];
  summary: K6Summary | undefined;
  meta: RunMeta | undefined;
}

export interface StatsRow {
  name: string;
  count: number;
  ok: number;
  ko: number;
  min: number;
  p50: number;
  p75: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  stddev: number;
  rps: number;
}

export interface ThresholdResult {
  metric: string;
  expression: string;
  /** The aggregate the expression tests (e.g. p(95)=231.4), NaN when the metric had no samples. */
  value: number;
  ok: boolean;
  /** Who judged: k6 itself (one generator) or this builder over the merged stream (several generators). */
  judgedBy: 'k6 summary' | 'merged stream' | 'metrics stream';
  /** Where the threshold was declared. */
  declaredIn: string[];
  /** Each generator's own verdict when several ran (k6-operator runners judge alone). */
  perInstance: { instance: string; ok: boolean }[];
  note: string;
}

export interface RunAnalysis {
  sources: RunSource[];
  meta: RunMeta;
  merged: boolean;
  instanceCount: number;
  startMs: number;
  endMs: number;
  durationSec: number;
  agg: RunAggregator;
  hasStream: boolean;
  global: StatsRow;
  byName: StatsRow[];
  byInstance: StatsRow[];
  thresholds: ThresholdResult[];
  thresholdsOk: boolean;
  checks: { name: string; passes: number; fails: number }[];
}

export const sloPath = join(repoRoot, 'config', 'slo.json');
const metricFilePattern = /^metrics.*\.(ndjson|jsonl|json)(\.gz)?$/;

/** A run directory, or a directory of per-instance run directories, as sources. */
export function discoverSources(dirs: string[]): RunSource[] {
  const out: RunSource[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) throw new InputError(`load run directory ${dir} does not exist`);
    const own = sourceOf(dir);
    if (own) {
      out.push(own);
      continue;
    }
    const nested = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => sourceOf(join(dir, e.name)))
      .filter((s): s is RunSource => s !== undefined);
    if (nested.length === 0) {
      throw new InputError(`${dir} holds no load run: expected summary.json and/or metrics.ndjson (k6 --out json)`);
    }
    out.push(...nested);
  }
  return out;
}

function sourceOf(dir: string): RunSource | undefined {
  const files = readdirSync(dir);
  const metricFiles = files.filter((f) => metricFilePattern.test(f)).map((f) => join(dir, f));
  const hasSummary = files.includes('summary.json');
  if (!hasSummary && metricFiles.length === 0) return undefined;
  const meta = readMeta(dir);
  return {
    dir,
    label: meta?.runId || basename(dir),
    metricFiles,
    summary: hasSummary ? readSummary(join(dir, 'summary.json')) : undefined,
    meta,
  };
}

export function readSloThresholds(path: string = sloPath): ThresholdSet {
  if (!existsSync(path)) return new Map();
  return thresholdsFromOptions(readJsonFile(path, 'SLO file'), path);
}

function summaryThresholds(summary: K6Summary | undefined): ThresholdSet {
  const out: ThresholdSet = new Map();
  for (const [name, m] of Object.entries(summary?.metrics ?? {})) {
    const exprs = Object.keys(m.thresholds);
    if (exprs.length > 0) out.set(name, exprs);
  }
  return out;
}

export interface AnalyzeOptions {
  /** Thresholds from config/slo.json (default) — pass an empty map to judge only what the run declared. */
  slo?: ThresholdSet;
}

export async function analyzeRun(dirs: string[], options: AnalyzeOptions = {}): Promise<RunAnalysis> {
  const sources = discoverSources(dirs);
  const slo = options.slo ?? readSloThresholds();
  const summaries = sources.map((s) => s.summary).filter((s): s is K6Summary => s !== undefined);
  const declared = mergeThresholdSets(slo, ...summaries.map(summaryThresholds));

  const agg = new RunAggregator();
  for (const [key] of declared) {
    const series = agg.track(parseMetricKey(key));
    series.type ??= summaries.map((s) => s.metrics[key]?.type ?? s.metrics[series.key.name]?.type).find((t) => t);
  }
  for (const source of sources) {
    for (const file of source.metricFiles) {
      const label =
        source.metricFiles.length > 1 ? basename(file).replace(/\.(ndjson|jsonl|json)(\.gz)?$/, '') : source.label;
      await agg.addFile(file, sources.length > 1 || source.metricFiles.length > 1 ? label : 'default');
    }
  }
  const hasStream = agg.points > 0;
  const merged = sources.length > 1 || agg.instances.size > 1;

  const metas = sources.map((s) => s.meta).filter((m): m is RunMeta => m !== undefined);
  const startMs = minOf([...metas.map((m) => Date.parse(m.startedAt)), hasStream ? agg.firstMs : NaN]);
  const endMs = maxOf([...metas.map((m) => Date.parse(m.endedAt)), hasStream ? agg.lastMs : NaN]);
  const summaryMs = maxOf(summaries.map((s) => s.testRunDurationMs ?? NaN));
  const durationSec = (Number.isFinite(summaryMs) ? summaryMs : endMs - startMs) / 1000;

  const first = metas[0];
  const meta: RunMeta = {
    runId: merged
      ? metas.map((m) => m.runId).join('+') || 'merged'
      : (first?.runId ?? basename(sources[0]?.dir ?? 'run')),
    profile: first?.profile ?? '',
    engine: [...new Set(metas.map((m) => m.engine))].join(', '),
    target: first?.target ?? '',
    commit: first?.commit ?? '',
    startedAt: Number.isFinite(startMs) ? new Date(startMs).toISOString() : '',
    endedAt: Number.isFinite(endMs) ? new Date(endMs).toISOString() : '',
    exitCode: metas.some((m) => m.exitCode !== undefined) ? Math.max(...metas.map((m) => m.exitCode ?? 0)) : undefined,
  };

  const global = hasStream
    ? statsRow('All requests', agg.all, durationSec)
    : statsFromSummary(summaries[0], durationSec);
  const byName = [...agg.byName].map(([n, s]) => statsRow(n, s, durationSec)).sort((a, b) => b.count - a.count);
  const byInstance = merged
    ? [...agg.instances].map(([n, s]) => statsRow(n, s.requests, Math.max(1e-9, (s.lastMs - s.firstMs) / 1000)))
    : [];

  const thresholds = evaluateThresholds(declared, slo, sources, agg, durationSec, merged);
  const checks = agg.checks.size > 0 ? [...agg.checks].map(([name, c]) => ({ name, ...c })) : summaryChecks(summaries);
  return {
    sources,
    meta,
    merged,
    instanceCount: Math.max(sources.length, agg.instances.size),
    startMs,
    endMs,
    durationSec,
    agg,
    hasStream,
    global,
    byName,
    byInstance,
    thresholds,
    thresholdsOk: thresholds.every((t) => t.ok),
    checks,
  };
}

function evaluateThresholds(
  declared: ThresholdSet,
  slo: ThresholdSet,
  sources: RunSource[],
  agg: RunAggregator,
  durationSec: number,
  merged: boolean,
): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  const single = !merged && sources.length === 1 ? sources[0]?.summary : undefined;
  for (const [key, exprs] of declared) {
    const series = agg.series.get(key);
    for (const expression of exprs) {
      const expr = parseThreshold(expression);
      const declaredIn = [
        ...(slo.get(key)?.includes(expression) ? ['config/slo.json'] : []),
        ...(sources.some((s) => s.summary?.metrics[key]?.thresholds[expression]) ? ['load script'] : []),
      ];
      const perInstance = merged
        ? sources.flatMap((s) => {
            const t = s.summary?.metrics[key]?.thresholds[expression];
            return t ? [{ instance: s.label, ok: t.ok }] : [];
          })
        : [];
      const k6Verdict = single?.metrics[key]?.thresholds[expression];
      const streamValue = series?.stat(expr.stat, durationSec);
      if (k6Verdict !== undefined) {
        const value = single?.metrics[key]?.values[expr.stat] ?? streamValue ?? NaN;
        results.push({
          metric: key,
          expression,
          value,
          ok: k6Verdict.ok,
          judgedBy: 'k6 summary',
          declaredIn,
          perInstance,
          note: '',
        });
        continue;
      }
      if (streamValue === undefined || Number.isNaN(streamValue)) {
        // k6 lets a threshold on a metric without samples pass; a release gate must not.
        const summaryValue = single?.metrics[key]?.values[expr.stat];
        if (summaryValue !== undefined) {
          const ok = compare(summaryValue, expr.op, expr.limit);
          results.push({
            metric: key,
            expression,
            value: summaryValue,
            ok,
            judgedBy: 'k6 summary',
            declaredIn,
            perInstance,
            note: 'declared only in config/slo.json; judged on the summary value',
          });
        } else {
          results.push({
            metric: key,
            expression,
            value: NaN,
            ok: false,
            judgedBy: merged ? 'merged stream' : 'metrics stream',
            declaredIn,
            perInstance,
            note: 'no samples: the SLO could not be evaluated',
          });
        }
        continue;
      }
      results.push({
        metric: key,
        expression,
        value: streamValue,
        ok: compare(streamValue, expr.op, expr.limit),
        judgedBy: merged ? 'merged stream' : 'metrics stream',
        declaredIn,
        perInstance,
        note: merged ? `global over ${sources.length > 1 ? sources.length : agg.instances.size} instances` : '',
      });
    }
  }
  return results;
}

export function statsRow(name: string, s: RequestStats, durationSec: number): StatsRow {
  const h = s.all;
  return {
    name,
    count: h.count,
    ok: s.ok,
    ko: s.ko,
    min: h.count ? h.min : NaN,
    p50: h.percentile(50),
    p75: h.percentile(75),
    p95: h.percentile(95),
    p99: h.percentile(99),
    max: h.count ? h.max : NaN,
    mean: h.mean,
    stddev: h.stddev,
    rps: durationSec > 0 ? h.count / durationSec : NaN,
  };
}

/** Without a metrics stream, the summary still gives most figures (p75/p99 only if summaryTrendStats had them). */
function statsFromSummary(summary: K6Summary | undefined, durationSec: number): StatsRow {
  const d = summary?.metrics.http_req_duration?.values ?? {};
  const count = summary?.metrics.http_reqs?.values.count ?? NaN;
  const failed = summary?.metrics.http_req_failed?.values;
  const ko = failed?.passes ?? (failed?.rate !== undefined ? Math.round(failed.rate * count) : NaN);
  return {
    name: 'All requests',
    count,
    ok: count - ko,
    ko,
    min: d.min ?? NaN,
    p50: d.med ?? d['p(50)'] ?? NaN,
    p75: d['p(75)'] ?? NaN,
    p95: d['p(95)'] ?? NaN,
    p99: d['p(99)'] ?? NaN,
    max: d.max ?? NaN,
    mean: d.avg ?? NaN,
    stddev: NaN,
    rps: summary?.metrics.http_reqs?.values.rate ?? (durationSec > 0 ? count / durationSec : NaN),
  };
}

function summaryChecks(summaries: K6Summary[]): { name: string; passes: number; fails: number }[] {
  const byName = new Map<string, { passes: number; fails: number }>();
  for (const s of summaries) {
    for (const c of s.checks) {
      const e = byName.get(c.name) ?? { passes: 0, fails: 0 };
      e.passes += c.passes;
      e.fails += c.fails;
      byName.set(c.name, e);
    }
  }
  return [...byName].map(([name, c]) => ({ name, ...c }));
}

function minOf(values: number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length ? Math.min(...finite) : NaN;
}

function maxOf(values: number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length ? Math.max(...finite) : NaN;
}
