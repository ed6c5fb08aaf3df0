// End-of-test outputs built from the object k6 passes to handleSummary: a text summary (stdout), JUnit XML (one
// testcase per threshold and per check) and Markdown. Pure: no jslib import (offline k6 cannot fetch one), and the
// Node CLI reuses `thresholdRows` for its SLO table. Nothing here sees a password or token: only metric values.
import { contractOkMetric, identityOkMetric } from './slo.ts';
import type { Objective } from './slo.ts';
import { allChecks, type MetricSummary, type SummaryData } from './summary-data.ts';
import { tryParseThreshold } from './thresholds.ts';
import { ofLogins } from '../../core/login-tags.ts';

export interface RunContext {
  readonly runId: string;
  readonly profile: string;
  readonly target: string;
  readonly objectives: readonly Objective[];
  /** A check whose pass rate is below this fails its JUnit testcase (the checks SLO). */
  readonly checksRateMin: number;
}

export interface ThresholdRow {
  readonly metric: string;
  readonly expression: string;
  readonly ok: boolean;
  /** The observed value of the aggregate the expression tests, formatted, e.g. "p(95)=123.4ms". */
  readonly observed: string;
  readonly description: string;
  /** True when the metric got no samples at all (its verdict means little). */
  readonly empty: boolean;
}

export function thresholdRows(data: SummaryData, objectives: readonly Objective[] = []): ThresholdRow[] {
  const rows: ThresholdRow[] = [];
  for (const metric of Object.keys(data.metrics).sort()) {
    const summary = data.metrics[metric];
    if (summary === undefined || summary.thresholds === undefined) continue;
    for (const expression of Object.keys(summary.thresholds)) {
      const description = objectives.find((o) => o.metric === metric && o.expression === expression)?.description;
      rows.push({
        metric,
        expression,
        ok: summary.thresholds[expression]?.ok === true,
        observed: observedValue(summary, expression),
        description: description ?? '',
        empty: isEmpty(summary),
      });
    }
  }
  return rows;
}

export function textSummary(data: SummaryData, ctx: RunContext): string {
  const rows = thresholdRows(data, ctx.objectives);
  const lines = [
    '',
    `  login load run ${ctx.runId} · profile ${ctx.profile} · target ${ctx.target}`,
    `  duration ${seconds(data.state?.testRunDurationMs)}`,
    '',
    '  THRESHOLDS (config/slo.json)',
    ...rows.map(
      (r) =>
        `    ${r.ok ? '✓' : '✗'} ${r.metric} ${r.expression}  observed ${r.observed}${r.empty ? '  (NO SAMPLES)' : ''}`,
    ),
    '',
    '  CHECKS',
    ...allChecks(data.root_group).map(
      (c) => `    ${c.fails === 0 ? '✓' : '✗'} ${c.name}  ${c.passes}/${c.passes + c.fails} passed`,
    ),
    '',
    '  METRICS',
    ...keyMetrics(data).map(([name, text]) => `    ${name.padEnd(34)} ${text}`),
    '',
  ];
  return lines.join('\n') + '\n';
}

