// Reads the files a load run leaves behind, through the types load/lib owns (both engines write the same):
// summary.json = the object k6 hands to handleSummary() (load/lib/summary-data.ts); meta.json = the run's identity
// (load/lib/run-meta.ts), written by the load CLI through the same type.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunMeta, type RunMeta } from '../../load/lib/run-meta.ts';
import { parseSummaryData, type SummaryData } from '../../load/lib/summary-data.ts';
import { readJsonFile } from '../../core/files.ts';

export function readSummary(path: string): SummaryData {
  return parseSummaryData(readJsonFile(path, 'load summary'), path);
}

export function readMeta(runDir: string): RunMeta | undefined {
  const path = join(runDir, 'meta.json');
  if (!existsSync(path)) return undefined;
  return parseRunMeta(readJsonFile(path, 'run metadata'), path);
}
