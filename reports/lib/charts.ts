// Inline SVG charts drawn here (no chart library, no script): line/area charts over time and a stacked histogram.
// Each x position carries an invisible hover band with a native <title> tooltip, so values are readable offline
// without any JavaScript.
import { esc } from './html.ts';

export interface Series {
  name: string;
  color: string;
  /** One value per x position; null = no data (a gap in a line). */
  values: (number | null)[];
}

export interface ChartOptions {
  title: string;
  /** X positions: epoch ms for time charts, or bin starts for histograms. */
  x: number[];
  series: Series[];
  yLabel: string;
  formatY?: (v: number) => string;
  formatX?: (x: number) => string;
  /** Tooltip heading per x position. */
  describeX?: (x: number, i: number) => string;
  stacked?: boolean;
  area?: boolean;
  /** X tick positions; default: 7 evenly spaced. */
  xTicks?: number[];
  /** Horizontal reference lines, e.g. an SLO limit: drawn when in range, else marked off-chart (see yScale). */
  rules?: Rule[];
  /**
   * Extend the axis to a rule when it is at most this many times the data's maximum (default 1.5): an SLO just above
   * the data is drawn, one far above it would flatten the data and is marked off-chart instead. Infinity: always.
   */
  ruleHeadroom?: number;
  /** Axis top when every value is 0 and no rule gives a scale (default 1). */
  emptyTop?: number;
  height?: number;
}

export interface Rule {
  y: number;
  label: string;
  color: string;
}

export const W = 760;
export const PAD = { left: 62, right: 16, top: 14, bottom: 34 };

export interface YScale {
  top: number;
  ticks: number[];
  /** Rules inside the axis, drawn as lines. */
  drawn: Rule[];
  /** Rules above the axis: a marker at the top edge names their value. */
  above: Rule[];
}

/**
 * The y axis of a chart: scaled to the data, not to its SLO. A rule (SLO) within `headroom` times the data's maximum
 * stretches the axis so its line is drawn; one further above is left off the axis and listed in `above`, so a healthy
 * 15-30 ms run fills the chart instead of lying flat under a 400 ms line. With no data above 0, the lowest rule (or
 * `emptyTop`) sets the scale.
 */
export function yScale(dataMax: number, rules: readonly Rule[] = [], headroom = 1.5, emptyTop = 1): YScale {
  const finiteRules = rules.filter((r) => Number.isFinite(r.y) && r.y > 0);
  const lowest = Math.min(...finiteRules.map((r) => r.y));
  const base = dataMax > 0 ? dataMax : Number.isFinite(lowest) ? lowest : emptyTop;
  const near = finiteRules.filter((r) => r.y <= base * headroom);
  const ticks = niceTicks(Math.max(base, ...near.map((r) => r.y * 1.05)));
  const top = ticks[ticks.length - 1] ?? 1;
  return { top, ticks, drawn: finiteRules.filter((r) => r.y <= top), above: finiteRules.filter((r) => r.y > top) };
}

/** 1-2-5 ticks covering [0, max]. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 0.001; v += step) ticks.push(Number(v.toPrecision(12)));
  if ((ticks[ticks.length - 1] ?? 0) < max) ticks.push(Number(((ticks[ticks.length - 1] ?? 0) + step).toPrecision(12)));
  return ticks;
}

export function elapsedLabel(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`
    : `${m}:${String(sec).padStart(2, '0')}`;
}

export function legend(series: readonly { name: string; color: string }[], rules: readonly Rule[] = []): string {
  const items = [
    ...series.map((s) => `<span><i style="background:${s.color}"></i>${esc(s.name)}</span>`),
    ...rules.map(
      (r) => `<span><i style="background:${r.color};height:3px;vertical-align:3px"></i>${esc(r.label)}</span>`,
    ),
  ];
  return `<div class="legend">${items.join('')}</div>`;
}

/** The y grid, its labels and the axis title. */
export function yAxis(
  s: YScale,
  py: (y: number) => number,
  H: number,
  label: string,
  fy: (v: number) => string,
): string {
  const parts = ['<g class="grid">'];
  for (const t of s.ticks) {
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end">${esc(fy(t))}</text>`);
  }
  parts.push('</g>');
  parts.push(
    `<text x="12" y="${(H - PAD.bottom) / 2}" transform="rotate(-90 12 ${(H - PAD.bottom) / 2})" text-anchor="middle">${esc(label)}</text>`,
  );
  return parts.join('');
}

