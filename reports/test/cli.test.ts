// The report CLIs on bad input: one line naming the problem, exit 2, nothing half-written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeRun, tempPaths } from './helpers.ts';

function run(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', './cli/ts-register.js', script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GITHUB_STEP_SUMMARY: '', ...env },
  });
  return { status: r.status, stderr: r.stderr };
}

function oneLine(r: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

test('report:load: unknown flag, missing folder, malformed summary', () => {
  const paths = tempPaths('cli-');
  oneLine(run('reports/load-report/build.ts', ['--bogus']), /unknown option --bogus/);
  oneLine(run('reports/load-report/build.ts', [join(paths.root, 'nope')]), /nope does not exist/);
  const dir = makeRun(paths, 'broken');
  writeFileSync(join(dir, 'summary.json'), '{"metrics":');
  oneLine(run('reports/load-report/build.ts', [dir]), /summary\.json is not valid JSON/);
});

test('review: missing run, missing tolerances file, malformed tolerances', () => {
  const paths = tempPaths('cli-');
  const dir = makeRun(paths, 'r');
  oneLine(run('reports/review/build.ts', ['--run', join(paths.root, 'nope')]), /--run .*nope does not exist/);
  oneLine(
    run('reports/review/build.ts', ['--run', dir, '--tolerances', join(paths.root, 't.json')]),
    /--tolerances .*t\.json does not exist/,
  );
  writeFileSync(join(paths.root, 't.json'), '{"p50": 3}');
  oneLine(
    run('reports/review/build.ts', ['--run', dir, '--tolerances', join(paths.root, 't.json')], {
      REPORTS_DIR: paths.root,
    }),
    /"p50" must be an object/,
  );
});

test('gate: a missing --run folder is bad usage, not a verdict', () => {
  const paths = tempPaths('cli-');
  oneLine(
    run('reports/gate/gate.ts', ['--run', join(paths.root, 'no-such-run')], { REPORTS_DIR: paths.root }),
    /no-such-run does not exist/,
  );
});

test('an unwritable reports folder is one line, not a stack trace', () => {
  const paths = tempPaths('cli-');
  const file = join(paths.root, 'a-file');
  writeFileSync(file, '');
  oneLine(run('reports/gate/gate.ts', [], { REPORTS_DIR: join(file, 'sub') }), /cannot use .*a-file/);
});
