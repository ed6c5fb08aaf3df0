// npm run report:allure -- [--run DIR] [--no-load]   (entry cli/report-allure.ts)
// Adds the latest load run's thresholds and checks to reports/output/allure-results (next to the contract suite's
// results), then renders one Allure 3 report (Awesome, single file) into reports/output/allure-report, keeping the
// history of every run in reports/output/history/allure-history.jsonl. The settings (name, categories, history,
// plugins) are the root allurerc.ts, the one Allure config, which `npx allure generate|open` read as well.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { InputError } from '../lib/files.ts';
import { writeFileAtomic } from '../../core/files.ts';
import { latestLoadRun, outputPaths, type OutputPaths } from '../../core/layout.ts';
import { repoRoot } from '../../config/index.ts';
import { loadAnalysis } from '../load-report/analysis.ts';
import { writeLoadAllureResults } from './load-results.ts';

export interface AllureBuildOptions {
  paths?: OutputPaths;
  /** Load run to bridge; undefined = the latest one if any; null = none. */
  runDir?: string | null;
}

export interface AllureBuildResult {
  reportDir: string;
  indexHtml: string;
  loadResults: number;
  results: number;
}

// The package exports only dist/index.js; its CLI entry sits one level above.
const allureCli = join(dirname(createRequire(import.meta.url).resolve('allure')), '..', 'cli.js');

/** The Allure 3 config (root allurerc.ts): its folders follow REPORTS_DIR, which the build sets to `paths.root`. */
export const allureConfigFile = join(repoRoot, 'allurerc.ts');

export async function buildAllureReport(o: AllureBuildOptions = {}): Promise<AllureBuildResult> {
  const paths = o.paths ?? outputPaths();
  const runDir = o.runDir === null ? undefined : (o.runDir ?? latestLoadRun(paths.root));
  let loadResults = 0;
  if (runDir !== undefined) {
    const analysis = await loadAnalysis(runDir);
    const report = join(runDir, 'report.html');
    loadResults = writeLoadAllureResults(
      analysis,
      paths.allureResults,
      existsSync(report) ? relative(paths.allureReport, report) : undefined,
    );
  }
  const results = existsSync(paths.allureResults)
    ? readdirSync(paths.allureResults).filter((f) => f.endsWith('-result.json')).length
    : 0;
  if (results === 0) {
    throw new InputError(
      `no Allure results in ${paths.allureResults}: run the contract suite (npm run contract) or a load run first`,
    );
  }
  rmSync(paths.allureReport, { recursive: true, force: true });
  const run = spawnSync(
    process.execPath,
    [allureCli, 'generate', paths.allureResults, '--config', allureConfigFile, '--output', paths.allureReport],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      // allurerc.ts takes its output and history paths from REPORTS_DIR: the same root as this build's.
      env: { ...process.env, REPORTS_DIR: paths.root, NO_COLOR: '1' },
      timeout: 120_000,
    },
  );
  if (run.status !== 0) {
    const why =
      `${run.stderr}${run.stdout}`.trim().split('\n').filter(Boolean).at(-1) ?? `exit ${run.status ?? run.signal}`;
    throw new InputError(`allure generate failed: ${why}`);
  }
  const indexHtml = join(paths.allureReport, 'index.html');
  if (!existsSync(indexHtml)) throw new InputError(`allure generate wrote no index.html under ${paths.allureReport}`);
  writeFileAtomic(indexHtml, makeOffline(readFileSync(indexHtml, 'utf8')));
  return { reportDir: paths.allureReport, indexHtml, loadResults, results };
}

/**
 * Two fixes to Allure 3.18's single-file Awesome page so it opens from disk, offline, without console errors:
 * - its app script runs before the embedded data script and, finding no `allureReportData` yet, fetches
 *   widgets/*.json over file:// (blocked by the browser); declaring the object first makes it wait for the data;
 * - it always loads Google Tag Manager (analytics): removed, reports must not call out.
 */
export function makeOffline(html: string): string {
  const withData = html.replace(
    '<head>',
    '<head><script>window.allureReportData = window.allureReportData || {};</script>',
  );
  return withData.replace(
    /<script async src="https:\/\/www\.googletagmanager\.com[^"]*"><\/script>\s*<script>[\s\S]*?gtag\('config'[\s\S]*?<\/script>/,
    '',
  );
}
