// The load history: one JSON line per load run in reports/output/history/load.jsonl. Written after every run
// (appendHistory), read by the performance review (baseline = last passing run of the same profile, trends).
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { InputError, isRecord } from '../lib/files.ts';
import { outputPaths, reportsDir } from '../../core/layout.ts';
import { loadAnalysis, type RunAnalysis, type RunInfo } from '../load-report/analysis.ts';
import type { CapacityResult } from '../load-report/capacity.ts';

/** A run's identity as in its meta.json, plus the figures the review compares (those of the report's tiles). */
export interface HistoryRecord extends Pick<
  RunInfo,
  'runId' | 'profile' | 'engine' | 'target' | 'commit' | 'startedAt' | 'endedAt' | 'schedule'
> {
  /** Every threshold passed. */
  passed: boolean;
  requests: number;
  ko: number;
  /** KO share of requests, 0..1. */
  errorRate: number;
  /** Requests per second over the run. */
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  instances: number;
  thresholds: { metric: string; expression: string; ok: boolean; value: number | null }[];
  /** Run directory relative to reports/output (empty when unknown). */
  runDir: string;
  /** The reference started by the suite (true) or a configured host (false); null when unknown. */
  managedTarget: boolean | null;
  /** Breakpoint / stress runs: the capacity from analysis.json (capacity.ts); null for other runs. */
  capacity?: CapacityRecord | null;
}

/** A run's capacity as the history keeps it: rps is a lower bound when status is 'not-reached', NaN when 'below-range'. */
export interface CapacityRecord {
  status: CapacityResult['status'];
  rps: number;
  low: number;
  high: number;
  breakRps: number;
}

const num = (n: number): number => (Number.isFinite(n) ? Math.round(n * 1000) / 1000 : NaN);

export function recordFromAnalysis(a: RunAnalysis, root: string = reportsDir()): HistoryRecord {
  // The requests the latency SLO judges (the load report's tiles), not the setup's probes.
  const g = a.headline;
  return {
    runId: a.meta.runId,
    profile: a.meta.profile,
    engine: a.meta.engine,
    target: a.meta.target,
    commit: a.meta.commit,
    startedAt: a.meta.startedAt,
    endedAt: a.meta.endedAt,
    passed: a.thresholds.length > 0 && a.thresholdsOk,
    requests: g.count,
    ko: g.ko,
    errorRate: g.count > 0 ? g.ko / g.count : NaN,
    throughput: num(g.rps),
    p50: num(g.p50),
    p95: num(g.p95),
    p99: num(g.p99),
    max: num(g.max),
    mean: num(g.mean),
    instances: a.instanceCount,
    thresholds: a.thresholds.map((t) => ({
      metric: t.metric,
      expression: t.expression,
      ok: t.ok,
      value: Number.isFinite(t.value) ? t.value : null,
    })),
    runDir: a.sources.length === 1 ? relative(root, a.sources[0]?.dir ?? '') : '',
    schedule: a.meta.schedule,
    managedTarget: a.meta.managedTarget ?? null,
    capacity:
      a.capacity === undefined
        ? null
        : {
            status: a.capacity.status,
            rps: num(a.capacity.capacityRps),
            low: num(a.capacity.ci.low),
            high: num(a.capacity.ci.high),
            breakRps: num(a.capacity.breakRps),
          },
  };
}

/** One run folder: its analysis.json (written if missing or stale); several: analysed together. */
export async function recordFromRun(runDirs: string | string[]): Promise<HistoryRecord> {
  const dirs = Array.isArray(runDirs) ? runDirs : [runDirs];
  const only = dirs.length === 1 ? dirs[0] : undefined;
  if (only !== undefined) return recordFromAnalysis(await loadAnalysis(only));
  const { analyzeRun } = await import('../load-report/analyze.ts');
  return recordFromAnalysis(await analyzeRun(dirs));
}

/** Appends one run to the history (JSON lines). NaN figures are stored as null. */
export function appendHistory(record: HistoryRecord, file: string = outputPaths().loadHistory): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(
    file,
    `${JSON.stringify(record, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`,
  );
}

const numberFields = [
  'requests',
  'ko',
  'errorRate',
  'throughput',
  'p50',
  'p95',
  'p99',
  'max',
  'mean',
  'instances',
] as const;

export function parseRecord(raw: unknown, where: string): HistoryRecord {
  if (!isRecord(raw) || typeof raw.runId !== 'string' || typeof raw.passed !== 'boolean') {
    throw new InputError(
      `${where} is not a load history record (needs runId, passed, p50/p95/p99, errorRate, throughput)`,
    );
  }
  const str = (k: string): string => (typeof raw[k] === 'string' ? raw[k] : '');
  const rec = {
    runId: raw.runId,
    profile: str('profile'),
    engine: str('engine'),
    target: str('target'),
    commit: str('commit'),
    startedAt: str('startedAt'),
    endedAt: str('endedAt'),
    passed: raw.passed,
    thresholds: Array.isArray(raw.thresholds) ? (raw.thresholds as HistoryRecord['thresholds']) : [],
    runDir: str('runDir'),
    schedule: str('schedule'),
    managedTarget: typeof raw.managedTarget === 'boolean' ? raw.managedTarget : null,
    capacity: parseCapacity(raw.capacity),
  } as HistoryRecord;
  for (const k of numberFields) rec[k] = typeof raw[k] === 'number' ? raw[k] : NaN;
  return rec;
}

/** null (stored as null) comes back as NaN; a record without a capacity (older lines, other profiles) has none. */
function parseCapacity(raw: unknown): CapacityRecord | null {
  if (!isRecord(raw) || typeof raw.status !== 'string') return null;
  const n = (k: string): number => (typeof raw[k] === 'number' ? raw[k] : NaN);
  return {
    status: raw.status as CapacityRecord['status'],
    rps: n('rps'),
    low: n('low'),
    high: n('high'),
    breakRps: n('breakRps'),
  };
}

/** All records, oldest first; a rerun of the same runId replaces the earlier line. Malformed lines are counted. */
export function readHistory(file: string = outputPaths().loadHistory): { records: HistoryRecord[]; malformed: number } {
  if (!existsSync(file)) return { records: [], malformed: 0 };
  const byId = new Map<string, HistoryRecord>();
  let malformed = 0;
  for (const [i, line] of readFileSync(file, 'utf8').split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      const rec = parseRecord(JSON.parse(line), `${file}:${i + 1}`);
      byId.delete(rec.runId);
      byId.set(rec.runId, rec);
    } catch {
      malformed += 1;
    }
  }
  return { records: [...byId.values()], malformed };
}
