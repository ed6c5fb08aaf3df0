// npm run report:load -- <run-dir> [<run-dir> ...] [--out FILE]
// Builds the self-contained HTML load report of one run (written to <run-dir>/report.html, with the run's figures in
// <run-dir>/analysis.json for every later report), or of several load generators' runs of one test merged into
// global figures (written to --out, default <first-dir>/../merged-report.html).
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { InputError } from '../lib/files.ts';
import { writeFileAtomic } from '../../core/files.ts';
import { latestLoadRun, outputPaths, reportsDir } from '../../core/layout.ts';
import { loadAnalysis, type RunAnalysis } from './analysis.ts';
import type { AnalyzeOptions } from './analyze.ts';
import { renderLoadReport } from './render.ts';

export interface LoadReportResult {
  htmlPath: string;
  analysis: RunAnalysis;
}

export async function buildLoadReport(
  runDirs: string[],
  out?: string,
  options: AnalyzeOptions = {},
): Promise<LoadReportResult> {
  if (runDirs.length === 0) throw new InputError('no load run directory given: npm run report:load -- <run-dir>');
  const dirs = runDirs.map((d) => resolve(d));
  // One run with the default objectives: its analysis.json (computed and written once, reused while current).
  const single = dirs.length === 1 && options.objectives === undefined ? dirs[0] : undefined;
  const analysis =
    single !== undefined ? await loadAnalysis(single) : await (await import('./analyze.ts')).analyzeRun(dirs, options);
  const htmlPath = resolve(
    out ??
      (dirs.length === 1 ? join(dirs[0] ?? '.', 'report.html') : join(dirname(dirs[0] ?? '.'), 'merged-report.html')),
  );
  // k6's web dashboard export (real k6 writes it next to the metrics); linked relative to the report.
  const dashboard = dirs.map((d) => join(d, 'dashboard.html')).find((f) => existsSync(f));
  const dashboardHref = dashboard === undefined ? undefined : relative(dirname(htmlPath), dashboard);
  writeFileAtomic(htmlPath, renderLoadReport(analysis, { dashboardHref }));
  return { htmlPath, analysis };
}

const usage =
  'usage: npm run report:load -- [<run-dir> ...] [--out FILE]   (default: the latest run under $REPORTS_DIR/load)';

export function parseArgs(argv: string[]): { dirs: string[]; out: string | undefined } {
  const dirs: string[] = [];
  let out: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--out') {
      out = argv[++i];
      if (out === undefined || out.startsWith('--')) throw new InputError(`--out needs a file path; ${usage}`);
    } else if (arg === '--help' || arg === '-h') {
      throw new InputError(usage);
    } else if (arg.startsWith('-')) {
      throw new InputError(`unknown option ${arg}; ${usage}`);
    } else dirs.push(arg);
  }
  return { dirs, out };
}

/** The `npm run report:load` command (entry: cli/report-load.ts). */
export async function reportLoadMain(): Promise<number> {
  const { dirs, out } = parseArgs(process.argv.slice(2));
  if (dirs.length === 0) {
    const latest = latestLoadRun();
    if (latest === undefined) {
      const runs = outputPaths(reportsDir()).loadRuns;
      const where = relative(process.cwd(), runs).startsWith('..') ? runs : relative(process.cwd(), runs);
      throw new InputError(`no load run found under ${where} (REPORTS_DIR decides where); ${usage}`);
    }
    dirs.push(latest);
  }
  const started = performance.now();
  const { htmlPath, analysis } = await buildLoadReport(dirs, out);
  const failed = analysis.thresholds.filter((t) => !t.ok).length;
  console.log(
    `load report: ${htmlPath} (${analysis.global.count} requests, ${analysis.thresholds.length === 0 ? 'NO thresholds declared' : failed === 0 ? 'all thresholds passed' : `${failed} threshold(s) FAILED`}, ${Math.round(performance.now() - started)} ms)`,
  );
  return 0;
}
