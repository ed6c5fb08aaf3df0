// npm run gate -- [--run DIR] [--baseline FILE|auto] [--require-baseline]   (entry cli/gate.ts)
// One release verdict from the contract results and coverage, the load SLOs and the baseline comparison. Writes
// reports/output/gate.json ({verdict, checks:[{name,status,detail}]}) and gate.md; exit 0 pass, 1 fail, 2 bad usage.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../lib/files.ts';
import { writeFileAtomic } from '../../core/files.ts';
import { parseCommandLine } from '../../core/args.ts';
import { latestLoadRun, outputPaths, type OutputPaths } from '../../core/layout.ts';
import { parseSlo, sloFor } from '../../load/lib/slo.ts';
import { sloPath } from '../load-report/analysis.ts';
import {
  baselineCheck,
  capacityCheck,
  contractAdvisoriesCheck,
  contractCoverageCheck,
  contractResultsCheck,
  loadThresholdsCheck,
  tryAnalyze,
  tryReview,
  type GateCheck,
} from './checks.ts';

export interface GateResult {
  verdict: 'pass' | 'fail';
  generatedAt: string;
  loadRun: string | null;
  checks: GateCheck[];
}

export interface GateOptions {
  paths?: OutputPaths;
  runDir?: string;
  baseline?: string;
  requireBaseline?: boolean;
}

export async function evaluateGate(o: GateOptions = {}): Promise<GateResult> {
  const paths = o.paths ?? outputPaths();
  const runDir = o.runDir ?? latestLoadRun(paths.root);
  const { analysis, why } = await tryAnalyze(runDir, paths);
  const review = analysis
    ? await tryReview(runDir, o.baseline, paths.loadHistory)
    : { why: 'no readable load run to compare with a baseline' };
  const checks = [
    contractResultsCheck(paths),
    contractCoverageCheck(paths),
    loadThresholdsCheck(analysis, why),
    baselineCheck(review.review, review.why, o.requireBaseline ?? false),
    contractAdvisoriesCheck(paths),
  ];
  // Only when the SLO file asks for a minimum capacity for this profile: no row otherwise.
  const minCapacity = analysis ? minCapacityFor(analysis.meta.profile) : undefined;
  if (minCapacity !== undefined) checks.push(capacityCheck(analysis, minCapacity, why));
  return {
    verdict: checks.every((c) => c.status !== 'fail') ? 'pass' : 'fail',
    generatedAt: new Date().toISOString(),
    loadRun: runDir ?? null,
    checks,
  };
}

/** config/slo.json's minCapacityRps for a profile (a broken SLO file is one line, as everywhere). */
function minCapacityFor(profile: string): number | undefined {
  if (profile === '' || !existsSync(sloPath)) return undefined;
  try {
    return sloFor(parseSlo(readFileSync(sloPath, 'utf8'), sloPath), profile).minCapacityRps;
  } catch (error) {
    throw new InputError((error as Error).message);
  }
}

export function gateMarkdown(g: GateResult): string {
  const icon = { pass: '✅', fail: '❌', skip: '➖', advisory: '⚠️ advisory' };
  const lines = [
    `## ${g.verdict === 'pass' ? '✅' : '❌'} Release gate: ${g.verdict.toUpperCase()}`,
    '',
    '| | Check | Detail |',
    '|---|---|---|',
    ...g.checks.map((c) => `| ${icon[c.status]} | ${c.name} | ${c.detail.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`),
    '',
    `Generated ${g.generatedAt}.`,
  ];
  return `${lines.join('\n')}\n`;
}

export function writeGate(g: GateResult, paths: OutputPaths = outputPaths()): void {
  writeFileAtomic(paths.gateJson, `${JSON.stringify(g, null, 2)}\n`);
  writeFileAtomic(paths.gateMd, gateMarkdown(g));
}

const usage = 'usage: npm run gate -- [--run DIR] [--baseline FILE|auto] [--require-baseline]';

/** The command line of `npm run gate` (cli/gate.ts); a bad one is a one-line InputError naming the usage. */
export function parseGateArgs(argv: readonly string[]): GateOptions {
  const { values } = parseCommandLine(
    argv,
    { options: { run: { type: 'string' }, baseline: { type: 'string' }, 'require-baseline': { type: 'boolean' } } },
    { usage, describe: (p) => (p.kind === 'unknown' ? `unexpected argument "${p.arg}"; ${usage}` : undefined) },
  );
  const o: GateOptions = {};
  for (const [name, v] of [
    ['--run', values.run],
    ['--baseline', values.baseline],
  ] as const) {
    if (v !== undefined && v !== 'auto' && !existsSync(v))
      throw new InputError(`${name} ${v} does not exist; ${usage}`);
  }
  if (values.run !== undefined) o.runDir = resolve(values.run);
  if (values.baseline !== undefined) o.baseline = values.baseline === 'auto' ? 'auto' : resolve(values.baseline);
  if (values['require-baseline'] === true) o.requireBaseline = true;
  return o;
}
