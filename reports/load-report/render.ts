// The load report page: Gatling's layout (global indicators, statistics table, response-time ranges and
// distribution, charts over time) plus what a release needs — every threshold with its value and verdict, run
// metadata, per-instance figures for distributed runs. One self-contained HTML file.
import { capacitySection } from './render-capacity.ts';
import { contractSection } from './render-contract.ts';
import { dashboardLink, extraCharts, tagSplitSection, timingsSection } from './render-extras.ts';
import { parseThreshold } from '../../load/lib/thresholds.ts';
import { barChart, elapsedLabel, lineChart, type Bin, type Series } from '../lib/charts.ts';
import { histogramRelativeError } from '../lib/histogram.ts';
import { badge, esc, fmtDate, fmtMs, fmtNum, fmtPct, kpi, page, palette, table, type Cell } from '../lib/html.ts';
import type { RunAnalysis, StatsRow, ThresholdResult } from './analysis.ts';

export function safeTarget(target: string): string {
  try {
    const u = new URL(target);
    u.username = '';
    u.password = '';
    u.search = '';
    return u.href.replace(/\/$/, '');
  } catch {
    return target;
  }
}

function formatValue(t: ThresholdResult): string {
  if (!Number.isFinite(t.value)) return 'no data';
  const stat = parseThreshold(t.expression).stat;
  const isTime = /duration|waiting|blocked|connecting|sending|receiving|tls/.test(t.metric);
  if (stat === 'rate' && !t.metric.startsWith('http_reqs')) return `${stat}=${fmtPct(t.value)}`;
  if (stat === 'count' || stat === 'value') return `${stat}=${fmtNum(t.value)}`;
  return `${stat}=${isTime ? fmtMs(t.value) : fmtNum(t.value, 2)}`;
}

export function thresholdLabel(t: ThresholdResult): string {
  return `${t.metric} ${t.expression}`;
}

function thresholdsSection(a: RunAnalysis): string {
  if (a.thresholds.length === 0) {
    return `<section id="thresholds"><h2>Thresholds ${badge('fail', 'NONE')}</h2><p class="note">The run declared no thresholds: no SLO was evaluated.</p></section>`;
  }
  const failed = a.thresholds.filter((t) => !t.ok).length;
  const rows: Cell[][] = a.thresholds.map((t) => [
    { html: badge(t.ok ? 'pass' : 'fail') },
    { html: `<code>${esc(t.metric)}</code>`, cls: 'l' },
    { html: `<code>${esc(t.expression)}</code>`, cls: 'l' },
    { html: `<strong class="${t.ok ? 'ok' : 'ko'}">${esc(formatValue(t))}</strong>` },
    { html: esc(t.description || '—'), cls: 'l' },
    { html: esc(t.declaredIn.join(', ') || '—'), cls: 'l' },
    {
      html: esc(
        [
          t.judgedBy,
          t.note,
          t.perInstance.length
            ? `instances: ${t.perInstance.map((p) => `${p.instance} ${p.ok ? '✓' : '✗'}`).join(' ')}`
            : '',
        ]
          .filter(Boolean)
          .join(' · '),
      ),
      cls: 'l',
    },
  ]);
  return `<section id="thresholds"><h2>Thresholds ${badge(failed ? 'fail' : 'pass', failed ? `${failed} FAILED` : 'ALL PASSED')} <small>${a.merged ? 'judged globally over the merged streams of every instance' : 'as judged by the load engine'}</small></h2>
${table(['', 'Metric', 'Threshold', 'Observed', 'Objective', 'Declared in', 'Judged by'], rows, { left: [1, 2, 4, 5, 6] })}</section>`;
}

function statsCells(r: StatsRow, failedHint = true): Cell[] {
  const koShare = r.count ? r.ko / r.count : NaN;
  return [
    { html: esc(r.name), cls: 'l' },
    fmtNum(r.count),
    { html: fmtNum(r.ok), cls: 'ok' },
    { html: fmtNum(r.ko), cls: r.ko && failedHint ? 'ko' : '' },
    fmtPct(koShare),
    fmtNum(r.rps, 2),
    fmtMs(r.min),
    fmtMs(r.p50),
    fmtMs(r.p75),
    fmtMs(r.p95),
    fmtMs(r.p99),
    fmtMs(r.max),
    fmtMs(r.mean),
    fmtMs(r.stddev),
  ];
}

const statsHead = [
  'Request',
  'Total',
  'OK',
  'KO',
  '% KO',
  'Req/s',
  'Min',
  'p50',
  'p75',
  'p95',
  'p99',
  'Max',
  'Mean',
  'Std dev',
];

