// The self-test's per-project bail: inert outside the self-test and for the healthy project; after a failure with a
// declared clause the project's later tests are skipped; every failure of a defect project is recorded as expected.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestInfo } from '@playwright/test';
import { failedTests, failureClauses } from '../selftest/attribution.ts';
import type { JsonReport } from '../selftest/attribution.ts';
import { selftestMetaKey, stopAfterKill } from '../selftest/stop-after-kill.ts';
import type { SelftestProject } from '../selftest/stop-after-kill.ts';

class Skipped extends Error {}

/** Just enough of a TestInfo: the test body sets `status` and `errors` as Playwright would. */
function fakeInfo(project: SelftestProject | undefined, title: string) {
  const info = {
    title,
    status: 'passed' as string,
    errors: [] as { message?: string }[],
    annotations: [] as { type: string; description?: string }[],
    expectedFailure: false,
    project: { metadata: project === undefined ? {} : { [selftestMetaKey]: project } },
    skip(_condition: boolean, _reason: string): void {
      throw new Skipped();
    },
    fail(): void {
      info.expectedFailure = true;
    },
  };
  return info;
}

const run = async (
  info: ReturnType<typeof fakeInfo>,
  outcome: { status: string; message?: string } = { status: 'passed' },
): Promise<'ran' | 'skipped'> => {
  try {
    await stopAfterKill(info as unknown as TestInfo, () => {
      info.status = outcome.status;
      if (outcome.message !== undefined) info.errors.push({ message: outcome.message });
      return Promise.resolve();
    });
    return 'ran';
  } catch (error) {
    if (error instanceof Skipped) return 'skipped';
    throw error;
  }
};

test('a defect project: other-clause failures go on; a declared-clause failure kills; later tests are skipped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selftest-'));
  const project: SelftestProject = { name: 'd', declared: ['TOKEN-JWS'], killedMarker: join(dir, 'd') };
  const other = fakeInfo(project, '[S200-SCHEMA] a');
  assert.equal(await run(other, { status: 'failed', message: '[S200-SCHEMA] broken' }), 'ran');
  assert.equal(other.expectedFailure, true, 'recorded as expected, so Playwright keeps the worker');
  assert.equal(existsSync(project.killedMarker), false, 'another clause does not kill');
  assert.equal(await run(fakeInfo(project, '[TOKEN-JWS] b')), 'ran');
  assert.equal(existsSync(project.killedMarker), false, 'a pass does not kill');
  const killer = fakeInfo(project, '[TOKEN-JWS] c');
  assert.equal(await run(killer, { status: 'failed', message: '\u001b[31m[TOKEN-JWS] alg none\u001b[39m' }), 'ran');
  assert.equal(readFileSync(project.killedMarker, 'utf8'), '[TOKEN-JWS] c');
  assert.equal(await run(fakeInfo(project, '[METHODS] d')), 'skipped');
});

test('an advisory clause is killed by being reported: the passed test that recorded it stops the project', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selftest-'));
  const project: SelftestProject = { name: 'd', declared: ['DUPLICATE-KEYS'], killedMarker: join(dir, 'd') };
  const reporter = fakeInfo(project, '[DUPLICATE-KEYS] repeated');
  reporter.annotations.push({ type: 'advisory', description: '[S200-SCHEMA] unrelated' });
  assert.equal(await run(reporter), 'ran');
  assert.equal(existsSync(project.killedMarker), false, 'an advisory on another clause does not kill');
  reporter.annotations.push({ type: 'advisory', description: '[DUPLICATE-KEYS] statusIs400: expected 400, got 401' });
  assert.equal(await run(reporter), 'ran');
  assert.equal(reporter.expectedFailure, false, 'a passed test stays passed');
  assert.equal(readFileSync(project.killedMarker, 'utf8'), '[DUPLICATE-KEYS] repeated');
  const report: JsonReport = {
    suites: [
      {
        title: 's',
        specs: [
          {
            title: '[DUPLICATE-KEYS] repeated',
            tests: [{ projectName: 'd', results: [{ status: 'passed', annotations: reporter.annotations }] }],
          },
        ],
      },
    ],
  };
  const found = failedTests(report, 'd');
  assert.equal(found.length, 1);
  assert.equal(found[0]?.advisory, true);
  assert.deepEqual(found[0]?.clauses, ['S200-SCHEMA', 'DUPLICATE-KEYS']);
});

test('a timeout without a tagged message is charged to the title, as the attribution does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selftest-'));
  const project: SelftestProject = { name: 'd', declared: ['SESSION-UNIQUE'], killedMarker: join(dir, 'd') };
  await run(fakeInfo(project, '[SESSION-UNIQUE] fresh'), { status: 'timedOut', message: 'Test timeout exceeded.' });
  assert.equal(existsSync(project.killedMarker), true);
  assert.deepEqual(failureClauses(['Test timeout exceeded.'], '[SESSION-UNIQUE] fresh'), ['SESSION-UNIQUE']);
});

test('inert outside the self-test and for the healthy project: failures stay unexpected, nothing is skipped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selftest-'));
  for (const project of [undefined, { name: 'healthy', declared: [], killedMarker: join(dir, 'healthy') }]) {
    const info = fakeInfo(project, '[TOKEN-JWS] a');
    assert.equal(await run(info, { status: 'failed', message: '[TOKEN-JWS] x' }), 'ran');
    assert.equal(info.expectedFailure, false);
    assert.equal(existsSync(join(dir, 'healthy')), false);
  }
});

test('failedTests keeps one project when asked', () => {
  const report: JsonReport = {
    suites: [
      {
        title: 'f',
        specs: [
          {
            title: '[METHODS] x',
            tests: [
              { projectName: 'a', results: [{ status: 'failed', errors: [{ message: '[METHODS] a' }] }] },
              { projectName: 'b', results: [{ status: 'failed', errors: [{ message: '[METHODS] b' }] }] },
            ],
          },
        ],
      },
    ],
  };
  assert.deepEqual(
    failedTests(report, 'b').map((f) => f.message),
    ['[METHODS] b'],
  );
  assert.equal(failedTests(report).length, 2);
});
