// Turns one load run — or several load generators' runs of one test — into the figures every report shows
// (analysis.ts: RunAnalysis): global statistics, thresholds evaluated globally, checks, time series. Called once per
// run, through loadAnalysis, which keeps the result in <run-dir>/analysis.json. Every percentile is k6's
// (load/lib/percentile.ts).
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseProfiles, selectProfile } from '../../load/lib/profiles.ts';
import { scheduleLabel, type RunMeta } from '../../load/lib/run-meta.ts';
import { objectivesFor, parseSlo, sloFor, type Objective } from '../../load/lib/slo.ts';
import { allChecks, type SummaryData } from '../../load/lib/summary-data.ts';
import { compare, parseMetricKey, parseThreshold, percentileOf } from '../../load/lib/thresholds.ts';
import { InputError } from '../lib/files.ts';
import { readMeta, readSummary } from '../lib/k6-summary.ts';
import { RunAggregator, type RequestStats } from './aggregate.ts';
import { capacityProfiles, computeCapacity, unavailableCapacity, type CapacityResult } from './capacity.ts';
import {
  analysisSchema,
  metricFilePattern,
  profilesPath,
  sloPath,
  sourceDirs,
  type DistributionBin,
  type LatencyRanges,
  type RunAnalysis,
  type RunInfo,
  type StatsRow,
  type ThresholdResult,
  type TimelinePoint,
} from './analysis.ts';
import { timingBreakdown } from './timings.ts';

/** One generator's run folder as read (internal: the summary and meta are parsed once). */
interface RunSource {
  dir: string;
  label: string;
  metricFiles: string[];
  summary: SummaryData | undefined;
  meta: RunMeta | undefined;
}

