// A load run's figures as plain data, and <run-dir>/analysis.json, where they are written once per run: the load
// report step (or `npm run load`, for the history) computes them (analyze.ts) and the review, the history, Allure,
// the gate and the index read the file (loadAnalysis / readFreshAnalysis) instead of streaming the metrics again, so
// they never disagree and the stream is read once. This module stays light (no stream analyser) for those readers.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../config/index.ts';
import { writeFileAtomic } from '../../core/files.ts';
import { InputError, isRecord } from '../lib/files.ts';
import type { RunMeta } from '../../load/lib/run-meta.ts';
import type { CapacityResult } from './capacity.ts';
import type { ContractFailures } from './contract-failures.ts';
import type { TimingPhase } from './timings.ts';

/** Bump when the shape of RunAnalysis changes: an analysis.json of another version is recomputed. */
export const analysisSchema = 5;

export interface AnalysisSource {
  dir: string;
  label: string;
  metricFiles: string[];
  /** '' when the generator left no summary.json. */
  summaryFile: string;
}

/** The run as the reports name it: meta.json's fields, merged over the generators. */
export interface RunInfo extends Pick<
  RunMeta,
  'runId' | 'profile' | 'engine' | 'target' | 'commit' | 'startedAt' | 'endedAt' | 'exitCode' | 'managedTarget'
