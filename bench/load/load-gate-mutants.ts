// Load-gate mutants: the load gate must fail for a broken target and pass for the healthy reference. Each mutant is a
// reference started by `npm run load` itself through the REFERENCE_* knobs (core/target.ts) and/or a profile reshaped
// by LOAD_* overrides; the smoke profile runs, then the gate judges it (the evaluation `npm run gate -- --run <that
// run>` makes, called in-process). A mutant is killed when both `npm run load` and the gate's "load SLOs" check fail
// and name the mutant's metric; the healthy reference must pass both. Prints a table and writes $REPORTS_DIR/bench/load-gate-mutants.md; exit 1 on any survivor or
// false positive.
// All mutants run at once by default (--concurrency 5): each is CPU-light once started (fast hashing, 6 logins/s), the
// healthy reference's p95 stays far below the smoke SLO's 400 ms even so (16 ms at load average 15), and the run takes
// one smoke profile's time instead of three.
//   npm run bench:load-gate-mutants -- [--only NAME,...] [--concurrency 5]   (entry: cli/bench-load-gate-mutants.ts)
import { join, relative } from 'node:path';
import { repoRoot } from '../../config/index.ts';
import { evaluateGate, writeGate } from '../../reports/gate/gate.ts';
import { outputPaths } from '../../core/layout.ts';
import { benchOutputDir, markdownTable, runNpm, textTable, utcStamp, writeResult } from '../lib/support.ts';

interface Mutant {
  name: string;
  what: string;
  env: Record<string, string>;
  /** The metric whose threshold must fail (undefined: the healthy reference, nothing may fail). */
  metric: string | undefined;
}

export const mutants: readonly Mutant[] = [
  { name: 'healthy', what: 'healthy reference', env: {}, metric: undefined },
  {
    name: 'latency',
    what: 'every answer 450 ms late (smoke SLO p95 < 400 ms)',
    env: { REFERENCE_ADDED_LATENCY_MS: '450' },
    metric: 'http_req_duration{name:login}',
  },
  {
    name: 'error-rate',
    what: '5 % of logins answered 502 (SLO error rate < 1 %)',
    env: { REFERENCE_FAIL_RATE: '0.05' },
    metric: 'http_req_failed{name:login}',
  },
  {
    name: 'undocumented-status',
    what: 'defect login-201: success answered 201, a status the contract does not document',
    env: { REFERENCE_DEFECT: 'login-201' },
    metric: 'login_undocumented_status',
  },
  {
    name: 'intermittent-schema-break',
    what: 'after 20 logins, one 200 in 10 breaks the schema (session.expires_at without offset)',
    env: { REFERENCE_DEFECT: 'intermittent-schema-break' },
    metric: 'login_contract_ok',
  },
  {
    name: 'intermittent-identity-swap',
    what: "after 20 logins, one 200 in 10 carries another caller's identity",
    env: { REFERENCE_DEFECT: 'intermittent-identity-swap' },
    metric: 'login_identity_ok',
  },
  {
    name: 'dropped-iterations',
    what: 'one VU for 6 logins/s at 200 ms each: the schedule cannot be kept (smoke budget: 0 dropped)',
    env: { REFERENCE_ADDED_LATENCY_MS: '200', LOAD_MAX_VUS: '1', LOAD_PRE_ALLOCATED_VUS: '1' },
    metric: 'dropped_iterations',
  },
];

interface Verdict {
  mutant: Mutant;
  loadExit: number;
  loadBreached: string[];
  gateLine: string;
  killed: boolean;
  why: string;
}

