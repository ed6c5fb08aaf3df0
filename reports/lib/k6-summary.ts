// Readers for the files a load run leaves behind, in k6's own formats (both engines write the same):
// summary.json = the object k6 hands to handleSummary(); meta.json = the suite's run metadata.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, isRecord, readJsonFile } from './files.ts';

export type MetricType = 'trend' | 'rate' | 'counter' | 'gauge';

export interface SummaryMetric {
  type: MetricType;
  contains: string;
  values: Record<string, number>;
  thresholds: Record<string, { ok: boolean }>;
}

export interface SummaryCheck {
  name: string;
  path: string;
  passes: number;
  fails: number;
}

export interface K6Summary {
  metrics: Record<string, SummaryMetric>;
  checks: SummaryCheck[];
  testRunDurationMs: number | undefined;
}

export interface RunMeta {
  runId: string;
  profile: string;
  engine: string;
  target: string;
  commit: string;
  startedAt: string;
  endedAt: string;
  exitCode: number | undefined;
  /** The load schedule actually run, as a comparable string ("1→3s:6,12s:6 per 1s, maxVUs 20"); '' if unknown. */
  schedule: string;
  /** Whether the suite started the target itself (the reference) or ran against a configured host. */
  managedTarget: boolean | undefined;
}

/** The descriptive text fields of a run's identity, shared by meta.json and the load history. */
export type RunLabels = Pick<RunMeta, 'profile' | 'engine' | 'target' | 'commit' | 'startedAt' | 'endedAt'>;

/** Reads the RunLabels of a meta.json or history record; a missing or non-string field is ''. */
export function runLabelsOf(raw: Record<string, unknown>): RunLabels {
  const str = (k: keyof RunLabels): string => {
    const value = raw[k];
    return typeof value === 'string' ? value : '';
  };
  return {
    profile: str('profile'),
    engine: str('engine'),
    target: str('target'),
    commit: str('commit'),
    startedAt: str('startedAt'),
    endedAt: str('endedAt'),
  };
}

/** cli/load.ts records the schedule in meta.json; runs are only comparable when it is the same. */
function scheduleOf(raw: unknown): string {
  if (!isRecord(raw) || !Array.isArray(raw.stages)) return '';
  const stages = raw.stages
    .filter(isRecord)
    .map((st) => `${String(st.duration)}:${String(st.target)}`)
    .join(',');
  return `${String(raw.startRate ?? 0)}→${stages} per ${String(raw.timeUnit ?? '1s')}, maxVUs ${String(raw.maxVUs ?? '?')}`;
}

const metricTypes = new Set(['trend', 'rate', 'counter', 'gauge']);

export function parseSummary(raw: unknown, source: string): K6Summary {
  if (!isRecord(raw) || !isRecord(raw.metrics)) {
    throw new InputError(`${source} is not a k6 summary: it has no "metrics" object (expected handleSummary's data)`);
  }
  const metrics: Record<string, SummaryMetric> = {};
  for (const [name, m] of Object.entries(raw.metrics)) {
    if (!isRecord(m) || typeof m.type !== 'string' || !metricTypes.has(m.type) || !isRecord(m.values)) {
      throw new InputError(`${source}: metric "${name}" has no valid type/values (k6 summary format expected)`);
    }
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(m.values)) if (typeof v === 'number') values[k] = v;
    const thresholds: Record<string, { ok: boolean }> = {};
    if (isRecord(m.thresholds)) {
      for (const [expr, t] of Object.entries(m.thresholds)) thresholds[expr] = { ok: isRecord(t) && t.ok === true };
    }
    metrics[name] = {
      type: m.type as MetricType,
      contains: typeof m.contains === 'string' ? m.contains : 'default',
      values,
      thresholds,
    };
  }
  const checks: SummaryCheck[] = [];
  collectChecks(raw.root_group, checks);
  const state = isRecord(raw.state) ? raw.state : {};
  return {
    metrics,
    checks,
    testRunDurationMs: typeof state.testRunDurationMs === 'number' ? state.testRunDurationMs : undefined,
  };
}

function collectChecks(group: unknown, out: SummaryCheck[]): void {
  if (!isRecord(group)) return;
  for (const c of Array.isArray(group.checks)
    ? group.checks
    : Object.values(isRecord(group.checks) ? group.checks : {})) {
    if (isRecord(c) && typeof c.name === 'string') {
      out.push({
        name: c.name,
        path: typeof c.path === 'string' ? c.path : c.name,
        passes: typeof c.passes === 'number' ? c.passes : 0,
        fails: typeof c.fails === 'number' ? c.fails : 0,
      });
    }
  }
  for (const g of Array.isArray(group.groups)
    ? group.groups
    : Object.values(isRecord(group.groups) ? group.groups : {})) {
    collectChecks(g, out);
  }
}

export function readSummary(path: string): K6Summary {
  return parseSummary(readJsonFile(path, 'load summary'), path);
}

export function readMeta(runDir: string): RunMeta | undefined {
  const path = join(runDir, 'meta.json');
  if (!existsSync(path)) return undefined;
  const raw = readJsonFile(path, 'run metadata');
  if (!isRecord(raw)) throw new InputError(`run metadata ${path} is not a JSON object`);
  return {
    runId: typeof raw.runId === 'string' ? raw.runId : '',
    ...runLabelsOf(raw),
    exitCode: typeof raw.exitCode === 'number' ? raw.exitCode : undefined,
    schedule: scheduleOf(raw.schedule),
    managedTarget: typeof raw.managedTarget === 'boolean' ? raw.managedTarget : undefined,
  };
}
