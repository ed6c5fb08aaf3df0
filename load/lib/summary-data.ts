// The object k6 passes to handleSummary(), which the load script also writes as summary.json: the one declaration
// of that shape in the project (k6's docs, results-output/end-of-test/custom-summary; @types/k6 does not type it).
// Pure: the k6 script receives it, the load CLI and the reports read summary.json through parseSummaryData.
import { LoadInputError } from './input-error.ts';
import { isRecord } from './profiles.ts';
import type { MetricType } from './thresholds.ts';

export interface MetricSummary {
  type: MetricType;
  /** 'time' (values in ms), 'data' (bytes) or 'default'. */
  contains: string;
  /** Trend keys follow summaryTrendStats (avg, min, med, max, p(90), ...); counter: count, rate; rate: rate, passes,
   * fails; gauge: value, min, max. */
  values: { [stat: string]: number };
  /** Each threshold expression declared on the metric, with its verdict. */
  thresholds?: { [expression: string]: { ok: boolean } };
}

export interface CheckSummary {
  name: string;
  path?: string;
  id?: string;
  passes: number;
  fails: number;
}

export interface GroupSummary {
  name: string;
  path?: string;
  id?: string;
  groups?: GroupSummary[];
  checks?: CheckSummary[];
}

export interface SummaryData {
  metrics: { [name: string]: MetricSummary };
  root_group?: GroupSummary;
  options?: { summaryTrendStats?: string[]; summaryTimeUnit?: string; noColor?: boolean };
  state?: { isStdOutTTY?: boolean; isStdErrTTY?: boolean; testRunDurationMs?: number };
}

const metricTypes = new Set<string>(['trend', 'rate', 'counter', 'gauge']);

/** summary.json as SummaryData: checked, non-numbers dropped from values, groups and checks as arrays. */
export function parseSummaryData(raw: unknown, source: string): SummaryData {
  if (!isRecord(raw) || !isRecord(raw.metrics)) {
    throw new LoadInputError(
      `${source} is not a k6 summary: it has no "metrics" object (expected handleSummary's data)`,
    );
  }
  const metrics: SummaryData['metrics'] = {};
  for (const [name, m] of Object.entries(raw.metrics)) {
    if (!isRecord(m) || typeof m.type !== 'string' || !metricTypes.has(m.type) || !isRecord(m.values)) {
      throw new LoadInputError(`${source}: metric "${name}" has no valid type/values (k6 summary format expected)`);
    }
    const values: MetricSummary['values'] = {};
    for (const [k, v] of Object.entries(m.values)) if (typeof v === 'number') values[k] = v;
    const summary: MetricSummary = {
      type: m.type as MetricType,
      contains: typeof m.contains === 'string' ? m.contains : 'default',
      values,
    };
    if (isRecord(m.thresholds)) {
      summary.thresholds = {};
      for (const [expr, t] of Object.entries(m.thresholds))
        summary.thresholds[expr] = { ok: isRecord(t) && t.ok === true };
    }
    metrics[name] = summary;
  }
  const data: SummaryData = { metrics };
  const root = parseGroup(raw.root_group);
  if (root !== undefined) data.root_group = root;
  if (isRecord(raw.state)) {
    const s = raw.state;
    data.state = {};
    if (typeof s.testRunDurationMs === 'number') data.state.testRunDurationMs = s.testRunDurationMs;
    if (typeof s.isStdOutTTY === 'boolean') data.state.isStdOutTTY = s.isStdOutTTY;
    if (typeof s.isStdErrTTY === 'boolean') data.state.isStdErrTTY = s.isStdErrTTY;
  }
  return data;
}

/** Older k6 versions keyed groups and checks by name instead of listing them: both become arrays. */
function parseGroup(raw: unknown): GroupSummary | undefined {
  if (!isRecord(raw)) return undefined;
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : isRecord(v) ? Object.values(v) : []);
  const group: GroupSummary = { name: typeof raw.name === 'string' ? raw.name : '' };
  if (typeof raw.path === 'string') group.path = raw.path;
  group.checks = list(raw.checks)
    .filter(isRecord)
    .filter((c) => typeof c.name === 'string')
    .map((c) => {
      const check: CheckSummary = {
        name: c.name as string,
        passes: typeof c.passes === 'number' ? c.passes : 0,
        fails: typeof c.fails === 'number' ? c.fails : 0,
      };
      if (typeof c.path === 'string') check.path = c.path;
      return check;
    });
  group.groups = list(raw.groups)
    .map(parseGroup)
    .filter((g): g is GroupSummary => g !== undefined);
  return group;
}

/** Every check of a group and its sub-groups, named "group › check" below the root. */
export function allChecks(group: GroupSummary | undefined, prefix = ''): CheckSummary[] {
  if (group === undefined) return [];
  const path = group.name === '' ? prefix : `${prefix}${group.name} › `;
  return [
    ...(group.checks ?? []).map((c) => ({ name: `${path}${c.name}`, passes: c.passes, fails: c.fails })),
    ...(group.groups ?? []).flatMap((g) => allChecks(g, path)),
  ];
}
