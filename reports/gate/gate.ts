// npm run gate -- [--run DIR] [--baseline FILE|auto] [--require-baseline]
// One release verdict from the contract results and coverage, the load SLOs and the baseline comparison. Writes
// reports/output/gate.json ({verdict, checks:[{name,status,detail}]}) and gate.md; exit 0 pass, 1 fail, 2 bad usage.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../lib/files.ts';
import { writeFileAtomic } from '../../core/files.ts';
import { runMain } from '../../core/main.ts';
import { latestLoadRun, outputPaths, type OutputPaths } from '../../core/layout.ts';
import {
  baselineCheck,
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
  return {
    verdict: checks.every((c) => c.status !== 'fail') ? 'pass' : 'fail',
    generatedAt: new Date().toISOString(),
    loadRun: runDir ?? null,
    checks,
  };
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

export function parseArgs(argv: string[]): GateOptions {
  const o: GateOptions = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--run' || arg === '--baseline') {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new InputError(`${arg} needs a value; ${usage}`);
      if (v !== 'auto' && !existsSync(v)) throw new InputError(`${arg} ${v} does not exist; ${usage}`);
      if (arg === '--run') o.runDir = resolve(v);
      else o.baseline = v === 'auto' ? 'auto' : resolve(v);
    } else if (arg === '--require-baseline') o.requireBaseline = true;
    else throw new InputError(`unexpected argument "${arg}"; ${usage}`);
  }
  return o;
}

async function main(): Promise<number> {
  const paths = outputPaths();
  const gate = await evaluateGate({ ...parseArgs(process.argv.slice(2)), paths });
  writeGate(gate, paths);
  for (const c of gate.checks) console.log(`${c.status.toUpperCase().padEnd(4)} ${c.name}: ${c.detail}`);
  console.log(`gate: ${gate.verdict.toUpperCase()} (${paths.gateJson})`);
  return gate.verdict === 'pass' ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) runMain('gate', main);
