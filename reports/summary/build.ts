// What `npm run report:summary -- [--run DIR]...` does (entry: cli/report-summary.ts).
// Assembles the job summary (gate, contract JUnit counts, performance review headline, load summary) and the
// pull-request comment from the reports already built, into $REPORTS_DIR/summary/{job-summary.md, pr-comment.md}, and
// appends the job summary to $GITHUB_STEP_SUMMARY when set (GitHub Actions). --run: a load run folder, or a reports
// root whose latest run is meant; repeatable; default: the latest run under $REPORTS_DIR. A --run holding no run is
// shown as such in the summary.
import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCommandLine } from '../../core/args.ts';
import { writeFileAtomic } from '../../core/files.ts';
import { outputPaths, type OutputPaths } from '../../core/layout.ts';
import { jobSummary, prComment, resolveRun } from './summary.ts';

export const summaryUsage = 'usage: npm run report:summary -- [--run DIR]...';

export interface WrittenSummary {
  jobSummary: string;
  prComment: string;
  runDirs: string[];
}

/** `See the reports: <link to this workflow run>` on GitHub Actions, else nothing. */
export function ciRunFooter(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = env;
  if (!server || !repo || !run) return undefined;
  return `Full reports: the [workflow run's artifacts](${server}/${repo}/actions/runs/${run}).`;
}

export function writeSummary(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  paths: OutputPaths = outputPaths(),
): WrittenSummary {
  const { values } = parseCommandLine(
    argv,
    { options: { run: { type: 'string', multiple: true } } },
    { usage: summaryUsage },
  );
  // A --run without a run (the load step crashed, or its artifact is missing) is named in the summary, not an error:
  // the summary reports what happened.
  const runDirs = (values.run ?? []).map((arg) => resolveRun(resolve(arg)) ?? resolve(arg));
  const footer = ciRunFooter(env);
  const input = {
    paths,
    ...(runDirs.length > 0 ? { runDirs } : {}),
    ...(footer === undefined ? {} : { footer }),
  };
  const files = {
    jobSummary: join(paths.root, 'summary', 'job-summary.md'),
    prComment: join(paths.root, 'summary', 'pr-comment.md'),
  };
  const summary = jobSummary(input);
  writeFileAtomic(files.jobSummary, summary);
  writeFileAtomic(files.prComment, prComment(input));
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, summary);
  return { ...files, runDirs };
}
