// The end-of-test summary: the object k6 passes to handleSummary(data), the text summary k6 prints, and the legacy
// --summary-export format.
import { createHash } from 'node:crypto';
import { formatDuration } from './duration.ts';
import type { Metric, Registry, Sink, SubMetric } from './metrics.ts';
import type { Threshold } from './thresholds.ts';

export interface CheckTally {
  group: string;
  name: string;
  passes: number;
  fails: number;
}

interface SummaryGroup {
  name: string;
  path: string;
  id: string;
  groups: SummaryGroup[];
  checks: { name: string; path: string; id: string; passes: number; fails: number }[];
}

export interface SummaryMetric {
  type: string;
  contains: string;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryData {
  root_group: SummaryGroup;
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<string, SummaryMetric>;
}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

function valuesOf(sink: Sink, trendStats: string[], durationSec: number): Record<string, number> {
  switch (sink.type) {
    case 'counter':
      return { count: sink.sum, rate: sink.stat('rate', durationSec) };
    case 'gauge':
      return { value: sink.last, min: sink.count ? sink.min : 0, max: sink.count ? sink.max : 0 };
    case 'rate':
      return { rate: sink.stat('rate', durationSec), passes: sink.nonZero, fails: sink.count - sink.nonZero };
    case 'trend':
      return Object.fromEntries(trendStats.map((s) => [s, sink.stat(s, durationSec)]));
  }
}

function groupTree(checks: CheckTally[], groupPaths: Set<string>): SummaryGroup {
  const make = (path: string): SummaryGroup => ({
    name: path === '' ? '' : path.slice(path.lastIndexOf('::') + 2),
    path,
    id: md5(path),
    groups: [],
    checks: [],
  });
  const byPath = new Map<string, SummaryGroup>([['', make('')]]);
  const ensure = (path: string): SummaryGroup => {
    const found = byPath.get(path);
    if (found) return found;
    const g = make(path);
    byPath.set(path, g);
    ensure(path.slice(0, path.lastIndexOf('::'))).groups.push(g);
    return g;
  };
  for (const p of [...groupPaths].sort()) if (p !== '') ensure(p);
  for (const c of checks) {
    const path = `${c.group}::${c.name}`;
    ensure(c.group).checks.push({ name: c.name, path, id: md5(path), passes: c.passes, fails: c.fails });
  }
  return byPath.get('')!;
}

export function buildSummary(
  registry: Registry,
  thresholds: Threshold[],
  checks: CheckTally[],
  groupPaths: Set<string>,
  testRunDurationMs: number,
  trendStats: string[],
): SummaryData {
  const durationSec = testRunDurationMs / 1000;
  const metrics: Record<string, SummaryMetric> = {};
  const thresholdsOf = (name: string, target: Metric | SubMetric) => {
    const own = thresholds.filter((t) => t.target_metric === target);
    return own.length === 0 ? undefined : Object.fromEntries(own.map((t) => [t.source, { ok: t.ok }]));
  };
  for (const m of registry.metrics.values()) {
    const th = thresholdsOf(m.name, m);
    if (m.sink.count > 0 || th) {
      metrics[m.name] = { type: m.type, contains: m.contains, values: valuesOf(m.sink, trendStats, durationSec) };
      if (th) metrics[m.name]!.thresholds = th;
    }
    for (const sub of m.submetrics) {
      const sth = thresholdsOf(sub.name, sub);
      if (sub.sink.count > 0 || sth) {
        metrics[sub.name] = { type: m.type, contains: m.contains, values: valuesOf(sub.sink, trendStats, durationSec) };
        if (sth) metrics[sub.name]!.thresholds = sth;
      }
    }
  }
  return {
    root_group: groupTree(checks, groupPaths),
    options: { summaryTrendStats: trendStats, summaryTimeUnit: '', noColor: false },
    state: {
      isStdOutTTY: Boolean(process.stdout.isTTY),
      isStdErrTTY: Boolean(process.stderr.isTTY),
      testRunDurationMs,
    },
    metrics,
  };
}

/** k6's legacy --summary-export shape (values flattened; a threshold's boolean is true when it FAILED, as in k6). */
export function legacyExport(data: SummaryData): unknown {
  const metrics: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(data.metrics)) {
    const v: Record<string, unknown> = { ...m.values };
    if (m.type === 'rate') v['value'] = m.values['rate'];
    if (m.thresholds) v['thresholds'] = Object.fromEntries(Object.entries(m.thresholds).map(([k, t]) => [k, !t.ok]));
    metrics[name] = v;
  }
  return { root_group: data.root_group, metrics };
}

function fmtValue(m: SummaryMetric, stat: string, v: number): string {
  if (m.contains === 'time') return formatDuration(v);
  if (m.contains === 'data' && stat === 'count') return fmtBytes(v);
  if (m.contains === 'data' && stat === 'rate') return `${fmtBytes(v)}/s`;
  return Number.isInteger(v) ? String(v) : String(+v.toFixed(6));
}

