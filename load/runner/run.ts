// The load command's run (`npm run load`, entry cli/load.ts): plans the run from the profile and SLO files, starts
// the reference when AUTH_BASE_URL is unset (it writes the load accounts), checks the target is ready, runs
// load/scenarios/login.ts through `npm run k6` (real k6 when installed, else the local engine), prints the engine and
// the SLO table, writes meta.json, and returns 0 only when every SLO holds. Bad input is a UserError (one line, exit 2)
// thrown before any load is sent. Node code: the k6 side of load/ is scenarios/ and lib/.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { delimiter, join, resolve } from 'node:path';
import type { SuiteConfig } from '../../config/index.ts';
import { loadConfig, repoRoot } from '../../config/index.ts';
import type { ProxySettings } from '../../config/proxy.ts';
import { send, transportHint } from '../../contract/support/http.ts';
import { UserError } from '../../core/errors.ts';
import { readTextFile, writeFileAtomic } from '../../core/files.ts';
import { createLoadRunDir, metricsFileName } from '../../core/layout.ts';
import type { Target, TargetOptions } from '../../core/target.ts';
import { parseAccounts } from '../lib/accounts.ts';
import { readinessHint, readinessProblem } from '../lib/login-checks.ts';
import type { Profile } from '../lib/profiles.ts';
import {
  applyOverrides,
  firstLine,
  overrideVariables,
  parseProfiles,
  readOverrides,
  scheduleDurationMs,
  scheduledIterations,
  selectProfile,
} from '../lib/profiles.ts';
import type { Objective } from '../lib/slo.ts';
import { objectivesFor, parseSlo } from '../lib/slo.ts';
import { newRunId, runMetaJson, type RunMeta } from '../lib/run-meta.ts';
import type { ThresholdRow } from '../lib/summary.ts';
import { thresholdRows } from '../lib/summary.ts';
import { parseSummaryData, type SummaryData } from '../lib/summary-data.ts';
import { assertLoadAllowed, parseTargetUrl } from '../lib/target-guard.ts';
import { loginUrl } from '../lib/url.ts';

export const scenarioPath = 'load/scenarios/login.ts';
export type Engine = 'k6' | 'node';

/** The command line, parsed (cli/load.ts). */
export interface LoadArgs {
  readonly profile: string;
  readonly engine: 'auto' | Engine;
  readonly runId: string | undefined;
  readonly wrongPasswordShare: string | undefined;
}

export interface LoadHooks {
  /** Called once a run completed (its summary.json exists), before the verdict is printed: e.g. the load history. */
  readonly onComplete?: (runDir: string, reportsDir: string) => Promise<void>;
}

