// `npm run load -- --profile smoke [--engine auto|k6|node]`: one login load run (load/runner/run.ts), then the run's
// line in the load history (reports/review/history.ts). Exit 0 only when every SLO holds; bad input is one line and
// exit 2, before any load is sent.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandLine } from '../core/args.ts';
import { runMain, UserError } from '../core/main.ts';
import { isRunId } from '../load/lib/run-meta.ts';
import { firstLine, overrideVariables } from '../load/lib/profiles.ts';
import { runLoad, type LoadArgs } from '../load/runner/run.ts';
import { outputPaths } from '../core/layout.ts';

const usage = `usage: npm run load -- [--profile NAME] [--engine auto|k6|node] [--run-id ID] [--wrong-password-share P]

  --profile NAME              a profile of config/profiles.json (default smoke)
  --engine auto|k6|node       k6 binary, local engine, or k6 when on PATH (default auto, or K6_ENGINE)
  --run-id ID                 name of the run folder under reports/output/load/ (default: UTC time + profile)
  --wrong-password-share P    share of logins sent with a wrong password on purpose, expected 401 (default 0)

Target: AUTH_BASE_URL + LOAD_ACCOUNTS_FILE, or unset to start the reference service on loopback.
Non-loopback hosts are refused unless ALLOW_REMOTE_LOAD names them. Reshape a profile with:
${Object.entries(overrideVariables)
  .map(([name, what]) => `  ${name.padEnd(26)}  ${what}`)
  .join('\n')}
  LOAD_PROFILES_FILE / LOAD_SLO_FILE  other profile / SLO files (default config/profiles.json, config/slo.json)`;

export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv): LoadArgs & { help: boolean } {
  const { values: v } = parseCommandLine(
    argv,
    {
      options: {
        profile: { type: 'string' },
        engine: { type: 'string' },
        'run-id': { type: 'string' },
        'wrong-password-share': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    {
      usage: '(see npm run load -- --help)',
      describe: (p, see) =>
        p.kind === 'unknown'
          ? `Unknown option '${p.arg}' ${see}`
          : p.kind === 'missing-value'
            ? `Option '${p.arg} <value>' argument missing ${see}`
            : undefined,
    },
  );
  const engine = v.engine ?? (env.K6_ENGINE?.trim() || 'auto');
  if (engine !== 'auto' && engine !== 'k6' && engine !== 'node') {
    throw new UserError(`--engine "${engine}" is not one of auto, k6, node`);
  }
  const runId = v['run-id'];
  if (runId !== undefined && !isRunId(runId)) {
    throw new UserError(`--run-id "${runId}" must be letters, digits, '.', '_' or '-' (a folder name)`);
  }
  return {
    profile: v.profile ?? 'smoke',
    engine,
    runId,
    wrongPasswordShare: v['wrong-password-share'],
    help: v.help === true,
  };
}

/** The whole command; bad input throws a UserError or ConfigError (one line) before any load. */
export async function runLoadCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = parseCliArgs(argv, env);
  if (args.help) {
    console.log(usage);
    return 0;
  }
  return runLoad(args, env, { onComplete: recordHistory });
}

/** One line per completed run in $REPORTS_DIR/history/load.jsonl: the performance review's baseline and trend. */
async function recordHistory(runDir: string, reportsDir: string): Promise<void> {
  try {
    const { appendHistory, recordFromRun } = await import('../reports/review/history.ts');
    appendHistory(await recordFromRun(runDir), outputPaths(reportsDir).loadHistory);
  } catch (error) {
    console.error(`load: warning: the run was not added to the load history: ${firstLine(error)}`);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runMain('load', () => runLoadCli(process.argv.slice(2), process.env));
}