function fmtBytes(b: number): string {
  if (b < 1000) return `${b} B`;
  if (b < 1e6) return `${+(b / 1000).toFixed(1)} kB`;
  if (b < 1e9) return `${+(b / 1e6).toFixed(1)} MB`;
  return `${+(b / 1e9).toFixed(1)} GB`;
}

function metricLine(name: string, m: SummaryMetric, indent: string): string {
  const label = `${indent}${name}`.padEnd(40, '.') + ':';
  const v = m.values;
  switch (m.type) {
    case 'counter':
      return `${label} ${fmtValue(m, 'count', v['count']!).padEnd(10)} ${fmtValue(m, 'rate', v['rate']!)}${m.contains === 'data' ? '' : '/s'}`;
    case 'gauge':
      return `${label} ${v['value']}  min=${v['min']}  max=${v['max']}`;
    case 'rate':
      return `${label} ${(v['rate']! * 100).toFixed(2)}%  ${v['passes']} out of ${v['passes']! + v['fails']!}`;
    default:
      return `${label} ${Object.entries(v)
        .map(([k, x]) => `${k}=${fmtValue(m, k, x)}`)
        .join(' ')}`;
  }
}

const CATEGORY: Record<string, string> = {
  checks: 'SKIP',
  http_reqs: 'HTTP',
  http_req_failed: 'HTTP',
  http_req_duration: 'HTTP',
  iterations: 'EXECUTION',
  iteration_duration: 'EXECUTION',
  vus: 'EXECUTION',
  vus_max: 'EXECUTION',
  dropped_iterations: 'EXECUTION',
  data_received: 'NETWORK',
  data_sent: 'NETWORK',
  group_duration: 'EXECUTION',
};

export function textSummary(data: SummaryData, thresholds: Threshold[], warnings: string[], header: string): string {
  const out: string[] = [''];
  out.push(header, '');
  if (warnings.length > 0) {
    out.push('  █ WARNINGS', '');
    for (const w of warnings) out.push(`    ⚠ ${w}`);
    out.push('');
  }
  if (thresholds.length > 0) {
    out.push('  █ THRESHOLDS', '');
    const keys = [...new Set(thresholds.map((t) => t.key))];
    for (const key of keys) {
      out.push(`    ${key}`);
      for (const t of thresholds.filter((x) => x.key === key)) {
        const m = data.metrics[t.target_metric.name];
        const shown = m ? fmtValue(m, t.aggregation, t.lastValue) : String(t.lastValue);
        const empty = t.target_metric.sink.count === 0 ? '  (NO SAMPLES)' : '';
        out.push(
          `    ${t.ok ? '✓' : '✗'} '${t.source}' ${t.aggregation}=${t.aggregation === 'rate' && m?.type === 'rate' ? `${(t.lastValue * 100).toFixed(2)}%` : shown}${empty}`,
        );
      }
      out.push('');
    }
    out.push('');
  }
  out.push('  █ TOTAL RESULTS', '');
  const checks = data.metrics['checks'];
  if (checks) {
    const passes = checks.values['passes']!;
    const fails = checks.values['fails']!;
    const total = passes + fails;
    const sec = data.state.testRunDurationMs / 1000;
    out.push(`    ${'checks_total'.padEnd(40, '.')}: ${String(total).padEnd(10)} ${+(total / sec).toFixed(6)}/s`);
    out.push(
      `    ${'checks_succeeded'.padEnd(40, '.')}: ${((passes / total) * 100).toFixed(2)}% ${passes} out of ${total}`,
    );
    out.push(
      `    ${'checks_failed'.padEnd(40, '.')}: ${((fails / total) * 100).toFixed(2)}% ${fails} out of ${total}`,
      '',
    );
    const walk = (g: SummaryGroup, indent: string): void => {
      for (const c of g.checks) {
        const mark = c.fails === 0 ? '✓' : '✗';
        const ratio =
          c.fails === 0
            ? ''
            : `\n${indent}  ↳  ${Math.round((c.passes / (c.passes + c.fails)) * 100)}% — ✓ ${c.passes} / ✗ ${c.fails}`;
        out.push(`${indent}${mark} ${c.name}${ratio}`);
      }
      for (const sub of g.groups) {
        out.push(`${indent}█ ${sub.name}`);
        walk(sub, `${indent}  `);
      }
    };
    walk(data.root_group, '    ');
    out.push('');
  }
  const cats = new Map<string, string[]>();
  for (const [name, m] of Object.entries(data.metrics)) {
    const base = name.replace(/\{.*$/, '');
    const cat = CATEGORY[base] ?? (base.startsWith('http_req') ? 'HTTP' : 'CUSTOM');
    if (cat === 'SKIP') continue;
    if (base.startsWith('http_req_') && !['http_req_duration', 'http_req_failed'].includes(base)) continue;
    const list = cats.get(cat) ?? [];
    list.push(metricLine(name === base ? name : `  ${name.slice(base.length)}`, m, '    '));
    cats.set(cat, list);
  }
  for (const cat of ['CUSTOM', 'HTTP', 'EXECUTION', 'NETWORK']) {
    const list = cats.get(cat);
    if (!list) continue;
    out.push(`    ${cat}`, ...list, '');
  }
  return out.join('\n') + '\n';
}
