// The report CLIs on bad input: one line naming the problem, exit 2, nothing half-written. Argument and input
// checks run in-process; a few real processes (in parallel: each boots ts-node) prove the exit code and the output.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseGateArgs as gateArgs } from '../gate/gate.ts';
import { buildLoadReport, parseArgs as loadArgs } from '../load-report/build.ts';
import { parseArgs as reviewArgs } from '../review/build.ts';
import { loadTolerances } from '../review/compare.ts';
import { makeRun, tempPaths } from './helpers.ts';

function run(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', './cli/ts-register.js', script, ...args], {
      env: { ...process.env, GITHUB_STEP_SUMMARY: '', ...env },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

function oneLine(r: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

test('argument errors name the argument and the usage', () => {
  const { root } = tempPaths('cli-');
  assert.throws(() => loadArgs(['--bogus']), /unknown option --bogus; usage: npm run report:load/);
  assert.throws(() => loadArgs(['--out']), /--out needs a file path/);
  assert.throws(() => reviewArgs(['--run', join(root, 'nope')]), /--run .*nope does not exist/);
  assert.throws(() => reviewArgs(['--tolerances', join(root, 't.json')]), /--tolerances .*t\.json does not exist/);
  assert.throws(() => reviewArgs(['--baseline']), /--baseline needs a value/);
  assert.throws(() => gateArgs(['--run', join(root, 'no-such-run')]), /--run .*no-such-run does not exist/);
  assert.throws(() => gateArgs(['--frobnicate']), /unexpected argument "--frobnicate"/);
  assert.deepEqual(gateArgs(['--baseline', 'auto', '--require-baseline']), { baseline: 'auto', requireBaseline: true });
});

test('bad input files are one clear error and leave no report behind', async () => {
  const paths = tempPaths('cli-');
  await assert.rejects(buildLoadReport([join(paths.root, 'nope')]), /nope does not exist/);
  const dir = makeRun(paths, 'broken');
  writeFileSync(join(dir, 'summary.json'), '{"metrics":');
  await assert.rejects(buildLoadReport([dir]), /summary\.json is not valid JSON/);
  assert.equal(existsSync(join(dir, 'report.html')), false);
  writeFileSync(join(paths.root, 't.json'), '{"p50": 3}');
  assert.throws(() => loadTolerances(join(paths.root, 't.json')), /"p50" must be an object/);
});

test('as processes: exit 2 with one line for bad usage, bad input and an unusable reports folder', async () => {
  const paths = tempPaths('cli-');
  const file = join(paths.root, 'a-file');
  writeFileSync(file, '');
  const [flag, noRun, missing, unwritable] = await Promise.all([
    run('cli/report-load.ts', ['--bogus']),
    run('cli/report-load.ts', [], { REPORTS_DIR: paths.root }),
    run('cli/review.ts', ['--run', join(paths.root, 'nope')]),
    run('cli/gate.ts', [], { REPORTS_DIR: join(file, 'sub') }),
  ]);
  oneLine(flag, /unknown option --bogus/);
  // The folder it looked in is the one REPORTS_DIR names, not the default.
  oneLine(
    noRun,
    new RegExp(`no load run found under ${join(paths.root, 'load').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `),
  );
  oneLine(missing, /nope does not exist/);
  oneLine(unwritable, /cannot use .*a-file/);
});
