// Where every output lives, under REPORTS_DIR (resolved once, by config/): load run folders, contract results, Allure,
// the review, the gate, the index, the self-test and benchmark results. Builders and runners take their paths from
// here instead of joining folder names by hand.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { resolveReportsDir } from '../config/index.ts';
import { UserError } from './errors.ts';

/** REPORTS_DIR as an absolute path (process env > .env > environment file; default reports/output). */
export function reportsDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolveReportsDir(env);
}

/**
 * A load run's metrics stream (`k6 run --out json=`), gzip-compressed as it is written: k6 and the local engine both
 * compress when the name ends in .gz, and the JSON lines (~4.7 KB per request) shrink ~30x, so a soak's stream fits
 * an artifact or a Pages site (docs/benchmarks/2026-12-metrics-gzip.md). The report readers also accept an
 * uncompressed `metrics*.ndjson`.
 */
export const metricsFileName = 'metrics.ndjson.gz';

export interface OutputPaths {
  root: string;
  /** One folder per load run: `<loadRuns>/<run id>/{summary.json, metrics.ndjson.gz, meta.json, ...}`. */
  loadRuns: string;
  loadHistory: string;
  allureHistory: string;
  allureResults: string;
  allureReport: string;
  /** Playwright's output folder for the contract run (results.json, coverage.json, attachments). */
  contract: string;
  contractResults: string;
  contractCoverage: string;
  review: string;
  gateJson: string;
  gateMd: string;
  index: string;
  selftest: string;
  screenshots: string;
  /** Benchmark results (bench/): one file or folder per benchmark. */
  bench: string;
  /** Kubernetes manifests of a distributed run (npm run k8s:package). */
  k8s: string;
}

export function outputPaths(root: string = reportsDir()): OutputPaths {
  return {
    root,
    loadRuns: join(root, 'load'),
    loadHistory: join(root, 'history', 'load.jsonl'),
    allureHistory: join(root, 'history', 'allure-history.jsonl'),
    allureResults: join(root, 'allure-results'),
    allureReport: join(root, 'allure-report'),
    contract: join(root, 'contract'),
    contractResults: join(root, 'contract', 'results.json'),
    contractCoverage: join(root, 'contract', 'coverage.json'),
    review: join(root, 'review'),
    gateJson: join(root, 'gate.json'),
    gateMd: join(root, 'gate.md'),
    index: join(root, 'index.html'),
    selftest: join(root, 'selftest'),
    screenshots: join(root, 'screenshots'),
    bench: join(root, 'bench'),
    k8s: join(root, 'k8s'),
  };
}

/** The folder of the load run `runId` (not created). */
export function loadRunDir(runId: string, root: string = reportsDir()): string {
  return join(outputPaths(root).loadRuns, runId);
}

/** Creates the folder of a new load run; an existing one or an unwritable REPORTS_DIR is a one-line UserError. */
export function createLoadRunDir(runId: string, root: string = reportsDir()): string {
  const dir = loadRunDir(runId, root);
  if (existsSync(dir)) throw new UserError(`run folder ${dir} already exists: choose another --run-id`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UserError(`cannot create the run folder ${dir} (${code}): check REPORTS_DIR is writable`);
  }
  return dir;
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
