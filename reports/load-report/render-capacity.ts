// The load report's "Capacity" section (breakpoint and stress runs): the figure with its interval, the knee, and the
// rate steps it was judged on (capacity.ts), with p95/p99 per step against the SLO so a reader can check the answer.
import type { RunAnalysis } from './analysis.ts';
import type { CapacityResult } from './capacity.ts';
import { parseThreshold } from '../../load/lib/thresholds.ts';
import { lineChart } from '../lib/charts.ts';
import { badge, esc, fmtMs, fmtNum, fmtPct, kpi, palette, table, type Cell } from '../lib/html.ts';

const statusText: Record<CapacityResult['status'], string> = {
  measured: 'highest arrival rate at which every SLO held',
  'not-reached': 'a lower bound: the SLOs held up to the highest rate tested',
  'below-range': 'the SLOs broke from the lowest rate tested',
  unavailable: 'not computed',
};

/** "57.5" or "≥ 80" or "< 10": the capacity as a reader should quote it. */
export function capacityLabel(c: CapacityResult): string {
  if (c.status === 'not-reached') return `≥ ${fmtNum(c.capacityRps, 1)}`;
  if (c.status === 'below-range') return `< ${fmtNum(c.minTestedRps, 1)}`;
  return c.status === 'measured' ? fmtNum(c.capacityRps, 1) : '—';
}

export function capacitySection(a: RunAnalysis): string {
  const c = a.capacity;
  if (c === undefined) return '';
  const head = `<h2>Capacity <small>${esc(statusText[c.status])}</small></h2>`;
  if (c.status === 'unavailable')
    return `<section id="capacity">${head}<p class="note">${esc(c.summary)}.</p></section>`;
  const ci = `${fmtNum(c.ci.low, 1)}–${Number.isFinite(c.ci.high) ? fmtNum(c.ci.high, 1) : 'open'}`;
  const tiles = `<div class="grid">
${kpi('Capacity', `${capacityLabel(c)} logins/s`, statusText[c.status], c.status === 'measured' ? 'ok' : '')}
${kpi('95 % interval', `${ci} logins/s`, `bootstrap over seconds, ${c.ci.rounds} rounds`)}
${kpi('SLOs broke at', Number.isFinite(c.breakRps) ? `${fmtNum(c.breakRps, 1)} logins/s` : 'never', c.blips.length ? `${c.blips.length} isolated failed step(s) below` : 'first of two failed steps in a row')}
${kpi('Knee', c.knee ? `${fmtNum(c.knee.rps, 1)} logins/s` : 'none', c.knee ? `p95 ${fmtMs(c.knee.p95Ms)} vs ${fmtMs(c.knee.baselineP95Ms)} at low rates` : 'p95 never doubled its low-rate baseline')}
</div>`;
  const judged = c.steps.filter((s) => s.judged);
  const rates = judged.map((s) => s.rate);
  // The p95 SLO's limit (the threshold's own value is what the whole run observed, not the limit).
  const p95 = a.thresholds.find((t) => /^p\(95\)</.test(t.expression) && t.metric.startsWith('http_req_duration'));
  const limit = p95 === undefined ? undefined : parseThreshold(p95.expression).limit;
  const chart =
    judged.length < 2
      ? ''
      : lineChart({
          title: 'Latency per rate step (seconds grouped by offered rate)',
          x: rates,
          series: [
            { name: 'p50', color: palette.percentiles[1] ?? '#888', values: judged.map((s) => s.p50) },
            { name: 'p95', color: palette.percentiles[2] ?? '#888', values: judged.map((s) => s.p95) },
            { name: 'p99', color: palette.percentiles[3] ?? '#888', values: judged.map((s) => s.p99) },
          ],
          yLabel: 'ms',
          formatY: fmtMs,
          formatX: (x) => `${fmtNum(x, 0)}/s`,
          describeX: (_x, i) => {
            const s = judged[i];
            return s ? `${fmtNum(s.from)}–${fmtNum(s.to)} logins/s: ${s.held ? 'held' : s.breaches.join('; ')}` : '';
          },
          ...(limit === undefined ? {} : { rules: [{ y: limit, label: 'p95 SLO', color: palette.ko }] }),
        });
  const rows: Cell[][] = c.steps.map((s) => [
    { html: s.judged ? badge(s.held ? 'pass' : 'fail', s.held ? 'HELD' : 'BROKE') : badge('skip', 'THIN') },
    `${fmtNum(s.from)}–${fmtNum(s.to)}`,
    fmtNum(s.rate, 1),
    fmtNum(s.seconds),
    fmtNum(s.requests),
    fmtMs(s.p50),
    fmtMs(s.p95),
    fmtMs(s.p99),
    fmtPct(s.requests ? s.ko / s.requests : NaN),
    fmtPct(s.requests + s.dropped ? s.dropped / (s.requests + s.dropped) : NaN),
    { html: esc(s.judged ? s.breaches.join('; ') || '—' : 'too few arrivals to judge'), cls: 'l' },
  ]);
  const how = `<p class="muted">Each login counts in the second it started; the first ${fmtNum(c.warmupSeconds)} s (warm-up) and any ramp-down are left out. Seconds are grouped by the rate the schedule offered into steps ${fmtNum(c.resolutionRps)} logins/s wide; a step holds when its p95 and p99 are under the SLO, its KO share under the error SLO and its dropped share within the dropped-iterations SLO. The break is the first of two failed steps in a row; the capacity is the highest held step below it. The interval resamples each step's seconds (${c.ci.rounds} rounds) and brackets the boundary, so it is never narrower than one step. How: reports/README.md, "Capacity".</p>`;
  return `<section id="capacity">${head}<p><strong>${esc(c.summary)}</strong></p>${tiles}${chart ? `<div class="charts">${chart}</div>` : ''}
<details><summary>Rate steps (${c.steps.length})</summary>${table(['', 'Offered (logins/s)', 'Mean rate', 'Seconds', 'Logins', 'p50', 'p95', 'p99', 'KO', 'Dropped', 'Why'], rows, { left: [10] })}</details>${how}</section>`;
}
