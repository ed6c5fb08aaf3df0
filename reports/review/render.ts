// The performance review as HTML (trend charts, comparison table) and as Markdown for PR comments and job summaries.
import { lineChart } from '../lib/charts.ts';
import { capacityText, capacityTrendChart } from './render-capacity.ts';
import { sloRule } from '../load-report/render-extras.ts';
import {
  badge,
  esc,
  fmtDate,
  fmtMs,
  fmtNum,
  fmtPct,
  fmtSigned,
  kpi,
  page,
  palette,
  table,
  type Cell,
} from '../lib/html.ts';
import type { Comparison } from './compare.ts';
import type { Review } from './types.ts';

function fmtValue(c: Comparison, v: number): string {
  return c.unit === 'ms' ? fmtMs(v) : c.unit === 'share' ? fmtPct(v) : `${fmtNum(v, 1)} req/s`;
}

function fmtDelta(c: Comparison): string {
  const abs =
    c.unit === 'ms'
      ? fmtSigned(c.delta, ' ms')
      : c.unit === 'share'
        ? fmtSigned(c.delta * 100, ' pts', 2)
        : fmtSigned(c.delta, ' req/s');
  return Number.isFinite(c.deltaPct) ? `${abs} (${fmtSigned(c.deltaPct, ' %')})` : abs;
}

const verdictText = {
  pass: 'no regression',
  warn: 'within tolerance, watch',
  fail: 'regression beyond tolerance',
  'no-baseline': 'no baseline yet',
};

export function renderReviewHtml(r: Review): string {
  const status = r.verdict === 'no-baseline' ? 'info' : r.verdict;
  const rows: Cell[][] = r.comparisons.map((c) => [
    { html: badge(c.verdict) },
    { html: esc(c.label), cls: 'l' },
    r.baseline ? fmtValue(c, c.baseline) : '—',
    { html: `<strong>${esc(fmtValue(c, c.current))}</strong>` },
    { html: esc(fmtDelta(c)), cls: c.verdict === 'fail' ? 'ko' : c.verdict === 'pass' ? 'ok' : '' },
    { html: esc(c.rule), cls: 'l muted' },
  ]);
  const base = r.baseline;
  const runInfo = (label: string, rec: Review['run'] | undefined): string =>
    rec
      ? `<div class="kpi"><div class="label">${esc(label)}</div><div class="value" style="font-size:16px">${esc(rec.runId)}</div><div class="hint">${esc(fmtDate(rec.startedAt))} · ${esc(rec.profile)} · ${esc(rec.engine)} · commit ${esc(rec.commit.slice(0, 10) || '—')} · ${rec.passed ? 'thresholds passed' : 'thresholds FAILED'}</div></div>`
      : `<div class="kpi"><div class="label">${esc(label)}</div><div class="value" style="font-size:16px">none</div><div class="hint">${esc(r.baselineSource)}</div></div>`;
  const trend = r.trend;
  const x = trend.map((_, i) => i);
  const xTicks = x.filter((i) => i % Math.ceil(x.length / 7) === 0);
  const label = (i: number): string => {
    const rec = trend[Math.round(i)];
    return rec ? rec.startedAt.slice(5, 16).replace('T', ' ') || rec.runId : '';
  };
  const describe = (i: number): string => {
    const rec = trend[Math.round(i)];
    return rec
      ? `${rec.runId} · ${fmtDate(rec.startedAt)} · commit ${rec.commit.slice(0, 10)} · ${rec.passed ? 'passed' : 'FAILED'}`
      : '';
  };
  const charts =
    trend.length < 2
      ? '<p class="muted">Trend charts appear from the second recorded run of this profile.</p>'
      : `<div class="charts">${[
          lineChart({
            title: 'Latency percentiles per run',
            x,
            series: [
              { name: 'p50', color: palette.percentiles[1] ?? '#888', values: trend.map((t) => t.p50) },
              { name: 'p95', color: palette.percentiles[2] ?? '#888', values: trend.map((t) => t.p95) },
              { name: 'p99', color: palette.percentiles[3] ?? '#888', values: trend.map((t) => t.p99) },
            ],
            yLabel: 'ms',
            formatY: fmtMs,
            formatX: label,
            xTicks,
            describeX: describe,
            rules: sloRule(r.run.thresholds, 'http_req_duration', 'p(95)', fmtMs),
          }),
          lineChart({
            title: 'Throughput per run',
            x,
            series: [{ name: 'req/s', color: palette.blue, values: trend.map((t) => t.throughput) }],
            yLabel: 'req/s',
            formatY: (v) => fmtNum(v, 1),
            formatX: label,
            xTicks,
            describeX: describe,
            area: true,
          }),
          lineChart({
            title: 'Error rate per run',
            x,
            series: [{ name: 'KO share', color: palette.ko, values: trend.map((t) => t.errorRate) }],
            yLabel: 'KO',
            formatY: (v) => fmtPct(v),
            formatX: label,
            xTicks,
            describeX: describe,
            area: true,
            // Scaled to the runs' shares and the SLO (not 0-100 %): a 0.2 % night is visible against a 1 % SLO.
            rules: sloRule(r.run.thresholds, 'http_req_failed', 'rate', (v) => fmtPct(v, 1)),
            ruleHeadroom: Infinity,
            emptyTop: 0.01,
          }),
          capacityTrendChart(trend, { x, formatX: label, xTicks, describeX: describe }),
        ]
          .filter((c) => c !== '')
          .join('\n')}</div>`;
  const history = table(
    ['Run', 'Started', 'Commit', 'Thresholds', 'Requests', 'KO', 'Req/s', 'p50', 'p95', 'p99'],
    [...trend].reverse().map((t) => [
      {
        html: `${esc(t.runId)}${t.runId === r.run.runId ? ' <small>(this run)</small>' : t.runId === base?.runId ? ' <small>(baseline)</small>' : ''}`,
        cls: 'l',
      },
      fmtDate(t.startedAt),
      t.commit.slice(0, 10) || '—',
      { html: badge(t.passed ? 'pass' : 'fail') },
      fmtNum(t.requests),
      fmtPct(t.errorRate),
      fmtNum(t.throughput, 1),
      fmtMs(t.p50),
      fmtMs(t.p95),
      fmtMs(t.p99),
    ]),
  );
  const body = `
<section><h2>Verdict ${badge(status, r.verdict.toUpperCase())} <small>${esc(verdictText[r.verdict])}</small></h2>
<div class="grid">${runInfo('This run', r.run)}${runInfo('Baseline', base)}</div>
${r.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('')}</section>
<section><h2>Comparison <small>${esc(r.baselineSource)}</small></h2>
${table(['', 'Measure', 'Baseline', 'This run', 'Change', 'Tolerance'], rows, { left: [1, 5] })}</section>
<section><h2>Trend <small>last ${trend.length} runs of profile ${esc(r.run.profile || '—')}</small></h2>${charts}</section>
<section><h2>Runs</h2>${history}</section>
<section><h2>This run</h2><div class="grid">${kpi('Requests', fmtNum(r.run.requests))}${kpi('Error rate', fmtPct(r.run.errorRate))}${kpi('Throughput', `${fmtNum(r.run.throughput, 1)} req/s`)}${kpi('p95', fmtMs(r.run.p95))}</div></section>`;
  return page({
    title: `Performance review ${r.run.runId}`,
    heading: 'Performance review',
    sub: `${r.run.runId} vs ${base?.runId ?? 'no baseline'} · profile ${r.run.profile || '—'}`,
    badgeHtml: `<span class="badge verdict ${status}" id="verdict">${esc(r.verdict.toUpperCase())}</span>`,
    body,
  });
}