function statisticsSection(a: RunAnalysis): string {
  const rows =
    a.byName.length > 1 ? [...a.byName.map((r) => statsCells(r)), statsCells(a.global)] : [statsCells(a.global)];
  const approx =
    a.percentiles === 'exact'
      ? "k6's percentiles (interpolated between closest ranks) over every sample of the metrics stream"
      : a.percentiles === 'histogram'
        ? `k6's percentile definition over log histograms of the metrics stream, within ±${(histogramRelativeError * 100).toFixed(1)} %`
        : 'from summary.json (no metrics stream)';
  return `<section id="statistics"><h2>Statistics <small>${esc(approx)}</small></h2>${table(statsHead, rows, { totalLast: a.byName.length > 1 })}</section>`;
}

function instancesSection(a: RunAnalysis): string {
  if (!a.merged || a.byInstance.length === 0) return '';
  const rows = [...a.byInstance.map((r) => statsCells(r)), statsCells({ ...a.global, name: 'Global (merged)' })];
  return `<section id="instances"><h2>Load generators <small>${a.byInstance.length} instances, merged into the global figures above</small></h2>${table(['Instance', ...statsHead.slice(1)], rows, { totalLast: true })}</section>`;
}

function rangesSection(a: RunAnalysis): string {
  const r = a.ranges;
  if (r.total === 0) return '';
  const parts: [string, number, string][] = [
    [`t ≤ ${fmtMs(r.low)}`, r.below, palette.ok],
    [`${fmtMs(r.low)} < t ≤ ${fmtMs(r.high)}`, r.mid, palette.warn],
    [`t > ${fmtMs(r.high)}`, r.above, '#e07b39'],
    ['failed', r.failed, palette.ko],
  ];
  const bar = parts
    .filter(([, n]) => n > 0)
    .map(
      ([label, n, color]) =>
        `<div style="width:${((n / r.total) * 100).toFixed(3)}%;background:${color}" title="${esc(`${label}: ${fmtNum(n)}`)}">${n / r.total > 0.08 ? esc(label) : ''}</div>`,
    )
    .join('');
  const legend = parts
    .map(
      ([label, n, color]) =>
        `<span><i style="background:${color}"></i>${esc(label)}: <strong>${fmtNum(n)}</strong> (${fmtPct(n / r.total, 1)})</span>`,
    )
    .join('');
  return `<section id="ranges"><h2>Response time ranges <small>bounds from the latency thresholds</small></h2><div class="ranges">${bar}</div><div class="legend">${legend}</div></section>`;
}

function statusColor(status: string, i: number): string {
  if (status === '0') return palette.purple;
  if (status.startsWith('2')) return palette.ok;
  if (status === '401') return palette.blue;
  if (status.startsWith('4')) return palette.warn;
  if (status.startsWith('5')) return palette.ko;
  return palette.statuses[i % palette.statuses.length] ?? palette.grey;
}

