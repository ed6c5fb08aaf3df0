// Load report sections that answer "why" rather than "did it pass": error share and dropped iterations over time
// (an open model saturates by dropping arrivals before latency shows it), latency against throughput (does p95 climb
// with the rate?), requests split by tag (valid and wrong-password logins should cost the same), the
// HTTP timing breakdown (queueing, connecting, TLS, sending, waiting, receiving) and a link to k6's web dashboard.
import { parseThreshold } from '../../load/lib/thresholds.ts';
import { lineChart, type Rule } from '../lib/charts.ts';
import { esc, fmtMs, fmtNum, fmtPct, palette, table, type Cell } from '../lib/html.ts';
import { scatterChart } from '../lib/scatter.ts';
import type { RunAnalysis, TimelinePoint } from './analysis.ts';

/** The charts section's time axis, shared with render.ts's charts. */
export interface TimeAxis {
  x: number[];
  /** The timeline point of each x position (undefined: an empty bucket). */
  buckets: (TimelinePoint | undefined)[];
  bucketSeconds: number;
  formatX: (t: number) => string;
  describeX: (t: number) => string;
}

/**
 * An SLO threshold as a chart rule, e.g. "SLO p95 < 400 ms"; none when the run declared no such threshold. Takes the
 * run's thresholds (analysis.json's, or a history record's for the review).
 */
export function sloRule(
  thresholds: readonly { metric: string; expression: string }[],
  metric: string,
  stat: string,
  format: (v: number) => string,
): Rule[] {
  const t = thresholds.find((x) => x.metric.startsWith(metric) && parseThreshold(x.expression).stat === stat);
  if (t === undefined) return [];
  const { limit, op } = parseThreshold(t.expression);
  const name = stat === 'rate' ? 'error rate' : stat.replace(/^p\((\d+(?:\.\d+)?)\)$/, 'p$1');
  return [{ y: limit, label: `SLO ${name} ${op} ${format(limit)}`, color: palette.ko }];
}

export function extraCharts(a: RunAnalysis, t: TimeAxis): string[] {
  const perSec = (n: number): number => n / t.bucketSeconds;
  const width = t.bucketSeconds === 1 ? 'per second' : `per second, ${t.bucketSeconds} s buckets`;
  const errorShare = t.buckets.map((b) => (b && b.requests > 0 ? b.ko / b.requests : null));
  const scatter = t.buckets.flatMap((b) =>
    b && b.requests > 0 && Number.isFinite(b.p95)
      ? [
          {
            x: perSec(b.requests),
            y: b.p95,
            label: `${t.describeX(b.t)}\n${fmtNum(perSec(b.requests), 1)} req/s\np95 ${fmtMs(b.p95)}`,
          },
        ]
      : [],
  );
  return [
    lineChart({
      title: 'Error share over time (KO / requests)',
      x: t.x,
      series: [{ name: 'KO share', color: palette.ko, values: errorShare }],
      yLabel: 'KO',
      formatY: (v) => fmtPct(v, v < 0.01 ? 2 : 1),
      formatX: t.formatX,
      describeX: t.describeX,
      area: true,
      rules: sloRule(a.thresholds, 'http_req_failed', 'rate', (v) => fmtPct(v, 1)),
      // An error share is read against its SLO: the axis always reaches the SLO line.
      ruleHeadroom: Infinity,
      emptyTop: 0.01,
    }),
    lineChart({
      title: `Dropped iterations ${width} (arrivals that found no free VU)`,
      x: t.x,
      series: [{ name: 'dropped', color: palette.warn, values: t.buckets.map((b) => perSec(b?.dropped ?? 0)) }],
      yLabel: 'dropped/s',
      formatY: (v) => fmtNum(v, v < 10 ? 1 : 0),
      formatX: t.formatX,
      describeX: t.describeX,
      area: true,
    }),
    scatterChart({
      title: `Latency against throughput (one dot per ${t.bucketSeconds === 1 ? 'second' : `${t.bucketSeconds} s`})`,
      points: scatter,
      xLabel: 'requests/s',
      yLabel: 'p95 ms',
      formatX: (v) => fmtNum(v, v < 10 ? 1 : 0),
      formatY: fmtMs,
      color: palette.blue,
      name: 'p95 of the bucket',
      rules: sloRule(a.thresholds, 'http_req_duration', 'p(95)', fmtMs),
    }),
  ];
}

export function tagSplitSection(a: RunAnalysis): string {
  if (!a.byTag?.length) return '';
  const rows: Cell[][] = a.byTag.map((r) => [
    { html: `<code>${esc(r.name)}</code>`, cls: 'l' },
    fmtNum(r.count),
    fmtNum(r.rps, 2),
    fmtMs(r.p50),
    fmtMs(r.p95),
    fmtMs(r.p99),
    fmtMs(r.max),
    { html: fmtPct(r.count ? r.ko / r.count : NaN), cls: r.ko ? 'ko' : '' },
  ]);
  return `<section id="by-tag"><h2>By tag <small>requests split by tag value, e.g. the load script's credential = valid / wrong (a 401 expected on purpose is OK, not KO); both should cost the same</small></h2>${table(['Tag', 'Requests', 'Req/s', 'p50', 'p95', 'p99', 'Max', '% KO'], rows)}</section>`;
}

export function timingsSection(a: RunAnalysis): string {
  const phases = a.timings ?? [];
  if (phases.length === 0) return '';
  const total = phases.reduce((n, p) => n + p.avg, 0);
  const colors = [palette.grey, palette.purple, palette.teal, palette.warn, palette.blue, palette.ok];
  // Colours follow the phase's row (index before filtering), so the bar and the table agree.
  const bar = phases
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.avg > 0 && total > 0)
    .map(
      ({ p, i }) =>
        `<div style="width:${((p.avg / total) * 100).toFixed(3)}%;background:${colors[i % colors.length]}" title="${esc(`${p.label}: ${fmtMs(p.avg)}`)}">${p.avg / total > 0.08 ? esc(p.label) : ''}</div>`,
    )
    .join('');
  const rows: Cell[][] = phases.map((p, i) => [
    {
      html: `<i style="display:inline-block;width:10px;height:10px;border-radius:2px;background:${colors[i % colors.length]}"></i> ${esc(p.label)}`,
      cls: 'l',
    },
    { html: `<code>${esc(p.metric)}</code>`, cls: 'l' },
    fmtMs(p.avg),
    fmtPct(total > 0 ? p.avg / total : NaN, 1),
    fmtMs(p.p95),
    fmtMs(p.max),
  ]);
  return `<section id="timings"><h2>HTTP timing breakdown <small>mean time per request in each phase, from summary.json; waiting = time to first byte (the server's work)</small></h2><div class="ranges">${bar}</div>${table(['Phase', 'Metric', 'Mean', 'Share of mean', 'p95', 'Max'], rows, { left: [0, 1] })}</section>`;
}

/** k6's web dashboard export (dashboard.html, real k6 only), linked when the run folder has one. */
export function dashboardLink(href: string | undefined): string {
  return href === undefined
    ? ''
    : `<p id="dashboard"><a href="${esc(href)}">k6 web dashboard (dashboard.html)</a> <span class="muted">k6's own charts of this run</span></p>`;
}