function discoverSources(dirs: string[]): RunSource[] {
  return sourceDirs(dirs).map(({ dir, files }) => {
    const meta = readMeta(dir);
    return {
      dir,
      label: meta?.runId || basename(dir),
      metricFiles: files.filter((f) => metricFilePattern.test(f)).map((f) => join(dir, f)),
      summary: files.includes('summary.json') ? readSummary(join(dir, 'summary.json')) : undefined,
      meta,
    };
  });
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

/** Threshold expressions by metric key, as k6 declares them: {"http_req_duration{name:login}": ["p(95)<500"]}. */
type ThresholdSet = Map<string, string[]>;

function mergeThresholdSets(...sets: ThresholdSet[]): ThresholdSet {
  const out: ThresholdSet = new Map();
  for (const set of sets) {
    for (const [key, exprs] of set) {
      const list = out.get(key) ?? [];
      for (const e of exprs) if (!list.includes(e)) list.push(e);
      out.set(key, list);
    }
  }
  return out;
}

function summaryThresholds(summary: SummaryData | undefined): ThresholdSet {
  const out: ThresholdSet = new Map();
  for (const [name, m] of Object.entries(summary?.metrics ?? {})) {
    const exprs = Object.keys(m.thresholds ?? {});
    if (exprs.length > 0) out.set(name, exprs);
  }
  return out;
}

function objectiveThresholds(objectives: readonly Objective[]): ThresholdSet {
  const out: ThresholdSet = new Map();
  for (const o of objectives) out.set(o.metric, [...(out.get(o.metric) ?? []), o.expression]);
  return out;
}

/** The latency threshold's metric key (a submetric of http_req_duration if one is judged), else undefined. */
function headlineKey(declared: ThresholdSet): string | undefined {
  const latency = [...declared].filter(
    ([key, exprs]) =>
      parseMetricKey(key).name === 'http_req_duration' &&
      exprs.some((e) => percentileOf(parseThreshold(e).stat) !== undefined),
  );
  return (latency.find(([key]) => Object.keys(parseMetricKey(key).tags).length > 0) ?? latency[0])?.[0];
}

export interface AnalyzeOptions {
  /**
   * SLO objectives the run must declare; default: config/slo.json for the run's profile. `null` judges only what the
   * run declared. When no summary exists (stream only), these objectives are the thresholds.
   */
  objectives?: readonly Objective[] | null;
}

/** Streams the run's metrics and computes its analysis (see loadAnalysis for the cached one). */
export async function analyzeRun(dirs: string[], options: AnalyzeOptions = {}): Promise<RunAnalysis> {
  const sources = discoverSources(dirs);
  const summaries = sources.map((s) => s.summary).filter((s): s is SummaryData => s !== undefined);
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
    if (judgedBySummary && exprs.every((e) => judgedBySummary.metrics[key]?.thresholds?.[e] !== undefined)) continue;
    const series = agg.track(parseMetricKey(key));
    series.type ??= summaries.map((s) => s.metrics[key]?.type ?? s.metrics[series.key.name]?.type).find((t) => t);
  }
  const headlineMetric = headlineKey(declared);
  if (headlineMetric !== undefined) agg.setHeadline(parseMetricKey(headlineMetric));
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
  const summaryMs = maxOf(summaries.map((s) => s.state?.testRunDurationMs ?? NaN));
  const durationSec = (Number.isFinite(summaryMs) ? summaryMs : endMs - startMs) / 1000;

  const first = metas[0];
  const meta: RunInfo = {
    runId: merged
      ? metas.map((m) => m.runId).join('+') || 'merged'
      : (first?.runId ?? basename(sources[0]?.dir ?? 'run')),
    profile: first?.profile ?? '',
    engine: [...new Set(metas.map((m) => m.engine))].join(', '),
    target: first?.target ?? '',
    commit: first?.commit ?? '',
    startedAt: Number.isFinite(startMs) ? new Date(startMs).toISOString() : '',
    endedAt: Number.isFinite(endMs) ? new Date(endMs).toISOString() : '',
    schedule: scheduleLabel(first?.schedule),
  };
  if (metas.some((m) => m.exitCode !== undefined)) meta.exitCode = Math.max(...metas.map((m) => m.exitCode ?? 0));
  if (first?.managedTarget !== undefined) meta.managedTarget = first.managedTarget;

  const global = hasStream
    ? statsRow('All requests', agg.all, durationSec)
    : statsFromSummary(summaries[0], 'http_req_duration', durationSec);
  const headline =
    headlineMetric === undefined
      ? { ...global }
      : hasStream && agg.headline !== undefined
        ? statsRow(headlineMetric, agg.headline.stats, durationSec)
        : statsFromSummary(summaries[0], headlineMetric, durationSec);
  const byName = [...agg.byName].map(([n, s]) => statsRow(n, s, durationSec)).sort((a, b) => b.count - a.count);
  const byInstance = merged
    ? [...agg.instances].map(([n, s]) => statsRow(n, s.requests, Math.max(1e-9, (s.lastMs - s.firstMs) / 1000)))
    : [];

  const thresholds = [
    ...evaluateThresholds(declared, objectives, sources, agg, durationSec, merged, judgedBySummary),
    ...missingObjectives(objectives, declared),
  ];
  const checks = agg.checks.size > 0 ? [...agg.checks].map(([name, c]) => ({ name, ...c })) : summaryChecks(summaries);
  const exact = agg.all.all.exact && (agg.headline?.stats.all.exact ?? true);
  return {
    schema: analysisSchema,
    sources: sources.map((s) => ({
      dir: s.dir,
      label: s.label,
      metricFiles: s.metricFiles,
      summaryFile: s.summary === undefined ? '' : join(s.dir, 'summary.json'),
    })),
    meta,
    merged,
    instanceCount: Math.max(sources.length, agg.instances.size),
    startMs,
    endMs,
    durationSec,
    hasStream,
    percentiles: !hasStream ? 'summary' : exact ? 'exact' : 'histogram',
    headline,
    global,
    byName,
    byInstance,
    byTag: [...agg.extras.byTag]
      .map(([name, g]) => statsRow(name, { all: g.all, failed: g.all, ok: g.ok, ko: g.ko }, durationSec))
      .sort((x, y) => x.name.localeCompare(y.name)),
    timings: timingBreakdown(summaries),
    thresholds,
    thresholdsOk: thresholds.every((t) => t.ok),
    checks,
    iterations: agg.counters.iterations || sumOf(summaries, 'iterations'),
    droppedIterations: agg.counters.droppedIterations || sumOf(summaries, 'dropped_iterations'),
    statuses: Object.fromEntries(agg.statuses),
    errors: [...agg.errors].sort((x, y) => y[1] - x[1]).map(([error, count]) => ({ error, count })),
    contract: agg.contract.result(),
    ranges: latencyRanges(agg, thresholds),
    distribution: distributionBins(agg.all),
    timeline: timeline(agg),
    stream: { lines: agg.lines, points: agg.points, badLines: agg.badLines },
    ...capacityOf(profile, first?.schedule, agg),
  };
}

/**
 * The capacity (capacity.ts) of a run whose profile looks for it: breakpoint and stress, or any profile whose SLO
 * sets minCapacityRps (the gate then needs the figure). Judged against the profile's values of config/slo.json.
 */
