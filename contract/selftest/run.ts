// The contract self-test (`npm run selftest`, entry cli/selftest.ts): the suite proves its power on the reference's defect catalog. One multiplexing reference
// (reference/multiplex.ts) serves the healthy service and every defect side by side under its own base-URL prefix;
// Playwright runs the contract specs with one project per target (contract/selftest/playwright.config.ts), in two
// phases: (1) the healthy control, whole suite, alone; then each defect on the tests titled with its declared clauses;
// (2) the whole suite, in its usual order, on every defect phase 1 did not kill. A defect is killed when a test fails
// with one of the clauses the defect declares (its project then skips the rest); the healthy project must pass every
// test and the coverage gate. Any survivor, any failure on the healthy reference, or any target whose tests did not
// run fails the self-test.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig, repoRoot } from '../../config/index.ts';
import { writeFileAtomic } from '../../core/files.ts';
import { outputPaths } from '../../core/layout.ts';
import { UserError } from '../../core/errors.ts';
import { DEFECTS } from '../../reference/defects.ts';
import {
  faultBaseUrl,
  HEALTHY,
  PROBE_ACCOUNT,
  startMultiplexReference,
  targetBaseUrl,
} from '../../reference/multiplex.ts';
import { evaluateCoverage } from '../support/contract-reporter.ts';
import { targetEnv } from '../support/target-env.ts';
import { loadSpec } from '../validator/spec.ts';
import { ResponseValidator } from '../validator/validator.ts';
import { failedTests } from './attribution.ts';
import type { JsonReport, JsonSuite } from './attribution.ts';
import { selftestEnv } from './env.ts';
import type { RunOutcome } from './outcome.ts';
import { renderHtml, renderMarkdown } from './render.ts';

export interface SelftestOptions {
  readonly jobs: number;
  readonly only: readonly string[] | undefined;
  readonly timeoutMs: number;
}

/** The flags as given (cli/selftest.ts parses them), checked; a bad value is a one-line UserError. */
export function selftestOptions(raw: {
  jobs?: string | undefined;
  only?: string | undefined;
  timeoutS?: string | undefined;
}): SelftestOptions {
  // Three targets at a time: on the two shared cores as fast as two or faster (a worker waits on the reference's
  // argon2 work part of the time), four was slower.
  const jobs = Number(raw.jobs ?? 3);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 8) throw new UserError('--jobs must be an integer from 1 to 8');
  let only: string[] | undefined;
  if (raw.only !== undefined) {
    only = raw.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = only.filter((n) => n !== HEALTHY && !DEFECTS.some((d) => d.name === n));
    if (unknown.length > 0)
      throw new UserError(`--only: unknown defect(s) ${unknown.join(', ')} (see npm run reference -- --list-defects)`);
  }
  const timeoutMs = Number(raw.timeoutS ?? 900) * 1000;
  if (!(timeoutMs >= 10_000 && timeoutMs <= 1_800_000)) throw new UserError('--timeout-s must be between 10 and 1800');
  return { jobs, only, timeoutMs };
}

const playwrightCli = join(repoRoot, 'node_modules', '@playwright', 'test', 'cli.js');

/** The one Playwright run over every target's project; its console output goes to ours and to run.log. */
function runPlaywright(
  env: NodeJS.ProcessEnv,
  runDir: string,
  timeoutMs: number,
): Promise<{ exitCode: number | string; lastLine: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [playwrightCli, 'test', '-c', 'contract/selftest/playwright.config.ts'], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const log = createWriteStream(join(runDir, 'run.log'));
    let lastLine = '';
    const relay = (chunk: Buffer): void => {
      log.write(chunk);
      const text = chunk.toString();
      process.stdout.write(text);
      lastLine = text.trim().split('\n').filter(Boolean).at(-1) ?? lastLine;
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    const timer = setTimeout(() => {
      log.write(`\nselftest: run exceeded ${timeoutMs / 1000} s, stopped\n`);
      lastLine = `run exceeded ${timeoutMs / 1000} s, stopped`;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      log.end(() => resolve({ exitCode: code ?? signal ?? 'unknown', lastLine }));
    });
  });
}

