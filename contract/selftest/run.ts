// `npm run selftest`: the suite proves its power on the reference's defect catalog. For the healthy reference and for
// every defect, one `npm run contract` run (the reference started with REFERENCE_DEFECT=<name>, reports in their own
// directory); a defect is killed when a test fails with one of the clauses the defect declares. Any survivor, any
// failure on the healthy reference, or any run that errored fails the self-test.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig, repoRoot } from '../../config/index.ts';
import { UserError, runMain } from '../../cli/main.ts';
import { DEFECTS } from '../../reference/defects.ts';
import { failedTests } from './attribution.ts';
import type { FailedTest, JsonReport } from './attribution.ts';
import { renderHtml, renderMarkdown } from './render.ts';

export interface RunOutcome {
  readonly name: string;
  /** Declared clauses (empty for the healthy run). */
  readonly clauses: readonly string[];
  readonly description: string;
  readonly verdict: 'killed' | 'survived' | 'passed' | 'false-positive' | 'error';
  readonly killedBy: readonly FailedTest[];
  readonly otherFailures: readonly FailedTest[];
  readonly exitCode: number | string;
  readonly seconds: number;
  readonly note: string;
}

interface Options {
  readonly jobs: number;
  readonly only: readonly string[] | undefined;
  readonly timeoutMs: number;
}

function parseArgs(argv: readonly string[]): Options {
  let jobs = 3;
  let only: string[] | undefined;
  let timeoutMs = 240_000;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]?.includes('=')
      ? (argv[i]?.split('=', 2) as [string, string])
      : [argv[i] ?? '', undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UserError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--jobs') {
      jobs = Number(value());
      if (!Number.isInteger(jobs) || jobs < 1 || jobs > 8) throw new UserError('--jobs must be an integer from 1 to 8');
    } else if (flag === '--only') {
      only = value()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = only.filter((n) => n !== 'healthy' && !DEFECTS.some((d) => d.name === n));
      if (unknown.length > 0)
        throw new UserError(
          `--only: unknown defect(s) ${unknown.join(', ')} (see npm run reference -- --list-defects)`,
        );
    } else if (flag === '--timeout-s') {
      timeoutMs = Number(value()) * 1000;
      if (!(timeoutMs >= 10_000 && timeoutMs <= 900_000)) throw new UserError('--timeout-s must be between 10 and 900');
    } else {
      throw new UserError(`unknown flag ${flag}: use --jobs N, --only name[,name], --timeout-s S`);
    }
  }
  return { jobs, only, timeoutMs };
}

const playwrightCli = join(repoRoot, 'node_modules', '@playwright', 'test', 'cli.js');

/**
 * One contract run against the reference with `defect` (undefined = healthy), reports under `dir`. `bail` stops at
 * the first failing test (`--max-failures=1`), as mutation tools do once a mutant is killed.
 */
function runContract(
  defect: string | undefined,
  dir: string,
  timeoutMs: number,
  bail: boolean,
): Promise<{ exitCode: number | string; report: JsonReport | undefined; log: string }> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, REPORTS_DIR: dir, FORCE_COLOR: '0' };
  delete env.AUTH_BASE_URL;
  delete env.AUTH_FAULT_BASE_URL;
  if (defect === undefined) delete env.REFERENCE_DEFECT;
  else env.REFERENCE_DEFECT = defect;
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        playwrightCli,
        'test',
        '-c',
        'contract/playwright.config.ts',
        '--workers=1',
        ...(bail ? ['--max-failures=1'] : []),
      ],
      {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    let log = '';
    child.stdout.on('data', (c: Buffer) => (log += c.toString()));
    child.stderr.on('data', (c: Buffer) => (log += c.toString()));
    const timer = setTimeout(() => {
      log += `\nselftest: run exceeded ${timeoutMs / 1000} s, stopped`;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      writeFileSync(join(dir, 'run.log'), log);
      const file = join(dir, 'contract', 'results.json');
      const report = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as JsonReport) : undefined;
      resolve({ exitCode: code ?? signal ?? 'unknown', report, log });
    });
  });
}