export function renderReviewMarkdown(r: Review): string {
  const icon = { pass: '✅', warn: '⚠️', fail: '❌', 'no-baseline': 'ℹ️' };
  const lines = [
    `### ${icon[r.verdict]} Performance review: ${r.verdict.toUpperCase()} (${verdictText[r.verdict]})`,
    '',
    `Run \`${r.run.runId}\` (profile \`${r.run.profile || '—'}\`, commit \`${r.run.commit.slice(0, 10) || '—'}\`) vs ${r.baseline ? `baseline \`${r.baseline.runId}\` (${fmtDate(r.baseline.startedAt)}, commit \`${r.baseline.commit.slice(0, 10) || '—'}\`)` : 'no baseline'}. ${r.baselineSource}.`,
    '',
  ];
  if (r.comparisons.length) {
    lines.push('| | Measure | Baseline | This run | Change | Tolerance |', '|---|---|---:|---:|---:|---|');
    for (const c of r.comparisons) {
      lines.push(
        `| ${icon[c.verdict]} | ${c.label} | ${fmtValue(c, c.baseline)} | **${fmtValue(c, c.current)}** | ${fmtDelta(c)} | ${c.rule} |`,
      );
    }
  } else {
    lines.push(
      `| Measure | This run |`,
      '|---|---:|',
      `| p50 | ${fmtMs(r.run.p50)} |`,
      `| p95 | ${fmtMs(r.run.p95)} |`,
      `| p99 | ${fmtMs(r.run.p99)} |`,
      `| error rate | ${fmtPct(r.run.errorRate)} |`,
      `| throughput | ${fmtNum(r.run.throughput, 1)} req/s |`,
    );
  }
  if (r.run.capacity) {
    const base = r.baseline?.capacity ? `; baseline ${capacityText(r.baseline)}` : '';
    lines.push('', `Capacity: **${capacityText(r.run)} logins/s** at which every SLO held${base}.`);
  }
  for (const n of r.notes) lines.push('', `> ${n}`);
  if (r.trend.length > 1) {
    lines.push(
      '',
      `<details><summary>Trend: last ${r.trend.length} runs</summary>`,
      '',
      '| Run | Started | Thresholds | p95 | Error rate | Req/s |',
      '|---|---|---|---:|---:|---:|',
    );
    for (const t of [...r.trend].reverse())
      lines.push(
        `| ${t.runId} | ${fmtDate(t.startedAt)} | ${t.passed ? '✅' : '❌'} | ${fmtMs(t.p95)} | ${fmtPct(t.errorRate)} | ${fmtNum(t.throughput, 1)} |`,
      );
    lines.push('', '</details>');
  }
  return `${lines.join('\n')}\n`;
}