export function junitXml(data: SummaryData, ctx: RunContext): string {
  const rows = thresholdRows(data, ctx.objectives);
  const checks = allChecks(data.root_group);
  const thresholdCases = rows.map((r) =>
    testcase('load.thresholds', `${r.metric} ${r.expression}`, r.ok ? undefined : `observed ${r.observed}`, [
      r.description,
      `observed ${r.observed}`,
    ]),
  );
  const checkCases = checks.map((c) => {
    const total = c.passes + c.fails;
    const rate = total === 0 ? 0 : c.passes / total;
    const failed = total === 0 || rate < ctx.checksRateMin;
    const detail = `${c.passes} of ${total} passed (${(rate * 100).toFixed(2)}%)`;
    return testcase('load.checks', c.name, failed ? `${detail}, below ${ctx.checksRateMin * 100}%` : undefined, [
      detail,
    ]);
  });
  const thresholdFailures = rows.filter((r) => !r.ok).length;
  const checkFailures = checkCases.filter((c) => c.includes('<failure')).length;
  const time = ((data.state?.testRunDurationMs ?? 0) / 1000).toFixed(3);
  const name = `login load ${ctx.profile} (${ctx.runId})`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(name)}" tests="${rows.length + checks.length}" failures="${thresholdFailures + checkFailures}" time="${time}">`,
    `  <testsuite name="thresholds" tests="${rows.length}" failures="${thresholdFailures}" time="${time}">`,
    ...thresholdCases,
    '  </testsuite>',
    `  <testsuite name="checks" tests="${checks.length}" failures="${checkFailures}" time="${time}">`,
    ...checkCases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export function markdownSummary(data: SummaryData, ctx: RunContext): string {
  const rows = thresholdRows(data, ctx.objectives);
  const passed = rows.every((r) => r.ok);
  const checks = allChecks(data.root_group);
  return [
    `## Login load run \`${ctx.runId}\`: ${passed ? 'SLOs hold ✅' : 'SLOs breached ❌'}`,
    '',
    `Profile **${ctx.profile}** against \`${ctx.target}\`, ${seconds(data.state?.testRunDurationMs)}.`,
    '',
    '| | SLO | threshold | observed |',
    '|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.ok ? '✅' : '❌'} | ${md(r.description || r.metric)} | \`${r.metric} ${r.expression}\` | ${md(r.observed)}${r.empty ? ' (no samples)' : ''} |`,
    ),
    '',
    '| | check | passed | failed |',
    '|---|---|---|---|',
    ...checks.map((c) => `| ${c.fails === 0 ? '✅' : '❌'} | ${md(c.name)} | ${c.passes} | ${c.fails} |`),
    '',
    '| metric | value |',
    '|---|---|',
    ...keyMetrics(data).map(([name, text]) => `| \`${name}\` | ${md(text)} |`),
    '',
  ].join('\n');
}

/** The observed value behind a threshold expression such as `p(95)<350`, `rate<0.01` or `count>=10`. */
export function observedValue(summary: MetricSummary, expression: string): string {
  const parsed = tryParseThreshold(expression);
  if (typeof parsed === 'string') return 'n/a';
  const stat = parsed.stat;
  const value = summary.values[stat];
  if (value === undefined) return `${stat}=n/a`;
  if (stat === 'rate') return `rate=${(value * 100).toFixed(2)}%`;
  return `${stat}=${summary.contains === 'time' ? ms(value) : round(value)}`;
}

function keyMetrics(data: SummaryData): [string, string][] {
  const out: [string, string][] = [];
  const m = data.metrics;
  const trend = m[ofLogins('http_req_duration')] ?? m.http_req_duration;
  if (trend !== undefined) {
    const v = trend.values;
    const stats = ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'].filter((s) => v[s] !== undefined);
    out.push([
      m[ofLogins('http_req_duration')] ? ofLogins('http_req_duration') : 'http_req_duration',
      stats.map((s) => `${s}=${ms(v[s] ?? 0)}`).join(' '),
    ]);
  }
  for (const name of [
    ofLogins('http_req_failed'),
    'login_undocumented_status',
    contractOkMetric,
    identityOkMetric,
    'checks',
  ]) {
    const rate = m[name]?.values;
    if (rate !== undefined) {
      const total = (rate.passes ?? 0) + (rate.fails ?? 0);
      out.push([name, `${((rate.rate ?? 0) * 100).toFixed(2)}% (${rate.passes ?? 0} of ${total})`]);
    }
  }
  for (const name of [ofLogins('http_reqs'), 'http_reqs', 'iterations', 'dropped_iterations']) {
    const counter = m[name]?.values;
    if (counter !== undefined) out.push([name, `${counter.count ?? 0} (${round(counter.rate ?? 0)}/s)`]);
  }
  const vus = m.vus_max?.values;
  if (vus !== undefined) out.push(['vus_max', String(vus.max ?? vus.value ?? 0)]);
  return out;
}

function isEmpty(summary: MetricSummary): boolean {
  const v = summary.values;
  if (summary.type === 'rate') return (v.passes ?? 0) + (v.fails ?? 0) === 0;
  if (summary.type === 'trend') return v.count === 0 || (v.count === undefined && v.max === undefined);
  return false;
}

function testcase(classname: string, name: string, failure: string | undefined, out: string[]): string {
  const body = [
    failure === undefined ? '' : `      <failure message="${xml(failure)}" type="${classname}"/>`,
    `      <system-out>${xml(out.filter((s) => s !== '').join('\n'))}</system-out>`,
  ].filter((s) => s !== '');
  return [`    <testcase classname="${classname}" name="${xml(name)}" time="0">`, ...body, '    </testcase>'].join(
    '\n',
  );
}

function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function md(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)}s` : `${round(value)}ms`;
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? 'unknown duration' : `${(ms / 1000).toFixed(1)} s`;
}
