// Every contract run starts clean: the previous run's Allure results, Playwright JSON/JUnit files and coverage are
// removed by the global setup before any test runs. Left in place, Allure 3 groups a test's results by history id
// and shows the earlier run as a retry of this one, and a crashed run would leave the last run's results.json for
// the gate to judge. The history (REPORTS_DIR/history: allure-history.jsonl, load.jsonl) is never touched.
// The load bridge's files (load-*-result.json) go too: `npm run report:allure` writes them again from the load run.
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FullConfig } from '@playwright/test';

/**
 * What a run's reporters write, read from the resolved Playwright config so the two can never disagree (the contract
 * config gives absolute paths; a relative one is taken from the working directory).
 */
export function previousResults(config: Pick<FullConfig, 'reporter'>, extraFiles: string[] = []): string[] {
  const paths: string[] = [];
  for (const [name, options] of config.reporter) {
    const o = (options ?? {}) as { resultsDir?: unknown; outputFile?: unknown };
    if (name.includes('allure-playwright') && typeof o.resultsDir === 'string') paths.push(o.resultsDir);
    if ((name === 'json' || name === 'junit') && typeof o.outputFile === 'string') paths.push(o.outputFile);
  }
  return [...paths, ...extraFiles].map((p) => resolve(p));
}

/** Removes the previous run's results (files or folders); returns what it was asked to remove. */
export function startClean(config: Pick<FullConfig, 'reporter'>, extraFiles: string[] = []): string[] {
  const paths = previousResults(config, extraFiles);
  for (const path of paths) rmSync(path, { recursive: true, force: true });
  return paths;
}
