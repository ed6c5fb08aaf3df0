// Turns one load run — or several load generators' runs of one test — into the figures every report shows:
// global statistics, thresholds evaluated globally, checks, time series. The same function feeds the HTML report,
// the history record, the Allure bridge and the gate, so they can never disagree.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { objectivesFor, parseSlo, type Objective } from '../../load/lib/slo.ts';
import { parseProfiles, selectProfile } from '../../load/lib/profiles.ts';
import { InputError } from '../lib/files.ts';
import { repoRoot } from '../lib/paths.ts';
import { readMeta, readSummary, type K6Summary, type RunMeta } from '../lib/k6-summary.ts';
import { compare, mergeThresholdSets, parseMetricKey, parseThreshold, type ThresholdSet } from '../lib/thresholds.ts';
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
  /** What the objective means, from config/slo.json (empty for thresholds the SLO file does not know). */
  description: string;
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
  iterations: number;
  droppedIterations: number;
}

export const sloPath = join(repoRoot, 'config', 'slo.json');
export const profilesPath = join(repoRoot, 'config', 'profiles.json');
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

/**
 * The objectives config/slo.json sets for a profile, computed by the load suite's own code (load/lib/slo.ts), so the
 * report judges exactly what the k6 script declared. Undefined when the files or the profile are not there.
 */
export function sloObjectives(profileName: string): Objective[] | undefined {
  if (profileName === '' || !existsSync(sloPath) || !existsSync(profilesPath)) return undefined;
  try {
    const profiles = parseProfiles(readFileSync(profilesPath, 'utf8'), profilesPath);
    if (!profiles.has(profileName)) return undefined;
    return objectivesFor(parseSlo(readFileSync(sloPath, 'utf8'), sloPath), selectProfile(profiles, profileName));
  } catch (error) {
    throw new InputError((error as Error).message);
  }
}

function summaryThresholds(summary: K6Summary | undefined): ThresholdSet {
  const out: ThresholdSet = new Map();
  for (const [name, m] of Object.entries(summary?.metrics ?? {})) {
    const exprs = Object.keys(m.thresholds);
    if (exprs.length > 0) out.set(name, exprs);
  }
  return out;
}

function objectiveThresholds(objectives: readonly Objective[]): ThresholdSet {
  const out: ThresholdSet = new Map();
  for (const o of objectives) out.set(o.metric, [...(out.get(o.metric) ?? []), o.expression]);
  return out;
}

export interface AnalyzeOptions {
  /**
   * SLO objectives the run must declare; default: config/slo.json for the run's profile. `null` judges only what the
   * run declared. When no summary exists (stream only), these objectives are the thresholds.
   */
  objectives?: readonly Objective[] | null;
}