async function evaluate(
  defect: (typeof DEFECTS)[number] | undefined,
  outDir: string,
  timeoutMs: number,
): Promise<RunOutcome> {
  const name = defect?.name ?? 'healthy';
  const started = performance.now();
  const dir = join(outDir, 'runs', name);
  // A defect is first run until its first failure; only if that failure speaks for another clause is the whole
  // suite run, to look for one that speaks for a declared clause. The healthy reference always gets the whole suite.
  let run = await runContract(defect?.name, dir, timeoutMs, defect !== undefined);
  if (defect !== undefined && run.report !== undefined) {
    const first = failedTests(run.report);
    if (!first.some((f) => f.clauses.some((c) => (defect.clauses as readonly string[]).includes(c)))) {
      run = await runContract(defect.name, dir, timeoutMs, false);
    }
  }
  const { exitCode, report, log } = run;
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const failures = report === undefined ? [] : failedTests(report);
  const base = {
    name,
    clauses: defect?.clauses ?? [],
    description: defect?.description ?? 'the reference as built',
    exitCode,
    seconds,
  };
  const lastLine = log.trim().split('\n').filter(Boolean).at(-1) ?? '';
  if (report === undefined) {
    return {
      ...base,
      verdict: 'error',
      killedBy: [],
      otherFailures: [],
      note: `no results.json (exit ${exitCode}): ${lastLine}`,
    };
  }
  if (defect === undefined) {
    const ok = exitCode === 0 && failures.length === 0;
    return {
      ...base,
      verdict: ok ? 'passed' : 'false-positive',
      killedBy: [],
      otherFailures: failures,
      note: ok ? '' : (failures[0]?.message ?? lastLine),
    };
  }
  const declared = new Set<string>(defect.clauses);
  const killedBy = failures.filter((f) => f.clauses.some((c) => declared.has(c)));
  const otherFailures = failures.filter((f) => !killedBy.includes(f));
  if (killedBy.length > 0 && exitCode !== 0) return { ...base, verdict: 'killed', killedBy, otherFailures, note: '' };
  if (failures.length === 0 && exitCode !== 0) {
    return {
      ...base,
      verdict: 'error',
      killedBy,
      otherFailures,
      note: `run failed without a failing test: ${lastLine}`,
    };
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

async function pool<T, R>(
  items: readonly T[],
  jobs: number,
  work: (item: T) => Promise<R>,
  onDone: (r: R) => void,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const r = await work(items[index] as T);
      results[index] = r;
      onDone(r);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}

function writeAtomically(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

runMain('selftest', async () => {
  const options = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  if (config.authBaseUrl !== undefined) {
    throw new UserError(
      'the self-test breaks the managed reference on purpose: unset AUTH_BASE_URL (and TARGET_ENV) to run it',
    );
  }
  // A partial run (--only) never overwrites the full mutation table that reports link to.
  const outDir = join(config.reportsDir, 'selftest', ...(options.only === undefined ? [] : ['partial']));
  mkdirSync(outDir, { recursive: true });
  const defects = DEFECTS.filter((d) => options.only === undefined || options.only.includes(d.name));
  const runHealthy = options.only === undefined || options.only.includes('healthy');
  const items: ((typeof DEFECTS)[number] | undefined)[] = [...(runHealthy ? [undefined] : []), ...defects];
  console.log(
    `selftest: ${defects.length} defects${runHealthy ? ' + the healthy reference' : ''}, ${options.jobs} at a time`,
  );
  const started = performance.now();
  const outcomes = await pool(
    items,
    options.jobs,
    (d) => evaluate(d, outDir, options.timeoutMs),
    (o) => {
      const by = o.killedBy[0]
        ? ` by ${o.killedBy[0].title} (failed on ${o.killedBy[0].clauses.join(', ')})`
        : o.note
          ? ` — ${o.note}`
          : '';
      console.log(`  ${o.verdict.padEnd(14)} ${o.name} [${o.clauses.join(', ')}] (${o.seconds} s)${by}`);
    },
  );
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
  writeAtomically(join(outDir, 'selftest.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeAtomically(join(outDir, 'selftest.md'), renderMarkdown(summary));
  writeAtomically(join(outDir, 'index.html'), renderHtml(summary));
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
});
