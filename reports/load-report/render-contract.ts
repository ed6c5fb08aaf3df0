// The load report's "Contract under load" section: how many login responses broke the pinned contract or carried
// another account's identity, when, and the first few examples (problem + redacted body excerpt).
import type { RunAnalysis } from './analysis.ts';
import { contractMetrics } from './contract-failures.ts';
import { elapsedLabel } from '../lib/charts.ts';
import { esc, fmtNum, table } from '../lib/html.ts';
import type { Cell } from '../lib/html.ts';

const what: Record<string, string> = {
  login_contract_ok: 'broke the pinned contract (status, Content-Type or body schema)',
  login_identity_ok: "carried another account's session or identity",
};

export function contractSection(a: RunAnalysis): string {
  const judged = a.thresholds.some((t) => contractMetrics.includes(t.metric));
  const c = a.contract;
  if (c === undefined || (!judged && c.examples.length === 0)) return '';
  const total = Object.values(c.failures).reduce((n, x) => n + x, 0);
  const head = '<h2>Contract under load <small>every login response checked against the pinned spec</small></h2>';
  if (total === 0) {
    return `<section id="contract">${head}<p>No login response broke the contract or carried another account's identity.</p></section>`;
  }
  const since = (ms: number | null): string => (ms === null ? '—' : `+${elapsedLabel(ms - a.startMs)}`);
  const counts = contractMetrics
    .filter((m) => (c.failures[m] ?? 0) > 0)
    .map(
      (m) => `<li class="ko"><b>${fmtNum(c.failures[m] ?? 0)}</b> ${esc(what[m] ?? m)} (<code>${esc(m)}</code>)</li>`,
    )
    .join('');
  const when: Cell[][] = c.timeline.points.map(([at, byMetric]) => [
    since(at),
    ...contractMetrics.map((m) => fmtNum(byMetric[m] ?? 0)),
  ]);
  const examples: Cell[][] = c.examples.map((e) => [
    since(e.atMs),
    { html: `<code>${esc(e.metric)}</code>`, cls: 'l' },
    e.status,
    { html: esc(e.problem), cls: 'l' },
    { html: `<code class="excerpt">${esc(e.body)}</code>`, cls: 'l' },
  ]);
  return `<section id="contract">${head}
<ul>${counts}</ul>
<p class="muted">First at ${since(c.firstMs)}, last at ${since(c.lastMs)} after the start; failures per ${c.timeline.bucketSeconds} s below.</p>
${table(['Time', ...contractMetrics], when)}
<h3>First examples <small>bodies redacted: tokens and passwords masked</small></h3>
${table(['Time', 'Metric', 'Status', 'What was wrong', 'Body (excerpt)'], examples, { left: [1, 3, 4] })}
</section>`;
}
