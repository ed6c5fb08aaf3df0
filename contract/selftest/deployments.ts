// `npm run selftest:deployments` (entry cli/selftest-deployments.ts): the suite against the realistic policies of real deployments, modelled by the
// reference (reference/README.md): a lenient JSON parser, account lockout, a per-client rate limit, a jittery network.
// Each scenario states what a trustworthy suite must do there — stay green (no false alarm, no locked account), or
// still catch the defect it exists to catch — and the table shows what it did. Exit 1 when any scenario disagrees.
// Loopback only; every run is bounded by Playwright's timeouts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/index.ts';
import { writeFileAtomic } from '../../core/files.ts';
import { outputPaths } from '../../core/layout.ts';
import { UserError } from '../../core/errors.ts';
import { startReference } from '../../reference/launch.ts';
import type { RunningReference } from '../../reference/launch.ts';
import { failedTests } from './attribution.ts';
import type { JsonReport } from './attribution.ts';

interface Run {
  readonly exitCode: number;
  readonly passed: number;
  readonly failed: number;
  /** Clauses of the failures, and of the advisories, seen in the run. */
  readonly failedClauses: readonly string[];
  readonly advisoryClauses: readonly string[];
  readonly firstMessage: string;
  /** The run's whole output, for messages beyond the first line. */
  readonly log: string;
  readonly seconds: number;
}

interface Scenario {
  readonly name: string;
  readonly expectation: string;
  /** Runs the suite as the scenario needs and says whether the expectation held, with the figures. */
  run(contract: (env: Record<string, string>, args?: readonly string[]) => Run): Promise<{ ok: boolean; seen: string }>;
}

const summary = (r: Run): string =>
  `exit ${r.exitCode}, ${r.passed} passed, ${r.failed} failed${r.failedClauses.length ? ` [${r.failedClauses.join(', ')}]` : ''}${r.advisoryClauses.length ? `, advisories [${r.advisoryClauses.join(', ')}]` : ''} in ${r.seconds} s`;

const only = (r: Run, clause: string): boolean =>
  r.exitCode === 1 && r.failedClauses.length > 0 && r.failedClauses.every((c) => c === clause);

/** A reference that outlives single runs (lockout spans runs), with its 502 twin, stopped afterwards. */
async function persistentTarget(
  options: Parameters<typeof startReference>[0],
): Promise<{ env: Record<string, string>; stop(): Promise<void>; log: () => string }> {
  const lines: string[] = [];
  const main = await startReference({ ...options, loadAccounts: 1, onLog: (line) => lines.push(line) });
  let fault: RunningReference | undefined;
  try {
    fault = await startReference({ loadAccounts: 0, upstream: 'dead' });
  } catch (error) {
    await main.stop();
    throw error;
  }
  return {
    env: { AUTH_BASE_URL: main.baseUrl, AUTH_FAULT_BASE_URL: fault.baseUrl },
    log: () => lines.join('\n'),
    stop: async () => {
      await Promise.all([main.stop(), fault?.stop()]);
    },
  };
}

/** Whole-suite runs per jitter scenario: each a real run (one timing test, the other tests beside it). */
const jitterRuns = 20;

/** `count` whole-suite runs against one persistent target; how many met `expected`, and each run's timing finding. */
async function repeatedRuns(
  contract: (env: Record<string, string>) => Run,
  options: Parameters<typeof startReference>[0],
  expected: (r: Run) => boolean,
  count = jitterRuns,
): Promise<{ ok: boolean; seen: string }> {
  const target = await persistentTarget(options);
  try {
    const runs = Array.from({ length: count }, () => contract(target.env));
    const held = runs.filter(expected).length;
    const seconds = runs.map((r) => r.seconds).sort((a, b) => a - b);
    return {
      ok: held === count,
      seen: `${held} of ${count} as expected; exit codes ${runs.map((r) => r.exitCode).join('')}; run time median ${seconds[Math.floor(count / 2)]} s`,
    };
  } finally {
    await target.stop();
  }
}

