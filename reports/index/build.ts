// npm run report:index (entry cli/report-index.ts)
// reports/output/index.html: the gate's verdict on top, then a link to every report present.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isRecord } from '../lib/files.ts';
import { readJsonFile, writeFileAtomic } from '../../core/files.ts';
import { badge, esc, fmtDate, fmtMs, page, table, type Cell } from '../lib/html.ts';
import { outputPaths, type OutputPaths } from '../../core/layout.ts';
import { readMeta } from '../lib/k6-summary.ts';
import { readFreshAnalysis } from '../load-report/analysis.ts';

interface LinkRow {
  title: string;
  href: string;
  what: string;
}

function rel(paths: OutputPaths, file: string): string {
  return relative(paths.root, file).split('\\').join('/');
}

function firstExisting(...files: string[]): string | undefined {
  return files.find((f) => existsSync(f));
}

function loadRuns(paths: OutputPaths): { dir: string; mtime: number }[] {
  if (!existsSync(paths.loadRuns)) return [];
  return readdirSync(paths.loadRuns, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(paths.loadRuns, e.name, 'summary.json')))
    .map((e) => ({
      dir: join(paths.loadRuns, e.name),
      mtime: statSync(join(paths.loadRuns, e.name, 'summary.json')).mtimeMs,
    }))
    .sort((a, b) => b.mtime - a.mtime);
}

export function buildIndex(paths: OutputPaths = outputPaths()): string {
  const gate = existsSync(paths.gateJson) ? readJsonFile(paths.gateJson, 'gate result') : undefined;
  const verdict = isRecord(gate) && (gate.verdict === 'pass' || gate.verdict === 'fail') ? gate.verdict : undefined;
  const checks = isRecord(gate) && Array.isArray(gate.checks) ? gate.checks.filter(isRecord) : [];
  const verdictHtml = verdict
    ? `<section id="verdict-section"><h2>Release gate ${badge(verdict, verdict === 'pass' ? 'PASS' : 'FAIL')} <small>${esc(fmtDate(String(gate && isRecord(gate) ? gate.generatedAt : '')))}</small></h2>
${table(
  ['', 'Check', 'Detail'],
  checks.map((c): Cell[] => {
    const s = c.status === 'pass' || c.status === 'fail' || c.status === 'skip' ? c.status : 'info';
    return [
      { html: c.status === 'advisory' ? badge('warn', 'ADVISORY') : badge(s) },
      { html: esc(c.name), cls: 'l' },
      { html: esc(c.detail), cls: 'l' },
    ];
  }),
  { left: [1, 2] },
)}</section>`
    : `<section id="verdict-section"><h2>Release gate ${badge('fail', 'NO VERDICT')}</h2><p class="note">No gate result (gate.json) yet: run <code>npm run gate</code>.</p></section>`;

  const links: LinkRow[] = [];
  const add = (title: string, file: string | undefined, what: string): void => {
    if (file !== undefined && existsSync(file)) links.push({ title, href: rel(paths, file), what });
  };
  add(
    'Allure report',
    join(paths.allureReport, 'index.html'),
    'contract tests and load thresholds/checks in one report',
  );
  const runs = loadRuns(paths);
  const latest = runs[0];
  if (latest)
    add(
      'Load report (latest run)',
      join(latest.dir, 'report.html'),
      `${readMeta(latest.dir)?.runId ?? rel(paths, latest.dir)}: statistics, thresholds, charts`,
    );
  add('Performance review', join(paths.review, 'review.html'), 'this run against its baseline, with trends');
  add('Performance review (Markdown)', join(paths.review, 'review.md'), 'for PR comments and job summaries');
  add('Gate (Markdown)', paths.gateMd, 'the verdict with each check');
  add('Gate (JSON)', paths.gateJson, 'machine-readable verdict');
  add(
    'Contract self-test',
    firstExisting(
      join(paths.selftest, 'index.html'),
      join(paths.selftest, 'selftest.html'),
      join(paths.selftest, 'report.md'),
      join(paths.selftest, 'selftest.md'),
    ),
    'the suite run against the reference defects: each must be caught',
  );
  if (existsSync(paths.selftest) && !links.some((l) => l.title === 'Contract self-test')) {
    const any = readdirSync(paths.selftest).find((f) => /\.(html|md|json)$/.test(f));
    if (any) add('Contract self-test', join(paths.selftest, any), 'the suite run against the reference defects');
  }
  add('Contract results (JSON)', paths.contractResults, 'Playwright JSON reporter output');
  add('Contract coverage (JSON)', paths.contractCoverage, 'documented responses exercised, missed, waived');
  add('Load history (JSON lines)', paths.loadHistory, 'one record per load run');
  if (existsSync(paths.screenshots)) {
    for (const f of readdirSync(paths.screenshots)
      .filter((f) => f.endsWith('.png'))
      .sort())
      add(`Screenshot: ${f}`, join(paths.screenshots, f), 'rendering test');
  }
  const linksHtml = links.length
    ? table(
        ['Report', 'What'],
        links.map((l): Cell[] => [
          { html: `<a href="${esc(l.href)}">${esc(l.title)}</a>`, cls: 'l' },
          { html: esc(l.what), cls: 'l' },
        ]),
        { left: [0, 1] },
      )
    : '<p class="note">No report has been built yet.</p>';
  const olderRuns = runs
    .slice(0, 15)
    .filter((r) => existsSync(join(r.dir, 'report.html')))
    .map((r): Cell[] => {
      // The figures come from the run's analysis.json (written by the load report); never re-analysed here.
      const analysis = readFreshAnalysis(r.dir);
      const a = typeof analysis === 'string' ? undefined : analysis;
      const meta = a?.meta ?? readMeta(r.dir);
      const exit = meta?.exitCode;
      const slos = a
        ? a.thresholds.length > 0 && a.thresholdsOk
          ? badge('pass', 'PASS')
          : badge('fail', `${a.thresholds.filter((t) => !t.ok).length || 'NO'} FAILED`)
        : `<span class="muted" title="${esc(analysis as string)}">npm run report:load -- ${esc(rel(paths, r.dir))}</span>`;
      return [
        {
          html: `<a href="${esc(rel(paths, join(r.dir, 'report.html')))}">${esc(meta?.runId || rel(paths, r.dir))}</a>`,
          cls: 'l',
        },
        meta?.profile || '—',
        fmtDate(meta?.startedAt ?? ''),
        a ? fmtMs(a.headline.p95) : '—',
        { html: slos },
        { html: exit === undefined ? '—' : badge(exit === 0 ? 'pass' : 'fail', exit === 0 ? 'PASS' : `EXIT ${exit}`) },
      ];
    });
  const body = `${verdictHtml}
<section id="reports"><h2>Reports</h2>${linksHtml}</section>
${olderRuns.length ? `<section id="runs"><h2>Load runs</h2>${table(['Run', 'Profile', 'Started', 'p95', 'SLOs', 'Engine verdict'], olderRuns)}</section>` : ''}`;
  const html = page({
    title: `Login suite reports: ${verdict?.toUpperCase() ?? 'no verdict'}`,
    heading: 'POST /api/auth/login: contract and load',
    sub: 'reports of the latest suite run',
    badgeHtml: `<span class="badge verdict ${verdict ?? 'fail'}" id="verdict">${verdict ? verdict.toUpperCase() : 'NO VERDICT'}</span>`,
    body,
  });
  writeFileAtomic(paths.index, html);
  return paths.index;
}
