// The performance review's capacity trend (breakpoint and stress runs): capacity per run with its 95 % interval, so a
// night whose capacity dropped beyond the tolerance stands out next to the nights before it.
import { lineChart } from '../lib/charts.ts';
import { fmtNum, palette } from '../lib/html.ts';
import type { HistoryRecord } from './history.ts';

/** "57.5", "≥ 80" (never broke: a lower bound), "below range", or "—". */
export function capacityText(rec: HistoryRecord): string {
  const c = rec.capacity;
  if (!c) return '—';
  if (c.status === 'not-reached') return `≥ ${fmtNum(c.rps, 1)}`;
  if (c.status === 'below-range') return 'below range';
  return c.status === 'measured' ? fmtNum(c.rps, 1) : '—';
}

/** The chart, or '' when fewer than two runs of the trend carry a capacity. */
export function capacityTrendChart(
  trend: HistoryRecord[],
  axis: { x: number[]; formatX: (x: number) => string; xTicks: number[]; describeX: (x: number) => string },
): string {
  if (trend.filter((t) => t.capacity && Number.isFinite(t.capacity.rps)).length < 2) return '';
  const value = (f: (c: NonNullable<HistoryRecord['capacity']>) => number) =>
    trend.map((t) => (t.capacity && Number.isFinite(f(t.capacity)) ? f(t.capacity) : null));
  return lineChart({
    title: 'Capacity per run (logins/s at which every SLO held, with its 95 % interval)',
    x: axis.x,
    series: [
      { name: 'capacity', color: palette.blue, values: value((c) => c.rps) },
      { name: 'interval low', color: palette.percentiles[0] ?? '#ccc', values: value((c) => c.low) },
      { name: 'interval high', color: palette.percentiles[0] ?? '#ccc', values: value((c) => c.high) },
    ],
    yLabel: 'logins/s',
    formatY: (v) => fmtNum(v, 1),
    formatX: axis.formatX,
    xTicks: axis.xTicks,
    describeX: axis.describeX,
  });
}