const scenarios: readonly Scenario[] = [
  {
    name: 'healthy reference',
    expectation: 'passes',
    run: async (contract) => {
      const r = contract({});
      return { ok: r.exitCode === 0 && r.advisoryClauses.length === 0, seen: summary(r) };
    },
  },
  {
    name: 'lenient JSON (repeated key: last value wins)',
    expectation: 'passes; DUPLICATE-KEYS reported as an advisory',
    run: async (contract) => {
      const r = contract({ REFERENCE_JSON_DUPLICATES: 'last' });
      return { ok: r.exitCode === 0 && r.advisoryClauses.includes('DUPLICATE-KEYS'), seen: summary(r) };
    },
  },
  {
    name: 'lenient JSON, policy DUPLICATE-KEYS=gate',
    expectation: 'fails on DUPLICATE-KEYS only',
    run: async (contract) => {
      const r = contract({ REFERENCE_JSON_DUPLICATES: 'last', CONTRACT_POLICY: 'DUPLICATE-KEYS=gate' });
      return { ok: only(r, 'DUPLICATE-KEYS'), seen: summary(r) };
    },
  },
  {
    name: 'lockout after 5 failures for 15 min, three runs in a row',
    expectation: 'every run passes; no account is ever locked',
    run: async (contract) => {
      const target = await persistentTarget({ lockoutAfter: 5, lockoutSeconds: 900 });
      try {
        const runs = [1, 2, 3].map(() => contract(target.env));
        const locks = (target.log().match(/account locked/g) ?? []).length;
        return {
          ok: runs.every((r) => r.exitCode === 0) && locks === 0,
          seen: `${runs.map((r, i) => `run ${i + 1}: ${summary(r)}`).join('; ')}; accounts locked: ${locks}`,
        };
      } finally {
        await target.stop();
      }
    },
  },
  {
    name: 'lockout after 5, timing defect',
    expectation: 'fails on SEC-NO-ENUMERATION-TIMING only',
    run: async (contract) => {
      const r = contract({ REFERENCE_LOCKOUT_AFTER: '5', REFERENCE_DEFECT: 'enumeration-timing' });
      return { ok: only(r, 'SEC-NO-ENUMERATION-TIMING'), seen: summary(r) };
    },
  },
  {
    name: 'lockout after 5, 401 body defect',
    expectation: 'fails on SEC-NO-ENUMERATION-BODY only',
    run: async (contract) => {
      const r = contract({ REFERENCE_LOCKOUT_AFTER: '5', REFERENCE_DEFECT: 'enumeration-401-message' });
      return { ok: only(r, 'SEC-NO-ENUMERATION-BODY'), seen: summary(r) };
    },
  },
  {
    name: 'rate limit 10/s per client, CONTRACT_MAX_RPS=8',
    expectation: 'passes',
    run: async (contract) => {
      const r = contract({ REFERENCE_RATE_LIMIT: '10', CONTRACT_MAX_RPS: '8' });
      return { ok: r.exitCode === 0, seen: summary(r) };
    },
  },
  {
    name: 'rate limit 10/s per client, no cap',
    expectation: 'fails, reporting the 429 with the CONTRACT_MAX_RPS advice',
    run: async (contract) => {
      const r = contract({ REFERENCE_RATE_LIMIT: '10' });
      return {
        ok: r.exitCode === 1 && /429 Too Many Requests.*set CONTRACT_MAX_RPS/.test(r.log),
        seen: `${summary(r)}; ${/429 Too Many Requests[^\n]*/.exec(r.log)?.[0] ?? 'no 429 advice in the output'}`,
      };
    },
  },
  {
    name: `jitter 0–40 ms, whole suite x${jitterRuns}`,
    expectation: `${jitterRuns} of ${jitterRuns} pass`,
    run: async (contract) => repeatedRuns(contract, { jitterMs: 40 }, (r) => r.exitCode === 0),
  },
  {
    name: `jitter 0–40 ms, timing defect, whole suite x${jitterRuns}`,
    expectation: `${jitterRuns} of ${jitterRuns} fail on SEC-NO-ENUMERATION-TIMING only`,
    run: async (contract) =>
      repeatedRuns(contract, { jitterMs: 40, defect: 'enumeration-timing' }, (r) =>
        only(r, 'SEC-NO-ENUMERATION-TIMING'),
      ),
  },
];