export async function analyzeRun(dirs: string[], options: AnalyzeOptions = {}): Promise<RunAnalysis> {
  const sources = discoverSources(dirs);
  const summaries = sources.map((s) => s.summary).filter((s): s is K6Summary => s !== undefined);
  const profile = sources.map((s) => s.meta?.profile).find((p) => p) ?? '';
  const objectives = options.objectives === undefined ? (sloObjectives(profile) ?? []) : (options.objectives ?? []);
  // What the run declared is authoritative (the script sized its thresholds to the schedule actually run); the SLO
  // file's objectives stand in when no summary exists, and are checked to be present otherwise.
  const fromRun = mergeThresholdSets(...summaries.map(summaryThresholds));
  const declared = summaries.length > 0 ? fromRun : objectiveThresholds(objectives);

  // One summary.json covering the whole stream: k6 already judged its thresholds and counted its checks exactly, so
  // only what the summary lacks is streamed (4x fewer lines to parse). Several generators: everything is streamed.
  const judgedBySummary = sources.length === 1 && sources[0]?.summary !== undefined ? sources[0].summary : undefined;
  const agg = new RunAggregator(judgedBySummary === undefined);
  for (const [key, exprs] of declared) {
    if (judgedBySummary && exprs.every((e) => judgedBySummary.metrics[key]?.thresholds[e] !== undefined)) continue;
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
  if (!hasStream && summaries.length === 0) {
    const files = sources.flatMap((s) => s.metricFiles).join(', ');
    throw new InputError(
      `${files}: no valid k6 metric line (${agg.badLines} malformed of ${agg.lines}) and no summary.json: nothing to report`,
    );
  }
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
    schedule: first?.schedule ?? '',
    managedTarget: first?.managedTarget,
  };

  const global = hasStream
    ? statsRow('All requests', agg.all, durationSec)
    : statsFromSummary(summaries[0], durationSec);
  const byName = [...agg.byName].map(([n, s]) => statsRow(n, s, durationSec)).sort((a, b) => b.count - a.count);
  const byInstance = merged
    ? [...agg.instances].map(([n, s]) => statsRow(n, s.requests, Math.max(1e-9, (s.lastMs - s.firstMs) / 1000)))
    : [];

  const thresholds = [
    ...evaluateThresholds(declared, objectives, sources, agg, durationSec, merged, judgedBySummary),
    ...missingObjectives(objectives, declared),
  ];
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
    iterations: agg.counters.iterations || sumOf(summaries, 'iterations'),
    droppedIterations: agg.counters.droppedIterations || sumOf(summaries, 'dropped_iterations'),
  };
}

function sumOf(summaries: K6Summary[], metric: string): number {
  return summaries.reduce((n, s) => n + (s.metrics[metric]?.values.count ?? 0), 0);
}

/** Objectives of config/slo.json the run did not declare at all (same metric and statistic): an SLO nobody checked. */
function missingObjectives(objectives: readonly Objective[], declared: ThresholdSet): ThresholdResult[] {
  return objectives
    .filter(
      (o) => !(declared.get(o.metric) ?? []).some((e) => parseThreshold(e).stat === parseThreshold(o.expression).stat),
    )
    .map((o) => ({
      metric: o.metric,
      expression: o.expression,
      description: o.description,
      value: NaN,
      ok: false,
      judgedBy: 'metrics stream' as const,
      declaredIn: ['config/slo.json'],
      perInstance: [],
      note: `objective "${o.id}" of config/slo.json was not declared by the run: it was never evaluated`,
    }));
}

function evaluateThresholds(
  declared: ThresholdSet,
  objectives: readonly Objective[],
  sources: RunSource[],
  agg: RunAggregator,
  durationSec: number,
  merged: boolean,
  single: K6Summary | undefined,
): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const [key, exprs] of declared) {
    const series = agg.series.get(key);
    for (const expression of exprs) {
      const expr = parseThreshold(expression);
      const objective = objectives.find((o) => o.metric === key && parseThreshold(o.expression).stat === expr.stat);
      const description = objective?.description ?? '';
      const declaredIn = [
        ...(objective?.expression === expression ? ['config/slo.json'] : []),
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
      const base = { metric: key, expression, description, declaredIn, perInstance };
      if (k6Verdict !== undefined) {
        // One generator: k6's own verdict stands (its exit code depends on it); the value is exact.
        const value = single?.metrics[key]?.values[expr.stat] ?? streamValue ?? NaN;
        results.push({ ...base, value, ok: k6Verdict.ok, judgedBy: 'k6 summary', note: '' });
      } else if (streamValue === undefined || Number.isNaN(streamValue)) {
        // k6 lets a threshold on a metric without samples pass; a release gate must not.
        const judgedBy = merged ? 'merged stream' : 'metrics stream';
        results.push({ ...base, value: NaN, ok: false, judgedBy, note: 'no samples: the SLO could not be evaluated' });
      } else {
        const instances = sources.length > 1 ? sources.length : agg.instances.size;
        results.push({
          ...base,
          value: streamValue,
          ok: compare(streamValue, expr.op, expr.limit),
          judgedBy: merged ? 'merged stream' : 'metrics stream',
          note: merged ? `global over ${instances} instances` : '',
        });
      }
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
