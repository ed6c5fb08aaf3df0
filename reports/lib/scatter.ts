// A scatter chart (inline SVG, no script), e.g. latency against throughput: one dot per time bucket, so the shape
// of the cloud shows whether latency climbs as the arrival rate does (the service nearing its capacity) or stays flat.
// Axes start at 0; the y axis follows charts.ts's yScale (an SLO in range is drawn, one far above is marked).
import { legend, niceTicks, PAD, ruleMarks, W, yAxis, yScale, type Rule } from './charts.ts';
import { esc } from './html.ts';

export interface ScatterPoint {
  x: number;
  y: number;
  /** Tooltip text. */
  label: string;
}

export function scatterChart(o: {
  title: string;
  points: readonly ScatterPoint[];
  xLabel: string;
  yLabel: string;
  formatX: (v: number) => string;
  formatY: (v: number) => string;
  color: string;
  name: string;
  rules?: Rule[];
  height?: number;
}): string {
  const H = o.height ?? 260;
  const points = o.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (points.length === 0)
    return `<figure class="chart"><figcaption>${esc(o.title)}</figcaption><p class="muted">No data.</p></figure>`;
  const scale = yScale(Math.max(...points.map((p) => p.y)), o.rules);
  const xTicks = niceTicks(Math.max(...points.map((p) => p.x)));
  const right = xTicks[xTicks.length - 1] ?? 1;
  const px = (x: number): number => PAD.left + (x / right) * (W - PAD.left - PAD.right);
  const py = (y: number): number => H - PAD.bottom - (y / scale.top) * (H - PAD.top - PAD.bottom);
  const parts = [yAxis(scale, py, H, o.yLabel, o.formatY)];
  for (const t of xTicks) {
    parts.push(
      `<text x="${px(t).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${esc(o.formatX(t))}</text>`,
    );
  }
  parts.push(`<text x="${W - PAD.right}" y="${H - 2}" text-anchor="end">${esc(o.xLabel)}</text>`);
  parts.push(ruleMarks(scale, py));
  for (const p of points) {
    parts.push(
      `<circle class="dot" cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3.5" fill="${o.color}" fill-opacity="0.55"><title>${esc(p.label)}</title></circle>`,
    );
  }
  return `<figure class="chart"><figcaption>${esc(o.title)}</figcaption><svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(o.title)}">${parts.join('')}</svg>${legend([{ name: o.name, color: o.color }], o.rules)}</figure>`;
}