function contractRunner(workDir: string): (env: Record<string, string>, args?: readonly string[]) => Run {
  let count = 0;
  return (env, args = []) => {
    const reportsDir = join(workDir, `run-${++count}`);
    mkdirSync(reportsDir, { recursive: true });
    const started = performance.now();
    const child = spawnSync('npx', ['playwright', 'test', '-c', 'contract/playwright.config.ts', ...args], {
      env: { ...process.env, ...env, REPORTS_DIR: reportsDir, CI: '' },
      encoding: 'utf8',
      timeout: 15 * 60_000,
    });
    const log = `${child.stdout}${child.stderr}`;
    writeFileSync(join(reportsDir, 'run.log'), log);
    let report: JsonReport = {};
    try {
      report = JSON.parse(readFileSync(outputPaths(reportsDir).contractResults, 'utf8')) as JsonReport;
    } catch {
      // No report: the run died before Playwright wrote one; the exit code and log say why.
    }
    const findings = failedTests(report);
    const failures = findings.filter((f) => !f.advisory);
    const clausesOf = (list: typeof findings): string[] => [...new Set(list.flatMap((f) => f.clauses))].sort();
    return {
      exitCode: child.status ?? 1,
      passed: report.stats?.expected ?? 0,
      failed: report.stats?.unexpected ?? 0,
      failedClauses: clausesOf(failures),
      advisoryClauses: clausesOf(findings.filter((f) => f.advisory)),
      firstMessage: failures[0]?.message ?? '',
      log,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  };
}

/** Runs the scenarios whose names contain one of `wanted` (all when empty); 0 when each held. */
export async function runDeployments(wanted: readonly string[]): Promise<number> {
  const chosen = wanted.length === 0 ? scenarios : scenarios.filter((s) => wanted.some((w) => s.name.includes(w)));
  if (chosen.length === 0) {
    throw new UserError(
      `no scenario matches ${wanted.join(' ')}: names are ${scenarios.map((s) => `"${s.name}"`).join(', ')}`,
    );
  }
  const workDir = mkdtempSync(join(tmpdir(), 'selftest-deployments-'));
  const contract = contractRunner(workDir);
  const rows: string[] = [];
  let failures = 0;
  for (const scenario of chosen) {
    console.log(`selftest:deployments: ${scenario.name} — expected: ${scenario.expectation}`);
    const { ok, seen } = await scenario.run(contract);
    if (!ok) failures += 1;
    console.log(`  ${ok ? 'OK  ' : 'FAIL'} ${seen}`);
    rows.push(
      `| ${scenario.name} | ${scenario.expectation} | ${ok ? 'ok' : '**NO**'} | ${seen.replace(/\|/g, '\\|')} |`,
    );
  }
  const table = ['| scenario | expected | held | observed |', '|---|---|---|---|', ...rows].join('\n');
  const out = join(outputPaths(loadConfig().reportsDir).selftest, 'deployments.md');
  writeFileAtomic(out, `# The suite on realistic deployments\n\n${table}\n`);
  // Kept when a scenario disagreed: each run's log and Playwright report are the evidence.
  if (failures === 0) rmSync(workDir, { recursive: true, force: true });
  else console.log(`selftest:deployments: runs kept in ${workDir}`);
  console.log(`selftest:deployments: ${chosen.length - failures} of ${chosen.length} scenarios as expected (${out})`);
  return failures === 0 ? 0 : 1;
}
