// Bridges a load run into Allure: one test result per threshold (with observed value, limit, who judged) and one per
// check, written next to the contract suite's results so a single Allure report shows contract and load together.
// The results are built and written by allure-js-commons' reporter SDK (ReporterRuntime + FileSystemWriter, the same
// code allure-playwright writes the contract results with): result defaults, timings and atomic file writes are
// theirs; this file only says what each result holds.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LabelName, LinkType, Severity, Stage, Status } from 'allure-js-commons';
import type { Label, Parameter, StatusDetails, TestResult } from 'allure-js-commons';
import { FileSystemWriter, md5, ReporterRuntime } from 'allure-js-commons/sdk/reporter';
import { fmtNum, fmtPct } from '../lib/html.ts';
import { parseThreshold } from '../../load/lib/thresholds.ts';
import type { RunAnalysis, ThresholdResult } from '../load-report/analysis.ts';
import { safeTarget } from '../load-report/render.ts';

const FILE_PREFIX = 'load-';

/**
 * FileSystemWriter names a result `<uuid>-result.json`; this one adds the `load-` prefix so a rebuild can find and
 * replace the previous load run's results by name, leaving the contract suite's results alone.
 */
class LoadResultsWriter extends FileSystemWriter {
  override writeResult(result: TestResult): void {
    // writeAttachment is FileSystemWriter's atomic write of bytes under a given file name.
    this.writeAttachment(`${FILE_PREFIX}${result.uuid}-result.json`, Buffer.from(JSON.stringify(result)));
  }
}

/** What differs between two load results; the SDK fills in the rest (uuid, stage, steps, attachments). */
interface LoadResult {
  name: string;
  fullName: string;
  status: Status;
  statusDetails: StatusDetails;
  description: string;
  labels: Label[];
  parameters: Parameter[];
}

function observed(t: ThresholdResult): string {
  if (!Number.isFinite(t.value)) return 'no samples';
  const stat = parseThreshold(t.expression).stat;
  if (stat === 'rate') return fmtPct(t.value, 3);
  if (stat === 'count') return fmtNum(t.value);
  return `${fmtNum(t.value, 2)}${t.metric.includes('duration') ? ' ms' : ''}`;
}

/** Writes the load run's results into an Allure results directory; returns the number of results written. */
export function writeLoadAllureResults(a: RunAnalysis, resultsDir: string, reportLink?: string): number {
  // A rebuild replaces the previous load results instead of piling them up.
  for (const f of existsSync(resultsDir) ? readdirSync(resultsDir) : []) {
    if (f.startsWith(FILE_PREFIX)) rmSync(join(resultsDir, f));
  }
  const start = Number.isFinite(a.startMs) ? a.startMs : Date.now();
  const stop = Number.isFinite(a.endMs) ? a.endMs : start;
  const profile = a.meta.profile || 'unknown';
  const runtime = new ReporterRuntime({
    writer: new LoadResultsWriter({ resultsDir }),
    // Prepended to every result's own labels.
    globalLabels: [
      { name: LabelName.PARENT_SUITE, value: 'Load' },
      { name: LabelName.EPIC, value: 'POST /api/auth/login' },
      { name: LabelName.FRAMEWORK, value: a.meta.engine === 'k6' ? 'k6' : 'k6 (local engine)' },
      { name: LabelName.LANGUAGE, value: 'javascript' },
      { name: LabelName.TAG, value: `load:${profile}` },
    ],
  });
  const params: Parameter[] = [
    { name: 'profile', value: profile },
    { name: 'run', value: a.meta.runId },
    { name: 'target', value: safeTarget(a.meta.target) },
    { name: 'load generators', value: String(a.instanceCount) },
  ];
  const links = reportLink ? [{ name: 'Load report', url: reportLink, type: LinkType.DEFAULT }] : [];
  let n = 0;
  const write = (r: LoadResult, key: string): void => {
    // Stable across runs, so Allure's history and retries follow the same threshold or check.
    const id = md5(key);
    const uuid = runtime.startTest({ ...r, historyId: id, testCaseId: id, links, start });
    runtime.updateTest(uuid, (result) => {
      result.stage = Stage.FINISHED;
    });
    runtime.stopTest(uuid, { stop });
    runtime.writeTest(uuid);
    n += 1;
  };
  for (const t of a.thresholds) {
    const expr = parseThreshold(t.expression);
    write(
      {
        name: `SLO ${t.metric} ${t.expression}`,
        fullName: `load.${profile}.threshold.${t.metric}.${expr.stat}`,
        status: t.ok ? Status.PASSED : Status.FAILED,
        statusDetails: t.ok
          ? {}
          : {
              message: `${t.metric} ${expr.stat} = ${observed(t)} does not satisfy ${t.expression}${t.note ? ` (${t.note})` : ''}`,
            },
        description: [t.description || 'Threshold declared by the load run.', `Judged by: ${t.judgedBy}.`, t.note]
          .filter(Boolean)
          .join(' '),
        labels: [
          { name: LabelName.SUITE, value: `Load thresholds (${profile})` },
          { name: LabelName.FEATURE, value: 'Service level objectives' },
          { name: LabelName.SEVERITY, value: Severity.CRITICAL },
        ],
        parameters: [
          { name: 'observed', value: observed(t) },
          { name: 'threshold', value: t.expression },
          { name: 'judged by', value: t.judgedBy },
          ...t.perInstance.map((p) => ({
            name: `instance ${p.instance}`,
            value: p.ok ? 'passed alone' : 'failed alone',
          })),
          ...params,
        ],
      },
      `load|${profile}|threshold|${t.metric}|${expr.stat}`,
    );
  }
  for (const c of a.checks) {
    const total = c.passes + c.fails;
    write(
      {
        name: `check: ${c.name}`,
        fullName: `load.${profile}.check.${c.name}`,
        status: c.fails === 0 ? Status.PASSED : Status.FAILED,
        statusDetails:
          c.fails === 0
            ? {}
            : { message: `${fmtNum(c.fails)} of ${fmtNum(total)} checks failed (${fmtPct(c.fails / total)})` },
        description: 'A k6 check run on every login response of the load run.',
        labels: [
          { name: LabelName.SUITE, value: `Load checks (${profile})` },
          { name: LabelName.FEATURE, value: 'Checks under load' },
          { name: LabelName.SEVERITY, value: Severity.NORMAL },
        ],
        parameters: [
          { name: 'passed', value: fmtNum(c.passes) },
          { name: 'failed', value: fmtNum(c.fails) },
          ...params,
        ],
      },
      `load|${profile}|check|${c.name}`,
    );
  }
  return n;
}
