// The charts' y axis follows the data, not the SLO: an SLO within reach is drawn, one far above is marked off-chart
// with its value; the review's error-rate axis is scaled to the runs and the SLO instead of 0-100 %.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineChart, yScale, type Rule } from '../lib/charts.ts';
import { fmtMs, fmtPct } from '../lib/html.ts';
import { scatterChart } from '../lib/scatter.ts';
import { renderReviewHtml } from '../review/render.ts';
import type { HistoryRecord } from '../review/history.ts';

const slo400: Rule = { y: 400, label: 'SLO p95 < 400 ms', color: 'red' };

/** The SVG of the figure captioned `title`, and its y-axis tick labels. */
function figure(html: string, title: string): { svg: string; ticks: string[] } {
  const start = html.indexOf(`<figcaption>${title}</figcaption>`);
  assert.ok(start >= 0, `no figure "${title}"`);
  const svg = html.slice(start, html.indexOf('</figure>', start));
  const grid = svg.slice(svg.indexOf('<g class="grid">'), svg.indexOf('</g>'));
  return { svg, ticks: [...grid.matchAll(/text-anchor="end">([^<]*)<\/text>/g)].map((m) => m[1] ?? '') };
}

test('a healthy 15-30 ms run fills the axis; the 400 ms SLO is marked off-chart with its value', () => {
  const s = yScale(30, [slo400]);
  assert.ok(s.top >= 30 && s.top < 60, `axis top ${s.top}`);
  assert.notEqual(s.top, 400);
  assert.deepEqual(s.drawn, []);
  assert.deepEqual(s.above, [slo400]);
  const html = lineChart({
    title: 'p95',
    x: [0, 1000, 2000, 3000],
    series: [{ name: 'p95', color: 'blue', values: [15, 22, 30, 18] }],
    yLabel: 'ms',
    formatY: fmtMs,
    rules: [slo400],
  });
  const { svg, ticks } = figure(html, 'p95');
  assert.match(svg, /class="off-chart"[^>]*>▲ SLO p95 &lt; 400 ms \(off-chart, above the axis\)/);
  assert.doesNotMatch(svg, /stroke-dasharray/, 'no SLO line inside a 0-30 ms axis');
  assert.ok(!ticks.includes(fmtMs(400)), `ticks ${ticks.join(', ')}`);
});

test('an SLO just above the data is drawn as a line and the axis reaches it; none is marked off-chart', () => {
  const s = yScale(300, [slo400]);
  assert.ok(s.top >= 400, `axis top ${s.top}`);
  assert.deepEqual(s.drawn, [slo400]);
  assert.deepEqual(s.above, []);
  const html = lineChart({
    title: 'p95',
    x: [0, 1000],
    series: [{ name: 'p95', color: 'blue', values: [250, 300] }],
    yLabel: 'ms',
    rules: [slo400],
  });
  assert.match(html, /stroke-dasharray="6 4"/);
  assert.doesNotMatch(html, /off-chart/);
});

test('no data above zero: the SLO (or emptyTop) sets the scale, never a bare 0-1 axis', () => {
  const slo = { y: 0.01, label: 'SLO error rate < 1 %', color: 'red' };
  assert.ok(yScale(0, [slo]).top < 0.02);
  assert.deepEqual(yScale(0, [slo]).drawn, [slo]);
  assert.equal(yScale(0, [], 1.5, 0.01).top, 0.01);
  // Always reach the SLO (the review's error chart): a 0.2 % share is drawn under its 1 % line.
  assert.deepEqual(yScale(0.002, [slo], Infinity).drawn, [slo]);
  assert.deepEqual(yScale(0.002, [slo]).above, [slo]);
});

test('the scatter of latency against throughput scales both axes to the points and marks an SLO above them', () => {
  const html = scatterChart({
    title: 'Latency against throughput',
    points: [
      { x: 5, y: 20, label: 'a' },
      { x: 18, y: 35, label: 'b' },
      { x: Number.NaN, y: 10, label: 'skipped' },
    ],
    xLabel: 'requests/s',
    yLabel: 'p95 ms',
    formatX: String,
    formatY: fmtMs,
    color: 'blue',
    name: 'p95',
    rules: [slo400],
  });
  assert.equal(html.match(/<circle class="dot"/g)?.length, 2);
  assert.match(html, /off-chart/);
  assert.ok(figure(html, 'Latency against throughput').ticks.includes(fmtMs(40)));
});

function record(runId: string, errorRate: number): HistoryRecord {
  return {
    runId,
    profile: 'smoke',
    engine: 'node',
    target: 'http://127.0.0.1:1',
    commit: 'abc',
    startedAt: '2026-11-20T02:00:00.000Z',
    endedAt: '2026-11-20T02:01:00.000Z',
    passed: true,
    requests: 1000,
    ko: Math.round(errorRate * 1000),
    errorRate,
    throughput: 20,
    p50: 20,
    p95: 30,
    p99: 40,
    max: 50,
    mean: 22,
    instances: 1,
    thresholds: [
      { metric: 'http_req_failed{name:login}', expression: 'rate<0.01', ok: true, value: errorRate },
      { metric: 'http_req_duration{name:login}', expression: 'p(95)<400', ok: true, value: 30 },
    ],
    runDir: '',
    schedule: '',
    managedTarget: true,
  };
}

test("the review's error-rate axis is scaled to the runs and the SLO, not 0-100 %", () => {
  const trend = [record('n1', 0), record('n2', 0), record('n3', 0)];
  const html = renderReviewHtml({
    run: trend[2] as HistoryRecord,
    baseline: undefined,
    baselineSource: '',
    comparisons: [],
    verdict: 'no-baseline',
    trend,
    notes: [],
  });
  const errors = figure(html, 'Error rate per run');
  // The old axis: 0-100 % (niceTicks of an all-zero series). Now: up to just above the 1 % SLO.
  assert.equal(errors.ticks.at(-1), fmtPct(0.0125), `ticks ${errors.ticks.join(', ')}`);
  assert.ok(!errors.ticks.includes(fmtPct(1)));
  assert.match(errors.svg, /stroke-dasharray="6 4"/, 'the 1 % SLO line is drawn');
  // The latency chart (p95 of 30 ms) keeps its axis and marks the 400 ms SLO off-chart.
  assert.match(figure(html, 'Latency percentiles per run').svg, /off-chart/);
});