function chartsSection(a: RunAnalysis): string {
  const { bucketSeconds, points } = a.timeline;
  if (points.length === 0)
    return `<section id="charts"><h2>Over time</h2><p class="note">No metrics stream (metrics.ndjson.gz) for this run: charts over time are unavailable.</p></section>`;
  const widthMs = bucketSeconds * 1000;
  const byKey = new Map(points.map((p) => [Math.round(p.t / widthMs), p]));
  const keys = [...byKey.keys()];
  const firstKey = Math.min(...keys);
  const lastKey = Math.max(...keys);
  const slots = Array.from({ length: lastKey - firstKey + 1 }, (_, i) => firstKey + i);
  const x = slots.map((k) => k * widthMs);
  const buckets = slots.map((k) => byKey.get(k));
  const perSec = (n: number): number => n / bucketSeconds;
  const orNull = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v);
  const startMs = Number.isFinite(a.startMs) ? a.startMs : (x[0] ?? 0);
  const describeX = (t: number): string =>
    `${elapsedLabel(t - startMs)} (${new Date(t).toISOString().slice(11, 19)} UTC)`;
  const formatX = (t: number): string => elapsedLabel(t - startMs);
  const pct = [50, 75, 95, 99];
  const latencyLimit = a.thresholds.find(
    (t) => t.metric.startsWith('http_req_duration') && parseThreshold(t.expression).stat === 'p(95)',
  );
  const percentiles: Series[] = [
    ...pct.map((p, i) => ({
      name: `p${p}`,
      color: palette.percentiles[i] ?? '#888',
      values: buckets.map((b) => orNull(b?.[`p${p}` as 'p50' | 'p75' | 'p95' | 'p99'])),
    })),
    {
      name: 'max',
      color: palette.percentiles[4] ?? '#888',
      values: buckets.map((b) => orNull(b?.max)),
    },
  ];
  const statuses = Object.keys(a.statuses).sort();
  const width = bucketSeconds === 1 ? 'per second' : `per second, ${bucketSeconds} s buckets`;
  const charts = [
    lineChart({
      title: 'Response time percentiles over time',
      x,
      series: percentiles,
      yLabel: 'ms',
      formatY: fmtMs,
      formatX,
      describeX,
      rules: latencyLimit
        ? [
            {
              y: parseThreshold(latencyLimit.expression).limit,
              label: `SLO p95 < ${fmtMs(parseThreshold(latencyLimit.expression).limit)}`,
              color: palette.ko,
            },
          ]
        : [],
    }),
    lineChart({
      title: `Requests ${width}`,
      x,
      series: [
        { name: 'all requests', color: palette.blue, values: buckets.map((b) => perSec(b?.requests ?? 0)) },
        { name: 'KO', color: palette.ko, values: buckets.map((b) => perSec(b?.ko ?? 0)) },
      ],
      yLabel: 'req/s',
      formatY: (v) => fmtNum(v, v < 10 ? 1 : 0),
      formatX,
      describeX,
      area: true,
    }),
    lineChart({
      title: `Responses by status ${width}`,
      x,
      series: statuses.map((s, i) => ({
        name: s === '0' ? 'no response' : `status ${s}`,
        color: statusColor(s, i),
        values: buckets.map((b) => perSec(b?.statuses[s] ?? 0)),
      })),
      yLabel: 'responses/s',
      formatY: (v) => fmtNum(v, v < 10 ? 1 : 0),
      formatX,
      describeX,
      stacked: true,
    }),
    lineChart({
      title: 'Active virtual users',
      x,
      series: [
        {
          name: a.merged ? 'VUs (all instances)' : 'VUs',
          color: palette.purple,
          values: buckets.map((b) => orNull(b?.vus)),
        },
      ],
      yLabel: 'VUs',
      formatY: (v) => fmtNum(v),
      formatX,
      describeX,
      area: true,
    }),
    ...extraCharts(a, { x, buckets, bucketSeconds, formatX, describeX }),
  ];
  const bins: Bin[] = a.distribution.map((b) => ({ from: b.from, to: b.to, counts: [b.ok, b.ko] }));
  const distribution = barChart({
    title: 'Response time distribution',
    bins,
    series: [
      { name: 'OK', color: palette.ok },
      { name: 'KO', color: palette.ko },
    ],
    yLabel: 'requests',
    formatBin: (b) => `${fmtMs(b.from)}–${fmtMs(b.to)}`,
  });
  return `<section id="charts"><h2>Charts <small>hover for values · time since start</small></h2><div class="charts">${[distribution, ...charts].join('\n')}</div></section>`;
}

function checksSection(a: RunAnalysis): string {
  if (a.checks.length === 0) return '';
  const rows: Cell[][] = a.checks.map((c) => {
    const total = c.passes + c.fails;
    return [
      { html: badge(c.fails ? 'fail' : 'pass') },
      { html: esc(c.name), cls: 'l' },
      fmtNum(c.passes),
      { html: fmtNum(c.fails), cls: c.fails ? 'ko' : '' },
      fmtPct(total ? c.passes / total : NaN),
    ];
  });
  return `<section id="checks"><h2>Checks</h2>${table(['', 'Check', 'Passed', 'Failed', 'Success rate'], rows, { left: [1] })}</section>`;
}

function errorsSection(a: RunAnalysis): string {
  if (a.errors.length === 0) return '';
  const total = a.global.ko;
  const rows: Cell[][] = a.errors.map(({ error, count }) => [
    { html: esc(error), cls: 'l' },
    fmtNum(count),
    fmtPct(total ? count / total : NaN),
  ]);
  return `<section id="errors"><h2>Errors <small>KO responses by status and error</small></h2>${table(['Error', 'Count', '% of KO'], rows)}</section>`;
}

