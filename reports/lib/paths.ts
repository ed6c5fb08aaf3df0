// Where reports live. Builders only need REPORTS_DIR, so they do not call loadConfig() (which also demands login
// credentials): this resolves REPORTS_DIR exactly as config/index.ts does.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from '../../config/index.ts';

export { repoRoot };

export function reportsDir(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.REPORTS_DIR?.trim();
  return resolve(repoRoot, value === undefined || value === '' ? 'reports/output' : value);
}

export interface OutputPaths {
  root: string;
  loadRuns: string;
  loadHistory: string;
  allureHistory: string;
  allureResults: string;
  allureReport: string;
  contractResults: string;
  contractCoverage: string;
  review: string;
  gateJson: string;
  gateMd: string;
  index: string;
  selftest: string;
  screenshots: string;
}

export function outputPaths(root: string = reportsDir()): OutputPaths {
  return {
    root,
    loadRuns: join(root, 'load'),
    loadHistory: join(root, 'history', 'load.jsonl'),
    allureHistory: join(root, 'history', 'allure-history.jsonl'),
    allureResults: join(root, 'allure-results'),
    allureReport: join(root, 'allure-report'),
    contractResults: join(root, 'contract', 'results.json'),
    contractCoverage: join(root, 'contract', 'coverage.json'),
    review: join(root, 'review'),
    gateJson: join(root, 'gate.json'),
    gateMd: join(root, 'gate.md'),
    index: join(root, 'index.html'),
    selftest: join(root, 'selftest'),
    screenshots: join(root, 'screenshots'),
  };
}

/** The most recent load run directory (one holding a summary.json), by modification time; undefined if none. */
export function latestLoadRun(root: string = reportsDir()): string | undefined {
  const dir = outputPaths(root).loadRuns;
  if (!existsSync(dir)) return undefined;
  let best: { path: string; mtime: number } | undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const summary = join(dir, entry.name, 'summary.json');
    if (!existsSync(summary)) continue;
    const mtime = statSync(summary).mtimeMs;
    if (best === undefined || mtime > best.mtime) best = { path: join(dir, entry.name), mtime };
  }
  return best?.path;
}
