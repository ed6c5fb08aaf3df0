// What the contract under load costs per response on the local engine: one VU runs N iterations that judge a real
// 200 body of the reference (captured in-process), once with the checks load/lib/login.ts adds (schema validator +
// identity) and once parsing the body only; the difference of the mean iteration durations, one VU and no I/O, is
// the CPU per response. Rounds alternate the two modes; medians are reported. Writes
// $REPORTS_DIR/bench/contract-check-cost.md.
//   npm run bench:contract-check-cost -- [--iterations 20000] [--rounds 3]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAccount } from '../../reference/accounts.ts';
import { testApp } from '../../reference/test/support.ts';
import { UserError } from '../../core/errors.ts';
import { runNpm, writeResult } from '../lib/support.ts';

const script = 'bench/load/scripts/contract-check-cost.ts';

async function meanIterationUs(mode: string, iterations: number, env: NodeJS.ProcessEnv, dir: string): Promise<number> {
  const summary = join(dir, `${mode}.json`);
  const run = await runNpm(
    'k6',
    ['run', '--quiet', '-u', '1', '-i', String(iterations), '--summary-export', summary, '-e', `CHECK=${mode}`, script],
    { ...env, K6_ENGINE: 'node' },
    { timeoutMs: 300_000 },
  );
  if (run.code !== 0)
    throw new UserError(`the ${mode} run failed (exit ${run.code}): ${run.stderr.trim().split('\n').pop() ?? ''}`);
  const data = JSON.parse(readFileSync(summary, 'utf8')) as { metrics: Record<string, Record<string, number>> };
  const avgMs = data.metrics.iteration_duration?.avg;
  if (avgMs === undefined) throw new UserError(`${summary} has no iteration_duration`);
  return avgMs * 1000;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function runContractCheckCost(options: { iterations?: string; rounds?: string }): Promise<number> {
  const iterations = Number(options.iterations ?? 20000);
  const rounds = Number(options.rounds ?? 3);
  if (!Number.isInteger(iterations) || iterations < 100 || !Number.isInteger(rounds) || rounds < 1) {
    throw new UserError('--iterations must be an integer >= 100 and --rounds >= 1');
  }
  const account = loadAccount(1);
  const app = await testApp();
  const response = await app.post(account);
  if (response.status !== 200) throw new UserError(`the in-process reference answered ${response.status}, not 200`);
  const dir = mkdtempSync(join(tmpdir(), 'contract-cost-'));
  try {
    const bodyFile = join(dir, 'body.json');
    writeFileSync(bodyFile, response.body);
    const env = { ...process.env, BODY_FILE: bodyFile, IDENTIFIER: account.identifier };
    const base: number[] = [];
    const checked: number[] = [];
    for (let r = 0; r < rounds; r++) {
      base.push(await meanIterationUs('none', iterations, env, dir));
      checked.push(await meanIterationUs('contract', iterations, env, dir));
      console.log(
        `contract-check-cost: round ${r + 1}: parse only ${base.at(-1)!.toFixed(1)} µs, with the checks ${checked.at(-1)!.toFixed(1)} µs per iteration`,
      );
    }
    const cost = median(checked.map((c, i) => c - base[i]!));
    const line = `checks cost ${cost.toFixed(1)} µs per response (median of ${rounds} rounds of ${iterations} iterations; body ${response.body.length} bytes; parse-only iteration ${median(base).toFixed(1)} µs)`;
    console.log(`contract-check-cost: ${line}`);
    const md = `# Contract check cost per response\n\n${new Date().toISOString()}, local engine, one VU, no I/O: ${line}.\n\n| round | parse only (µs) | with checks (µs) | difference (µs) |\n| --- | --- | --- | --- |\n${base.map((b, i) => `| ${i + 1} | ${b.toFixed(1)} | ${checked[i]!.toFixed(1)} | ${(checked[i]! - b).toFixed(1)} |`).join('\n')}\n`;
    console.log(`contract-check-cost: wrote ${writeResult('contract-check-cost.md', md)}`);
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