/** dashboardHref: k6's dashboard.html relative to the report, when the run has one. */
export function renderLoadReport(a: RunAnalysis, options: { dashboardHref?: string | undefined } = {}): string {
  // The tiles show the requests the latency SLO judges, so a tile and its threshold row give the same figure.
  const g = a.headline;
  const verdict = a.thresholdsOk && a.thresholds.length > 0;
  const m = a.meta;
  const meta = `<dl class="meta">
<dt>Target</dt><dd>${esc(safeTarget(m.target) || '—')}</dd><dt>Profile</dt><dd>${esc(m.profile || '—')}</dd>
<dt>Engine</dt><dd>${esc(m.engine || '—')}</dd><dt>Commit</dt><dd>${esc(m.commit ? m.commit.slice(0, 12) : '—')}</dd>
<dt>Start</dt><dd>${esc(fmtDate(m.startedAt))}</dd><dt>End</dt><dd>${esc(fmtDate(m.endedAt))}</dd>
<dt>Duration</dt><dd>${esc(Number.isFinite(a.durationSec) ? elapsedLabel(a.durationSec * 1000) : '—')}</dd><dt>Load generators</dt><dd>${a.instanceCount}</dd>
<dt>Run id</dt><dd>${esc(m.runId)}</dd><dt>Engine exit code</dt><dd>${esc(m.exitCode ?? '—')}</dd>
</dl>`;
  const koShare = g.count ? g.ko / g.count : NaN;
  const subject =
    g.name === a.global.name
      ? ''
      : `<p class="muted">Figures of <code>${esc(g.name)}</code>, the requests the latency SLOs judge; all ${fmtNum(a.global.count)} requests (setup included) are under Statistics.</p>`;
  const kpis = `${subject}<div class="grid">
${kpi('Requests', fmtNum(g.count), `${fmtNum(a.iterations)} iterations`)}
${kpi('OK', fmtNum(g.ok), fmtPct(g.count ? g.ok / g.count : NaN), 'ok')}
${kpi('KO', fmtNum(g.ko), fmtPct(koShare), g.ko ? 'ko' : '')}
${kpi('Throughput', `${fmtNum(g.rps, 1)} req/s`, a.droppedIterations ? `${fmtNum(a.droppedIterations)} dropped iterations` : 'no dropped iterations')}
${kpi('p50', fmtMs(g.p50), `mean ${fmtMs(g.mean)}`)}
${kpi('p95', fmtMs(g.p95), `p75 ${fmtMs(g.p75)}`)}
${kpi('p99', fmtMs(g.p99), `σ ${fmtMs(g.stddev)}`)}
${kpi('Max', fmtMs(g.max), `min ${fmtMs(g.min)}`)}
</div>`;
  const sources = a.sources
    .flatMap((s) => [...(s.summaryFile ? [s.summaryFile] : []), ...s.metricFiles])
    .map((f) => `<code>${esc(f)}</code>`)
    .join(' ');
  const body = `
<section id="overview"><h2>Run</h2>${meta}${dashboardLink(options.dashboardHref)}</section>
<section id="global"><h2>Global information</h2>${kpis}</section>
${thresholdsSection(a)}
${capacitySection(a)}
${statisticsSection(a)}
${tagSplitSection(a)}
${timingsSection(a)}
${instancesSection(a)}
${rangesSection(a)}
${chartsSection(a)}
${checksSection(a)}
${contractSection(a)}
${errorsSection(a)}
<section id="sources"><h2>Sources</h2><p class="muted">${sources}<br>${fmtNum(a.stream.lines)} lines read, ${fmtNum(a.stream.points)} points used${a.stream.badLines ? `, <span class="ko">${fmtNum(a.stream.badLines)} malformed lines skipped</span>` : ''}; time buckets of ${a.timeline.bucketSeconds} s.</p></section>`;
  return page({
    title: `Load report ${m.runId}`,
    heading: `Load report · ${m.profile || 'run'}`,
    sub: `${m.runId} · ${safeTarget(m.target)} · ${m.engine || 'engine ?'}${a.merged ? ` · ${a.instanceCount} instances merged` : ''}`,
    badgeHtml: `<span class="badge verdict ${verdict ? 'pass' : 'fail'}" id="verdict">${verdict ? 'PASSED' : 'FAILED'}</span>`,
    nav: [
      ['#thresholds', 'Thresholds'],
      ...(a.capacity ? ([['#capacity', 'Capacity']] as [string, string][]) : []),
      ['#statistics', 'Statistics'],
      ['#charts', 'Charts'],
      ['#checks', 'Checks'],
      ...(a.contract?.examples.length ? ([['#contract', 'Contract']] as [string, string][]) : []),
    ],
    body,
  });
}