function capacityOf(profile: string, schedule: RunMeta['schedule'], agg: RunAggregator): { capacity?: CapacityResult } {
  if (profile === '' || !existsSync(sloPath)) return {};
  let slo;
  try {
    slo = sloFor(parseSlo(readFileSync(sloPath, 'utf8'), sloPath), profile);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  if (!capacityProfiles.includes(profile) && slo.minCapacityRps === undefined) return {};
  const series = agg.perSecond.toSeries(schedule);
  return { capacity: typeof series === 'string' ? unavailableCapacity(series) : computeCapacity(series, slo) };
}

function sumOf(summaries: SummaryData[], metric: string): number {
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
  single: SummaryData | undefined,
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
        ...(sources.some((s) => s.summary?.metrics[key]?.thresholds?.[expression]) ? ['load script'] : []),
      ];
      const perInstance = merged
        ? sources.flatMap((s) => {
            const t = s.summary?.metrics[key]?.thresholds?.[expression];
            return t ? [{ instance: s.label, ok: t.ok }] : [];
          })
        : [];
      const k6Verdict = single?.metrics[key]?.thresholds?.[expression];
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

/**
 * Without a metrics stream, the summary still gives most figures of a trend metric and the http_reqs /
 * http_req_failed (sub)metrics with the same tags (p75/p99 only if summaryTrendStats had them).
 */
function statsFromSummary(summary: SummaryData | undefined, key: string, durationSec: number): StatsRow {
  const tags = key.slice('http_req_duration'.length);
  const d = summary?.metrics[key]?.values ?? {};
  const count = summary?.metrics[`http_reqs${tags}`]?.values.count ?? d.count ?? NaN;
  const failed = summary?.metrics[`http_req_failed${tags}`]?.values;
  const ko = failed?.passes ?? (failed?.rate !== undefined ? Math.round(failed.rate * count) : NaN);
  return {
    name: key === 'http_req_duration' ? 'All requests' : key,
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
    rps: summary?.metrics[`http_reqs${tags}`]?.values.rate ?? (durationSec > 0 ? count / durationSec : NaN),
  };
}

function summaryChecks(summaries: SummaryData[]): { name: string; passes: number; fails: number }[] {
  const byName = new Map<string, { passes: number; fails: number }>();
  for (const s of summaries) {
    for (const c of allChecks(s.root_group)) {
      const e = byName.get(c.name) ?? { passes: 0, fails: 0 };
      e.passes += c.passes;
      e.fails += c.fails;
      byName.set(c.name, e);
    }
  }
  return [...byName].map(([name, c]) => ({ name, ...c }));
}

/** OK requests at most the lowest latency threshold, up to the next one, above; and the failed ones. */
function latencyRanges(agg: RunAggregator, thresholds: ThresholdResult[]): LatencyRanges {
  const all = agg.all.all;
  const ko = agg.all.failed;
  const limits = thresholds
    .filter(
      (t) => t.metric.startsWith('http_req_duration') && percentileOf(parseThreshold(t.expression).stat) !== undefined,
    )
    .map((t) => parseThreshold(t.expression).limit)
    .sort((x, y) => x - y);
  const low = limits[0] ?? 800;
  const high = limits.find((l) => l > low) ?? Math.max(low * 1.5, 1200);
  const okAtMost = (v: number): number => all.countAtMost(v) - ko.countAtMost(v);
  const okTotal = all.count - ko.count;
  const below = okAtMost(low);
  const mid = okAtMost(high) - below;
  return { low, high, below, mid, above: okTotal - below - mid, failed: ko.count, total: all.count };
}

/** The response time distribution chart: 40 equal bins up to p99.5, one more up to the maximum. */
function distributionBins(stats: RequestStats): DistributionBin[] {
  const all = stats.all;
  if (all.count === 0) return [];
  const upper = Math.max(all.percentile(99.5), all.min * 1.01);
  const count = 40;
  const width = upper / count;
  const bins: DistributionBin[] = Array.from({ length: count + 1 }, (_, i) => ({
    from: i * width,
    to: i === count ? all.max : (i + 1) * width,
    ok: 0,
    ko: 0,
  }));
  const place = (points: [number, number][], field: 'ok' | 'ko', sign: number): void => {
    for (const [v, n] of points) {
      const bin = bins[Math.min(count, Math.floor(v / width))];
      if (bin) bin[field] += sign * n;
    }
  };
  const failed = stats.failed.histogram.points();
  place(all.histogram.points(), 'ok', 1);
  place(failed, 'ok', -1);
  place(failed, 'ko', 1);
  while (bins.length > 1 && bins[bins.length - 1]?.ok === 0 && bins[bins.length - 1]?.ko === 0) bins.pop();
  return bins;
}

function timeline(agg: RunAggregator): RunAnalysis['timeline'] {
  const widthMs = agg.bucketSeconds * 1000;
  const points = [...agg.timeline]
    .sort((a, b) => a[0] - b[0])
    .map(([key, b]): TimelinePoint => {
      const has = b.latency.count > 0;
      return {
        t: key * widthMs,
        requests: b.requests,
        ko: b.ko,
        statuses: Object.fromEntries(b.statuses),
        p50: has ? b.latency.percentile(50) : NaN,
        p75: has ? b.latency.percentile(75) : NaN,
        p95: has ? b.latency.percentile(95) : NaN,
        p99: has ? b.latency.percentile(99) : NaN,
        max: has ? b.latency.max : NaN,
        vus: b.vus.size ? [...b.vus.values()].reduce((s, v) => s + v, 0) : NaN,
        dropped: agg.extras.droppedIn(key * widthMs, widthMs),
      };
    });
  return { bucketSeconds: agg.bucketSeconds, points };
}

function minOf(values: number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length ? Math.min(...finite) : NaN;
}

function maxOf(values: number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length ? Math.max(...finite) : NaN;
}
