// The mutation table as Markdown (job summaries, reviews) and as a small self-contained HTML page (linked from
// reports/output/index.html).
import type { RunOutcome, SelftestSummary } from './outcome.ts';

function headline(s: SelftestSummary): string {
  return `${s.defects} defects, ${s.killed} killed, ${s.survived} survived, ${s.falsePositives} false positives, ${s.errors} errors — mutation score ${s.mutationScore ?? '-'}% — healthy reference: ${s.healthy} — wall time ${s.wallSeconds} s`;
}

function killedBy(o: RunOutcome): string {
  if (o.killedBy.length === 0) return o.note;
  const first = o.killedBy[0];
  const what =
    first === undefined
      ? ''
      : `${first.title} — ${first.advisory ? 'reported as advisory' : 'failed'} on ${first.clauses.join(', ')}`;
  return o.killedBy.length > 1 ? `${what} (+${o.killedBy.length - 1} more)` : what;
}

export function renderMarkdown(s: SelftestSummary): string {
  const escape = (t: string): string => t.replace(/\|/g, '\\|');
  const rows = s.outcomes.map(
    (o) => `| ${o.name} | ${o.clauses.join(', ') || '—'} | ${o.verdict} | ${escape(killedBy(o))} | ${o.seconds} |`,
  );
  return [
    '# Contract self-test (mutation table)',
    '',
    headline(s),
    '',
    `Generated ${s.generatedAt}.`,
    '',
    '| defect | declared clause(s) | verdict | killed by (first failing test) | seconds |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

export function renderHtml(s: SelftestSummary): string {
  const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const rows = s.outcomes
    .map(
      (o) =>
        `<tr class="${o.verdict}"><td>${esc(o.name)}</td><td>${esc(o.clauses.join(', ') || '—')}</td><td>${o.verdict}</td><td>${esc(killedBy(o))}</td><td>${o.seconds}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Contract self-test</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
.killed td:nth-child(3),.passed td:nth-child(3){color:#1a7f37}.survived td:nth-child(3),.false-positive td:nth-child(3),.error td:nth-child(3){color:#cf222e;font-weight:bold}</style></head>
<body><h1>Contract self-test (mutation table)</h1><p>${esc(headline(s))}</p><p>Generated ${esc(s.generatedAt)}.</p>
<table><thead><tr><th>defect</th><th>declared clause(s)</th><th>verdict</th><th>killed by (first failing test)</th><th>seconds</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
}