/** Rules in range as dashed lines; rules above the axis as an arrow and label at the top edge, naming the value. */
export function ruleMarks(s: YScale, py: (y: number) => number): string {
  const parts = s.drawn.map(
    (r) =>
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${py(r.y).toFixed(1)}" y2="${py(r.y).toFixed(1)}" stroke="${r.color}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
  );
  s.above.forEach((r, i) => {
    const y = PAD.top + 11 + i * 14;
    parts.push(
      `<text class="off-chart" x="${W - PAD.right - 4}" y="${y}" text-anchor="end" fill="${r.color}">▲ ${esc(r.label)} (off-chart, above the axis)</text>`,
    );
  });
  return parts.join('');
}

export function lineChart(o: ChartOptions): string {
  const H = o.height ?? 260;
  const n = o.x.length;
  const fy = o.formatY ?? ((v: number) => String(Math.round(v * 100) / 100));
  if (n === 0)
    return `<figure class="chart"><figcaption>${esc(o.title)}</figcaption><p class="muted">No data.</p></figure>`;
  const stackedTop: number[] = new Array<number>(n).fill(0);
  const layers = o.series.map((s) =>
    s.values.map((v, i) => {
      if (!o.stacked) return v === null ? null : [0, v];
      const base = stackedTop[i] ?? 0;
      const top = base + (v ?? 0);
      stackedTop[i] = top;
      return [base, top];
    }),
  );
  let maxY = 0;
  for (const layer of layers) for (const p of layer) if (p && p[1] !== undefined && p[1] > maxY) maxY = p[1];
  const scale = yScale(maxY, o.rules, o.ruleHeadroom, o.emptyTop);
  const top = scale.top;
  const x0 = o.x[0] ?? 0;
  const x1 = o.x[n - 1] ?? 1;
  const span = x1 - x0 || 1;
  const px = (x: number): number => PAD.left + ((x - x0) / span) * (W - PAD.left - PAD.right);
  const py = (y: number): number => H - PAD.bottom - (y / top) * (H - PAD.top - PAD.bottom);
  const parts: string[] = [yAxis(scale, py, H, o.yLabel, fy)];
  const fx = o.formatX ?? ((x: number) => elapsedLabel(x - x0));
  const xTicks = o.xTicks ?? Array.from({ length: 7 }, (_, k) => x0 + (span * k) / 6);
  for (const x of xTicks) {
    parts.push(`<text x="${px(x).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${esc(fx(x))}</text>`);
  }
  // Draw from the last layer so stacked areas sit under earlier ones' outlines.
  layers.forEach((layer, li) => {
    const color = o.series[li]?.color ?? '#888';
    const segments: [number, number, number][][] = [];
    let current: [number, number, number][] = [];
    layer.forEach((p, i) => {
      if (p === null) {
        if (current.length) segments.push(current);
        current = [];
      } else current.push([px(o.x[i] ?? 0), py(p[0] ?? 0), py(p[1] ?? 0)]);
    });
    if (current.length) segments.push(current);
    for (const seg of segments) {
      const line = seg.map(([x, , y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join('');
      if (o.area || o.stacked) {
        const back = [...seg]
          .reverse()
          .map(([x, y]) => `L${x.toFixed(1)},${y.toFixed(1)}`)
          .join('');
        parts.push(
          `<path d="${line}${back}Z" fill="${color}" fill-opacity="${o.stacked ? 0.75 : 0.18}" stroke="none"/>`,
        );
      }
      parts.push(`<path d="${line}" fill="none" stroke="${color}" stroke-width="1.6" stroke-linejoin="round"/>`);
    }
  });
  parts.push(ruleMarks(scale, py));
  // Hover bands with tooltips.
  const band = (W - PAD.left - PAD.right) / Math.max(1, n - 1);
  const describe = o.describeX ?? ((x: number) => elapsedLabel(x - x0));
  for (let i = 0; i < n; i += 1) {
    const lines = o.series.map(
      (s) => `${s.name}: ${s.values[i] === null || s.values[i] === undefined ? '—' : fy(s.values[i] as number)}`,
    );
    const cx = px(o.x[i] ?? 0);
    parts.push(
      `<rect class="hit" x="${(cx - band / 2).toFixed(1)}" y="${PAD.top}" width="${band.toFixed(2)}" height="${H - PAD.top - PAD.bottom}"><title>${esc([describe(o.x[i] ?? 0, i), ...lines].join('\n'))}</title></rect>`,
    );
  }
  return `<figure class="chart"><figcaption>${esc(o.title)}</figcaption><svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(o.title)}">${parts.join('')}</svg>${legend(o.series, o.rules)}</figure>`;
}

export interface Bin {
  from: number;
  to: number;
  counts: number[];
}

/** Stacked bars, one per bin (the response-time distribution: OK and KO counts per latency range). */
export function barChart(o: {
  title: string;
  bins: Bin[];
  series: { name: string; color: string }[];
  yLabel: string;
  formatBin: (b: Bin) => string;
  height?: number;
}): string {
  const H = o.height ?? 260;
  if (o.bins.length === 0)
    return `<figure class="chart"><figcaption>${esc(o.title)}</figcaption><p class="muted">No data.</p></figure>`;
  const maxY = Math.max(...o.bins.map((b) => b.counts.reduce((a, c) => a + c, 0)));
  const ticks = niceTicks(maxY);
  const top = ticks[ticks.length - 1] ?? 1;
  const py = (y: number): number => H - PAD.bottom - (y / top) * (H - PAD.top - PAD.bottom);
  const bw = (W - PAD.left - PAD.right) / o.bins.length;
  const parts: string[] = ['<g class="grid">'];
  for (const t of ticks) {
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}"/>`);
    parts.push(
      `<text x="${PAD.left - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end">${esc(t.toLocaleString('en-US'))}</text>`,
    );
  }
  parts.push('</g>');
  parts.push(
    `<text x="12" y="${(H - PAD.bottom) / 2}" transform="rotate(-90 12 ${(H - PAD.bottom) / 2})" text-anchor="middle">${esc(o.yLabel)}</text>`,
  );
  const labelEvery = Math.max(1, Math.ceil(o.bins.length / 8));
  o.bins.forEach((b, i) => {
    const x = PAD.left + i * bw;
    let base = 0;
    b.counts.forEach((c, si) => {
      if (c <= 0) return;
      parts.push(
        `<rect x="${(x + 1).toFixed(1)}" y="${py(base + c).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${(py(base) - py(base + c)).toFixed(1)}" fill="${o.series[si]?.color ?? '#888'}"/>`,
      );
      base += c;
    });
    if (i % labelEvery === 0)
      parts.push(
        `<text x="${(x + bw / 2).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${esc(o.formatBin(b).split('–')[0] ?? '')}</text>`,
      );
    const tip = [
      o.formatBin(b),
      ...o.series.map((s, si) => `${s.name}: ${(b.counts[si] ?? 0).toLocaleString('en-US')}`),
    ].join('\n');
    parts.push(
      `<rect class="hit" x="${x.toFixed(1)}" y="${PAD.top}" width="${bw.toFixed(2)}" height="${H - PAD.top - PAD.bottom}"><title>${esc(tip)}</title></rect>`,
    );
  });
  return `<figure class="chart"><figcaption>${esc(o.title)}</figcaption><svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(o.title)}">${parts.join('')}</svg>${legend(o.series.map((s) => ({ ...s, values: [] })))}</figure>`;
}
