// Bridges a load run into Allure: one test result per threshold (with observed value, limit, who judged) and one per
// check, written next to the contract suite's results so a single Allure report shows contract and load together.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../lib/files.ts';
import { fmtNum, fmtPct } from '../lib/html.ts';
import { parseThreshold } from '../lib/thresholds.ts';
import type { RunAnalysis, ThresholdResult } from '../load-report/analyze.ts';
import { safeTarget } from '../load-report/render.ts';

const FILE_PREFIX = 'load-';

interface AllureResult {
  uuid: string;
  historyId: string;
  testCaseId: string;
  name: string;
  fullName: string;
  status: 'passed' | 'failed' | 'broken';
  statusDetails: { message?: string };
  stage: 'finished';
  start: number;
  stop: number;
  description: string;
  labels: { name: string; value: string }[];
  parameters: { name: string; value: string }[];
  links: { name: string; url: string; type: string }[];
  steps: [];
  attachments: { name: string; source: string; type: string }[];
}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

function observed(t: ThresholdResult): string {
  if (!Number.isFinite(t.value)) return 'no samples';
  const stat = parseThreshold(t.expression).stat;
  if (stat === 'rate') return fmtPct(t.value, 3);
  if (stat === 'count') return fmtNum(t.value);
  return `${fmtNum(t.value, 2)}${t.metric.includes('duration') ? ' ms' : ''}`;
}

/** Writes the load run's results into an Allure results directory; returns the number of results written. */
export function writeLoadAllureResults(a: RunAnalysis, resultsDir: string, reportLink?: string): number {
  mkdirSync(resultsDir, { recursive: true });
  // A rebuild replaces the previous load results instead of piling them up.
  for (const f of readdirSync(resultsDir)) if (f.startsWith(FILE_PREFIX)) rmSync(join(resultsDir, f));
  const start = Number.isFinite(a.startMs) ? a.startMs : Date.now();
  const stop = Number.isFinite(a.endMs) ? a.endMs : start;
  const profile = a.meta.profile || 'unknown';
  const common = [
    { name: 'parentSuite', value: 'Load' },
    { name: 'epic', value: 'POST /api/auth/login' },
    { name: 'framework', value: a.meta.engine === 'k6' ? 'k6' : 'k6 (local engine)' },
    { name: 'language', value: 'javascript' },
    { name: 'tag', value: `load:${profile}` },
  ];
  const params = [
    { name: 'profile', value: profile },
    { name: 'run', value: a.meta.runId },
    { name: 'target', value: safeTarget(a.meta.target) },
    { name: 'load generators', value: String(a.instanceCount) },
  ];
  const links = reportLink ? [{ name: 'Load report', url: reportLink, type: 'link' }] : [];
  let n = 0;
  const write = (
    r: Omit<
      AllureResult,
      'uuid' | 'historyId' | 'testCaseId' | 'stage' | 'start' | 'stop' | 'steps' | 'attachments' | 'links'
    >,
    key: string,
  ): void => {
    const id = md5(key);
    const uuid = md5(`${key}|${a.meta.runId}`);
    const result: AllureResult = {
      ...r,
      uuid,
      historyId: id,
      testCaseId: id,
      stage: 'finished',
      start,
      stop,
      steps: [],
      attachments: [],
      links,
    };
    writeFileAtomic(join(resultsDir, `${FILE_PREFIX}${uuid}-result.json`), JSON.stringify(result, null, 2));
    n += 1;
  };
  for (const t of a.thresholds) {
    const expr = parseThreshold(t.expression);
    write(
      {
        name: `SLO ${t.metric} ${t.expression}`,
        fullName: `load.${profile}.threshold.${t.metric}.${expr.stat}`,
        status: t.ok ? 'passed' : 'failed',
        statusDetails: t.ok
          ? {}
          : {
              message: `${t.metric} ${expr.stat} = ${observed(t)} does not satisfy ${t.expression}${t.note ? ` (${t.note})` : ''}`,
            },
        description: [t.description || 'Threshold declared by the load run.', `Judged by: ${t.judgedBy}.`, t.note]
          .filter(Boolean)
          .join(' '),
        labels: [
          ...common,
          { name: 'suite', value: `Load thresholds (${profile})` },
          { name: 'feature', value: 'Service level objectives' },
          { name: 'severity', value: 'critical' },
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
        status: c.fails === 0 ? 'passed' : 'failed',
        statusDetails:
          c.fails === 0
            ? {}
            : { message: `${fmtNum(c.fails)} of ${fmtNum(total)} checks failed (${fmtPct(c.fails / total)})` },
        description: 'A k6 check run on every login response of the load run.',
        labels: [
          ...common,
          { name: 'suite', value: `Load checks (${profile})` },
          { name: 'feature', value: 'Checks under load' },
          { name: 'severity', value: 'normal' },
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