interface ProjectResults {
  /** Last result status of each of the project's tests ('not run' when it has none). */
  readonly statuses: readonly string[];
  readonly seconds: number;
  readonly coverage: Map<string, number>;
}

/** Per project: test statuses, test time, and the documented responses its tests validated. */
function byProject(report: JsonReport): Map<string, ProjectResults> {
  const out = new Map<string, { statuses: string[]; ms: number; coverage: Map<string, number> }>();
  const visit = (suite: JsonSuite): void => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        const project = t.projectName ?? '';
        const entry = out.get(project) ?? { statuses: [], ms: 0, coverage: new Map<string, number>() };
        out.set(project, entry);
        const last = t.results.at(-1);
        entry.statuses.push(last?.status ?? 'not run');
        for (const r of t.results) entry.ms += r.duration ?? 0;
        const annotations = [...(t.annotations ?? []), ...t.results.flatMap((r) => r.annotations ?? [])];
        const keys = new Set(
          annotations
            .filter((a) => a.type === 'contract-coverage' && a.description !== undefined)
            .map((a) => {
              const c = JSON.parse(a.description!) as { operationId: string; status: string; mediaType: string };
              return `${c.operationId} ${c.status} ${c.mediaType}`;
            }),
        );
        for (const key of keys) entry.coverage.set(key, (entry.coverage.get(key) ?? 0) + 1);
      }
    }
    for (const child of suite.suites ?? []) visit(child);
  };
  for (const suite of report.suites ?? []) visit(suite);
  return new Map(
    [...out].map(([k, v]) => [k, { statuses: v.statuses, seconds: Math.round(v.ms / 100) / 10, coverage: v.coverage }]),
  );
}

interface Phase {
  readonly report: JsonReport | undefined;
  readonly exitCode: number | string;
  readonly lastLine: string;
}

function judge(defect: (typeof DEFECTS)[number] | undefined, phase: Phase): RunOutcome {
  const { report, exitCode, lastLine } = phase;
  const name = defect?.name ?? HEALTHY;
  const project = report === undefined ? undefined : byProject(report).get(name);
  const base = {
    name,
    clauses: defect?.clauses ?? [],
    description: defect?.description ?? 'the reference as built',
    exitCode,
    seconds: project?.seconds ?? 0,
  };
  if (report === undefined || project === undefined) {
    const why = report === undefined ? `no results.json (exit ${exitCode})` : 'no test of this target in the run';
    return { ...base, verdict: 'error', killedBy: [], otherFailures: [], note: `${why}: ${lastLine}` };
  }
  const failures = failedTests(report, name);
  const notRun = project.statuses.filter((s) => s === 'not run' || s === 'interrupted').length;
  if (defect === undefined) {
    const skipped = project.statuses.filter((s) => s === 'skipped').length;
    const spec = loadSpec(undefined, { checkedSha256: process.env[targetEnv.specChecked] });
    const gate = evaluateCoverage(
      new ResponseValidator(spec).documentedResponses(),
      project.coverage,
      loadConfig().contractWaivers,
      true,
    ).gate;
    if (failures.length > 0) {
      return {
        ...base,
        verdict: 'false-positive',
        killedBy: [],
        otherFailures: failures,
        note: failures[0]?.message ?? '',
      };
    }
    if (notRun > 0 || skipped > 0) {
      const note = `${notRun} test(s) did not run and ${skipped} were skipped: ${lastLine}`;
      return { ...base, verdict: 'error', killedBy: [], otherFailures: [], note };
    }
    if (!gate.passed) {
      const note = `coverage gate failed: ${gate.note}`;
      return { ...base, verdict: 'false-positive', killedBy: [], otherFailures: [], note };
    }
    return { ...base, verdict: 'passed', killedBy: [], otherFailures: [], note: '' };
  }
  const declared = new Set<string>(defect.clauses);
  const killedBy = failures.filter((f) => f.clauses.some((c) => declared.has(c)));
  const otherFailures = failures.filter((f) => !killedBy.includes(f));
  if (killedBy.length > 0) return { ...base, verdict: 'killed', killedBy, otherFailures, note: '' };
  if (notRun > 0) {
    const healthyFailed =
      byProject(report)
        .get(HEALTHY)
        ?.statuses.some((st) => st !== 'passed') === true;
    const note = healthyFailed
      ? `${notRun} test(s) did not run: the healthy reference failed first`
      : `${notRun} test(s) did not run: ${lastLine}`;
    return { ...base, verdict: 'error', killedBy, otherFailures, note };
  }
  const seen = [...new Set(failures.flatMap((f) => f.clauses))].join(', ');
  return {
    ...base,
    verdict: 'survived',
    killedBy,
    otherFailures,
    note: failures.length > 0 ? `failed only on other clauses: ${seen}` : 'every test passed',
  };
}