> {
  /** The schedule as a comparable one-liner (load/lib/run-meta.ts scheduleLabel); '' if unknown. */
  schedule: string;
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

/** One time bucket of the charts; figures NaN when the bucket has no such sample. */
export interface TimelinePoint {
  /** Bucket start, epoch ms. */
  t: number;
  requests: number;
  ko: number;
  statuses: Record<string, number>;
  p50: number;
  p75: number;
  p95: number;
  p99: number;
  max: number;
  /** Active VUs, summed over the generators. */
  vus: number;
  /** Iterations dropped for want of a free VU (request-extras.ts). */
  dropped: number;
}

/** Requests by latency range, the bounds taken from the latency thresholds. */
export interface LatencyRanges {
  low: number;
  high: number;
  below: number;
  mid: number;
  above: number;
  failed: number;
  total: number;
}

export interface DistributionBin {
  from: number;
  to: number;
  ok: number;
  ko: number;
}

/** Everything a report shows about a run: plain data (NaN is written as null in analysis.json, and read back). */
export interface RunAnalysis {
  schema: number;
  sources: AnalysisSource[];
  meta: RunInfo;
  merged: boolean;
  instanceCount: number;
  startMs: number;
  endMs: number;
  durationSec: number;
  hasStream: boolean;
  /** How the stream's percentiles were computed: from every sample (k6's values exactly), from log histograms
   * (past the sample cap, ±0.5 %), or taken from summary.json (no stream). */
  percentiles: 'exact' | 'histogram' | 'summary';
  /** The requests the latency SLO judges (name = its metric key, e.g. http_req_duration{name:login}), or all
   * requests when no latency threshold names a submetric: the figures of the report's tiles and the history. */
  headline: StatsRow;
  global: StatsRow;
  byName: StatsRow[];
  byInstance: StatsRow[];
  /** Requests split by tag value, e.g. credential=valid / credential=wrong (request-extras.ts splitTags). */
  byTag: StatsRow[];
  /** Mean time per HTTP phase (blocked ... receiving), from summary.json (timings.ts). */
  timings: TimingPhase[];
  thresholds: ThresholdResult[];
  thresholdsOk: boolean;
  checks: { name: string; passes: number; fails: number }[];
  iterations: number;
  droppedIterations: number;
  statuses: Record<string, number>;
  errors: { error: string; count: number }[];
  /** Login responses that broke the pinned contract or another account's identity under load (contract-failures.ts). */
  contract: ContractFailures;
  ranges: LatencyRanges;
  distribution: DistributionBin[];
  timeline: { bucketSeconds: number; points: TimelinePoint[] };
  stream: { lines: number; points: number; badLines: number };
  /** Breakpoint and stress runs (or a profile with minCapacityRps): capacity.ts's figures; absent otherwise. */
  capacity?: CapacityResult;
}

export const sloPath = join(repoRoot, 'config', 'slo.json');
export const profilesPath = join(repoRoot, 'config', 'profiles.json');
export const metricFilePattern = /^metrics.*\.(ndjson|jsonl|json)(\.gz)?$/;

/** The generator folders of a run: the folder itself, or its sub-folders (one per generator). */
export function sourceDirs(dirs: string[]): { dir: string; files: string[] }[] {
  const out: { dir: string; files: string[] }[] = [];
  const own = (dir: string): string[] | undefined => {
    const files = readdirSync(dir);
    return files.includes('summary.json') || files.some((f) => metricFilePattern.test(f)) ? files : undefined;
  };
  for (const dir of dirs) {
    if (!existsSync(dir)) throw new InputError(`load run directory ${dir} does not exist`);
    const files = own(dir);
    if (files) {
      out.push({ dir, files });
      continue;
    }
    const nested = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .flatMap((e) => {
        const sub = join(dir, e.name);
        const subFiles = own(sub);
        return subFiles ? [{ dir: sub, files: subFiles }] : [];
      });
    if (nested.length === 0) {
      throw new InputError(`${dir} holds no load run: expected summary.json and/or metrics.ndjson.gz (k6 --out json)`);
    }
    out.push(...nested);
  }
  return out;
}

// ---- analysis.json: written once per run folder, read by every later report ----

export function analysisPath(runDir: string): string {
  return join(runDir, 'analysis.json');
}

/** NaN and ±Infinity as null: JSON has no such numbers, and the analysis has no other null. */
export function analysisJson(a: RunAnalysis): string {
  return `${JSON.stringify(a, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

export function writeAnalysis(runDir: string, a: RunAnalysis): string {
  const path = analysisPath(runDir);
  writeFileAtomic(path, analysisJson(a));
  return path;
}

/** Files an analysis of the run folder depends on: a newer one (or a new metrics file) makes it stale. */
function analysisInputs(runDir: string): string[] {
  const files = sourceDirs([runDir]).flatMap(({ dir, files }) =>
    files
      .filter((f) => f === 'summary.json' || f === 'meta.json' || metricFilePattern.test(f))
      .map((f) => join(dir, f)),
  );
  return [...files, sloPath, profilesPath].filter((f) => existsSync(f));
}

/**
 * The run folder's analysis.json when it is current: same schema, newer than every input (summary.json, meta.json,
 * the metrics files, config/slo.json, config/profiles.json). Otherwise a one-line reason.
 */
export function readFreshAnalysis(runDir: string): RunAnalysis | string {
  const path = analysisPath(runDir);
  if (!existsSync(path)) return `${path} does not exist`;
  const written = statSync(path).mtimeMs;
  const newer = analysisInputs(runDir).find((f) => statSync(f).mtimeMs > written);
  if (newer !== undefined) return `${path} is older than ${newer}`;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'), (_k, v: unknown) => (v === null ? NaN : v));
  } catch (error) {
    return `${path} is not valid JSON (${(error as Error).message.split('\n')[0]})`;
  }
  if (!isRecord(raw) || raw.schema !== analysisSchema || !Array.isArray(raw.thresholds)) {
    return `${path} has schema ${isRecord(raw) ? String(raw.schema) : '?'}, this version reads ${analysisSchema}`;
  }
  return raw as unknown as RunAnalysis;
}

/** Set REPORTS_DEBUG_ANALYSIS=1 to log (stderr) whether each report step read analysis.json or analysed the run. */
function debug(message: string): void {
  if (process.env.REPORTS_DEBUG_ANALYSIS === '1') console.error(`[analysis] ${message}`);
}

/**
 * A run folder's analysis: analysis.json when current, else computed once from the metrics and written there for the
 * next reader. The one way the history, review, Allure, the gate and the index get a run's figures.
 */
export async function loadAnalysis(runDir: string): Promise<RunAnalysis> {
  const fresh = readFreshAnalysis(runDir);
  if (typeof fresh !== 'string') {
    debug(`read ${analysisPath(runDir)}`);
    return fresh;
  }
  debug(`analysing ${runDir} (${fresh})`);
  // Loaded only here: a report that finds a current analysis.json never loads the stream analyser.
  const { analyzeRun } = await import('./analyze.ts');
  const analysis = await analyzeRun([runDir]);
  writeAnalysis(runDir, analysis);
  return analysis;
}
