// Test helpers: temporary report roots populated with synthetic k6 runs and contract fixtures.
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSyntheticRun, type SyntheticRunOptions } from './synthetic-run.ts';
import { outputPaths, type OutputPaths } from '../../core/layout.ts';

export const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export function tempPaths(prefix = 'reports-test-'): OutputPaths {
  return outputPaths(mkdtempSync(join(tmpdir(), prefix)));
}

/** A small synthetic run (smoke profile, passes its thresholds unless told otherwise) under <root>/load/<runId>. */
export function makeRun(paths: OutputPaths, runId: string, o: Partial<SyntheticRunOptions> = {}): string {
  const dir = join(paths.loadRuns, runId);
  writeSyntheticRun(dir, { durationSec: 20, rps: 20, profile: 'smoke', runId, ...o });
  return dir;
}

export function putContract(paths: OutputPaths, results: 'pass' | 'fail', coverage: 'full' | 'missed'): void {
  mkdirSync(dirname(paths.contractResults), { recursive: true });
  copyFileSync(join(fixtures, 'contract', `results-${results}.json`), paths.contractResults);
  copyFileSync(join(fixtures, 'contract', `coverage-${coverage}.json`), paths.contractCoverage);
}
