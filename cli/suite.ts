// npm run suite -- [--profile NAME] [--skip-load]
// The main job: the contract suite, a load profile (smoke by default), every report and the release gate, then
// reports/output/index.html with the verdict on top. Each step is the same npm script a person or a workflow runs,
// so the suite proves nothing the parts do not. Exit code: the gate's (0 pass, 1 fail); 2 for bad usage.
import { spawn } from 'node:child_process';
import { relative } from 'node:path';
import { describeConfig, loadConfig, repoRoot } from '../config/index.ts';
import { newRunId } from '../load/lib/run-meta.ts';
import { parseCommandLine } from '../core/args.ts';
import { loadRunDir, outputPaths } from '../core/layout.ts';
import { runMain } from '../core/main.ts';

interface Step {
  readonly name: string;
  readonly args: readonly string[];
  /** A failing step the gate judges (contract, load) does not stop the suite: the gate reports it with evidence. */
  readonly judgedByGate: boolean;
}

interface StepResult {
  readonly name: string;
  readonly code: number;
  readonly seconds: number;
}

const usage = 'usage: npm run suite -- [--profile NAME] [--skip-load]';

function parseSuiteArgs(argv: readonly string[]): { profile: string; skipLoad: boolean } {
  const { values } = parseCommandLine(
    argv,
    { options: { profile: { type: 'string' }, 'skip-load': { type: 'boolean' } } },
    {
      usage,
      describe: (p) =>
        p.kind === 'missing-value' ? `--profile needs a name; ${usage}` : `unknown argument "${p.arg}"; ${usage}`,
    },
  );
  return { profile: values.profile ?? 'smoke', skipLoad: values['skip-load'] === true };
}

function suiteSteps(profile: string, runDir: string, runId: string, skipLoad: boolean): Step[] {
  const load: Step[] = skipLoad
    ? []
    : [
        {
          name: `load (${profile})`,
          args: ['run', 'load', '--', '--profile', profile, '--run-id', runId],
          judgedByGate: true,
        },
        { name: 'load report', args: ['run', 'report:load', '--', runDir], judgedByGate: false },
        { name: 'performance review', args: ['run', 'review', '--', '--run', runDir], judgedByGate: true },
      ];
  return [
    { name: 'contract', args: ['run', 'contract'], judgedByGate: true },
    ...load,
    {
      name: 'allure report',
      args: ['run', 'report:allure', ...(skipLoad ? ['--', '--no-load'] : ['--', '--run', runDir])],
      judgedByGate: false,
    },
    { name: 'gate', args: ['run', 'gate', ...(skipLoad ? [] : ['--', '--run', runDir])], judgedByGate: true },
    { name: 'index', args: ['run', 'report:index'], judgedByGate: false },
  ];
}

function runStep(step: Step): Promise<StepResult> {
  const started = Date.now();
  console.log(`\n▶ ${step.name}: npm ${step.args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn('npm', ['--silent', ...step.args], { cwd: repoRoot, stdio: 'inherit', env: process.env });
    child.on('error', () => resolve({ name: step.name, code: 127, seconds: (Date.now() - started) / 1000 }));
    child.on('close', (code, signal) =>
      resolve({ name: step.name, code: code ?? (signal ? 128 : 1), seconds: (Date.now() - started) / 1000 }),
    );
  });
}

runMain('suite', async () => {
  const { profile, skipLoad } = parseSuiteArgs(process.argv.slice(2));
  const config = loadConfig(); // a bad configuration stops here, once, before anything starts
  console.log('suite: configuration');
  for (const [name, value] of Object.entries(describeConfig(config))) console.log(`  ${name.padEnd(20)} ${value}`);

  const runId = newRunId(profile, new Date(), 'suite');
  const paths = outputPaths(config.reportsDir);
  const runDir = loadRunDir(runId, paths.root);
  const results: StepResult[] = [];
  let gateCode = 1;
  for (const step of suiteSteps(profile, runDir, runId, skipLoad)) {
    const result = await runStep(step);
    results.push(result);
    if (step.name === 'gate') gateCode = result.code === 0 ? 0 : 1;
    // Builders failing means reports would be missing or stale: stop rather than present a partial set as valid.
    if (result.code !== 0 && !step.judgedByGate) {
      console.error(`suite: step "${step.name}" failed (exit ${result.code}); reports are incomplete`);
      printResults(results);
      return 1;
    }
  }
  printResults(results);
  const index = relative(process.cwd(), paths.index);
  console.log(`\nsuite: verdict ${gateCode === 0 ? 'PASS' : 'FAIL'} — open ${index}`);
  return gateCode;
});

function printResults(results: readonly StepResult[]): void {
  console.log('\nsuite: steps');
  for (const r of results) {
    console.log(
      `  ${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.name.padEnd(22)} exit ${String(r.code).padEnd(3)} ${r.seconds.toFixed(1)} s`,
    );
  }
}