/** `auto` means real k6 when a `k6` executable is on PATH, else the local engine; `k6` demands the binary. */
export function resolveEngine(choice: LoadArgs['engine'], env: NodeJS.ProcessEnv): Engine {
  if (choice === 'node') return 'node';
  const onPath = (env.PATH ?? '').split(delimiter).some((dir) => {
    if (dir === '') return false;
    try {
      accessSync(join(dir, 'k6'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (choice === 'k6' && !onPath) {
    throw new UserError('--engine k6 but no k6 binary is on PATH: install k6, or use --engine node (or auto)');
  }
  return onPath ? 'k6' : 'node';
}

interface Plan {
  profile: Profile;
  objectives: Objective[];
  profilesFile: string;
  sloFile: string;
  env: NodeJS.ProcessEnv;
}

/** Everything decided before any process starts: a bad profile, SLO file or override fails here, one line. */
export function planRun(args: LoadArgs, env: NodeJS.ProcessEnv): Plan {
  const profilesFile = resolve(repoRoot, env.LOAD_PROFILES_FILE?.trim() || 'config/profiles.json');
  const sloFile = resolve(repoRoot, env.LOAD_SLO_FILE?.trim() || 'config/slo.json');
  const runEnv = { ...env };
  if (args.wrongPasswordShare !== undefined) runEnv.LOAD_WRONG_PASSWORD_SHARE = args.wrongPasswordShare;
  const profiles = parseProfiles(readTextFile(profilesFile, 'profiles file'), `profiles file ${profilesFile}`);
  const profile = applyOverrides(selectProfile(profiles, args.profile), readOverrides(runEnv));
  const slo = parseSlo(readTextFile(sloFile, 'SLO file'), `SLO file ${sloFile}`);
  return { profile, objectives: objectivesFor(slo, profile), profilesFile, sloFile, env: runEnv };
}

/**
 * The script's readiness rule, checked before a run folder exists: a dead or non-JSON target is one line and exit 2,
 * not an aborted run (the script's setup() keeps the same gate for plain k6 runs). Sent like k6 sends: the proxy from
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY (k6's rules), Node's roots plus NODE_EXTRA_CA_CERTS.
 */
export async function probeReadiness(baseUrl: string, attempts = 3, proxy?: ProxySettings): Promise<void> {
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const { response } = await send({
        method: 'POST',
        url: loginUrl(baseUrl),
        headers: { 'content-type': 'application/json' },
        body: '{}',
        timeoutMs: 5_000,
        ...(proxy === undefined ? {} : { proxy }),
      });
      const problem = readinessProblem(response.status, response.headers['content-type'] ?? '', '');
      if (problem === undefined) return;
      last = problem;
    } catch (error) {
      last = readinessProblem(0, '', (error as NodeJS.ErrnoException).code ?? firstLine(error)) ?? '';
    }
    if (attempt < attempts) await delay(1_000);
  }
  const hint = transportHint(last);
  throw new UserError(`target ${baseUrl} is not ready: ${readinessHint}, got ${last}${hint ? `; ${hint}` : ''}`);
}

function gitCommit(env: NodeJS.ProcessEnv): string {
  if (env.GITHUB_SHA) return env.GITHUB_SHA;
  const out = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  return out.status === 0 ? out.stdout.trim() : 'unknown';
}

/** The -e variables the script reads (k6 also sees the process env, but explicit is what real k6 in CI gets too). */
function scriptEnv(plan: Plan, baseUrl: string, accountsFile: string, runId: string, runDir: string, allow: string) {
  const vars: Record<string, string> = {
    AUTH_BASE_URL: baseUrl,
    LOAD_ACCOUNTS_FILE: accountsFile,
    LOAD_PROFILE: plan.profile.name,
    LOAD_PROFILES_FILE: plan.profilesFile,
    LOAD_SLO_FILE: plan.sloFile,
    LOAD_RUN_ID: runId,
    LOAD_OUTPUT_DIR: runDir,
  };
  if (allow !== '') vars.ALLOW_REMOTE_LOAD = allow;
  for (const name of Object.keys(overrideVariables)) {
    const value = plan.env[name]?.trim();
    if (value) vars[name] = value;
  }
  return vars;
}

function engineEnv(engine: Engine, runDir: string, profile: Profile, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, K6_ENGINE: engine, K6_NO_USAGE_REPORT: 'true' };
  if (engine === 'k6') {
    // The dashboard's HTML export is the one report only real k6 gives; no listening port (-1), loopback anyway.
    const periodS = Math.min(10, Math.max(1, Math.floor(scheduleDurationMs(profile) / 1000 / 30)));
    Object.assign(out, {
      K6_WEB_DASHBOARD: 'true',
      K6_WEB_DASHBOARD_HOST: '127.0.0.1',
      K6_WEB_DASHBOARD_PORT: '-1',
      K6_WEB_DASHBOARD_PERIOD: `${periodS}s`,
      K6_WEB_DASHBOARD_EXPORT: join(runDir, 'dashboard.html'),
    });
  }
  return out;
}

function runEngine(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('npm', ['run', '--silent', 'k6', '--', ...args], { cwd: repoRoot, env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolvePromise(code ?? (signal === null ? 1 : 128 + 9)));
  });
}

export function formatSloTable(rows: readonly ThresholdRow[]): string {
  const header = ['result', 'threshold', 'observed', 'SLO'];
  const body = rows.map((r) => [
    r.ok ? 'pass' : 'FAIL',
    `${r.metric} ${r.expression}`,
    r.observed + (r.empty ? ' (no samples)' : ''),
    r.description,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** The whole run; bad input throws a UserError or ConfigError (one line) before any load. */
export async function runLoad(args: LoadArgs, env: NodeJS.ProcessEnv, hooks: LoadHooks = {}): Promise<number> {
  const plan = planRun(args, env);
  const { profile } = plan;
  const config = loadConfig(env);
  const engine = resolveEngine(args.engine, env);

  let target: Target | undefined;
  let scratch: string | undefined;
  const cleanup = async () => {
    await target?.stop();
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // Loaded only once the input is known good: bad input never pays for (or depends on) the reference's imports.
    const startTarget = async (c: SuiteConfig, o?: TargetOptions): Promise<Target> => {
      const [{ startTarget: start }, { startReference }] = await Promise.all([
        import('../../core/target.ts'),
        import('../../reference/launch.ts'),
      ]);
      return start(c, startReference, o);
    };
    let accountsFile: string;
    if (config.authBaseUrl !== undefined) {
      assertLoadAllowed(parseTargetUrl(config.authBaseUrl), config.allowRemoteLoad);
      if (config.loadAccountsFile === undefined) {
        throw new UserError(
          'LOAD_ACCOUNTS_FILE is required with AUTH_BASE_URL: a JSON array of {identifier, password}',
        );
      }
      accountsFile = config.loadAccountsFile;
      parseAccounts(readTextFile(accountsFile, 'LOAD_ACCOUNTS_FILE'), accountsFile, profile.maxVUs);
      target = await startTarget(config);
    } else {
      // Load passwords live in a private temp folder, never under reports/output.
      scratch = mkdtempSync(join(tmpdir(), 'login-load-'));
      accountsFile = join(scratch, 'accounts.json');
      target = await startTarget(config, { accountsOut: accountsFile, loadAccounts: Math.max(profile.maxVUs, 1) });
      parseAccounts(readTextFile(accountsFile, 'LOAD_ACCOUNTS_FILE'), accountsFile, profile.maxVUs);
    }

    await probeReadiness(target.baseUrl, 3, config.proxy);
    const startedAt = new Date();
    const runId = args.runId ?? newRunId(profile.name, startedAt);
    const runDir = createLoadRunDir(runId, config.reportsDir);
    const vars = scriptEnv(plan, target.baseUrl, accountsFile, runId, runDir, config.allowRemoteLoad.join(','));
    console.log(
      `load: profile ${profile.name} (${scheduledIterations(profile)} logins scheduled over ${Math.round(scheduleDurationMs(profile) / 1000)} s, ` +
        `maxVUs ${profile.maxVUs}) → ${target.baseUrl}${target.managed ? ' (reference started for this run)' : ''}`,
    );
    console.log(`load: engine ${engine === 'k6' ? 'k6 (binary on PATH)' : 'node (local k6-compatible engine)'}`);
    const engineArgs = [
      'run',
      '--out',
      `json=${join(runDir, metricsFileName)}`,
      ...Object.entries(vars).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      scenarioPath,
    ];
    const exitCode = await runEngine(engineArgs, engineEnv(engine, runDir, profile, plan.env));
    const endedAt = new Date();

    const summaryPath = join(runDir, 'summary.json');
    const summary = existsSync(summaryPath)
      ? parseSummaryData(JSON.parse(readFileSync(summaryPath, 'utf8')), summaryPath)
      : undefined;
    const rows = summary === undefined ? [] : thresholdRows(summary, plan.objectives);
    const code = verdictCode(exitCode, summary, rows);
    writeMeta(runDir, {
      runId,
      profile: profile.name,
      engine,
      target: target.baseUrl,
      managedTarget: target.managed,
      commit: gitCommit(env),
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      exitCode: code,
      engineExitCode: exitCode,
      complete: summary !== undefined,
      // Exactly what the script declared (after env overrides), so reports judge the run by its own thresholds.
      objectives: plan.objectives,
      schedule: {
        startRate: profile.startRate,
        timeUnit: profile.timeUnit,
        stages: profile.stages,
        preAllocatedVUs: profile.preAllocatedVUs,
        maxVUs: profile.maxVUs,
        scheduledIterations: scheduledIterations(profile),
        durationMs: scheduleDurationMs(profile),
      },
    });
    if (summary !== undefined) await hooks.onComplete?.(runDir, config.reportsDir);
    report(engine, runDir, rows, exitCode, code, summary !== undefined);
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

/** The run's exit code: the engine's, except a "passing" run without a summary or with a failed threshold. */
export function verdictCode(
  engineExit: number,
  summary: SummaryData | undefined,
  rows: readonly ThresholdRow[],
): number {
  if (engineExit !== 0) return engineExit;
  if (summary === undefined) return 1;
  return rows.length > 0 && rows.every((r) => r.ok) ? 0 : 99;
}

function report(
  engine: Engine,
  runDir: string,
  rows: ThresholdRow[],
  engineExit: number,
  code: number,
  complete: boolean,
) {
  console.log('');
  console.log(`engine: ${engine}    run folder: ${runDir}`);
  if (rows.length > 0) console.log(formatSloTable(rows));
  console.log('');
  const failed = rows.filter((r) => !r.ok);
  if (code === 0) {
    console.log(`load: PASS: all ${rows.length} SLOs hold`);
    return;
  }
  for (const r of failed) {
    console.error(`load: SLO breached: ${r.metric} ${r.expression} (observed ${r.observed})`);
  }
  if (!complete) {
    console.error(
      `load: the run did not complete (engine exit ${engineExit}): see the error above; no summary was written`,
    );
  } else if (engineExit === 108) {
    console.error('load: the run was aborted (exit 108): see the reason above');
  } else if (failed.length === 0) {
    console.error(`load: FAIL (engine exit ${engineExit})`);
  }
}

/** Atomic: a crash never leaves a half-written meta.json that looks valid. */
function writeMeta(runDir: string, meta: RunMeta): void {
  writeFileAtomic(join(runDir, 'meta.json'), runMetaJson(meta));
}