async function judge(m: Mutant, stamp: string): Promise<Verdict> {
  const reportsDir = join(benchOutputDir, 'load-gate-mutants', stamp, m.name);
  const runId = `mutant-${m.name}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REPORTS_DIR: reportsDir,
    REFERENCE_HASH_COST: 'fast',
    ...m.env,
  };
  // A mutant must come from the knobs above only: no target or profile reshaping leaks in from the caller.
  for (const name of ['AUTH_BASE_URL', 'LOAD_ACCOUNTS_FILE', 'LOAD_STAGES', 'LOAD_RATE_SCALE', 'LOAD_DURATION_SCALE']) {
    delete env[name];
  }
  const load = await runNpm('load', ['--profile', 'smoke', '--engine', 'node', '--run-id', runId], env, {
    timeoutMs: 180_000,
  });
  const loadBreached = [...load.stderr.matchAll(/^load: SLO breached: (\S+)/gm)].map((x) => x[1]!);
  // The gate's own evaluation and files, in this process (what `npm run gate -- --run <run>` does, without five more
  // TypeScript process starts of ~3 s CPU each); its "load SLOs" line is printed exactly as the CLI prints it.
  const paths = outputPaths(reportsDir);
  const gate = await evaluateGate({ paths, runDir: join(reportsDir, 'load', runId) });
  writeGate(gate, paths);
  const slo = gate.checks.find((c) => c.name === 'load SLOs');
  const gateLine =
    slo === undefined ? '(no load SLOs line)' : `${slo.status.toUpperCase().padEnd(4)} ${slo.name}: ${slo.detail}`;
  const gateFailed = gateLine.startsWith('FAIL');
  if (m.metric === undefined) {
    const ok = load.code === 0 && gateLine.startsWith('PASS');
    return {
      mutant: m,
      loadExit: load.code,
      loadBreached,
      gateLine,
      killed: ok,
      why: ok ? 'passes' : 'FALSE POSITIVE: the healthy reference failed',
    };
  }
  const named = loadBreached.includes(m.metric) && gateLine.includes(m.metric);
  const killed = load.code !== 0 && gateFailed && named;
  return {
    mutant: m,
    loadExit: load.code,
    loadBreached,
    gateLine,
    killed,
    why: killed ? `killed by ${m.metric}` : `SURVIVED: load exit ${load.code}, gate ${gateFailed ? 'fail' : 'pass'}`,
  };
}

export interface MutantOptions {
  /** Comma-separated mutant names (default: all). */
  readonly only?: string | undefined;
  /** How many mutants run at once (default: all). */
  readonly concurrency?: string | undefined;
}

/** Runs the mutants; 0 when every mutant is killed and the healthy reference passes. */
export async function runLoadGateMutants(options: MutantOptions = {}): Promise<number> {
  const only = options.only?.split(',');
  const selected = only === undefined ? mutants : mutants.filter((m) => only.includes(m.name));
  const concurrency = Math.max(1, Math.min(mutants.length, Number(options.concurrency) || mutants.length));
  const stamp = utcStamp();
  const started = Date.now();
  const verdicts: Verdict[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < selected.length) {
        const m = selected[next++]!;
        console.log(`mutants: ${m.name}: ${m.what}`);
        const v = await judge(m, stamp);
        console.log(`mutants: ${m.name}: ${v.why}`);
        verdicts.push(v);
      }
    }),
  );
  verdicts.sort((a, b) => mutants.indexOf(a.mutant) - mutants.indexOf(b.mutant));
  const header = ['mutant', 'how', 'expected metric', 'npm run load', 'SLOs breached', 'gate: load SLOs', 'verdict'];
  const rows = verdicts.map((v) => [
    v.mutant.name,
    `${
      Object.entries(v.mutant.env)
        .map(([k, x]) => `${k}=${x}`)
        .join(' ') || '(none)'
    }`,
    v.mutant.metric ?? '— (must pass)',
    `exit ${v.loadExit}`,
    v.loadBreached.join(', ') || 'none',
    v.gateLine.replace(/\s+/g, ' '),
    v.why,
  ]);
  const mutantsOnly = verdicts.filter((v) => v.mutant.metric !== undefined);
  const summary =
    `${mutantsOnly.filter((v) => v.killed).length}/${mutantsOnly.length} mutants killed, ` +
    `healthy ${verdicts.find((v) => v.mutant.metric === undefined)?.killed ? 'passes' : 'FAILS or not run'}, ` +
    `wall time ${((Date.now() - started) / 1000).toFixed(0)} s`;
  console.log('');
  console.log(textTable(header, rows));
  console.log(`\nmutants: ${summary}`);
  const md = `# Load-gate mutants

${new Date(started).toISOString()}: \`npm run load -- --profile smoke --engine node\` against a reference started with the
knobs below (\`REFERENCE_HASH_COST=fast\`), then the gate's evaluation of that run (as \`npm run gate -- --run <run>\`), each with its own \`REPORTS_DIR\` under
\`${relative(repoRoot, join(benchOutputDir, 'load-gate-mutants', stamp))}/\`. Killed = \`npm run load\` exits non-zero, its "SLO breached" lines
name the expected metric, and the gate's "load SLOs" check fails naming it. (The gate's overall verdict also fails for
want of contract results in these folders; only its load SLOs check is read here.)

${markdownTable(header, rows)}

**${summary}.**
`;
  console.log(`mutants: wrote ${writeResult('load-gate-mutants.md', md)}`);
  return verdicts.every((v) => v.killed) ? 0 : 1;
}
