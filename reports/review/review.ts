// Builds a performance review: the run (a run directory), its baseline (a file, or "auto": the last passing run of
// the same profile in the history), the comparison and the trend. Shared by `npm run review` and the gate.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError, isRecord } from '../lib/files.ts';
import { readJsonFile, writeFileAtomic } from '../../core/files.ts';
import { latestLoadRun, outputPaths, reportsDir } from '../../core/layout.ts';
import { comparable, compareRuns, loadTolerances, overallVerdict, pickBaseline, type Tolerances } from './compare.ts';
import { parseRecord, readHistory, recordFromRun, type HistoryRecord } from './history.ts';
import { renderReviewHtml, renderReviewMarkdown } from './render.ts';
import type { Review } from './types.ts';

export interface ReviewOptions {
  /** Run directory; default: the latest under reports/output/load. */
  runDir?: string;
  /** 'auto' (default) or a file: a history record JSON, a k6 summary.json, or a run directory. */
  baseline?: string;
  tolerances?: Tolerances;
  historyFile?: string;
}

async function readBaseline(path: string): Promise<HistoryRecord> {
  if (!existsSync(path))
    throw new InputError(
      `baseline ${path} does not exist: give a history record JSON, a summary.json or a run directory`,
    );
  if (statSync(path).isDirectory()) return recordFromRun(path);
  if (basename(path) === 'summary.json') return recordFromRun(dirname(path));
  const raw = readJsonFile(path, 'baseline');
  if (isRecord(raw) && isRecord(raw.metrics)) {
    throw new InputError(
      `baseline ${path} is a k6 summary: name it summary.json inside its run directory, or pass the directory`,
    );
  }
  return parseRecord(raw, `baseline ${path}`);
}

export async function reviewRun(o: ReviewOptions = {}): Promise<Review> {
  const runDir = o.runDir ?? latestLoadRun();
  if (runDir === undefined) throw new InputError('no load run to review: run `npm run load` first or pass --run DIR');
  const tolerances = o.tolerances ?? loadTolerances();
  const run = await recordFromRun(runDir);
  const { records, malformed } = readHistory(o.historyFile ?? outputPaths().loadHistory);
  const notes: string[] = [];
  if (malformed) notes.push(`${malformed} malformed line(s) in the load history were ignored.`);
  let baseline: HistoryRecord | undefined;
  let baselineSource: string;
  if (o.baseline !== undefined && o.baseline !== 'auto') {
    baseline = await readBaseline(o.baseline);
    baselineSource = `baseline given: ${o.baseline}`;
    if (baseline.profile && run.profile && baseline.profile !== run.profile) {
      notes.push(
        `The baseline ran profile "${baseline.profile}", this run "${run.profile}": the figures are not like for like.`,
      );
    }
  } else {
    baseline = pickBaseline(records, run);
    baselineSource = baseline
      ? `baseline: last ${baseline.passed ? 'passing run' : 'run with a measured capacity'} of profile "${run.profile}"${run.schedule ? ` with the same schedule` : ''} in the history`
      : `no earlier passing run of profile "${run.profile}"${run.schedule ? ` with schedule ${run.schedule}` : ''} in the history`;
  }
  if (!run.passed) notes.push('This run failed its own thresholds: see the load report.');
  const comparisons = baseline ? compareRuns(run, baseline, tolerances) : [];
  const sameProfile = records.filter((r) => comparable(r, run) && r.runId !== run.runId);
  const trend = [...sameProfile, run].slice(-tolerances.trendRuns);
  return {
    run,
    baseline,
    baselineSource,
    comparisons,
    verdict: baseline ? overallVerdict(comparisons) : 'no-baseline',
    trend,
    notes,
  };
}

export interface WrittenReview {
  html: string;
  markdown: string;
  json: string;
}

export function writeReview(review: Review, outDir: string = outputPaths(reportsDir()).review): WrittenReview {
  const files = {
    html: join(outDir, 'review.html'),
    markdown: join(outDir, 'review.md'),
    json: join(outDir, 'review.json'),
  };
  writeFileAtomic(
    files.json,
    JSON.stringify(review, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2),
  );
  writeFileAtomic(files.markdown, renderReviewMarkdown(review));
  writeFileAtomic(files.html, renderReviewHtml(review));
  return files;
}