/** The whole self-test; 0 when every defect is killed by its declared clause and the healthy reference passes. */
export async function runSelftest(options: SelftestOptions): Promise<number> {
  const config = loadConfig();
  if (config.authBaseUrl !== undefined) {
    throw new UserError(
      'the self-test breaks the managed reference on purpose: unset AUTH_BASE_URL (and TARGET_ENV) to run it',
    );
  }
  let specSha256: string;
  try {
    specSha256 = loadSpec().sha256;
  } catch (error) {
    throw new UserError((error as Error).message.split('\n')[0] ?? String(error));
  }
  // A partial run (--only) never overwrites the full mutation table that reports link to.
  const outDir = join(outputPaths(config.reportsDir).selftest, ...(options.only === undefined ? [] : ['partial']));
  const runDir = join(outDir, 'run');
  const killedDir = join(runDir, 'killed');
  rmSync(runDir, { recursive: true, force: true });
  rmSync(join(outDir, 'runs'), { recursive: true, force: true }); // the one-run-per-defect layout of earlier versions
  mkdirSync(killedDir, { recursive: true });
  const defects = DEFECTS.filter((d) => options.only === undefined || options.only.includes(d.name));
  const runHealthy = options.only === undefined || options.only.includes(HEALTHY);
  const items: ((typeof DEFECTS)[number] | undefined)[] = [...(runHealthy ? [undefined] : []), ...defects];
  console.log(
    `selftest: ${defects.length} defects${runHealthy ? ' + the healthy reference' : ''}, ${options.jobs} targets at a time`,
  );
  const started = performance.now();

  const referenceLog = createWriteStream(join(runDir, 'reference.log'));
  let reference;
  try {
    // As the contract's own global setup: OWASP hashing, one load account (the contract uses the main account).
    reference = await startMultiplexReference({ loadAccounts: 1, onLog: (line) => referenceLog.write(`${line}\n`) });
  } catch (error) {
    referenceLog.end();
    throw new UserError(`cannot start the multiplexing reference: ${(error as Error).message.split('\n')[0]}`);
  }
  const startSeconds = Math.round((performance.now() - started) / 100) / 10;
  console.log(`selftest: multiplexing reference at ${reference.origin} (started in ${startSeconds} s)`);
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    FORCE_COLOR: '0',
    [selftestEnv.origin]: reference.origin,
    [selftestEnv.killedDir]: killedDir,
    [selftestEnv.workers]: String(options.jobs),
    // The reachability setup checks the healthy target and its dead-upstream twin.
    [targetEnv.baseUrl]: targetBaseUrl(reference.origin, HEALTHY),
    [targetEnv.faultBaseUrl]: faultBaseUrl(reference.origin, HEALTHY),
    [targetEnv.managed]: 'true',
    [targetEnv.specChecked]: specSha256,
  };
  for (const name of ['AUTH_BASE_URL', 'AUTH_FAULT_BASE_URL', 'REFERENCE_DEFECT']) delete baseEnv[name];
  // The reference's probe account takes the failed logins (the target is always the reference, so any PROBE_* of the
  // caller's environment would name an account it does not have). Its password has a character whose NFC and NFD
  // forms differ, so [PASSWORD-VERBATIM] tries another normalisation, and the account guard's probe path is exercised.
  baseEnv.PROBE_IDENTIFIER = PROBE_ACCOUNT.identifier;
  baseEnv.PROBE_PASSWORD = PROBE_ACCOUNT.password;
  process.env[targetEnv.specChecked] = specSha256;
  const deadline = started + options.timeoutMs;
  const phase = async (label: 'targeted' | 'full', names: readonly string[]): Promise<Phase> => {
    const dir = join(runDir, label);
    mkdirSync(dir, { recursive: true });
    const resultsFile = join(dir, 'results.json');
    const env: NodeJS.ProcessEnv = {
      ...baseEnv,
      REPORTS_DIR: dir,
      [selftestEnv.targets]: names.join(','),
      [selftestEnv.targeted]: label === 'targeted' ? '1' : '0',
      [selftestEnv.resultsFile]: resultsFile,
    };
    console.log(`selftest: ${label} phase — ${names.length} target(s)`);
    const phaseStarted = performance.now();
    const run = await runPlaywright(env, dir, Math.max(10_000, deadline - performance.now()));
    const report = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as JsonReport) : undefined;
    console.log(`selftest: ${label} phase done in ${Math.round((performance.now() - phaseStarted) / 100) / 10} s`);
    return { ...run, report };
  };
  let targeted: Phase;
  let full: Phase | undefined;
  let rerun: (typeof DEFECTS)[number][] = [];
  try {
    // Phase 1: the healthy control (whole suite), then each defect on the tests titled with its declared clauses.
    targeted = await phase(
      'targeted',
      items.map((d) => d?.name ?? HEALTHY),
    );
    // Phase 2: the whole suite, in its own order, on every defect phase 1 did not kill (unless the control failed).
    const healthyFailed = runHealthy && judge(undefined, targeted).verdict !== 'passed';
    rerun = healthyFailed ? [] : defects.filter((d) => !existsSync(join(killedDir, d.name)));
    if (rerun.length > 0)
      full = await phase(
        'full',
        rerun.map((d) => d.name),
      );
  } finally {
    await reference.stop();
    referenceLog.end();
  }
  const outcomes = items.map((d) => {
    if (d === undefined || full === undefined || !rerun.includes(d)) return judge(d, targeted);
    const both = judge(d, full);
    return { ...both, seconds: Math.round((both.seconds + judge(d, targeted).seconds) * 10) / 10 };
  });
  for (const o of outcomes) {
    const by = o.killedBy[0]
      ? ` by ${o.killedBy[0].title} (${o.killedBy[0].advisory ? 'reported as advisory' : 'failed'} on ${o.killedBy[0].clauses.join(', ')})`
      : o.note
        ? ` — ${o.note}`
        : '';
    console.log(`  ${o.verdict.padEnd(14)} ${o.name} [${o.clauses.join(', ')}] (${o.seconds} s)${by}`);
  }
  const wallSeconds = Math.round((performance.now() - started) / 100) / 10;
  const mutants = outcomes.filter((o) => o.clauses.length > 0);
  const killed = mutants.filter((o) => o.verdict === 'killed').length;
  const falsePositives = outcomes.filter((o) => o.verdict === 'false-positive').length;
  const errors = outcomes.filter((o) => o.verdict === 'error').length;
  const summary = {
    generatedAt: new Date().toISOString(),
    wallSeconds,
    jobs: options.jobs,
    defects: mutants.length,
    killed,
    survived: mutants.filter((o) => o.verdict === 'survived').length,
    falsePositives,
    errors,
    mutationScore: mutants.length === 0 ? null : Math.round((killed / mutants.length) * 1000) / 10,
    healthy: outcomes.find((o) => o.name === 'healthy')?.verdict ?? 'not run',
    outcomes,
  };
  writeFileAtomic(join(outDir, 'selftest.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileAtomic(join(outDir, 'selftest.md'), renderMarkdown(summary));
  writeFileAtomic(join(outDir, 'index.html'), renderHtml(summary));
  console.log(
    `selftest: ${mutants.length} defects, ${killed} killed, ${summary.survived} survived, ${falsePositives} false positives, ${errors} errors — mutation score ${summary.mutationScore ?? '-'}% — healthy reference: ${summary.healthy} — wall ${wallSeconds} s`,
  );
  console.log(`selftest: table in ${join(outDir, 'selftest.md')} and ${join(outDir, 'index.html')}`);
  const ok = killed === mutants.length && falsePositives === 0 && errors === 0;
  if (!ok)
    console.log(
      'selftest: FAILED — every defect must be killed by its declared clause and the healthy reference must pass',
    );
  return ok ? 0 : 1;
}
